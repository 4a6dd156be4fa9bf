"""Where each node, link and group id sits in a design file's text (for SARIF and text)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T", str, bytes)

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\],:]')
_SECTIONS = {"nodes": "node", "links": "link", "groups": "group"}


# The canonical writer (io/save.py: 2-space indent) puts each top-level key on a line of its
# own at indent 2, each element of a section at indent 4 and the element's keys at indent 6.
# Each pattern starts with a literal, so the regular-expression engine skips ahead fast.
_STR = r'"(?:[^"\\\n]|\\.)*"'


class _Syntax(Generic[T]):
    """The pieces the one-scan reader looks for, as text or as bytes (a packed file's text
    is scanned as the bytes it unpacks to: no second, decoded copy of a large file)."""

    def __init__(self, lit: Callable[[str], T]) -> None:
        self.start: T = lit('{\n  "')
        self.top_key: re.Pattern[T] = re.compile(lit(r"\n  (" + _STR + r"): "))
        self.id: T = lit('\n      "id": ')
        self.value: re.Pattern[T] = re.compile(lit(_STR))
        self.element: T = lit("\n    {")
        self.newline: T = lit("\n")
        self.quote: T = lit('"')
        self.backslash: T = lit("\\")


_TEXT: _Syntax[str] = _Syntax(str)
_BYTES: _Syntax[bytes] = _Syntax(lambda text: text.encode("ascii"))


def _string(tok: str | bytes) -> str | None:
    if isinstance(tok, bytes):
        try:
            tok = tok.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if "\\" not in tok:
        return tok[1:-1]
    try:
        value = json.loads(tok)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def id_lines(text: str | bytes) -> dict[tuple[str, str], int]:
    """``(subject_type, id) -> line`` (1-based) of the ``"id"`` key of each node, link and
    group, in a design file's text (or its UTF-8 bytes). A file as the canonical writer
    lays it out is read with one scan (about 10 ms at 10,000 nodes); any other layout (keys
    in any order, other indents, one line) falls back to a structural tokenizer. Unparsable
    text gives what was found so far."""
    found = _canonical_id_lines(text)
    if found is not None:
        return found
    return _tokenized_id_lines(text.decode("utf-8", "replace") if isinstance(text, bytes) else text)


def _canonical_id_lines(text: str | bytes) -> dict[tuple[str, str], int] | None:
    """The one-scan reader, or None when the text is not laid out canonically (an element
    of a section without its ``"id"`` line where the writer puts it)."""
    return _scan(text, _BYTES) if isinstance(text, bytes) else _scan(text, _TEXT)


def _scan(text: T, syntax: _Syntax[T]) -> dict[tuple[str, str], int] | None:
    if not text.startswith(syntax.start):
        return None
    out: dict[tuple[str, str], int] = {}
    keys = list(syntax.top_key.finditer(text))
    ident, newline, quote = syntax.id, syntax.newline, syntax.quote
    for k, key in enumerate(keys):
        section = _SECTIONS.get(_string(key.group(1)) or "")
        if section is None:
            continue
        start = key.end()
        end = keys[k + 1].start() if k + 1 < len(keys) else len(text)
        if text.count(ident, start, end) != text.count(syntax.element, start, end):
            return None
        line = 1 + text.count(newline, 0, start)
        # the text between two id lines is read where it lies (a section of a large design
        # is megabytes: no copy of it, and no list of its pieces)
        before, at = start, text.find(ident, start, end)
        while at != -1:
            line += text.count(newline, before, at) + 1
            before = at + len(ident)  # the id's value starts here
            at = text.find(ident, before, end)
            stop = end if at == -1 else at
            close = text.find(quote, before + 1, stop)
            raw = text[before + 1 : close] if close != -1 else text[0:0]
            plain = close != -1 and text[before : before + 1] == quote
            value: str | None
            if plain and syntax.backslash not in raw:
                value = raw if isinstance(raw, str) else _decoded(raw)
            else:  # escapes (or not UTF-8): decode properly
                m = syntax.value.match(text, before, stop)
                value = _string(m.group()) if m else None
            if value is None:
                return None
            out.setdefault((section, value), line)
    return out


def _decoded(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


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
