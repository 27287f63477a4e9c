"""Turns what the probes recorded into findings: gradients, round trips, sharing, stacks vs time steps.

Child process only. Each check reads the recorder and adds its findings to it; the initial-state checks
live in :mod:`pylint_rnn.verify.initial_state`, the manual unrolls in :mod:`pylint_rnn.verify.timesteps`,
Keras models in :mod:`pylint_rnn.verify.keras_checks`, the structure table in
:mod:`pylint_rnn.verify.structure`.
"""
from __future__ import annotations

from typing import Dict, List

from pylint_rnn.verify.probes_graph import layers_of
from pylint_rnn.verify.recorder import COPY_OPS, Recorder, closure_variables, graph_op, underlying_variable


def gradient_status(objectives) -> Dict[int, bool]:
    """id(var) -> whether one of the objectives gives it a gradient, for every variable they train."""
    status: Dict[int, bool] = {}
    for objective in objectives:
        for var in objective["vars"]:
            status[id(var)] = status.get(id(var), False) or objective["has_grad"].get(id(var), False)
    return status


def keras_owners(rec: Recorder) -> Dict[int, tuple]:
    """id(tf.Variable) -> (the Keras layer that owns it, the user's line that built that layer).

    The innermost owner wins (a cell rather than the LSTM layer around it)."""
    owners: Dict[int, tuple] = {}
    for layer, site in list(rec.keras.layer_sites.values()):
        try:
            weights = list(layer.weights)
        except Exception:  # a layer that cannot list its weights yet (not built): it owns none
            continue
        for weight in weights:
            key = id(underlying_variable(weight))
            if key not in owners or len(weights) < owners[key][2]:
                owners[key] = (layer, site, len(weights))
    return {key: value[:2] for key, value in owners.items()}


def add_objective_from_loss(rec: Recorder, loss) -> None:
    """A factory returned a loss and built no optimizer: ask tf.gradients about every trainable variable."""
    tf = rec.tf
    graph = loss.graph
    with graph.as_default():
        tvars = [r["var"] for r in rec.graph.variables if r["graph"] is graph and r["trainable"]]
        collection = graph.get_collection(tf.compat.v1.GraphKeys.TRAINABLE_VARIABLES)
        tvars = [v for v in tvars if v in collection] or tvars
        if not tvars:
            return
        from tensorflow.python.ops import gradients_impl

        grads = gradients_impl.gradients(loss, tvars)
    pairs = list(zip(grads, tvars))
    rec.train.objectives.append({"loss": loss, "vars": tvars, "site": None, "optimizer": None, "train_ops": [],
                           "kind": "factory-loss", "grad_ops": [],
                           "has_grad": {id(v): g is not None for g, v in pairs}})


def run_all(rec: Recorder) -> None:
    """Every check on the recorded graphs and objectives; findings go to the recorder."""
    from pylint_rnn.verify import initial_state, timesteps

    status = gradient_status(rec.train.objectives)
    check_no_gradient(rec, status)
    check_roundtrip(rec)
    initial_state.check(rec, status)
    timesteps.check(rec)
    check_not_shared(rec)
    check_layers_as_timesteps(rec)


def check_no_gradient(rec: Recorder, status: Dict[int, bool]) -> None:
    """rnn-no-gradient: a trainable variable an objective trains but that gets no gradient from it.

    The variables come from the objectives themselves: a variable created inside a tf.function trace is
    made by TensorFlow's own creator, which the creation probe does not see."""
    owners = keras_owners(rec) if rec.keras.layer_sites else {}
    infos = rec.records_by_id()
    candidates = {id(v): v for o in rec.train.objectives for v in o["vars"]}
    for key, var in candidates.items():
        info = infos.get(key) or {"name": getattr(var, "name", "?"), "site": None,
                                  "trainable": bool(getattr(var, "trainable", True)),
                                  "shape": tuple(getattr(var, "shape", None) or ())}
        if not info["trainable"] or status.get(key, True):
            continue
        trained_at = sorted({str(o["site"][1]) for o in rec.train.objectives if key in o["has_grad"] and o["site"]})
        layer, site = owners.get(key, (None, info["site"]))
        owner = f" (layer '{layer.name}')" if layer is not None else ""
        rec.add_finding(
            "rnn-no-gradient",
            f"Trainable variable '{info['name']}'{owner} has no gradient path to the loss being trained"
            + (f" (trained at line {', '.join(trained_at)})" if trained_at else "")
            + ": the optimizer never updates it. Connect it to the loss, or create it with trainable=False.",
            site or info["site"], True,
            {"variable": info["name"], "shape": list(info["shape"] or []),
             "losses": sum(1 for o in rec.train.objectives if key in o["has_grad"]),
             "layer": getattr(layer, "name", None)})


# ---------------------------------------------------------------------------------------- round trips
def same_rnn(first: dict, second: dict) -> bool:
    """One RNN: the same call, or calls that share all their weights (a training and a sampling copy)."""
    if first is second:
        return True
    mine, theirs = {id(v) for v in first["variables"]}, {id(v) for v in second["variables"]}
    return bool(mine) and mine == theirs


def fed_initial_states(rec: Recorder, placeholder) -> List[dict]:
    """The RNN calls whose initial state is the placeholder (possibly through copy ops)."""
    calls = []
    for call in rec.graph.rnn_calls:
        for tensor in call["init"]:
            op = graph_op(tensor)
            for _ in range(4):
                if op is None:
                    break
                if op is placeholder.op:
                    calls.append(call)
                    break
                if op.type not in COPY_OPS or not op.inputs:
                    break
                op = op.inputs[0].op
    return calls


def is_carried_state(rec: Recorder, fetched, placeholder) -> bool:
    """Truncated back-propagation: an RNN's own final state fed back into its own initial state."""
    producers = [call for call in rec.graph.rnn_calls if any(t is fetched for t in call["final"])]
    consumers = fed_initial_states(rec, placeholder)
    return any(same_rnn(p, c) for p in producers for c in consumers)


def check_roundtrip(rec: Recorder) -> None:
    """rnn-placeholder-roundtrip: a fetched value fed back into a training run through a placeholder."""
    for run in rec.train.runs:
        if not run["objectives"]:
            continue
        trained = gradient_status(run["objectives"])
        for key, value in run["feeds"]:
            if key.op.type not in ("Placeholder", "PlaceholderWithDefault"):
                continue
            source = _match_fetch(rec, run, value)
            if source is None or is_carried_state(rec, source[0], key):
                continue
            _report_roundtrip(rec, run, (key, source), trained)


def _report_roundtrip(rec: Recorder, run, fed, trained) -> None:
    """One placeholder of a training run (``fed``: it, and the (tensor, run) its value was fetched from)."""
    key, (fetched, fetch_run) = fed
    infos = rec.records_by_id()
    starving = [v for v in closure_variables(rec, [fetched], run["graph"])
                if id(v) in infos and infos[id(v)]["trainable"] and id(v) in trained and not trained[id(v)]]
    if not starving:
        return
    names = [infos[id(v)]["name"] for v in starving]
    fetch_line = fetch_run["site"][1] if fetch_run["site"] else None
    into = fed_initial_states(rec, key)
    what = f" (the initial state of R{into[0]['index'] + 1})" if into else ""
    rec.add_finding(
        "rnn-placeholder-roundtrip",
        f"The value fed to placeholder '{key.op.name}'{what} was fetched by an earlier Session.run "
        f"(line {fetch_line or '?'}) from '{fetched.name}'; feeding it back cuts the graph, so {len(starving)} "
        f"trainable variable(s) that produced it ({', '.join(names[:4])}{', ...' if len(names) > 4 else ''}) "
        f"get no gradient from this training run. Connect the tensor directly instead of round-tripping it "
        f"through a placeholder.",
        run["site"], True,
        {"placeholder": key.op.name, "fetched": fetched.name, "fetch_line": fetch_line,
         "placeholder_line": (rec.op_site(key.op) or (None, None))[1], "variables": names,
         "initial_state_of": [f"R{c['index'] + 1}" for c in into]})


def _match_fetch(rec: Recorder, run, value):
    """(tensor, run) of the earlier fetch the fed value is (the same array, or an equal one)."""
    import numpy as np

    earlier = [r for r in rec.train.runs if r["index"] < run["index"] and r["graph"] is run["graph"]]
    for other in reversed(earlier):
        for tensor, fetched in other["fetched"]:
            if fetched is value:
                return tensor, other
    if isinstance(value, np.ndarray) and value.size > 1:
        for other in reversed(earlier):
            for tensor, fetched in other["fetched"]:
                if fetched.shape == value.shape and fetched.dtype == value.dtype and np.array_equal(fetched, value):
                    return tensor, other
    return None


# ---------------------------------------------------------------------------------------- sharing
def check_not_shared(rec: Recorder) -> None:
    """rnn-variable-not-shared: a second variable of one shape made at one line in a reusing scope."""
    by_key: Dict[tuple, list] = {}
    for info in rec.graph.variables:
        if info["graph"] is None or info["site"] is None:
            continue
        key = (id(info["graph"]), info["site"][0], info["site"][1], info["shape"])
        by_key.setdefault(key, []).append(info)
    for group in by_key.values():
        for info in group[1:]:
            if info["reuse"] is False:
                continue
            first = group[0]
            rec.add_finding(
                "rnn-variable-not-shared",
                f"Variable '{info['name']}' was created while scope '{info['scope']}' was reusing variables: the "
                f"code at this line does not go through tf.get_variable (or ignores the scope), so instead of "
                f"sharing '{first['name']}' it made a new copy with the same shape. Use tf.get_variable (or build "
                f"the layer once) so the reused scope really shares it.",
                info["site"], True,
                {"variable": info["name"], "copy_of": first["name"], "scope": info["scope"],
                 "shape": list(info["shape"] or [])})


def check_layers_as_timesteps(rec: Recorder) -> None:
    """rnn-layers-as-timesteps: a stack as deep as its input is long, built where one cell was meant."""
    for call in rec.graph.rnn_calls:
        for cell in call["cells"]:
            layers, stack = layers_of(cell)
            depth = len(layers)
            if stack is None or depth < 2 or call["time_steps"] != depth:
                continue
            built = rec.graph.stacks.get(id(stack), {}).get("site") or call["site"]
            rec.add_finding(
                "rnn-layers-as-timesteps",
                f"This stack has {depth} layers and its input has {depth} time steps: a {type(stack).__name__} "
                f"adds layers (each with its own weights), it does not unroll over time - {call['api']} already "
                f"applies the same weights at every time step. If you meant one layer unrolled over {depth} "
                f"steps, pass a single cell.",
                built, False, {"depth": depth, "time_steps": call["time_steps"],
                               "rnn_line": call["site"][1] if call["site"] else None})
