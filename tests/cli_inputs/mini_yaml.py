"""A small YAML-subset reader for the tests (PyYAML is not a dependency).

Handles what our hook file and documented configurations use: block mappings and sequences, ``[a, b]``
flow sequences of scalars, quoted and plain scalars, booleans, ``|`` block scalars and comments.
"""
from __future__ import annotations

import re


def _scalar(text):
    text = text.strip()
    if not text:
        return None
    if text[0] in "\"'" and text[-1] == text[0]:
        return text[1:-1]
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        return [_scalar(part) for part in inner.split(",")] if inner else []
    if text.startswith("{") and text.endswith("}"):
        inner = text[1:-1].strip()
        out = {}
        for part in filter(None, (p.strip() for p in inner.split(","))):
            key, _, value = part.partition(":")
            out[_scalar(key)] = _scalar(value)
        return out
    if text in ("true", "True"):
        return True
    if text in ("false", "False"):
        return False
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def _strip_comment(line):
    if line.lstrip().startswith("#"):
        return ""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def loads(text):
    raw = text.splitlines()
    lines = []  # (indent, content, raw index)
    for index, line in enumerate(raw):
        stripped = _strip_comment(line)
        if stripped.strip():
            lines.append((len(stripped) - len(stripped.lstrip()), stripped.strip(), index))
    pos = 0

    def block_scalar(raw_index, parent_indent):
        body = []
        for line in raw[raw_index + 1 :]:
            if line.strip() and len(line) - len(line.lstrip()) <= parent_indent:
                break
            body.append(line)
        while body and not body[-1].strip():
            body.pop()
        indent = min((len(l) - len(l.lstrip()) for l in body if l.strip()), default=0)
        consumed = len(body)
        return "\n".join(l[indent:] for l in body) + "\n", raw_index + consumed

    def skip_to(raw_limit):
        nonlocal pos
        while pos < len(lines) and lines[pos][2] <= raw_limit:
            pos += 1

    def parse_block(indent):
        nonlocal pos
        if lines[pos][1].startswith("- ") or lines[pos][1] == "-":
            return parse_seq(indent)
        return parse_map(indent)

    def parse_value(rest, indent, raw_index, key_indent):
        nonlocal pos
        if rest in ("|", "|-", ">"):
            value, last = block_scalar(raw_index, key_indent)
            skip_to(last)
            return value
        if rest:
            pos += 1
            return _scalar(rest)
        pos += 1
        if pos < len(lines) and lines[pos][0] > key_indent or (
            pos < len(lines) and lines[pos][0] == key_indent and lines[pos][1].startswith("-")
        ):
            return parse_block(lines[pos][0])
        return None

    def parse_map(indent):
        nonlocal pos
        out = {}
        while pos < len(lines) and lines[pos][0] == indent and not lines[pos][1].startswith("-"):
            _, content, raw_index = lines[pos]
            key, sep, rest = content.partition(":")
            if not sep:
                raise ValueError(f"line {raw_index + 1}: expected 'key: value': {content!r}")
            out[_scalar(key)] = parse_value(rest.strip(), indent, raw_index, indent)
        return out

    def parse_seq(indent):
        nonlocal pos
        out = []
        while pos < len(lines) and lines[pos][0] == indent and lines[pos][1].startswith("-"):
            _, content, raw_index = lines[pos]
            item = content[1:].strip()
            if not item:
                pos += 1
                out.append(parse_block(lines[pos][0]))
            elif re.match(r"^[^\"'\[{][^:]*:(\s|$)", item):
                # "- key: value" starts a mapping whose keys are indented like "key".
                item_indent = indent + (len(content) - len(item))
                lines[pos] = (item_indent, item, raw_index)
                out.append(parse_map(item_indent))
            else:
                pos += 1
                out.append(_scalar(item))
        return out

    if not lines:
        return None
    return parse_block(lines[0][0])
