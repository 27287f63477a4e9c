"""A probe on every call of a TF1 RNN cell object (child process only): the raw data of the HTML picture.

An RNN's structure (layers x time steps, and which weight set each box uses) is not visible in variable
names: a cell object may be called once per time step (``static_rnn``, a hand-written loop), once for all
of them (the loop body of ``dynamic_rnn``), several times in one step (``MultiRNNCell([cell] * 3)``), and
a reused scope may give two calls one weight set. So the probe records each call as it happens: the cell
object, the graph, the ops the call created (``graph.version``, the number of ops in the graph, before and
after: ``get_operations()`` lists ops in creation order), the call it is nested in (a ``MultiRNNCell`` calls
its layers, a wrapper its cell), and the tensors it received and returned.
:mod:`pylint_rnn.verify.picture_graph` reads the variables each range of ops reads. Recording never changes
what the call computes.

TF1 cells live in tf-keras (``legacy_cells``); ``RNNCell.__call__`` is overridden by ``LayerRNNCell``, the
wrappers and, in older user code, by custom cells, so every class of the hierarchy that defines its own
``__call__`` is wrapped, including classes the target defines later (through ``__init_subclass__``).
"""
from __future__ import annotations

from pylint_rnn.verify.probes_graph import flat_tensors

PROBE_MARK = "_pylint_rnn_picture_probe"  # set on the wrappers this probe installs (never wrap one twice)
MAX_CALLS = 20000  # a static_rnn over thousands of steps: keep memory bounded, the picture collapses anyway


class CellCallProbe:
    """Wraps the ``__call__`` of every TF1 RNN cell class; appends one record per call to ``rec.graph.cell_ops``."""

    def __init__(self, rec, graph_probes):
        self.rec = rec
        self.graph_probes = graph_probes  # says whether an RNN function is running
        self._open = []  # records of the calls under way, innermost last

    def install(self):
        """Wrap the cell classes that exist now and those defined later; False when tf-keras is missing."""
        try:
            from tf_keras.src.layers.rnn import legacy_cells
        except Exception:  # tf-keras missing: no TF1 cells to watch
            return False
        base = legacy_cells.RNNCell
        pending = [base]
        while pending:
            cls = pending.pop()
            self.wrap_class(cls)
            pending.extend(cls.__subclasses__())
        self._watch_subclasses(base)
        return True

    def _watch_subclasses(self, base):
        previous = base.__dict__.get("__init_subclass__")
        probe = self

        def __init_subclass__(cls, **kwargs):
            if previous is not None:
                previous.__func__(cls, **kwargs)
            else:  # the next __init_subclass__ up the chain, as super() would find it
                parent = next(k for k in base.__mro__[1:] if "__init_subclass__" in vars(k))
                if parent is not object:
                    vars(parent)["__init_subclass__"].__func__(cls, **kwargs)
            probe.wrap_class(cls)

        base.__init_subclass__ = classmethod(__init_subclass__)

    def wrap_class(self, cls):
        """Wrap ``cls.__call__`` if the class defines its own (inherited ones are wrapped on their class)."""
        own = cls.__dict__.get("__call__")
        if own is None or getattr(own, PROBE_MARK, False):
            return
        wrapped = self._wrap(own)
        setattr(wrapped, PROBE_MARK, True)
        cls.__call__ = wrapped

    def _wrap(self, orig):
        probe = self

        def __call__(cell, inputs, state, *args, **kwargs):
            record = probe.open_call(cell, inputs, state)
            if record is None:
                return orig(cell, inputs, state, *args, **kwargs)
            try:
                out = orig(cell, inputs, state, *args, **kwargs)
            except BaseException:
                record["failed"] = True
                raise
            finally:
                probe.close_call(record)
            probe.note_result(record, out)
            return out

        return __call__

    def open_call(self, cell, inputs, state):
        """A new record for a graph-mode call, or None (eager call, a super().__call__ of the same call,
        or too many calls recorded)."""
        tf = self.rec.tf
        try:
            if tf.executing_eagerly() or len(self.rec.graph.cell_ops) >= MAX_CALLS:
                return None
            graph = tf.compat.v1.get_default_graph()
            if self._open and self._open[-1]["cell"] is cell:
                return None
            parent = self._open[-1]["index"] if self._open and self._open[-1]["graph"] is graph else None
            record = {
                "index": len(self.rec.graph.cell_ops), "cell": cell, "graph": graph, "start": graph.version,
                "end": None, "parent": parent,
                "in_rnn": self.graph_probes.in_rnn > 0, "inputs": _flat(tf, inputs), "state_in": _flat(tf, state),
                "outputs": [], "state_out": [], "failed": False, "site": self.rec.user_site(),
            }
        except Exception as exc:  # a probe must never break the target
            self.rec.status.notes.append(f"cell probe: {exc!r}")
            return None
        self.rec.graph.cell_ops.append(record)
        self._open.append(record)
        return record

    def close_call(self, record):
        """The call ended (returned or raised): its ops are those created up to now."""
        record["end"] = record["graph"].version
        if self._open and self._open[-1] is record:
            self._open.pop()

    def note_result(self, record, out):
        """Keep the output and the new state the call returned (a cell returns ``(output, new_state)``)."""
        try:
            if isinstance(out, (tuple, list)) and len(out) == 2:
                record["outputs"] = _flat(self.rec.tf, out[0])
                record["state_out"] = _flat(self.rec.tf, out[1])
        except Exception as exc:
            self.rec.status.notes.append(f"cell probe: {exc!r}")


def _flat(tf, value):
    """The graph tensors in a (possibly nested) value."""
    return [t for t in flat_tensors(tf, value) if hasattr(t, "op") and hasattr(t, "graph")]
