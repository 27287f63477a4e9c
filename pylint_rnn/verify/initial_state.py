"""rnn-untrained-initial-state at run time: an RNN's initial state held in a variable that never learns.

Child process only. Two forms, both proved by the recorded graph:

- *copied* (seed 003): the RNN starts from variables that get no gradient, and trainable variables that get
  no gradient either are only assigned (``tf.assign``) into them -- reported at the RNN call;
- *frozen*: the RNN starts from a non-trainable variable that nothing ever assigns, feeds or loads, so it
  keeps its initial value forever -- reported where the variable is created, the line the pylint plugin
  reports for a learned state made ``trainable=False``.
"""
from __future__ import annotations

from typing import Dict, Set

from pylint_rnn.verify.recorder import (ASSIGN_OPS, COPY_OPS, READ_OPS, VAR_OPS, Recorder, closure_variables,
                                        graph_op, underlying_variable)


def check(rec: Recorder, status: Dict[int, bool]) -> None:
    """Both forms, for every recorded RNN call that was given an initial state (and the frozen form for the
    Keras layers whose initial state the graph -- a tf.function's or TF1's -- shows)."""
    _check_keras(rec, status)
    infos = rec.records_by_id()
    written = _WrittenVariables(rec)
    for call in rec.graph.rnn_calls:
        if not call["init"]:
            continue
        state_vars = closure_variables(rec, call["init"], call["graph"], copy_only=True)
        starving = [v for v in state_vars if not status.get(id(v), False)]
        if not starving:
            continue
        if not _copied(rec, call, starving, status):
            for var in starving:
                info = infos.get(id(var))
                if info is not None and not info["trainable"] and not written.ever(var, call["graph"]):
                    _report_frozen(rec, call, info)


def _copied(rec: Recorder, call, starving, status) -> bool:
    """The seed-003 form; -> whether it was found."""
    infos = rec.records_by_id()
    sources, lines = _assigned_from(rec, call["graph"], {id(v) for v in starving}, status)
    if not sources:
        return False
    state_names = [infos[id(v)]["name"] for v in starving if id(v) in infos]
    src_names = [infos[id(v)]["name"] for v in sources]
    rec.add_finding(
        "rnn-untrained-initial-state",
        f"The initial state of this {call['api']} comes from variable(s) {', '.join(state_names)} that receive no "
        f"gradient; trainable variable(s) {', '.join(src_names)} are only assigned into them (line(s) "
        f"{', '.join(str(x) for x in lines)}), and an assign has no gradient, so the 'trainable' initial state is "
        f"never trained. Feed the trainable variables to the RNN as its initial state (and train them), instead "
        f"of copying them.",
        call["site"], True,
        {"state_variables": state_names, "assigned_from": src_names, "assign_lines": lines})
    return True


def _assigned_from(rec: Recorder, graph, targets: Set[int], status) -> tuple:
    """(trainable variables without a gradient that assignment ops copy into ``targets``, the lines of those
    assignments)."""
    infos = rec.records_by_id()
    sources, lines = [], set()
    for op in graph.get_operations():
        if op.type not in ASSIGN_OPS or len(op.inputs) < 2:
            continue
        if not any(id(v) in targets for v in closure_variables(rec, [op.inputs[0]], graph, copy_only=True)):
            continue
        for src in closure_variables(rec, [op.inputs[1]], graph, copy_only=True):
            info = infos.get(id(src))
            if info and info["trainable"] and id(src) not in targets and not status.get(id(src), False):
                if src not in sources:
                    sources.append(src)
                site = rec.op_site(op)
                if site:
                    lines.add(site[1])
    return sources, sorted(lines)


def _report_frozen(rec: Recorder, call, info) -> None:
    line = call["site"][1] if call["site"] else "?"
    rec.add_finding(
        "rnn-untrained-initial-state",
        f"Variable '{info['name']}' is the initial state of the {call['api']} at line {line}, but it is not "
        f"trainable and nothing assigns, feeds or loads it: the RNN always starts from its initial value, so "
        f"this initial state never learns. Create it trainable (shape [1, units], tiled to the batch) and pass "
        f"it as initial_state, or use the RNN's zero state if a constant is meant.",
        info["site"], True, {"variable": info["name"], "rnn_line": call["site"][1] if call["site"] else None,
                             "trainable": False, "written": False})


class _WrittenVariables:
    """Which variables the target ever changes: assignment ops in the graph (not the variable's own
    initializer), assignments made from Python, feeds and ``Variable.load``."""

    def __init__(self, rec: Recorder):
        self.rec = rec
        self._assigned: Dict[int, Set[str]] = {}
        self._fed: Set[str] = set()
        for run in rec.train.runs:
            self._fed.update(tensor.op.name for tensor, _ in run["feeds"])

    def ever(self, var, graph) -> bool:
        """Is the variable ever assigned, fed or loaded?"""
        if id(var) in self.rec.graph.assigned:
            return True
        if var.op.name in self._assigned_in(graph):
            return True
        initializer = getattr(var, "initializer", None)
        loaded = [t.op.name for t in getattr(initializer, "inputs", [])[1:]]  # Variable.load feeds these
        return var.op.name in self._fed or any(name in self._fed for name in loaded) \
            or any(self._reads(name, var) for name in self._fed)

    def _reads(self, op_name: str, var) -> bool:
        """A fed tensor that is a read of the variable (feeding it overrides the value)."""
        try:
            op = var.graph.get_operation_by_name(op_name)
        except (KeyError, ValueError):
            return False
        for _ in range(3):
            if op is var.op:
                return True
            if op.type not in READ_OPS or not op.inputs:
                return False
            op = op.inputs[0].op
        return False

    def _assigned_in(self, graph) -> Set[str]:
        """Names of the variable ops of one graph that an assignment op writes."""
        if id(graph) not in self._assigned:
            names = set()
            initializers = {getattr(getattr(info["var"], "initializer", None), "name", None)
                            for info in self.rec.graph.variables if info["graph"] is graph}
            for op in graph.get_operations():
                if op.type not in ASSIGN_OPS or not op.inputs:
                    continue
                target = op.inputs[0].op
                while target.type not in VAR_OPS and target.type in READ_OPS and target.inputs:
                    target = target.inputs[0].op
                if target.type in VAR_OPS and op.name not in initializers:
                    names.add(target.name)
            self._assigned[id(graph)] = names
        return self._assigned[id(graph)]


# ---------------------------------------------------------------------------------------- Keras layers
def _check_keras(rec: Recorder, status: Dict[int, bool]) -> None:
    """A Keras recurrent layer started from a non-trainable variable nothing assigns: the frozen form.

    The variable is found when it is passed itself, or when the call was traced (``fit``, ``tf.function``,
    TF1): the initial-state tensor copies a variable read, whose handle the traced function captured."""
    infos = rec.records_by_id()
    for entry in list(rec.keras.layer_calls.values()):
        for tensors in entry["initial_states"]:
            for var in variables_behind(rec, tensors):
                info = infos.get(id(var))
                if bool(getattr(var, "trainable", True)) or id(var) in rec.graph.assigned \
                        or status.get(id(var), False) or info is None:
                    continue
                rec.add_finding(
                    "rnn-untrained-initial-state",
                    f"Variable '{info['name']}' is the initial state of Keras layer '{entry['layer'].name}', but it "
                    f"is not trainable and nothing assigns it: the layer always starts from its initial value, so "
                    f"this initial state never learns. Make the weight trainable (shape [1, units], tiled to the "
                    f"batch), or leave initial_state out if a zero state is meant.",
                    info["site"], True, {"variable": info["name"], "layer": entry["layer"].name,
                                         "trainable": False, "written": False})


def variables_behind(rec: Recorder, tensors) -> list:
    """The variables the initial-state tensors are (or copy, through reads, tiles, reshapes ...)."""
    known = {id(underlying_variable(v)): underlying_variable(v) for o in rec.train.objectives for v in o["vars"]}
    known.update({id(info["var"]): info["var"] for info in rec.graph.variables})
    found = []
    handles = {id(getattr(v, "handle", None)): v for v in known.values() if getattr(v, "handle", None) is not None}
    for tensor in tensors:
        var = known.get(id(underlying_variable(tensor)))
        if var is None and graph_op(tensor) is not None:
            var = _copied_variable(tensor, handles)
        if var is not None and all(var is not f for f in found):
            found.append(var)
    return found


def _copied_variable(tensor, handles: Dict[int, object]):
    """The variable whose read a graph tensor copies; a tf.function's captured handle is followed outside."""
    frontier = [tensor.op]
    for _ in range(8):
        reads = [op for op in frontier if op.type == "ReadVariableOp" and op.inputs]
        for read in reads:
            handle = read.inputs[0]
            captured = dict((id(inner), outer) for outer, inner in getattr(handle.graph, "captures", []))
            outer = captured.get(id(handle))
            if outer is not None and id(outer) in handles:
                return handles[id(outer)]
        # a tile, reshape or cast copies its first input; a stack or concatenation copies them all
        frontier = [t.op for op in frontier if op.type in COPY_OPS
                    for t in (op.inputs if op.type in ("Pack", "ConcatV2") else op.inputs[:1])]
        if not frontier:
            return None
    return None
