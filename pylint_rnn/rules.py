"""The rule registry: every fact about every message of pylint-rnn, written once.

A :class:`Rule` holds what a user, pylint, the ``pylint-rnn`` command, SARIF and the runtime verifier need
to know about one message: its id and symbol, a short message template and, separately, the fix text
(pylint shows them joined by ``"; "``), a one-sentence summary, the long description, whether it is on by
default, how sure its findings are, whether the verifier can confirm it, and where its code and docs live.
Nothing else in the package spells a message id: checkers build their ``msgs`` with :func:`pylint_msgs`,
the CLI lists :data:`RULES`, SARIF and the verifier's report look rules up with :func:`rule`.

Adding a rule: one entry here, an analysis that returns :class:`pylint_rnn.analyses.Finding` objects with
the rule's symbol, a visit in the family's checker that emits them, fixtures under
``fixtures/checkers/<symbol>/`` and a docs folder ``docs/messages/<symbol>/`` (see
``docs/ARCHITECTURE.md``, "How to add a rule").
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, NamedTuple, Optional, Tuple

from pylint.interfaces import HIGH, INFERENCE, Confidence

# pylint checker names: ``--enable=rnn`` / ``--disable=rnn`` switch every default-on message at once.
# Opt-in messages live under a second name, so that enabling the plugin by checker name never turns
# them on (pylint enables every message of a checker it is given by name).
CHECKER_NAME = "rnn"
OPT_IN_CHECKER_NAME = f"{CHECKER_NAME}-opt-in"

# Per-rule docs sources (details.md, bad.py + bad.txt, good.py), in a source checkout; wheels carry the
# rendered pages instead (see rule_docs.published_page).
MESSAGES_DIR = Path(__file__).resolve().parent.parent / "docs" / "messages"
DOCS_PAGES = "docs/messages"  # the rendered pages, relative to the repository root

# How ``pylint-rnn lint --fix`` treats a rule's findings (see pylint_rnn/fixes): a safe fix is applied by
# --fix; an unsafe one is shown by --diff and applied only with --unsafe-fixes; none: no automatic fix.
FIX_SAFE = "safe"
FIX_UNSAFE = "unsafe"
FIX_NONE = "none"

_PLACEHOLDER = re.compile(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdrifgex]")


# One field per fact of a rule: that is the registry's point.
class Rule(NamedTuple):  # pylint: disable=too-many-instance-attributes
    """One message of pylint-rnn (static, runtime-only, or both)."""

    msgid: Optional[str]  # pylint message id; None for a runtime-only rule
    symbol: str
    summary: str  # one plain sentence: what the rule finds
    template: str  # the message: what is wrong here (%-placeholders)
    fix: str  # what to do about it (%-placeholders); pylint shows "<template>; <fix>"
    description: str  # the long explanation: what goes wrong and why
    family: str  # module name in pylint_rnn/analyses/ and pylint_rnn/checkers/ ("" for runtime-only)
    confidences: Tuple[Confidence, ...] = (HIGH,)  # what its findings may report, most common first
    default_enabled: bool = True
    verifiable: bool = False  # pylint-rnn-verify can confirm it at run time
    runtime_only: bool = False  # found by the verifier only; pylint never reports it
    fix_safety: str = FIX_NONE  # FIX_SAFE / FIX_UNSAFE / FIX_NONE: what `pylint-rnn lint --fix` can do

    @property
    def category(self) -> str:
        """pylint's category letter: E (error), W (warning), C (convention)."""
        return self.msgid[0] if self.msgid else "W"

    @property
    def checker_name(self) -> str:
        return CHECKER_NAME if self.default_enabled else OPT_IN_CHECKER_NAME

    @property
    def pylint_template(self) -> str:
        return f"{self.template}; {self.fix}"

    @property
    def docs_page(self) -> str:
        return f"{DOCS_PAGES}/{self.symbol}.md"

    @property
    def docs_dir(self) -> Path:
        return MESSAGES_DIR / self.symbol

    def arity(self) -> Tuple[int, int]:
        """How many arguments the message template and the fix text take."""
        return len(_PLACEHOLDER.findall(self.template)), len(_PLACEHOLDER.findall(self.fix))

    def format(self, args: tuple = (), fix_args: tuple = ()) -> str:
        """The message as pylint would print it."""
        return self.pylint_template % (tuple(args) + tuple(fix_args))


def _prose(text: str) -> str:
    """A text written over several lines of the table below, as one line (white space folded)."""
    return " ".join(text.split())


# One declaration per rule: its ids and facts on the first lines, then its texts.
RULES: Tuple[Rule, ...] = (
    Rule(
        "W7901", "rnn-placeholder-roundtrip", family="roundtrip", confidences=(HIGH, INFERENCE), verifiable=True,
        summary=_prose("""
            A fetched value is fed back through a placeholder in a training run, so the ops that computed it never
            train.
        """),
        template=_prose("""
            '%s' was fetched from '%s' and is fed back through placeholder '%s' in this training run: the ops that
            compute '%s' get no gradient and never train
        """),
        fix="feed the inputs of '%s' instead and use the tensor itself in the graph",
        description=_prose("""
            A tensor was evaluated with sess.run() or .eval(), and the resulting numpy value is fed through a
            placeholder in a later run that fetches a training op. The placeholder cuts the graph: the optimizer's
            gradients stop at it, so the trainable variables that computed the fetched tensor (an embedding, an encoder,
            an ANN feeding an RNN, ...) never change. Build one graph instead: pass the tensor itself where the
            placeholder is used (share weights with variable scopes and reuse, not with placeholders) and feed only the
            original inputs. Carrying an RNN's final state into its own initial state between runs (truncated
            back-propagation) is not reported.
        """),
    ),
    Rule(
        "W7902", "rnn-repeated-graph-call", family="reuse", fix_safety=FIX_UNSAFE,
        summary="[build(x)] * n calls build once and aliases its result n times: one subgraph, not n towers.",
        template=_prose("""
            %s calls %s once and aliases its result %s times: every name refers to one subgraph (one set of weights, one
            output), not %s towers
        """),
        fix="call it once per tower, e.g. %s",
        description=_prose("""
            Multiplying a one-element list ``[build(x)] * n`` evaluates ``build(x)`` once and repeats the reference.
            When ``build`` creates graph ops or variables, the n names all point at one subgraph, so 'n towers with
            shared weights' is really one tower. Call the function once per input (sharing weights through a reused
            variable scope if that is what you want).
        """),
    ),
    Rule(
        "E7903", "rnn-duplicate-variables", family="reuse", verifiable=True, fix_safety=FIX_UNSAFE,
        summary=_prose("""
            A second variable-creating call in one variable scope without reuse: building the graph fails with 'Variable
            ... already exists'.
        """),
        template=_prose("""
            %s creates variables in %s that %s already created, without reuse: building the graph fails with 'Variable
            ... already exists'
        """),
        fix=_prose("""
            give each call its own variable scope (%s), or reuse the scope (scope.reuse_variables(),
            reuse=tf.AUTO_REUSE) if the weights are meant to be shared
        """),
        description=_prose("""
            ``tf.get_variable`` (and every TF1 layer, cell and RNN function built on it) names variables after the
            enclosing variable scope. A second creation of the same name in the same scope without reuse raises
            ValueError: Variable ... already exists. tf.name_scope does not change these names. Give each call its own
            scope (``scope=`` / ``tf.variable_scope``) when the weights are meant to be separate, or reuse the scope
            (``scope.reuse_variables()``, ``reuse=True``, ``tf.AUTO_REUSE``) when they are meant to be shared.
        """),
    ),
    Rule(
        "W7904", "rnn-variable-not-shared", family="reuse", verifiable=True, fix_safety=FIX_UNSAFE,
        summary="tf.Variable in code that runs under reuse: it ignores reuse, so each run makes a new, unshared copy.",
        template=_prose("""
            %s created with tf.Variable %s under reuse: tf.Variable ignores reuse and makes a new copy on every call, so
            these weights are not shared
        """),
        fix="create %s with tf.get_variable(...)",
        description=_prose("""
            Only ``tf.get_variable`` (and layers/cells built on it) honours a variable scope's reuse flag.
            ``tf.Variable`` always creates a new variable, so code run a second time under ``reuse=True`` /
            ``scope.reuse_variables()`` / ``tf.AUTO_REUSE`` builds a second, independent copy: the model you meant to
            share is not shared and each copy trains on part of the data.
        """),
    ),
    Rule(
        "W7905", "rnn-same-cell-stacked", family="stacking", verifiable=True, fix_safety=FIX_SAFE,
        summary=_prose("""
            One cell object is used for several layers of a stack, or for both directions of a bidirectional RNN, so
            they share one set of weights.
        """),
        template="%s is used for %s of %s: %s",
        fix="build %s",
        description=_prose("""
            One cell object is used for several layers of a MultiRNNCell, StackedRNNCells, Keras RNN([...]) or
            stack_bidirectional_dynamic_rnn (``[cell] * n``, ``[cell for _ in range(n)]``, ``[c, c]``, ``[LSTMCell(k)] *
            n`` which calls LSTMCell once, a wrapper around one cell built n times, a list filled in a loop with a cell
            built before the loop), or as both the forward and the backward cell of a bidirectional RNN. A cell builds
            its weights on its first call and keeps them: with tf.compat.v1 and Keras the layers silently share one
            weight set when the input width equals the cell width and fail with a MatMul shape error otherwise (both
            directions of a bidirectional RNN always share silently); TF 1.0/1.1 raised a reuse error; Keras
            Bidirectional rejects one layer passed as both directions. Build one cell per layer (``[make_cell() for _ in
            range(n)]``) and one cell per direction.
        """),
    ),
    Rule(
        "W7906", "rnn-layers-as-timesteps", family="timesteps",
        confidences=(INFERENCE, HIGH), verifiable=True, fix_safety=FIX_UNSAFE,
        summary=_prose("""
            A stack of recurrent layers as deep as the sequence is long: one layer per time step, each with its own
            weights.
        """),
        template=_prose("""
            %s stacks %s layers, %s: one layer per time step, each with its own weights, although %s already unrolls the
            time steps with one set of weights
        """),
        fix="use one %s (or num_layers of them)",
        description=_prose("""
            The depth of a MultiRNNCell, StackedRNNCells, Keras RNN([...]) stack or Sequential of recurrent layers is
            the number of *layers*. Here it is a sequence-length quantity (a name such as seq_length/num_steps, or the
            same value as the time dimension of the input), which suggests the stack was meant to be 'one cell per time
            step'. dynamic_rnn / static_rnn / the Keras RNN layer already unroll a cell over every time step with one
            shared set of weights; the stack instead adds that many layers with separate weights (seed 002: 'cell_0 ...
            cell_2' variables). Use a single cell, or a stack whose depth is a layer count (num_layers). Names are
            configured with time-step-names / layer-count-names.
        """),
    ),
    Rule(
        "W7907", "rnn-cell-per-timestep", family="timesteps", confidences=(HIGH, INFERENCE), verifiable=True,
        summary="A manual unroll builds a new cell at every time step, so no weights are shared across time.",
        template=_prose("""
            new cell %s is built inside the loop over time steps (%s) and called on each step's input: every time step
            gets its own weights
        """),
        fix="build the cell once before the loop and call that one cell at every step",
        description=_prose("""
            A manual unroll must apply one cell (one set of weights) at every time step. Constructing the cell inside
            the loop makes a new cell, and with it new variables, for every step, so the 'recurrent' network has no
            shared weights across time. Build the cell before the loop and call it at each step (TF1: with reuse
            switched on after the first step, e.g. ``if t > 0: tf.get_variable_scope().reuse_variables()``; Keras cells
            share by object), or let dynamic_rnn / tf.keras.layers.RNN do the unrolling.
        """),
    ),
    Rule(
        "C7908", "rnn-time-axis-reduction", family="timesteps", default_enabled=False,
        summary=_prose("""
            The outputs of an RNN on a stacked cell are reduced over the time axis: that pools time steps of the top
            layer, not the layers (opt-in).
        """),
        template=_prose("""
            %s %s the outputs of %s over axis %s, the time axis: it pools time steps, not the layers of stacked cell %s,
            whose outputs are only its top layer's
        """),
        fix="to combine layers, return every layer's output from the cell (e.g. a %s subclass)",
        description=_prose("""
            The outputs of an RNN run on a MultiRNNCell / StackedRNNCells are the top layer's outputs at every time
            step: the lower layers are not exposed. Reducing them over the time axis (axis 1, or 0 with time_major=True)
            pools over time, which is fine when that is intended but is not 'the sum of the layers' outputs' (seed 004).
            To sum layers, write a cell whose call returns the sum of its layers' outputs. Off by default (pooling over
            time is often intended); enable it by name: --enable=rnn-time-axis-reduction.
        """),
    ),
    Rule(
        "W7909", "rnn-untrained-initial-state", family="initial_state", confidences=(HIGH, INFERENCE), verifiable=True,
        summary=_prose("""
            A learned initial state never receives a gradient: it is only assigned, not trainable, or never reaches the
            RNN.
        """),
        template="learned initial state '%s' never trains: %s",
        fix="%s",
        description=_prose("""
            A learned initial state only learns if the loss depends on it through differentiable ops. Copying a
            trainable variable into the non-trainable variable the RNN starts from (``tf.assign`` / ``.assign()``, seed
            003) cuts that path: assignments have no gradient, so the optimizer never updates the trainable copy. The
            same holds for an initial state created with ``trainable=False`` and never assigned, and for a trainable
            initial state that never reaches the RNN at all. Pass the trainable variable itself (tiled to the batch) as
            ``initial_state``; to carry the final state forward between batches, keep a separate non-trainable variable
            and select between them, rather than copying the learned one.
        """),
    ),
    Rule(
        "W7910", "rnn-batch-sized-initial-state", family="initial_state", confidences=(HIGH, INFERENCE),
        summary=_prose("""
            A trainable initial state has the batch size as its first dimension: it learns one state per batch slot and
            fixes the batch size.
        """),
        template=_prose("""
            trainable initial state '%s' has batch size '%s' as its first dimension and is fed as initial_state of %s:
            it learns a separate state per batch slot and fixes the batch size
        """),
        fix="create it with shape [1, units] and tile it: tf.tile(%s, [tf.shape(%s)[0], 1])",
        description=_prose("""
            A learned initial state is one vector (per layer) that every sequence starts from. Creating the variable as
            ``[batch_size, units]`` (e.g. ``tf.Variable(cell.zero_state(batch_size, ...).c)``) learns one start state
            per position in the batch: sequence i of every batch trains row i only, rows see different data for no
            reason, and the graph can no longer run on any other batch size (the last, smaller batch, or inference on
            one sequence). Make it ``[1, units]`` and tile it to the batch at run time: ``tf.tile(h0, [tf.shape(x)[0],
            1])``.
        """),
    ),
    Rule(
        "W7911", "rnn-layer-rebuilt-per-call", family="keras_sharing", confidences=(INFERENCE,), verifiable=True,
        summary=_prose("""
            A Keras recurrent layer is built inside a helper applied to twin inputs, so the twins share no weights.
        """),
        template=_prose("""
            %s is built inside '%s', which is applied to '%s' and '%s' whose results are combined at line %s: each call
            builds new weights, so the branches share nothing
        """),
        fix="build the %s once outside '%s' and call it on each input",
        description=_prose("""
            A Keras layer owns its weights: every construction (``layers.LSTM(64)``) creates a new set. A helper that
            constructs the layer and applies it builds a new, independent LSTM each time it runs. Applying such a helper
            to two inputs whose results are then compared or merged (siamese networks, twin towers: concatenate,
            subtract, dot, a distance Lambda) trains two unrelated encoders, which is rarely what that structure means
            and doubles the parameters. Construct the layer once (outside the helper, or in __init__) and call the same
            object on each input; Keras then shares its weights between the calls. If separate towers are intended, list
            the helper in separate-tower-functions.
        """),
    ),
    Rule(
        None, "rnn-no-gradient", family="", verifiable=True, runtime_only=True,
        summary=_prose("""
            A trainable variable has no gradient path to the loss being trained, so the optimizer never changes it
            (found at run time).
        """),
        template=_prose("""
            trainable variable '%s' has no gradient path to the loss being trained%s: the optimizer never updates it
        """),
        fix="connect it to the loss, or create it with trainable=False if it is not meant to learn",
        description=_prose("""
            Found by pylint-rnn-verify only. After the target has built its graph (or Keras model) and its training
            objective, every trainable variable the objective covers is checked for a gradient. One without a gradient
            keeps its initial value for the whole run while the rest of the model trains around it: a layer built but
            never connected, a subgraph cut off by a placeholder round trip, an initial state that is only assigned, or
            a stop_gradient in the way.
        """),
    ),
)

_BY_SYMBOL: Dict[str, Rule] = {r.symbol: r for r in RULES}
_BY_ID: Dict[str, Rule] = {r.msgid: r for r in RULES if r.msgid}


def rule(symbol_or_id: str) -> Rule:
    """The rule with this symbol or message id; KeyError if there is none."""
    found = _BY_SYMBOL.get(symbol_or_id) or _BY_ID.get(symbol_or_id)
    if found is None:
        raise KeyError(symbol_or_id)
    return found


def is_rule(symbol: str) -> bool:
    return symbol in _BY_SYMBOL


def static_rules() -> Tuple[Rule, ...]:
    """The rules pylint reports, in message-id order."""
    return tuple(sorted((r for r in RULES if not r.runtime_only), key=lambda r: r.msgid[1:]))


def family_rules(family: str, default_enabled: Optional[bool] = None) -> Tuple[Rule, ...]:
    return tuple(r for r in static_rules() if r.family == family
                 and (default_enabled is None or r.default_enabled == default_enabled))


def pylint_msgs(family: str, default_enabled: bool = True) -> dict:
    """A checker's ``msgs`` table for the rules of one family (default-on or opt-in ones)."""
    msgs = {}
    for entry in family_rules(family, default_enabled):
        options = {} if entry.default_enabled else {"default_enabled": False}
        msgs[entry.msgid] = (entry.pylint_template, entry.symbol, entry.description, options)
    return msgs
