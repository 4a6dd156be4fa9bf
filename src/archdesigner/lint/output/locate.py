"""Where each node, link and group id sits in a design file's text (for SARIF and text)."""

from __future__ import annotations

import json
import re

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\],:]')
_SECTIONS = {"nodes": "node", "links": "link", "groups": "group"}


# The canonical writer (io/save.py: 2-space indent) puts each top-level key on a line of its
# own at indent 2, each element of a section at indent 4 and the element's keys at indent 6.
# Each pattern starts with a literal, so the regular-expression engine skips ahead fast.
_STR = r'"(?:[^"\\\n]|\\.)*"'
_TOP_KEY = re.compile(r"\n  (" + _STR + r"): ")
_ID = '\n      "id": '
_VALUE = re.compile(_STR)


def _string(tok: str) -> str | None:
    if "\\" not in tok:
        return tok[1:-1]
    try:
        value = json.loads(tok)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def id_lines(text: str) -> dict[tuple[str, str], int]:
    """``(subject_type, id) -> line`` (1-based) of the ``"id"`` key of each node, link and
    group. A file as the canonical writer lays it out is read with one scan of the text
    (about 10 ms at 10,000 nodes); any other layout (keys in any order, other indents, one
    line) falls back to a structural tokenizer. Unparsable text gives what was found so far."""
    found = _canonical_id_lines(text)
    return found if found is not None else _tokenized_id_lines(text)


def _canonical_id_lines(text: str) -> dict[tuple[str, str], int] | None:
    """The one-scan reader, or None when the text is not laid out canonically (an element
    of a section without its ``"id"`` line where the writer puts it)."""
    if not text.startswith('{\n  "'):
        return None
    out: dict[tuple[str, str], int] = {}
    keys = list(_TOP_KEY.finditer(text))
    for k, key in enumerate(keys):
        section = _SECTIONS.get(_string(key.group(1)) or "")
        if section is None:
            continue
        start = key.end()
        end = keys[k + 1].start() if k + 1 < len(keys) else len(text)
        if text.count(_ID, start, end) != text.count("\n    {", start, end):
            return None
        line = 1 + text.count("\n", 0, start)
        # the text between two id lines is read where it lies (a section of a large design
        # is megabytes: no copy of it, and no list of its pieces)
        before, at = start, text.find(_ID, start, end)
        while at != -1:
            line += text.count("\n", before, at) + 1
            before = at + len(_ID)  # the id's value starts here
            at = text.find(_ID, before, end)
            stop = end if at == -1 else at
            close = text.find('"', before + 1, stop)
            value = text[before + 1 : close] if close != -1 else ""
            if close == -1 or text[before] != '"' or "\\" in value:  # escapes: decode properly
                m = _VALUE.match(text, before, stop)
                decoded = _string(m.group()) if m else None
                if decoded is None:
                    return None
                value = decoded
            out.setdefault((section, value), line)
    return out


def _tokenized_id_lines(text: str) -> dict[tuple[str, str], int]:
    """The structural scan: keys in any order, any layout."""
    out: dict[tuple[str, str], int] = {}
    stack: list[list[str | None]] = []  # [container type, current key]
    expect_key = False
    line = 1
    last = 0
    id_line = 0
    for m in _TOKEN.finditer(text):
        tok = m.group()
        c = tok[0]
        if c == "{":
            stack.append(["obj", None])
            expect_key = True
        elif c == "[":
            stack.append(["arr", None])
            expect_key = False
        elif c in "}]":
            if stack:
                stack.pop()
            expect_key = False
        elif c == ",":
            expect_key = bool(stack) and stack[-1][0] == "obj"
        elif c == ":":
            expect_key = False
        elif expect_key:
            expect_key = False
            key = _string(tok)
            if stack:
                stack[-1][1] = key
            if key == "id" and len(stack) == 3:
                line += text.count("\n", last, m.start())
                last = m.start()
                id_line = line
        elif (
            len(stack) == 3
            and stack[2][1] == "id"
            and stack[1][0] == "arr"
            and stack[0][1] in _SECTIONS
        ):
            value = _string(tok)
            if value is None:
                continue
            section = _SECTIONS[str(stack[0][1])]
            out.setdefault((section, str(value)), id_line)
    return out
