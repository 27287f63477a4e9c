"""``pylint-rnn-verify --format html``: the page for every runnable fixture and for scripts in other styles.

Each target is verified once per session (in parallel, one child process each) with ``--format html
--output``; the tests read the pages. The page marks its structure with data attributes (``data-grid`` on a
card, ``data-row`` / ``data-step`` / ``data-ws`` on each box, ``data-kind`` on an initial state, ...), so the
tests assert on what is drawn, not on wording. The last tests open pages in headless Chromium when it is
installed (Debian's ``chromium`` package) and check the rendered pixels.
"""
from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import FIX, ROOT

from pylint_rnn.verify.html_svg import PALETTE, WRONG, weight_set_style

# name -> (arguments after pylint-rnn-verify, expected exit status); paths relative to the repository root
CASES = {
    "seed000_buggy": ([f"{FIX}/seed000_roundtrip_buggy.py", "--static"], 1),
    "seed000_fixed": ([f"{FIX}/seed000_roundtrip_fixed.py"], 0),
    "seed001_buggy": ([f"{FIX}/seed001_reuse_buggy.py"], 1),
    "seed001_fixed": ([f"{FIX}/seed001_reuse_fixed.py"], 0),
    "seed002_buggy": ([f"{FIX}/seed002_layers_as_timesteps_buggy.py"], 1),
    "seed002_fixed": ([f"{FIX}/seed002_layers_as_timesteps_fixed.py"], 0),
    "seed003_buggy": ([f"{FIX}/seed003_initial_state_buggy.py"], 1),
    "seed003_fixed": ([f"{FIX}/seed003_initial_state_fixed.py"], 0),
    "seed004_buggy": ([f"{FIX}/seed004_sum_layers_buggy.py"], 0),
    "seed004_fixed": ([f"{FIX}/seed004_sum_layers_fixed.py"], 0),
    "stack_same": ([f"{FIX}/stack_same_cell_buggy.py"], 1),
    "stack_fixed": ([f"{FIX}/stack_fixed.py"], 0),
    "stack_shape_error": ([f"{FIX}/stack_same_cell_shape_error.py"], 3),
    "bidi_same": ([f"{FIX}/bidirectional_same_cell_buggy.py"], 1),
    "duplicate": ([f"{FIX}/duplicate_variables_buggy.py"], 3),
    "unsupported": ([f"{FIX}/unsupported_contrib.py"], 3),
    "factory_unused": ([f"{FIX}/factories.py:build_unused_projection"], 1),
    "factory_ok": ([f"{FIX}/factories.py:build_ok"], 0),
    "factory_wrong": ([f"{FIX}/factories.py:build_wrong_type"], 3),
    "keras_rebuilt": ([f"{FIX}/keras_models.py:rebuilt_per_call"], 1),
    "keras_siamese": ([f"{FIX}/keras_models.py:siamese_shared"], 0),
    "keras_stacked_ok": ([f"{FIX}/keras_models.py:stacked_loop_ok"], 0),
    "keras_same_cell": ([f"{FIX}/keras_models.py:same_cell_two_layers"], 1),
    "keras_unused_head": ([f"{FIX}/keras_models.py:unused_head"], 1),
    "keras_script": ([f"{FIX}/keras_train_script.py"], 1),
    "keras3_rebuilt": ([f"{FIX}/keras3_models.py:rebuilt_per_call"], 1),
    "keras3_shared": ([f"{FIX}/keras3_models.py:shared"], 0),
    "raises": ([f"{FIX}/hostile/raises.py"], 3),
    "syntax_error": ([f"{FIX}/hostile/syntax_error.py"], 3),
    "threads": ([f"{FIX}/hostile/threads.py"], 0),
    "sys_exit": ([f"{FIX}/hostile/sys_exit.py"], 3),
    "os_exit": ([f"{FIX}/hostile/os_exit.py"], 3),
}

# Scripts in styles the fixtures lack, written into a temporary folder: name -> (source, target suffix, exit)
NEW_STYLES = {
    # a new GRUCell (new weights) at every step of a hand-written loop
    "new_cell_per_step": ("""
import tensorflow as tf
T, n = 4, 6
x = tf.placeholder(tf.float32, [None, T, 3])
steps = tf.unstack(x, axis=1)
state = tf.zeros([tf.shape(x)[0], n])
outs = []
for t in range(T):
    with tf.variable_scope("step_%d" % t):
        cell = tf.nn.rnn_cell.GRUCell(n)
        out, state = cell(steps[t], state)
    outs.append(out)
train = tf.train.AdamOptimizer().minimize(tf.reduce_mean(tf.square(outs[-1])))
""", "", 1),  # the verifier confirms rnn-cell-per-timestep
    # two layers unrolled by hand over 12 steps, reused scope, tf.gradients, tf.compat.v1 import
    "by_hand_two_layers": ("""
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
T, n = 12, 5
x = tf.placeholder(tf.float32, [8, T, 3])
lower, upper = tf.nn.rnn_cell.BasicLSTMCell(n), tf.nn.rnn_cell.BasicLSTMCell(n)
s1, s2 = lower.zero_state(8, tf.float32), upper.zero_state(8, tf.float32)
outs = []
with tf.variable_scope("unrolled") as vs:
    for t in range(T):
        if t > 0:
            vs.reuse_variables()
        with tf.variable_scope("l1"):
            h1, s1 = lower(x[:, t, :], s1)
        with tf.variable_scope("l2"):
            h2, s2 = upper(tf.nn.dropout(h1, rate=0.1), s2)
        outs.append(h2)
loss = tf.reduce_mean(tf.layers.dense(tf.stack(outs, 1), 1))
grads = tf.gradients(loss, tf.trainable_variables())
""", "", 0),
    # encoder state into a decoder; a learned initial state tiled to the batch; compute/apply_gradients
    "encoder_decoder": ("""
import tensorflow as tf
src = tf.placeholder(tf.float32, [None, 7, 4])
tgt = tf.placeholder(tf.float32, [None, 5, 4])
with tf.variable_scope("encoder"):
    _, enc_state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(8), src, dtype=tf.float32)
with tf.variable_scope("decoder"):
    dec_out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(8), tgt, initial_state=enc_state)
with tf.variable_scope("tiled"):
    h0, c0 = tf.get_variable("h0", [1, 8]), tf.get_variable("c0", [1, 8])
    b = tf.shape(src)[0]
    learned = tf.nn.rnn_cell.LSTMStateTuple(tf.tile(c0, [b, 1]), tf.tile(h0, [b, 1]))
    out3, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(8), src, initial_state=learned)
logits = tf.layers.dense(dec_out[:, -1] + out3[:, -1], 3)
opt = tf.train.GradientDescentOptimizer(0.1)
train = opt.apply_gradients(opt.compute_gradients(tf.reduce_mean(logits)))
""", "", 0),
    # a two-layer static_rnn over 40 steps whose outputs are summed over time with add_n
    "long_static": ("""
import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 40, 2])
cells = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(3) for _ in range(2)])
outs, _ = tf.nn.static_rnn(cells, tf.unstack(x, axis=1), dtype=tf.float32)
train = tf.train.AdamOptimizer().minimize(tf.reduce_mean(tf.add_n(outs)))
""", "", 0),
    # an old-style custom cell that overrides __call__ itself, run by static_rnn
    "custom_call_cell": ("""
import tensorflow as tf

class TinyCell(tf.nn.rnn_cell.RNNCell):
    def __init__(self, n):
        super().__init__()
        self.n = n

    @property
    def state_size(self):
        return self.n

    @property
    def output_size(self):
        return self.n

    def __call__(self, inputs, state, scope=None):
        with tf.variable_scope(scope or "tiny"):
            w = tf.get_variable("w", [int(inputs.shape[-1]) + self.n, self.n])
            h = tf.tanh(tf.matmul(tf.concat([inputs, state], 1), w))
        return h, h

x = tf.placeholder(tf.float32, [None, 4, 3])
outs, _ = tf.nn.static_rnn(TinyCell(5), tf.unstack(x, axis=1), dtype=tf.float32)
train = tf.train.AdamOptimizer().minimize(tf.reduce_mean(outs[-1]))
""", "", 0),
    # Keras: encoder state into a decoder, a bidirectional GRU, stacked cells
    "keras_mix": ("""
import tensorflow as tf
L = tf.keras.layers

def build():
    a, b = L.Input((9, 4)), L.Input((6, 4))
    seq, h, c = L.LSTM(5, return_state=True, return_sequences=True)(a)
    dec = L.LSTM(5, return_sequences=True)(b, initial_state=[h, c])
    bi = L.Bidirectional(L.GRU(3))(seq)
    st = L.RNN(L.StackedRNNCells([L.GRUCell(4), L.GRUCell(4)]))(dec)
    return tf.keras.Model([a, b], L.Dense(1)(L.Concatenate()([bi, st])))
""", ":build", 0),
}

BOX = re.compile(r'<g class="box" data-row="(\d+)" data-step="(\d+)" data-ws="([^"]*)"( data-failed="1")?>'
                 r'<title>[^<]*</title><rect [^>]*fill="([^"]+)"')


def _run(args, out, cwd):
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2")
    if any("keras3" in a for a in args):
        env.pop("TF_USE_LEGACY_KERAS")
    cmd = [sys.executable, "-m", "pylint_rnn.verify.cli", *args, "--format", "html", "--output", str(out)]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300, env=env, check=False)
    return {"rc": proc.returncode, "stderr": proc.stderr,
            "html": out.read_text(encoding="utf-8") if out.exists() else ""}


@pytest.fixture(scope="session")
def pages(tmp_path_factory):
    """name -> {"rc", "stderr", "html", "expected"} for every case, verified in parallel."""
    out = tmp_path_factory.mktemp("html")
    scripts = tmp_path_factory.mktemp("new_styles")
    jobs = {name: (args, ROOT, rc) for name, (args, rc) in CASES.items()}
    for name, (source, suffix, rc) in NEW_STYLES.items():
        (scripts / f"{name}.py").write_text(source.lstrip(), encoding="utf-8")
        jobs[name] = ([str(scripts / f"{name}.py") + suffix], scripts, rc)
    with ThreadPoolExecutor(max_workers=max(2, min(4, (os.cpu_count() or 2) + 1))) as pool:
        futures = {name: pool.submit(_run, args, out / f"{name}.html", cwd) for name, (args, cwd, _) in jobs.items()}
        return {name: dict(fut.result(), expected=jobs[name][2]) for name, fut in futures.items()}


def grids(page):
    """grid id -> its card's HTML."""
    found = re.findall(r'<section class="card [a-z]*" id="[^"]*" data-grid="([^"]*)">(.*?)</section>', page, re.S)
    return dict(found)


def rows(card):
    """row index (0 = bottom layer) -> [weight set id of each drawn step] of a grid card."""
    out = {}
    for row, _, ws, _, _ in BOX.findall(card):
        out.setdefault(int(row), []).append(ws)
    return out


def row_sets(card):
    """[the set of weight set ids of each row], bottom row first."""
    return [set(v) for _, v in sorted(rows(card).items())]


def wrong_variables(page):
    return re.findall(r'<tr class="wrong" data-variable="([^"]*)">', page)


def finding_code(page, symbol, line):
    """The highlighted source line of a finding's code excerpt."""
    match = re.search(rf'data-symbol="{re.escape(symbol)}" data-line="{line}">.*?<span class="hit"><i>{line}</i>'
                      r'([^<]*)</span>', page, re.S)
    return match.group(1) if match else None


# ---------------------------------------------------------------- every target: a page, the right exit status
@pytest.mark.parametrize("name", sorted([*CASES, *NEW_STYLES]))
def test_every_target_gets_a_self_contained_page(pages, name):
    page = pages[name]
    assert page["rc"] == page["expected"], page["stderr"][-2000:]
    html = page["html"]
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html and html.rstrip().endswith("</html>")
    assert "default-src 'none'" in html  # the page may load nothing, even if something slipped in
    for forbidden in ("<script", "http://", "https://", "@import", "<link", "<img", "src="):
        assert forbidden not in html, forbidden
    assert 'id="legend"' in html


def test_box_colours_follow_the_weight_sets(pages):
    """Every box is filled with its weight set's colour, on every page; one set never has two colours."""
    for name, page in pages.items():
        for _, _, ws, _, fill in BOX.findall(page["html"]):
            assert fill == (weight_set_style(ws)[0] if ws else "#fff"), (name, ws, fill)


# ---------------------------------------------------------------- the seeds: each mistake is visible
def test_seed000_buggy_draws_the_cut_and_the_starved_ann(pages):
    html = pages["seed000_buggy"]["html"]
    cards = grids(html)
    assert list(cards) == ["R1"]
    assert row_sets(cards["R1"]) == [{"W1"}] and len(rows(cards["R1"])[0]) == 3  # static_rnn: 3 measured steps
    assert 'class="cut-input"' in cards["R1"]  # the RNN's input is the placeholder of the round trip
    assert re.search(r'<g class="cut" data-cut="0">', html)
    assert re.search(r'class="cut-placeholder">.*?>Placeholder<', html, re.S)
    assert sorted(wrong_variables(html)) == ["ANN/ann_bias/Variable:0", "ANN/ann_weights/Variable:0"]
    assert "sess.run(model.optimizer" in finding_code(html, "rnn-placeholder-roundtrip", 82)
    # --static: the plugin's findings beside the run's, with their verdicts
    verdicts = dict(re.findall(r'data-static="([^"]*)" data-verdict="([^"]*)"', html))
    assert verdicts["rnn-placeholder-roundtrip"].startswith("confirmed")
    assert verdicts["rnn-repeated-graph-call"] == "not checkable at run time"


def test_seed000_fixed_three_rnns_share_one_colour(pages):
    html = pages["seed000_fixed"]["html"]
    cards = grids(html)
    assert list(cards) == ["R1", "R2", "R3", "R4"]
    assert [row_sets(cards[g]) for g in cards] == [[{"W1"}], [{"W1"}], [{"W1"}], [{"W2"}]]
    assert "data-cut" not in html and wrong_variables(html) == []


def test_seed001_buggy_shared_rnns_but_copied_projection(pages):
    html = pages["seed001_buggy"]["html"]
    cards = grids(html)
    assert row_sets(cards["R1"]) == row_sets(cards["R2"]) == [{"W1"}, {"W2"}]
    after = {g: re.search(r'<g class="after" data-ws="([^"]*)"', c).group(1) for g, c in cards.items()}
    assert after == {"R1": "W3", "R2": "W4"}  # the same RNN, two different projections
    assert re.search(r'data-variable="lstm_1/proj:0"><td class="mono">lstm_1/proj:0 <span class="badge '
                     r'suspected">copy of lstm/proj:0', html)
    fixed = grids(pages["seed001_fixed"]["html"])
    assert [re.search(r'<g class="after" data-ws="([^"]*)"', c).group(1) for c in fixed.values()] == ["W3", "W3"]


def test_seed002_buggy_square_of_distinct_rows_fixed_one_row(pages):
    buggy = grids(pages["seed002_buggy"]["html"])["R1"]
    assert row_sets(buggy) == [{"W1"}, {"W2"}, {"W3"}]  # 3 layers, each one weight set over its 3 steps
    assert all(len(steps) == 3 for steps in rows(buggy).values())
    assert "as deep as the sequence is long" in buggy
    fixed = grids(pages["seed002_fixed"]["html"])["R1"]
    assert row_sets(fixed) == [{"W1"}] and len(rows(fixed)[0]) == 3


def test_seed003_buggy_state_assigned_only_fixed_learned(pages):
    buggy = pages["seed003_buggy"]["html"]
    assert re.findall(r'<g class="state" data-kind="([^"]*)"', buggy) == ["assigned-only"]
    assert 'class="assign-source"' in buggy
    assert sorted(wrong_variables(buggy)) == ["Variable:0", "Variable_1:0"]
    fixed = pages["seed003_fixed"]["html"]
    assert re.findall(r'<g class="state" data-kind="([^"]*)"', fixed) == ["learned"]
    assert wrong_variables(fixed) == []


def test_seed004_sum_over_time_vs_sum_over_layers(pages):
    buggy = grids(pages["seed004_buggy"]["html"])["R1"]
    fixed = grids(pages["seed004_fixed"]["html"])["R1"]
    assert row_sets(buggy) == row_sets(fixed) == [{"W1"}, {"W2"}, {"W3"}]
    assert re.findall(r'data-over="(\w+)"', buggy) == ["time"]
    assert re.findall(r'data-over="(\w+)"', fixed) == ["layers"]
    assert "line 28" in buggy and "line 35" in fixed


# ---------------------------------------------------------------- the other fixtures
def test_one_cell_stacked_one_colour_on_every_row(pages):
    same = grids(pages["stack_same"]["html"])["R1"]
    assert row_sets(same) == [{"W1"}, {"W1"}, {"W1"}]
    assert "one cell object stacked 3 times" in same
    assert row_sets(grids(pages["stack_fixed"]["html"])["R1"]) == [{"W1"}, {"W2"}, {"W3"}]


def test_bidirectional_same_cell_one_colour_both_ways(pages):
    card = grids(pages["bidi_same"]["html"])["R1"]
    assert row_sets(card) == [{"W1"}, {"W1"}]
    assert "forward layer 1" in card and "backward layer 1" in card


def test_failed_targets_show_the_failed_call_and_the_error(pages):
    shape = pages["stack_shape_error"]["html"]
    boxes = {(int(r), ws, bool(failed)) for r, _, ws, failed, _ in BOX.findall(grids(shape)["R?"])}
    assert boxes == {(0, "W1", False), (1, "", True)}  # layer 1 was built, layer 2 (the same cell) failed
    assert 'class="error"' in shape and "stacked = tf" not in shape
    dup = pages["duplicate"]["html"]
    assert row_sets(grids(dup)["R1"]) == [{"W1"}]
    assert "out_b, _ = tf.nn.dynamic_rnn" in finding_code(dup, "rnn-duplicate-variables", 7)
    for name in ("unsupported", "raises", "syntax_error", "factory_wrong", "sys_exit", "os_exit"):
        assert 'class="error"' in pages[name]["html"], name


def test_keras_layers_rebuilt_shared_and_same_cell(pages):
    for name in ("keras_rebuilt", "keras3_rebuilt", "keras_script"):
        cards = grids(pages[name]["html"])
        assert [row_sets(c) for c in cards.values()] == [[{"W1"}], [{"W2"}]], name
    for name in ("keras_siamese", "keras3_shared"):
        [card] = grids(pages[name]["html"]).values()
        assert "applied to 2 inputs" in card, name
    same = grids(pages["keras_same_cell"]["html"])
    assert [row_sets(c) for c in same.values()] == [[{"W1"}], [{"W1"}]]
    assert len(wrong_variables(pages["keras_unused_head"]["html"])) == 2  # the unused Dense's kernel and bias


# ---------------------------------------------------------------- styles the fixtures lack
def test_new_cell_per_step_new_colour_every_column(pages):
    [(grid_id, card)] = grids(pages["new_cell_per_step"]["html"]).items()
    assert grid_id == "U1"
    assert rows(card) == {0: ["W1", "W2", "W3", "W4"]}
    assert "a new weight set at every time step" in card


def test_hand_unrolled_two_layers_collapse_long_sequences(pages):
    card = grids(pages["by_hand_two_layers"]["html"])["U1"]
    assert rows(card) == {0: ["W1"] * 5, 1: ["W2"] * 5}  # 12 steps drawn as 1, 2, 3, ..., 11, 12
    assert "+7 steps" in card and "…" in card


def test_encoder_state_and_learned_state(pages):
    cards = grids(pages["encoder_decoder"]["html"])
    kinds = {g: re.findall(r'<g class="state" data-kind="([^"]*)"', c) for g, c in cards.items()}
    assert kinds == {"R1": ["zeros"], "R2": ["from-rnn"], "R3": ["learned"]}
    assert "it feeds R2" in cards["R1"] and "→ R2" in cards["R1"]  # the encoder's final state


def test_long_static_rnn_and_sum_over_time(pages):
    card = grids(pages["long_static"]["html"])["R1"]
    assert rows(card) == {0: ["W1"] * 5, 1: ["W2"] * 5}
    assert "+35 steps" in card and re.findall(r'data-over="(\w+)"', card) == ["time"]


def test_custom_cell_overriding_call_is_measured_per_step(pages):
    card = grids(pages["custom_call_cell"]["html"])["R1"]
    assert rows(card) == {0: ["W1"] * 4}


def test_keras_encoder_decoder_bidirectional_stacked(pages):
    cards = grids(pages["keras_mix"]["html"])
    assert list(cards) == ["lstm", "lstm_1", "bidirectional", "rnn"]
    assert re.findall(r'data-kind="([^"]*)"', cards["lstm_1"]) == ["from-rnn"]
    assert row_sets(cards["bidirectional"]) == [{"W3"}, {"W4"}]
    assert row_sets(cards["rnn"]) == [{"W5"}, {"W6"}]


# ---------------------------------------------------------------- colours
def _luminance(hex_colour):
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_palette_is_distinct_readable_and_never_the_error_colour():
    styles = [weight_set_style(f"W{n}") for n in range(1, 19)]
    assert len({(fill, pattern) for fill, _, pattern in styles}) == 18
    for fill, ink in PALETTE:
        assert fill.upper() != WRONG.upper()
        light, dark = sorted((_luminance(fill), _luminance(ink)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, fill


# ---------------------------------------------------------------- a real browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _screenshot(page, tmp_path, size="1280,1600"):
    """Render the page from a file:// URL in headless Chromium; -> the PNG's (width, height, RGB rows)."""
    html, png = tmp_path / "page.html", tmp_path / "page.png"
    html.write_text(page, encoding="utf-8")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars", f"--window-size={size}",
           f"--screenshot={png}", html.as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert png.exists(), "chromium wrote no screenshot"
    return _decode_png(png.read_bytes())


def _decode_png(data):
    """A minimal decoder for Chromium's screenshots (8-bit RGB or RGBA, not interlaced)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows_out, prev = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = prev[i], prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                best = min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - corner), 2, corner))[2]
                line[i] = (line[i] + best) & 255
        rows_out.append(bytes(line))
        prev = line
    return width, height, [bytes(b for i, b in enumerate(r) if i % channels < 3) for r in rows_out]


def _colour_counts(image, colours):
    """How many pixels of each hex colour the image has."""
    _, _, pixels = image
    wanted = {bytes(int(c.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)): c for c in colours}
    counts = dict.fromkeys(colours, 0)
    for row in pixels:
        for x in range(0, len(row), 3):
            hit = wanted.get(row[x:x + 3])
            if hit:
                counts[hit] += 1
    return counts


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian: apt-get install chromium)")
def test_browser_draws_each_seed_mistake(pages, tmp_path):
    """In a real browser, seed 002's buggy page shows three weight-set colours where the fixed one shows one,
    and seed 000's buggy page shows vermillion (the cut, the starved variables) where the fixed one does not.
    The legend shows every colour a little on both, so the pages are compared: 3 boxes of 60 x 36 pixels
    are about 6500 pixels."""
    colours = [fill for fill, _ in PALETTE[:3]] + [WRONG]
    counts = {}
    for name in ("seed002_buggy", "seed002_fixed", "seed000_buggy", "seed000_fixed"):
        folder = tmp_path / name
        folder.mkdir()
        image = _screenshot(pages[name]["html"], folder)
        assert image[0] == 1280
        counts[name] = _colour_counts(image, colours)
    w1, w2, w3, wrong = colours
    buggy, fixed = counts["seed002_buggy"], counts["seed002_fixed"]
    assert buggy[w1] > 5000 and fixed[w1] > 5000  # the first layer's row, in both
    assert buggy[w2] > fixed[w2] + 5000 and buggy[w3] > fixed[w3] + 5000  # two more layers, only when buggy
    assert counts["seed000_buggy"][wrong] > counts["seed000_fixed"][wrong] + 2000


# ---------------------------------------------------------------- odd results never break the page
def test_page_survives_results_without_picture_and_escapes_text():
    from pylint_rnn.verify.html import render_html

    hostile = "<script>alert(1)</script>"
    results = [
        {"target": "t.py", "status": "ok", "findings": []},
        {"target": "t.py", "status": "ok", "findings": [], "picture": {"error": f"ValueError: {hostile}"}},
        {"target": hostile, "status": "target-failed", "findings": [
            {"symbol": "rnn-no-gradient", "message": hostile, "path": "/no/such/file.py", "line": 3,
             "confirmed": True}], "error": {"kind": "ValueError", "message": hostile, "traceback": hostile},
         "static": {"findings": [{"symbol": "rnn-repeated-graph-call", "path": "x.py", "line": 1,
                                  "message": hostile, "verdict": "not checkable at run time"}], "error": hostile},
         "notes": [hostile], "checked": {"variables": 3}},
        {"target": "t.py", "status": "ok", "findings": [], "picture": {"grids": [
            {"id": "R1", "source": "dynamic_rnn", "loop": True, "time_steps": None, "rows": [
                {"cell": hostile, "direction": None, "steps": [None], "failed": [True]}]}],
            "weight_sets": [], "variables": [], "cuts": [{"placeholder": hostile, "feeds": ["R1"]}]}},
    ]
    for result in results:
        page = render_html(result)
        assert "<script>" not in page and page.rstrip().endswith("</html>")
