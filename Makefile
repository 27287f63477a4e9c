# Two commands for a fresh machine: `make demo` and `make test`. Each builds .venv itself.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# The legacy TF1 cells (tf.nn.rnn_cell.*) live in tf-keras; TensorFlow uses them only with this set.
export TF_USE_LEGACY_KERAS := 1
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: demo test bench clean update-functional docs lint

$(STAMP): setup.py pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,runtime]'
	touch $(STAMP)

# The main job on the seed scenarios (the questions as their askers wrote them, and the fixes their answers
# give): lint them, show the fixes, confirm one at run time and draw one as an HTML picture. Findings are the
# point of the demo, so their exit status (non-zero by design) does not fail it.
demo: $(STAMP)
	@echo "== static: pylint --load-plugins=pylint_rnn fixtures/seeds (with the opt-in rnn-time-axis-reduction) =="
	@$(VENV)/bin/pylint --load-plugins=pylint_rnn --disable=all --enable=rnn,rnn-time-axis-reduction \
		--score=n --msg-template='{path}:{line}: {symbol}: {msg}' fixtures/seeds || true
	@echo
	@echo "== fixes: pylint-rnn lint --diff --unsafe-fixes fixtures/seeds (writes nothing) =="
	@$(VENV)/bin/pylint-rnn lint --diff --unsafe-fixes --quiet fixtures/seeds || true
	@echo
	@echo "== runtime: pylint-rnn-verify confirms seed 000 by building its graph with TensorFlow =="
	@$(VENV)/bin/pylint-rnn-verify fixtures/runtime/seed000_roundtrip_buggy.py || true
	@echo
	@echo "== picture: layers x time steps of seed 002, as asked =="
	@mkdir -p build/demo
	@$(VENV)/bin/pylint-rnn-verify fixtures/runtime/seed002_layers_as_timesteps_buggy.py --static \
		--format html --output build/demo/seed002.html >/dev/null || true
	@echo "open build/demo/seed002.html"

test: $(STAMP)
	$(PY) -m pytest -q

# After a message text changes: rewrite the pinned outputs (fixtures/**.txt, docs/messages/*/bad.txt)
# from the current output (markers still decide which messages count); then `make docs` for the pages.
update-functional: $(STAMP)
	$(PY) tests/test_functional.py --update-functional-output

# Render docs/messages/<symbol>.md from rules.py and docs/messages/<symbol>/.
docs: $(STAMP)
	$(PY) -m pylint_rnn.rule_docs --write

# pylint on the package itself, with the project's configuration (pyproject.toml); also run by `make test`.
lint: $(STAMP)
	$(VENV)/bin/pylint pylint_rnn

# The plugin's cost on RNN user code (generated scripts + fixtures) against pylint's parse-only floor.
# `make bench CORPUS=path` also measures every .py file under path; `VERIFY=1` times the verifier too.
bench: $(STAMP)
	$(PY) benchmarks/run.py $(if $(CORPUS),--corpus "$(CORPUS)") $(if $(VERIFY),--verify) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
