#!/usr/bin/env python3
"""A deterministic generator of realistic RNN training scripts: the code `make bench` lints.

The scripts look like the RNN code people write (char-rnn and word language models with sessions, feeds and
variable scopes; PTB-style configs with train/valid/test models sharing weights; compat.v1 and tf.contrib
seq2seq with attention; Keras functional, Sequential and subclassed models with custom training loops;
siamese encoders; sequence taggers; time-series regressors), with what surrounds a model in a real project:
argparse or FLAGS, data loading and batching, vocabularies, logging, checkpoint helpers, learning-rate
schedules, evaluation and sampling. They are assembled from the templates in benchmarks/corpus_parts/
(written for this project; no one else's code), with names, sizes and optional sections drawn from a seeded
random generator, so the same seed always gives the same files.

One script in twenty carries one pitfall (a stack of one cell object, a new cell per time step, a
tf.Variable under reuse, a Keras recurrent layer rebuilt for each twin, ...); the line and message of each are
returned, so a run can tell the messages the plugin should give from those it should not.

    python benchmarks/corpus.py OUTDIR [--count N] [--seed S]     # writes OUTDIR/*.py and OUTDIR/expected.json
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import random
import re
import sys
from pathlib import Path
from string import Template

PARTS = Path(__file__).resolve().parent / "corpus_parts"
BLOCK = re.compile(r"^#@ block (\w+)\s*$")
PITFALL_TAG = re.compile(r"\s*#@pitfall ([a-z\-]+)\s*$")
PITFALL_EVERY = 20  # one script in twenty (of a style that has pitfalls) carries one: about 4 %

# Each style: its template file, the flavour of TensorFlow it imports, the blocks it is made of (common blocks
# are prefixed with "common."), and the pitfalls it can carry (a flag its templates test with `#@ if`).
STYLES = {
    "tf1_charrnn": ("tf1_charrnn", "tf1", ["pitfall_same_cell", "pitfall_cell_per_step"]),
    "tf1_ptb": ("tf1_ptb", "tf1", ["pitfall_same_cell", "pitfall_not_shared"]),
    "compat_seq2seq": ("compat_seq2seq", "compat", ["pitfall_duplicate", "pitfall_bidir_same"]),
    "contrib_attention": ("contrib_attention", "tf1", ["pitfall_same_cell"]),
    "tf1_tagger": ("tf1_tagger", "tf1", ["pitfall_bidir_same", "pitfall_duplicate"]),
    "tf1_siamese": ("tf1_siamese", "tf1", ["pitfall_not_shared", "pitfall_roundtrip"]),
    "tf1_static": ("tf1_static", "tf1", ["pitfall_layers_as_steps", "pitfall_cell_per_step"]),
    "keras_functional": ("keras_functional", "keras", ["pitfall_rebuilt"]),
    "keras_subclassed": ("keras_subclassed", "keras", []),
    "keras_siamese": ("keras_siamese", "keras", ["pitfall_rebuilt"]),
    "keras_timeseries": ("keras_timeseries", "keras", []),
}
SYMBOL_OF_FLAG = {
    "pitfall_same_cell": "rnn-same-cell-stacked",
    "pitfall_bidir_same": "rnn-same-cell-stacked",
    "pitfall_cell_per_step": "rnn-cell-per-timestep",
    "pitfall_not_shared": "rnn-variable-not-shared",
    "pitfall_duplicate": "rnn-duplicate-variables",
    "pitfall_layers_as_steps": "rnn-layers-as-timesteps",
    "pitfall_roundtrip": "rnn-placeholder-roundtrip",
    "pitfall_rebuilt": "rnn-layer-rebuilt-per-call",
}

# Names drawn per script: the same quantity is spelled many ways in real projects.
NAME_POOLS = {
    "hidden": ["hidden_size", "rnn_size", "num_units", "n_hidden", "units", "state_size", "lstm_dim"],
    "layers": ["num_layers", "n_layers", "depth", "rnn_layers", "stack_depth", "num_rnn_layers"],
    "steps": ["seq_length", "num_steps", "max_len", "timesteps", "seq_len", "n_steps", "unroll"],
    "batch": ["batch_size", "bsz", "batch", "n_batch"],
    "vocab": ["vocab_size", "n_vocab", "num_chars", "vocab_len"],
    "embed": ["embedding_size", "emb_dim", "embed_dim", "n_embed"],
    "lr": ["learning_rate", "lr", "init_lr", "base_lr"],
    "keep": ["keep_prob", "dropout_keep", "output_keep_prob", "keep"],
    "epochs": ["num_epochs", "epochs", "max_epochs", "n_epochs"],
    "model": ["Model", "CharModel", "RNNModel", "LanguageModel", "SeqModel", "Net"],
    "cell_fn": ["make_cell", "build_cell", "lstm_cell", "get_cell", "single_cell", "new_cell"],
    "sess": ["sess", "session", "s"],
    "ckpt": ["save_dir", "checkpoint_dir", "ckpt_dir", "model_dir", "out_dir"],
    "data": ["data_dir", "data_path", "corpus_dir", "input_dir"],
    "log": ["log_dir", "logdir", "summary_dir", "tb_dir"],
}
CELLS = {
    "tf1": ["tf.nn.rnn_cell.BasicLSTMCell", "tf.nn.rnn_cell.LSTMCell", "tf.nn.rnn_cell.GRUCell",
            "tf.contrib.rnn.BasicLSTMCell", "tf.contrib.rnn.LSTMCell", "tf.contrib.rnn.GRUCell",
            "tf.contrib.rnn.LayerNormBasicLSTMCell", "rnn.BasicLSTMCell", "rnn.GRUCell"],
    "compat": ["tf.nn.rnn_cell.LSTMCell", "tf.nn.rnn_cell.GRUCell", "tf.nn.rnn_cell.BasicLSTMCell"],
    "keras": ["LSTM", "GRU"],
}
TOGGLES = ["with_summaries", "with_early_stop", "with_lr_decay", "with_sampling", "with_eval", "with_profile",
           "with_clip", "with_dropout", "with_bidirectional", "with_attention", "use_argparse", "with_timer",
           "with_json_config", "with_plot", "with_resume", "with_vocab_file", "with_class_config"]


def read_blocks(name):
    """{block name: template text} from corpus_parts/<name>.tmpl."""
    blocks, current, lines = {}, None, []
    for line in (PARTS / f"{name}.tmpl").read_text(encoding="utf-8").splitlines():
        match = BLOCK.match(line)
        if match:
            if current:
                blocks[current] = "\n".join(lines).strip("\n") + "\n"
            current, lines = match.group(1), []
        else:
            lines.append(line)
    if current:
        blocks[current] = "\n".join(lines).strip("\n") + "\n"
    return blocks


def preprocess(text, flags):
    """Keep the lines whose `#@ if FLAG` / `#@ else` / `#@ end` conditions hold (nestable; `!FLAG` negates)."""
    out, stack = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#@ if "):
            cond = stripped[6:].strip()
            wanted = not flags.get(cond[1:], False) if cond.startswith("!") else flags.get(cond, False)
            stack.append([wanted, wanted])
        elif stripped == "#@ else":
            stack[-1][1] = not stack[-1][0]
        elif stripped == "#@ end":
            stack.pop()
        elif all(active for _, active in stack):
            out.append(line)
    return "\n".join(out) + "\n"


def draw(rng, flavour, pitfall):
    """The names, sizes and switches of one script."""
    values = {key: rng.choice(pool) for key, pool in NAME_POOLS.items()}
    cell = rng.choice(CELLS[flavour])
    values.update({
        "cell": cell, "cell_short": cell.rsplit(".", 1)[-1], "is_lstm": "LSTM" in cell,
        "hidden_n": rng.choice([64, 128, 200, 256, 512, 650]), "layers_n": rng.choice([2, 2, 3, 4]),
        "steps_n": rng.choice([20, 25, 35, 50, 64, 100]), "batch_n": rng.choice([16, 20, 32, 50, 64, 128]),
        "vocab_n": rng.choice([65, 96, 5000, 10000, 20000]), "embed_n": rng.choice([32, 64, 100, 128, 300]),
        "lr_n": rng.choice(["0.001", "0.002", "1.0", "0.0005", "0.01"]),
        "keep_n": rng.choice(["0.5", "0.65", "0.8", "1.0"]), "epochs_n": rng.choice([5, 10, 20, 39, 50]),
        "clip_n": rng.choice(["5.0", "1.0", "0.25", "10.0"]), "seed_n": rng.randrange(1, 10_000),
        "project": rng.choice(["shakespeare", "linux", "ptb", "wiki", "poems", "lyrics", "tweets", "code",
                               "names", "recipes", "dialogs", "headlines", "reviews", "conll", "sensors"]),
    })
    flags = {toggle: rng.random() < 0.5 for toggle in TOGGLES}
    flags["is_lstm"] = values["is_lstm"]
    flags["tf1_rnn_import"] = cell.startswith("rnn.")
    if pitfall:
        flags[pitfall] = True
    return values, flags


def assemble(template, flags):
    """The script's text from its style's block order, before substitution."""
    common, own = read_blocks("common"), read_blocks(template)
    order = own.pop("order").split()
    return "".join(preprocess((common if name.startswith("common.") else own)[name.split(".")[-1]], flags) + "\n\n"
                   for name in order)


def strip_tags(text):
    """-> (source without `#@pitfall` tags, [(line, symbol)] of the tagged lines)."""
    lines, expected = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        tag = PITFALL_TAG.search(line)
        if tag:
            expected.append((number, tag.group(1)))
            line = line[:tag.start()]
        lines.append(line)
    return "\n".join(lines) + "\n", expected


def render(style, index, seed):
    """-> (file name, source, [(line, symbol)]) for script `index` of the corpus drawn with `seed`."""
    template, flavour, pitfalls = STYLES[style]
    rng = random.Random(int(hashlib.sha256(f"{seed}:{index}:{style}".encode()).hexdigest()[:16], 16))
    pitfall = rng.choice(pitfalls) if pitfalls and index % PITFALL_EVERY == PITFALL_EVERY // 3 else None
    values, flags = draw(rng, flavour, pitfall)
    values.update({"style": style, "index": index})
    text = Template(assemble(template, flags)).safe_substitute(values)
    source, expected = strip_tags(re.sub(r"\n{4,}", "\n\n\n", text).rstrip() + "\n")
    return f"{index:03d}_{style}_{values['project']}.py", source, expected


def generate(outdir, count=120, seed=2024):
    """Write `count` scripts and expected.json into outdir; -> {file: [[line, symbol], ...]}."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    styles = sorted(STYLES)
    expected = {}
    for index in range(count):
        name, source, found = render(styles[index % len(styles)], index, seed)
        ast.parse(source, filename=name)  # a template error must fail here, not look like a syntax-error finding
        (outdir / name).write_text(source, encoding="utf-8")
        expected[name] = found
    (outdir / "expected.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")
    return expected


def main(argv=None):
    """Write a corpus from the command line and say how big it is."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir")
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    expected = generate(args.outdir, args.count, args.seed)
    files = sorted(Path(args.outdir).glob("*.py"))
    lines = sum(p.read_text(encoding="utf-8").count("\n") for p in files)
    pitfalls = sum(len(v) for v in expected.values())
    print(f"{len(files)} scripts, {lines} lines, {pitfalls} pitfalls in {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
