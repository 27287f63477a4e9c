"""Property-based robustness: the plugin never raises, whatever valid Python it is given.

A hypothesis generator builds random but valid programs from TensorFlow RNN API fragments: imports in every
style and alias, cells, wrappers and stacks in all shapes, variable scopes and reuse switches, loops, sessions,
feeds and fetches, tf.assign, Keras layers and models, nested functions, classes and lambdas, and syntax the
checkers do not expect (walrus, match, star-args, decorators, async, f-strings, except*, deep nesting,
rebinding or deleting `tf`). Every program must compile; then every checker of the plugin runs on it in
process through a real pylint linter (so message formatting is exercised too) with PYLINT_RNN_DEBUG=1, and
any exception fails the test (hypothesis then shrinks the program to a minimal one).

Fixed example budget, derandomized: the same programs on every run.
"""
from __future__ import annotations

import itertools
import os
import textwrap

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

os.environ["PYLINT_RNN_DEBUG"] = "1"

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), print_blob=True)

# ------------------------------------------------------------------------------------------- fragments
IMPORTS = [
    "import tensorflow as tf",
    "import tensorflow.compat.v1 as tf",
    "import tensorflow.compat.v1 as tf1",
    "import tensorflow as tensorflow",
    "import tensorflow",
    "import tensorflow.compat.v1 as v1",
    "from tensorflow.contrib import rnn",
    "from tensorflow.contrib import rnn as contrib_rnn",
    "from tensorflow.nn import rnn_cell",
    "from tensorflow.compat.v1.nn import rnn_cell as rc",
    "from tensorflow.compat.v1.nn.rnn_cell import LSTMCell, MultiRNNCell, DropoutWrapper",
    "from tensorflow.contrib.rnn import *",
    "from tensorflow.keras import layers",
    "from tensorflow.keras import layers as L",
    "from tensorflow import keras",
    "import keras",
    "from keras import layers as kl",
    "import tf_keras as keras",
    "from tensorflow.python.ops import rnn, rnn_cell_impl",
    "import tensorflow as tf, numpy as np",
    "import numpy as np",
    "import functools, abc, asyncio",
]
ALIASES = [
    "rnn = tf.contrib.rnn",
    "rnn_cell = tf.nn.rnn_cell",
    "cell_fn = rnn.LSTMCell",
    "MRC = tf.nn.rnn_cell.MultiRNNCell",
    "layers = tf.keras.layers",
    "dynamic = tf.nn.dynamic_rnn",
    "tf = tf.compat.v1",
    "LSTM = tf.keras.layers.LSTM",
]
TF = ["tf", "tf1", "v1", "tensorflow", "tf.compat.v1", "self.tf"]
RNN_MODS = ["rnn", "rnn_cell", "contrib_rnn", "rc", "tf.contrib.rnn", "tf.nn.rnn_cell", "tf1.nn.rnn_cell",
            "tf.compat.v1.nn.rnn_cell", "rnn_cell_impl", "tensorflow.contrib.rnn"]
LAYER_MODS = ["layers", "L", "kl", "keras.layers", "tf.keras.layers", "tensorflow.keras.layers"]
CELLS = ["LSTMCell", "BasicLSTMCell", "GRUCell", "BasicRNNCell", "LSTMBlockCell", "LayerNormBasicLSTMCell",
         "SimpleRNNCell", "RNNCell", "NASCell"]
WRAPPERS = ["DropoutWrapper", "ResidualWrapper", "DeviceWrapper", "AttentionCellWrapper"]
STACKS = ["MultiRNNCell", "StackedRNNCells", "MRC"]
NAMES = ["cell", "c", "lstm", "cell_fw", "cell_bw", "self.cell", "cls.cell", "cells[0]", "self._cells[i]",
         "wc", "cells[-1]", "getattr(self, 'cell')"]
SIZES = ["10", "n", "num_units", "self.n", "2 ** 4", "int(h)", "*sizes", "num_units=n", "**cfg", "n, name=f'c{i}'"]
COUNTS = ["3", "n", "num_layers", "self.num_layers", "len(sizes)", "0", "1", "-1", "'2'"]
CONDS = ["i > 0", "reuse", "not first", "True", "self.training", "x is None", "any(cells)", "k == 'fw'"]
SCOPE_NAMES = ["'rnn'", "f'layer_{i}'", "name", "None, default_name='x'", "scope", "'a' + str(i)", "self.name",
               "f\"{name}_{'fw'}\"", "*args", "'rnn', 'Rnn'", "values=[x], name_or_scope='v'", ""]
REUSE = ["", ", reuse=True", ", reuse=tf.AUTO_REUSE", ", reuse=reuse", ", reuse=(i > 0)", ", reuse=None",
         ", reuse=tf.compat.v1.AUTO_REUSE", ", reuse=False", ", reuse=not first", ", **kw"]
TARGETS = ["outputs, state", "out", "(o, s)", "self.outputs, self.state", "res[i]", "first, *rest",
           "outputs, (state_fw, state_bw)", "x"]
FETCHES = ["train_op", "[train_op, loss]", "[train_op, final_state]", "state", "{'a': a, 'b': train_op}",
           "outputs", "(train_op, state)", "fetches", "*ops", "self.train_op"]
FEEDS = ["{x: data}", "{x: data, init_state: state}", "feed", "dict(zip(phs, vals))", "{**feed, y: 1}",
         "None", "{self.x: batch, self.state_ph: val}", "{k: v for k, v in pairs}", "feed_dict"]
PARAMS = ["", "x", "x, n=3", "*args, **kwargs", "self", "cls, data, reuse=False", "x, /, y, *, z=1",
          "scope=None", "self, inputs, *, training=False", "self, x, reuse=None"]
DECORATORS = ["", "@staticmethod", "@classmethod", "@tf.function", "@functools.lru_cache(maxsize=None)",
              "@property", "@some.decorator(arg)", "@tf.function(jit_compile=True)"]
BASES = ["", "tf.keras.layers.Layer", "tf.keras.Model", "tf.nn.rnn_cell.RNNCell", "rnn.MultiRNNCell",
         "object", "metaclass=abc.ABCMeta", "Base, Mixin", "layers.Layer", "tf.nn.rnn_cell.LSTMCell"]
VARIABLE_EXTRA = ["", ", name='b'", ", trainable=False"]


def pick(draw, options):
    return draw(st.sampled_from(options))


def choice(draw, n):
    return draw(st.integers(0, n - 1))


class Ctx:
    def __init__(self, func=False, async_=False, loop=False, cls=False, gen_ok=True):
        self.func, self.async_, self.loop, self.cls, self.gen_ok = func, async_, loop, cls, gen_ok

    def but(self, **changes):
        new = Ctx(self.func, self.async_, self.loop, self.cls, self.gen_ok)
        for key, value in changes.items():
            setattr(new, key, value)
        return new


# --------------------------------------------------------------------------------------------- expressions
def cell(draw, depth=0, ctx=None):
    k = choice(draw, 9 if depth < 2 else 3)
    walrus_ok = ctx is None or not ctx.cls or ctx.func
    if k == 0:
        mod = pick(draw, RNN_MODS + LAYER_MODS + [""])
        return f"{mod + '.' if mod else ''}{pick(draw, CELLS)}({pick(draw, SIZES)})"
    if k == 1:
        return pick(draw, NAMES)
    if k == 2:
        return f"{pick(draw, ['make_cell', 'build_cell', 'self.make_cell', 'cell_fn', 'lambda_cell', 'cls._cell'])}" \
               f"({pick(draw, ['', 'n', 'num_units=n', '*a'])})"
    if k == 3:
        mod = pick(draw, RNN_MODS + [""])
        return (f"{mod + '.' if mod else ''}{pick(draw, WRAPPERS)}({cell(draw, depth + 1, ctx)}"
                f"{pick(draw, ['', ', output_keep_prob=0.5', ', input_keep_prob=kp', ', *extra'])})")
    if k == 4:
        return f"(lambda: {cell(draw, depth + 1, ctx)})()"
    if k == 5 and walrus_ok:
        return f"(wc := {cell(draw, depth + 1, ctx)})"
    if k == 6:
        cond = pick(draw, CONDS + (["(k := i)"] if walrus_ok else []))
        return f"({cell(draw, depth + 1, ctx)} if {cond} else {cell(draw, depth + 1, ctx)})"
    if k == 7:
        return f"[{cell(draw, depth + 1, ctx)}][0]"
    return f"{pick(draw, LAYER_MODS)}.{pick(draw, ['LSTM', 'GRU', 'SimpleRNN', 'LSTMCell'])}({pick(draw, SIZES)})"


def cell_list(draw, depth=0, ctx=None):
    c = lambda: cell(draw, depth + 1, ctx)  # noqa: E731
    n = pick(draw, COUNTS)
    forms = [
        lambda: f"[{c()}] * {n}",
        lambda: f"[{c()} for _ in range({n})]",
        lambda: f"[{c()}, {c()}]",
        lambda: f"[{c()}, {c()}, {c()}]",
        lambda: "cells",
        lambda: f"[*cells, {c()}]",
        lambda: f"list(map(lambda _: {c()}, range({n})))",
        lambda: f"[{c()}] * {n} + [{c()}]",
        lambda: f"({c()},) * 2",
        lambda: f"[{c()} for i in range({n}) if i]",
        lambda: f"[{c()} for size in sizes for _ in range(2)]",
        lambda: "[]",
        lambda: f"{n} * [{c()}]",
        lambda: f"[[{c()}]] * 2",
        lambda: f"self.cells[:{n}]",
    ]
    return forms[choice(draw, len(forms))]()


def stack(draw, depth=0, ctx=None):
    k = choice(draw, 8)
    mod = pick(draw, RNN_MODS + [""])
    prefix = f"{mod}." if mod else ""
    if k == 0:
        return f"{prefix}{pick(draw, STACKS)}({cell_list(draw, depth, ctx)})"
    if k == 1:
        return f"{prefix}MultiRNNCell({cell_list(draw, depth, ctx)}, state_is_tuple=True)"
    if k == 2:
        return f"{prefix}MultiRNNCell({pick(draw, ['*cells', 'cells=cells', '**kw', '', 'cells=' + cell_list(draw, depth, ctx)])})"
    if k == 3:
        return f"{pick(draw, LAYER_MODS)}.RNN({cell_list(draw, depth, ctx)}, return_sequences=True)"
    if k == 4:
        return f"{pick(draw, LAYER_MODS)}.StackedRNNCells({cell_list(draw, depth, ctx)})"
    if k == 5:
        return f"{pick(draw, LAYER_MODS)}.Bidirectional({pick(draw, LAYER_MODS)}.LSTM(n, return_sequences=True))"
    if k == 6:
        return f"{pick(draw, LAYER_MODS)}.RNN({cell(draw, depth, ctx)})"
    return cell(draw, depth, ctx)


def rnn_call(draw, ctx):
    tf = pick(draw, TF)
    cellish = stack(draw, 0, ctx)
    inputs = pick(draw, ["x", "inputs", "self.x", "tf.unstack(x, axis=1)", "emb[:, i]", "*xs"])
    scope = pick(draw, ["", ", scope='rnn'", ", scope=f'layer_{i}'", ", scope=scope", ", scope=None"])
    init = pick(draw, ["", ", initial_state=init_state", ", initial_state=state",
                       f", initial_state={cellish}.zero_state(batch, {tf}.float32)"])
    k = choice(draw, 6)
    if k == 0:
        call = f"{tf}.nn.dynamic_rnn({cellish}, {inputs}, dtype={tf}.float32{scope}{init})"
    elif k == 1:
        call = f"{pick(draw, RNN_MODS)}.static_rnn({cellish}, {inputs}, dtype={tf}.float32{scope})"
    elif k == 2:
        call = f"{tf}.nn.bidirectional_dynamic_rnn({cellish}, {stack(draw, 0, ctx)}, {inputs}, dtype={tf}.float32{scope})"
    elif k == 3:
        call = f"dynamic({cellish}, {inputs}{init})"
    elif k == 4:
        call = f"{tf}.nn.dynamic_rnn()"
    else:
        call = f"{cellish}({inputs}, state)"
    return f"{pick(draw, TARGETS)} = {call}"


def simple(draw, ctx):
    tf = pick(draw, TF)
    forms = [
        lambda: f"{pick(draw, ['cell', 'c', 'self.cell', 'cells[i]', 'cell_fw', 'cell_bw', 'a = b'])} = {cell(draw, 0, ctx)}",
        lambda: f"{pick(draw, ['stack', 'multi', 'self.stack', 'cell'])} = {stack(draw, 0, ctx)}",
        lambda: f"cells = {cell_list(draw, 0, ctx)}",
        lambda: rnn_call(draw, ctx),
        lambda: rnn_call(draw, ctx),
        lambda: pick(draw, ["scope.reuse_variables()", f"{tf}.get_variable_scope().reuse_variables()",
                            "vs.reuse_variables()", f"{tf}.get_variable_scope().set_use_resource(True)"]),
        lambda: f"w = {tf}.get_variable('w{choice(draw, 3)}', [n, n]{pick(draw, ['', ', trainable=False', ', initializer=init'])})",
        lambda: f"{pick(draw, ['b', 'self.b', 'W[i]'])} = {tf}.Variable({tf}.zeros([n]){pick(draw, VARIABLE_EXTRA)})",
        lambda: pick(draw, [f"{tf}.assign(w, v)", "w.assign(v)", f"op = {tf}.assign(w, w + 1)",
                            f"ops = [{tf}.assign(a, b) for a, b in zip(xs, ys)]", "sess.run(w.assign(v))"]),
        lambda: f"{pick(draw, ['x', 'self.x', 'init_state', 'state_ph'])} = {tf}.placeholder({tf}.float32, [None, n])",
        lambda: f"{pick(draw, TARGETS + ['_, state', 'val', 'self.val'])} = sess.run({pick(draw, FETCHES)}, feed_dict={pick(draw, FEEDS)})",
        lambda: f"sess.run({pick(draw, FETCHES)}, {pick(draw, FEEDS)})",
        lambda: pick(draw, ["val = outputs.eval(feed_dict={x: d})", "state = final_state.eval(session=sess)",
                            "val = self.state.eval()", "v = tf.get_default_session().run(state)"]),
        lambda: pick(draw, ["feed = {}", "feed[x] = val", "feed = dict(x=1)", "feed.update({x: val})",
                            "feed_dict = {init_state: state}", "feed[self.state_ph] = new_state",
                            "feed = {ph: v for ph, v in zip(phs, state)}"]),
        lambda: pick(draw, [f"train_op = {tf}.train.AdamOptimizer(1e-3).minimize(loss)",
                            f"loss = {tf}.reduce_mean({tf}.square(outputs - y))",
                            f"y = {tf}.reduce_sum(outputs, axis={pick(draw, ['1', '0', '-1', 'axis', '[1, 2]'])})",
                            f"y = {tf}.reduce_mean(outputs, 1)", f"xs = {tf}.unstack(x, axis=1)",
                            f"xs = {tf}.split(x, n, 1)", "opt = tf.keras.optimizers.Adam()",
                            f"train_op = {tf}.train.GradientDescentOptimizer(lr).minimize(loss, var_list=vs)"]),
        lambda: pick(draw, [f"model = keras.Sequential([{pick(draw, LAYER_MODS)}.LSTM(n, return_sequences=True), layers.Dense(1)])",
                            f"y = {pick(draw, LAYER_MODS)}.LSTM(n)(x)", f"layer = {pick(draw, LAYER_MODS)}.LSTM(n)",
                            "model.fit(x, y, epochs=1)", "state = layer.get_initial_state(x)",
                            f"init_state = stack.zero_state(batch_size, {tf}.float32)",
                            f"init = {tf}.zeros([batch, n])", f"init = {tf}.Variable({tf}.zeros([1, n]))",
                            f"self.lstm = {pick(draw, LAYER_MODS)}.LSTM(n, return_state=True)",
                            "out, h, c = self.lstm(x, initial_state=[h0, c0])"]),
        lambda: pick(draw, ["a, b = [build(x)] * 2", "towers = [build(x)] * n", "outs = n * [self.build(x)]",
                            "a, b = [self.tower(x, reuse=True)] * 2", "t = [lambda: build(x)] * 2"]),
        lambda: pick(draw, ["del cell", "tf = None", "print(f'{cell!r:>10} {n=} {d[\"k\"]}')", "assert cell, 'msg'",
                            "h: int = 3", "x += 1", f"a = b = {cell(draw, 0, ctx)}",
                            f"lambda_cell = lambda n=10: {cell(draw, 0, ctx)}", "a, *b = cells",
                            "raise ValueError(f'{n}')", "pass", "...", "import tensorflow as tf",
                            "from tensorflow.contrib import rnn", "if (z := len(cells)) > 1: pass",
                            "(" * 30 + "x" + ")" * 30, "x = " + " + ".join(["n"] * 60),
                            "cells = {i: make_cell() for i in range(3)}", "x = {*cells}",
                            "f(*cells, **{'a': 1}, b=2)", "x = cells[1:2, ::3]", "x = not not not cell",
                            "x = -+~n", "x = y if z else (lambda *a, **k: a)(*cells)", "x = b'bytes' + rb'\\d'",
                            "x = 1_000_000j", "x = [*range(3)]", "x = ...", "__all__ = ['x']"]),
    ]
    if ctx.func:
        forms.append(lambda: pick(draw, ["return stack", f"return {cell(draw, 0, ctx)}", "return",
                                         f"return {stack(draw, 0, ctx)}, state", "return outputs[-1]"]))
        if not ctx.async_ and ctx.gen_ok:
            forms.append(lambda: pick(draw, [f"yield {cell(draw, 0, ctx)}", "yield from cells", "x = yield"]))
    if ctx.async_:
        forms.append(lambda: pick(draw, ["await asyncio.sleep(0)", "x = await fetch(sess.run(state))",
                                         "cells = [c async for c in agen()]"]))
    if ctx.loop:
        forms.append(lambda: pick(draw, ["break", "continue"]))
    return forms[choice(draw, len(forms))]()


# ----------------------------------------------------------------------------------------------- blocks
def indent(lines):
    return ["    " + line for line in lines]


def block(draw, ctx, depth):
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 3 and choice(draw, 3) == 0:
            lines.extend(compound(draw, ctx, depth))
        else:
            lines.append(simple(draw, ctx))
    return lines


def function(draw, ctx, depth, is_async=False):
    inner = Ctx(func=True, async_=is_async, loop=False, cls=False)
    decorator = pick(draw, DECORATORS) if not ctx.cls or True else ""
    params = pick(draw, PARAMS)
    name = pick(draw, ["build", "make_cell", "model", "__call__", "call", "step", "f", "rnn_lower_model"])
    head = [decorator] if decorator else []
    body = []
    if choice(draw, 6) == 0:
        body.append("global tf, cells")
    body.extend(block(draw, inner, depth + 1))
    if choice(draw, 5) == 0:  # a closure and a nested lambda
        body.extend([f"def inner{depth}(*a):", f"    return {cell(draw, 0, inner)}",
                     f"helper = lambda scope=None: {stack(draw, 0, inner)}"])
    return head + [f"{'async ' if is_async else ''}def {name}({params}):"] + indent(body)


def compound(draw, ctx, depth):
    tf = pick(draw, TF)
    k = choice(draw, 13)
    sub = lambda c=ctx: block(draw, c, depth + 1)  # noqa: E731
    if k == 0:
        return function(draw, ctx, depth)
    if k == 1:
        return function(draw, ctx, depth, is_async=True)
    if k == 2:
        body = block(draw, Ctx(cls=True), depth + 1)
        methods = function(draw, Ctx(cls=True), depth + 1)
        return [f"class Model{depth}({pick(draw, BASES)}):"] + indent(body + methods)
    if k == 3:
        head = pick(draw, ["for i in range(n):", "for layer in layers_cfg:", "for i, c in enumerate(cells):",
                           "for step in itertools.count():", "for (a, b) in zip(xs, ys):"])
        if ctx.async_ and choice(draw, 3) == 0:
            head = "async for batch in stream():"
        lines = [head] + indent(sub(ctx.but(loop=True)))
        if choice(draw, 3) == 0:
            lines += ["else:"] + indent(sub())
        return lines
    if k == 4:
        return [f"while {pick(draw, CONDS)}:"] + indent(sub(ctx.but(loop=True)))
    if k == 5:
        return [f"if {pick(draw, CONDS)}:"] + indent(sub()) + [f"elif {pick(draw, CONDS)}:"] + indent(sub()) + \
               ["else:"] + indent(sub())
    if k in (6, 7):
        name = pick(draw, SCOPE_NAMES)
        reuse = pick(draw, REUSE) if name else ""
        alias = pick(draw, [" as scope", " as vs", "", " as (a, b)"])
        return [f"with {tf}.variable_scope({name}{reuse}){alias}:"] + indent(sub())
    if k == 8:
        head = pick(draw, [f"with {tf}.name_scope('x'):", f"with {tf}.Session() as sess:",
                           f"with {tf}.Graph().as_default(), {tf}.Session() as sess:",
                           "with open(f) as a, open(g) as b:", "with (A() as a, B() as b):",
                           f"with {tf}.device('/cpu:0'), {tf}.variable_scope('s', reuse=True):",
                           f"with {tf}.variable_scope(scope, reuse=True), {tf}.name_scope(None):"])
        if ctx.async_ and choice(draw, 3) == 0:
            head = "async with lock:"
        return [head] + indent(sub())
    if k == 9:
        lines = ["try:"] + indent(sub())
        if choice(draw, 2):
            lines += ["except* (ValueError, TypeError) as eg:", "    pass"]
        else:
            lines += ["except Exception as e:"] + indent(sub()) + ["finally:"] + indent(sub())
        return lines
    if k == 10:
        return [f"match {pick(draw, ['cell', 'cells', 'config', 'x.shape'])}:",
                "    case [first, *rest]:"] + indent(indent(sub())) + [
                "    case {'cell': c, **others}:"] + indent(indent(sub())) + [
                "    case tf.nn.rnn_cell.LSTMCell(num_units=0) | None:"] + indent(indent(sub())) + [
                "    case str() as s if s:"] + indent(indent(sub())) + [
                "    case _:"] + indent(indent(sub()))
    if k == 11:  # a deep chain of nested functions and scopes
        depth_chain = draw(st.integers(5, 25))
        lines, pad = [], ""
        for level in range(depth_chain):
            lines.append(f"{pad}def level{level}(x):" if level % 2 == 0
                         else f"{pad}with {tf}.variable_scope('l{level}', reuse=(x > 0)):")
            pad += "    "
        lines.append(f"{pad}cell = {cell(draw, 0, Ctx(func=True))}")
        lines.append(f"{pad}stack = {stack(draw, 0, Ctx(func=True))}")
        return lines
    return [f"@{pick(draw, ['dataclasses.dataclass', 'tf.function', 'register'])}",
            f"class Cell{depth}({pick(draw, BASES)}):"] + indent(
        ["units: int = 10"] + function(draw, Ctx(cls=True), depth + 1) + function(draw, Ctx(cls=True), depth + 1))


@st.composite
def programs(draw):
    lines = [pick(draw, IMPORTS) for _ in range(draw(st.integers(0, 4)))]
    lines += [pick(draw, ALIASES) for _ in range(draw(st.integers(0, 2)))]
    lines += block(draw, Ctx(), 0)
    if choice(draw, 2):
        lines += block(draw, Ctx(), 0)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- running
class PluginRunner:
    """A real, configured pylint linter with only this plugin's messages enabled, reused across examples."""

    def __init__(self, tmp_dir):
        from pylint.lint import Run
        from pylint.reporters import CollectingReporter

        seed = os.path.join(tmp_dir, "fuzz_seed.py")
        with open(seed, "w", encoding="utf-8") as handle:
            handle.write("x = 1\n")
        self.reporter = CollectingReporter()
        run = Run(["--load-plugins=pylint_rnn", "--disable=all", "--enable=rnn,rnn-time-axis-reduction",
                   "--persistent=n", "--score=n", seed], reporter=self.reporter, exit=False)
        self.linter = run.linter
        self.tmp_dir = tmp_dir
        self.counter = itertools.count()

    def messages(self, source):
        """Run every checker of the plugin on source; exceptions propagate (no pylint crash handling)."""
        import astroid
        from astroid.manager import AstroidManager
        from pylint.utils.file_state import FileState

        modname = f"fuzz_{next(self.counter)}"
        path = os.path.join(self.tmp_dir, modname + ".py")
        module = astroid.parse(source, module_name=modname, path=path)
        self.reporter.messages = []
        linter = self.linter
        try:
            with linter._astroid_module_checker() as check_module:  # pylint: disable=protected-access
                linter.set_current_module(modname, path)
                linter.file_state = FileState(modname, linter.msgs_store, module)
                linter.current_file = path
                check_module(module)
        finally:
            AstroidManager().astroid_cache.pop(modname, None)
        return list(self.reporter.messages)


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    return PluginRunner(str(tmp_path_factory.mktemp("fuzz")))


def test_the_runner_reports_plugin_messages(runner):
    """Guards the property below against being vacuous: the checkers really run on the parsed module."""
    source = textwrap.dedent("""
        import tensorflow as tf
        with tf.variable_scope('rnn'):
            a = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(3), x, dtype=tf.float32)
            b = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(3), x, dtype=tf.float32)
        """)
    symbols = {m.symbol for m in runner.messages(source)}
    assert symbols and all(s.startswith("rnn-") for s in symbols), symbols


@SETTINGS
@given(programs())
def test_plugin_never_raises_on_generated_programs(runner, source):
    compile(source, "<generated>", "exec")  # the generator only produces valid Python
    for message in runner.messages(source):
        assert message.symbol.startswith("rnn-"), message
        assert message.msg and "%" not in message.msg.replace("%%", ""), message.msg


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(IMPORTS + ALIASES), max_size=4),
       st.lists(st.sampled_from(sum([[f"{m}.{c}(n)" for c in CELLS + STACKS + WRAPPERS] for m in RNN_MODS[:4]],
                                    [])), min_size=1, max_size=4),
       st.integers(0, 3))
def test_plugin_never_raises_on_stacks_of_every_shape(runner, imports, cells, shape):
    """Every import style against every cell/wrapper/stack spelling, in the four stacking shapes."""
    joined = ", ".join(cells)
    stack_expr = [f"tf.nn.rnn_cell.MultiRNNCell([{joined}] * 2)",
                  f"rnn.MultiRNNCell([{cells[0]} for _ in range(3)])",
                  f"tf.keras.layers.StackedRNNCells([{joined}, {cells[-1]}])",
                  f"tf.nn.bidirectional_dynamic_rnn({cells[0]}, {cells[0]}, x, dtype=tf.float32)"][shape]
    source = "\n".join(imports + [f"stack = {stack_expr}", "def f():", f"    return {stack_expr}"]) + "\n"
    compile(source, "<generated>", "exec")
    runner.messages(source)
