"""Generated code the fixtures do not have: rnn-same-cell-stacked in random combinations of import style,
cell, wrapper, list form and place (module, function, method), each of which can be fixed safely.

For every combination, `pylint-rnn lint --fix` leaves the plugin silent, the file compiles, only the lines of
the stack change, and a second run changes nothing.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from fixes_harness import findings, run_cli, workspace

IMPORTS = {
    "tf1": ("import tensorflow as tf", "tf.nn.rnn_cell.", True),
    "compat": ("import tensorflow.compat.v1 as tf", "tf.nn.rnn_cell.", True),
    "contrib": ("import tensorflow as tf\nfrom tensorflow.contrib import rnn", "rnn.", True),
    "alias": ("import tensorflow as tf\nrnn_cells = tf.contrib.rnn", "rnn_cells.", True),
    "keras": ("import tensorflow as tf\nfrom tensorflow.keras import layers", "layers.", False),
}
LIST_FORMS = {
    "repeat": "    cells = [{c}] * n",
    "repeat_left": "    cells = n * [{c}]",
    "literal": "    cells = [{c}, {c}, {c}]",
    "comprehension": "    cells = [{c} for _ in range(n)]",
    "loop": "    cells = []\n    for _ in range(n):\n        cells.append({c})",
    "extend": "    cells = []\n    cells.extend([{c}] * n)",
}


@st.composite
def programs(draw):
    style = draw(st.sampled_from(sorted(IMPORTS)))
    header, prefix, tf1 = IMPORTS[style]
    cell_class = draw(st.sampled_from(["LSTMCell", "GRUCell"] + (["BasicLSTMCell"] if tf1 else ["SimpleRNNCell"])))
    units = draw(st.sampled_from(["units", "32", "units * 2"]))
    construction = f"{prefix}{cell_class}({units})"
    if tf1 and draw(st.booleans()):
        construction = f"{prefix}DropoutWrapper({construction}, output_keep_prob=keep)"
    place = draw(st.sampled_from(["function", "method", "module"]))
    holder = "self.cell" if place == "method" else "cell"
    form = LIST_FORMS[draw(st.sampled_from(sorted(LIST_FORMS)))].format(c=holder)
    stack = f"{prefix}MultiRNNCell(cells)" if tf1 else f"{prefix}RNN({prefix}StackedRNNCells(cells))"
    body = f"    {holder} = {construction}\n{form}\n    stack = {stack}\n"
    if place == "function":
        code = f"def build(n, units, keep):\n{body}    return stack\n"
    elif place == "method":
        code = f"class Model:\n    def build(self, n, units, keep):\n" + body.replace("\n    ", "\n        ")
        code = code.replace("    def build(self, n, units, keep):\n    ", "    def build(self, n, units, keep):\n        ")
        code += "        return stack\n"
    else:
        code = "n, units, keep = 3, 16, 0.9\n" + body.replace("\n    ", "\n")[4:]
    return f"{header}\n\n\n{code}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=programs())
def test_generated_stacks_are_fixed_safely(tmp_path, source):
    root = workspace(tmp_path, {"model.py": source.encode()})
    assert [symbol for _, symbol, _ in findings(root)] == ["rnn-same-cell-stacked"], source
    code, _, err = run_cli(["lint", "--fix", "model.py"], root)
    fixed = (root / "model.py").read_text()
    assert code == 0 and "fixed 1 finding" in err, (source, err)
    compile(fixed, "model.py", "exec")
    assert findings(root) == [], fixed
    changed = [line for line in fixed.splitlines() if line not in source.splitlines()]
    assert changed and all("cells" in line for line in changed), fixed
    run_cli(["lint", "--fix", "model.py"], root)
    assert (root / "model.py").read_text() == fixed
