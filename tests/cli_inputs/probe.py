"""Input for the CLI tests: the probe plugin flags each probe_*() call."""
from probes import probe_error, probe_note, probe_warning

probe_warning()
x = probe_error(1, 2)
probe_note()
