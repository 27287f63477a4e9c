"""Probes on Keras (tf.keras / tf-keras and Keras 3): where layers are built and called, and which models train.

Child process only. ``Layer.__init__`` records the user's line that built each layer (and checks a stack of
cells for one cell object in several layers); ``Layer.__call__`` records every call of a recurrent layer
(input shape, initial state, outputs: the structure table), cells the user's own code calls (manual
unrolls), and recurrent layers built while a model of the user's runs its ``call()``. ``Model.compile``,
``fit``, ``fit_generator`` and ``train_on_batch`` record the model; ``fit`` stops after ``--max-train-steps``
batches (a callback), the other steps are counted by :mod:`pylint_rnn.verify.probes_training`.
"""
from __future__ import annotations

import inspect
from typing import Any, Dict, List

from pylint_rnn.verify.probes_graph import GraphProbes, flat_tensors, record_cell_call, report_same_cell_stacked
from pylint_rnn.verify.recorder import Recorder, StopTarget

_MAX_OUTPUTS = 64  # outputs kept per recurrent layer, to recognise a later layer started from its state


def is_recurrent(layer) -> bool:
    """A Keras recurrent layer (LSTM, GRU, RNN(cell), Bidirectional), not a cell."""
    return (hasattr(layer, "cell") and hasattr(layer, "return_sequences")) or hasattr(layer, "forward_layer")


def is_cell(layer) -> bool:
    return hasattr(layer, "state_size") and not is_recurrent(layer)


def _classes(which: str):
    """(base layer classes, model classes, recurrent classes with their own __call__, stacked-cell classes) of
    one Keras; empty tuples when it is not installed."""
    try:
        if which == "tf_keras":
            from tf_keras.src.engine import base_layer, base_layer_v1, training, training_v1
            from tf_keras.src.layers.rnn import base_rnn, bidirectional, stacked_rnn_cells

            return ((base_layer.Layer, base_layer_v1.Layer), (training.Model, training_v1.Model),
                    (base_rnn.RNN, bidirectional.Bidirectional), (stacked_rnn_cells.StackedRNNCells,))
        from keras.src.layers import layer
        from keras.src.layers.rnn import bidirectional, rnn, stacked_rnn_cells
        from keras.src.models import model

        return (layer.Layer,), (model.Model,), (rnn.RNN, bidirectional.Bidirectional), \
            (stacked_rnn_cells.StackedRNNCells,)
    except ImportError:
        return (), (), (), ()


class KerasProbes:
    """Layer construction and calls, model training entry points."""

    def __init__(self, rec: Recorder, graph_probes: GraphProbes):
        self.rec = rec
        self.graph_probes = graph_probes
        self.calling: List[Any] = []  # the user's own layers and models now running call()
        self.call_inputs: Dict[int, Any] = {}  # id(user layer) -> the first input it was called with
        self.in_recurrent = 0
        self.model_classes: tuple = ()
        self._user_types: Dict[type, bool] = {}

    def install(self, which: str) -> None:
        """Patch one Keras ("tf_keras" or "keras")."""
        layer_classes, model_classes, recurrent_classes, stack_classes = _classes(which)
        self.model_classes += model_classes
        for cls in layer_classes:
            if "__init__" in vars(cls):
                self.rec.patch(cls, "__init__", self._wrap_init)
        # a recurrent layer's own __call__ sees initial_state before it is packed into the inputs
        for cls in layer_classes + recurrent_classes:
            if "__call__" in vars(cls):
                self.rec.patch(cls, "__call__", self._wrap_call)
        for cls in stack_classes:
            self.rec.patch(cls, "__init__", self._wrap_stack_init)
        for cls in model_classes:
            for name in ("fit", "fit_generator"):
                if hasattr(cls, name):
                    self.rec.patch(cls, name, self._wrap_fit)
            for name in ("train_on_batch", "compile"):
                if hasattr(cls, name):
                    self.rec.patch(cls, name, self._wrap_model_method)

    def is_model(self, value) -> bool:
        """A Keras model object (not a class, not something that merely looks like one)."""
        return bool(self.model_classes) and not isinstance(value, type) and isinstance(value, self.model_classes)

    def remember_model(self, model) -> None:
        if not any(m is model for m in self.rec.keras.models):
            self.rec.keras.models.append(model)

    def is_user_type(self, obj) -> bool:
        """Is the object's class defined in the user's code (a model or layer of theirs)?"""
        cls = type(obj)
        hit = self._user_types.get(cls)
        if hit is None:
            try:
                hit = self.rec.is_user_file(inspect.getfile(cls))
            except (TypeError, OSError):
                hit = False
            self._user_types[cls] = hit
        return hit

    # ------------------------------------------------------------------ construction
    def _wrap_init(self, original):
        probe = self

        def __init__(layer, *args, **kwargs):
            first = id(layer) not in probe.rec.keras.layer_sites and not probe.rec.status.paused
            if first:
                site = probe.rec.user_site()
                probe.rec.keras.layer_sites[id(layer)] = (layer, site)
                with probe.rec.guard("Keras layer probe"):
                    probe.on_construction(layer, site)
            return original(layer, *args, **kwargs)

        return __init__

    def on_construction(self, layer, site) -> None:
        """A layer is being constructed while one of the user's models runs its call(): keep it (whether it is a
        recurrent layer the model does not track is decided once it is built, in keras_checks)."""
        if not self.calling or site is None:
            return
        owner = self.calling[-1]
        frame = self.rec.user_frame()
        if frame is None or frame.f_locals.get("self") is not owner or frame.f_code.co_name in ("__init__", "build"):
            return  # built by a helper of the owner, or where Keras tracks it
        earlier = [c for c in self.rec.keras.created_in_call
                   if c["owner"] is owner and c["site"][:2] == site[:2] and is_recurrent(c["layer"])]
        self.rec.keras.created_in_call.append({"layer": layer, "owner": owner, "site": site,
                                         "input": self.call_inputs.get(id(owner))})
        if earlier:  # a second call of the model builds it again: proven even if the target fails next
            report_built_in_call(self.rec, earlier[0], len(earlier) + 1, None)

    def _wrap_stack_init(self, original):
        probe = self

        def __init__(stack, cells, *args, **kwargs):
            original(stack, cells, *args, **kwargs)
            with probe.rec.guard("Keras stacked cells probe"):
                site = probe.rec.keras.layer_sites.get(id(stack), (None, None))[1]
                report_same_cell_stacked(probe.rec, stack, list(cells), site)

        return __init__

    # ------------------------------------------------------------------ calls
    def _wrap_call(self, original):
        probe = self

        def __call__(layer, *args, **kwargs):
            if probe.rec.status.paused:
                return original(layer, *args, **kwargs)
            user_layer = probe.is_user_type(layer)
            recurrent = is_recurrent(layer)
            nested = probe.in_recurrent > 0  # the layers a Bidirectional runs are part of it
            manual = (is_cell(layer) and not probe.in_recurrent and not probe.graph_probes.in_rnn
                      and probe.rec.called_from_user(1))
            if user_layer:
                probe.calling.append(layer)
                if args:
                    probe.call_inputs.setdefault(id(layer), args[0])
            probe.in_recurrent += recurrent
            try:
                out = original(layer, *args, **kwargs)
            finally:
                probe.in_recurrent -= recurrent
                if user_layer:
                    probe.calling.pop()
            with probe.rec.guard("Keras call probe"):
                if recurrent and not nested:
                    probe.on_recurrent_call(layer, args, kwargs, out)
                elif manual and args:
                    state = args[1] if len(args) > 1 else kwargs.get("states", kwargs.get("state"))
                    record_cell_call(probe.rec, layer, args[0], state, out)
            return out

        return __call__

    def on_recurrent_call(self, layer, args, kwargs, out) -> None:
        """A recurrent layer was applied: input shape, initial state and outputs, for the structure table."""
        tf = self.rec.tf
        entry = self.rec.keras.layer_calls.setdefault(id(layer), {"layer": layer, "calls": 0, "shapes": [], "sites": [],
                                                            "initial_states": [], "outputs": []})
        entry["calls"] += 1
        frame = self.rec.user_frame()  # two calls on one line are two places: the bytecode offset tells them apart
        place = (frame.f_code.co_filename, frame.f_lineno, frame.f_lasti) if frame is not None else None
        if place is not None and place not in entry["sites"]:
            entry["sites"].append(place)
        inputs = args[0] if args else kwargs.get("inputs")
        flat = flat_tensors(tf, inputs)
        entry["shapes"].append(_shape(flat[0]) if flat else None)
        state = kwargs.get("initial_state", args[1] if len(args) > 1 else None)
        entry["initial_states"].append(flat_tensors(tf, state) if state is not None else [])
        if len(entry["outputs"]) < _MAX_OUTPUTS:
            entry["outputs"].extend(flat_tensors(tf, out))

    # ------------------------------------------------------------------ training
    def _wrap_fit(self, original):
        probe = self

        def fit(model, *args, **kwargs):
            probe.remember_model(model)
            if probe.rec.train.max_steps <= 0:
                raise StopTarget()
            callback = probe.stop_callback(model)
            if callback is not None:
                kwargs["callbacks"] = list(kwargs.get("callbacks") or []) + [callback]
            return original(model, *args, **kwargs)

        return fit

    def _wrap_model_method(self, original):
        probe = self

        def method(model, *args, **kwargs):
            probe.remember_model(model)
            if original.__name__ == "train_on_batch" and probe.rec.train.max_steps <= 0:
                raise StopTarget()
            return original(model, *args, **kwargs)

        method.__name__ = original.__name__
        return method

    def stop_callback(self, model):
        """A Keras callback (of the model's Keras) that stops fit() after --max-train-steps batches."""
        module = type(model).__module__ or ""
        try:
            if module.startswith("keras.") or module.startswith("keras_"):
                from keras.src.callbacks.callback import Callback
            else:
                from tf_keras.src.callbacks import Callback
        except ImportError:
            return None
        limit = self.rec.train.max_steps
        rec = self.rec

        class StopAfterSteps(Callback):
            """Raises StopTarget once fit() has trained on ``limit`` batches."""

            def __init__(self):
                super().__init__()
                self.batches = 0

            def on_train_batch_end(self, batch, logs=None):
                self.batches += 1
                rec.train.training_runs = max(rec.train.training_runs, self.batches)
                if self.batches >= limit:
                    raise StopTarget()

        return StopAfterSteps()


def report_built_in_call(rec: Recorder, created: dict, built: int, difference) -> None:
    """rnn-layer-rebuilt-per-call for a recurrent layer built inside a model's call() (``created``: its record)."""
    owner, layer, site = created["owner"], created["layer"], created["site"]
    proof = []
    if built > 1:
        proof.append(f"it was built {built} times")
    if difference is not None:
        proof.append(f"two calls of the model on the same input gave outputs differing by up to {difference:.3g}")
    rec.drop_finding("rnn-layer-rebuilt-per-call", site)  # the one made while the target ran, less proved
    rec.add_finding(
        "rnn-layer-rebuilt-per-call",
        f"{type(layer).__name__} is built inside {type(owner).__name__}.{site[2]}(): every call of the model "
        f"builds a new one with new random weights, and the model does not track it, so the optimizer never "
        f"trains it{' (' + '; '.join(proof) + ')' if proof else ''}. Build the layer once in __init__ and "
        f"call it in {site[2]}().", site, True,
        {"layer": type(layer).__name__, "model": type(owner).__name__, "built": built,
         "output_difference": difference})


def _shape(tensor):
    """The shape as a list of ints and None (TF1 behaviour's Dimension objects included)."""
    shape = getattr(tensor, "shape", None)
    try:
        dims = shape.as_list() if hasattr(shape, "as_list") else list(shape)
    except (TypeError, ValueError):
        return None
    return [d if isinstance(d, int) else None for d in dims]
