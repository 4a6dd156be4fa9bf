"""Where each node, link and group id sits in a design file's text (for SARIF and text)."""

from __future__ import annotations

import json
import re

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\],:]')
_SECTIONS = {"nodes": "node", "links": "link", "groups": "group"}


def id_lines(text: str) -> dict[tuple[str, str], int]:
    """``(subject_type, id) -> line`` (1-based) of the ``"id"`` key of each node, link and
    group, found by a structural scan (keys may come in any order, the file need not be
    canonical). Unparsable text gives what was found so far."""
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
            try:
                key = json.loads(tok)
            except ValueError:
                key = None
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
            try:
                value = json.loads(tok)
            except ValueError:
                continue
            section = _SECTIONS[str(stack[0][1])]
            out.setdefault((section, str(value)), id_line)
    return out
