"""A small, fast block-style YAML writer for JSON-like data (dicts, lists, scalars).

PyYAML's emitter takes seconds on a 10,000-service compose file; this writer does the same
job in a fraction of that and quotes conservatively: a string is written plain only when it
cannot be read back as anything but that string (it starts with a letter, has no ``: `` or
`` #``, is no boolean or null word of YAML 1.1 or 1.2); everything else is double-quoted with
YAML escapes, which every YAML reader (PyYAML, Docker Compose's go-yaml) reads the same way.
"""

from __future__ import annotations

import math
import re
from typing import Any

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./@+-]*(?:[: ][A-Za-z0-9_./@+-]+)*\Z")
_KEYWORDS = frozenset(
    ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", "inf"]
)
#: What needs escaping besides quotes and backslashes (those are replaced in bulk first).
_NEEDS_CODE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_NAMED = {
    "\x00": "\\0",
    "\x07": "\\a",
    "\x08": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\x0b": "\\v",
    "\x0c": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}


class Verbatim(str):
    """A string value already in Compose's form: written without doubling its ``$``."""


def _escape_char(m: re.Match[str]) -> str:
    ch = m.group(0)
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return "\\uFFFD"  # an unpaired surrogate cannot be written as UTF-8
    if code <= 0xFF:
        return f"\\x{code:02X}"
    return f"\\u{code:04X}"


def quote(text: str) -> str:
    """``text`` as a YAML double-quoted scalar."""
    if "\\" in text or '"' in text:  # JSON in a value has many: replaced in bulk, not one by one
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _NEEDS_CODE.sub(_escape_char, text) + '"'


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        mantissa, e, exponent = text.partition("e")
        if e and "." not in mantissa:
            text = f"{mantissa}.0e{exponent}"  # YAML 1.1 (PyYAML) needs the dot: 1.0e-09
        return text
    if isinstance(value, str):
        if _PLAIN.match(value) and value.lower() not in _KEYWORDS:
            return value
        return quote(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


class _Writer:
    """One dump: string scalars are converted once each (compose files repeat them a lot)."""

    def __init__(self, escape_dollars: bool) -> None:
        self.escape_dollars = escape_dollars
        self.values: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        self.out: list[str] = []

    def value(self, v: Any) -> str:
        if type(v) is str:
            r = self.values.get(v)
            if r is None:
                text = v.replace("$", "$$") if self.escape_dollars and "$" in v else v
                r = self.values[v] = scalar(text)
            return r
        if isinstance(v, dict):
            return "{}"
        if isinstance(v, list):
            return "[]"
        return scalar(v)

    def key(self, k: Any) -> str:
        r = self.keys.get(k)
        if r is None:
            r = self.keys[k] = scalar(str(k))  # keys are never interpolated by Compose
        return r

    def write(self, value: Any, indent: str) -> None:
        """Appends the lines of a non-empty dict or list at ``indent``."""
        out = self.out
        append = out.append
        deeper = indent + "  "
        if type(value) is dict:
            for key, item in value.items():
                k = self.keys.get(key) or self.key(key)
                t = type(item)
                if (t is dict or t is list) and item:
                    append(f"{indent}{k}:")
                    self.write(item, deeper)
                else:
                    append(f"{indent}{k}: {self.value(item)}")
        else:
            cut = len(deeper)
            for item in value:
                t = type(item)
                if t is dict and item:
                    start = len(out)
                    self.write(item, deeper)
                    out[start] = f"{indent}- {out[start][cut:]}"
                elif t is list and item:
                    append(f"{indent}-")
                    self.write(item, deeper)
                else:
                    append(f"{indent}- {self.value(item)}")


def dump(data: dict[str, Any] | list[Any], *, escape_dollars: bool = False) -> str:
    """Block-style YAML for ``data``, ending with a newline.

    ``escape_dollars``: write every ``$`` in a string value as ``$$`` (Docker Compose
    interpolates values, extensions included, but not keys)."""
    writer = _Writer(escape_dollars)
    if not data:
        return writer.value(data) + "\n"
    try:
        writer.write(data, "")
    except RecursionError:
        raise ValueError("the data is nested too deeply to write as YAML") from None
    return "\n".join(writer.out) + "\n"


def dump_each(docs: list[dict[str, Any]]) -> list[str]:
    """:func:`dump` of each document, sharing one writer's caches (a stream of many small
    documents repeats its keys and values a lot)."""
    writer = _Writer(False)
    out: list[str] = []
    try:
        for doc in docs:
            writer.out = []
            if doc:
                writer.write(doc, "")
                out.append("\n".join(writer.out) + "\n")
            else:
                out.append(writer.value(doc) + "\n")
    except RecursionError:
        raise ValueError("the data is nested too deeply to write as YAML") from None
    return out
