"""Reading compose files: YAML as Docker Compose reads it, interpolation, env files, and
finding the line of a value when something is wrong with it.

Compose (Go yaml v3) reads YAML 1.2: ``yes``/``no``/``on``/``off`` are strings and ``22:22`` is
not a base-60 number. PyYAML's safe loader follows YAML 1.1, so :class:`ComposeLoader` swaps
in YAML 1.2 core-schema resolvers. It is built on libyaml's C parser when available.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from archdesigner.importers.base import ImportInputError

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

#: Compose files above this size are refused before parsing.
MAX_FILE_BYTES = 16 * 1024 * 1024


class Reset:
    """The value of a ``!reset`` tag: removes the key it is set on when files are merged."""

    def __repr__(self) -> str:
        return "!reset"


RESET = Reset()


@dataclass
class Override:
    """The value of an ``!override`` tag: replaces instead of merging."""

    value: Any


class ComposeLoader(_BaseLoader):
    """Safe loader with YAML 1.2 core-schema scalars, merge keys, ``!reset``, ``!override``.
    A key given twice in one mapping is an error with its line, as in Docker Compose."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(
                    key_node, yaml.ScalarNode
                ):
                    continue  # merged keys (<<) may be overridden; complex keys are rare
                key = self.construct_object(key_node)
                if isinstance(key, str | int | float | bool) or key is None:
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None,
                            None,
                            f"duplicate key {str(key)[:40]!r} (first on line {seen[key] + 1})",
                            key_node.start_mark,
                        )
                    seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type]


ComposeLoader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
):
    ComposeLoader.add_implicit_resolver(_tag, re.compile(_regexp), list(_first))


def _construct_int(loader: ComposeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node)).replace("_", "")
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    digits = text.lstrip("+-")
    if len(digits) > 1 and digits[0] == "0" and set(digits) <= set("01234567"):
        return int(text, 8)  # Go's YAML reads 010 as octal 8, and so does Compose
    return int(text)


def _construct_reset(loader: ComposeLoader, node: yaml.Node) -> Reset:
    return RESET


def _construct_override(loader: ComposeLoader, node: yaml.Node) -> Override:
    if isinstance(node, yaml.MappingNode):
        return Override(loader.construct_mapping(node, deep=True))
    if isinstance(node, yaml.SequenceNode):
        return Override(loader.construct_sequence(node, deep=True))
    return Override(loader.construct_scalar(node))  # type: ignore[arg-type]


ComposeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
ComposeLoader.add_constructor("!reset", _construct_reset)
ComposeLoader.add_constructor("!override", _construct_override)


# --- files ---------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """A compose or env file as text; every way of failing is an :class:`ImportInputError`."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportInputError(
                path, f"file is {size / 1e6:.0f} MB, too large for a compose file"
            )
        raw = path.read_bytes()
    except ImportInputError:
        raise
    except IsADirectoryError:
        raise ImportInputError(path, "is a directory, not a compose file") from None
    except FileNotFoundError:
        raise ImportInputError(path, "no such file") from None
    except OSError as exc:
        raise ImportInputError(path, f"cannot read: {exc.strerror or exc}") from None
    if b"\x00" in raw[:8192]:
        raise ImportInputError(path, "binary data, not a YAML file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportInputError(path, f"not UTF-8 text (byte {exc.start})", line) from None


def parse_yaml(text: str, file: Path) -> Any:
    try:
        return yaml.load(text, Loader=ComposeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        raise ImportInputError(
            file, f"not valid YAML: {what}", mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise ImportInputError(file, f"not valid YAML: {str(exc).splitlines()[0]}") from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise ImportInputError(file, f"not valid YAML: {exc}") from None


# --- finding lines -------------------------------------------------------------------------

Path_ = Sequence[str | int]


class LineFinder:
    """Finds the line of a value by its path (``services.web.depends_on.db``) in a file.

    The fast loader keeps no positions; the file is composed into a node tree (which has
    them) only when an error needs one.
    """

    def __init__(self) -> None:
        self._texts: dict[Path, str] = {}
        self._trees: dict[Path, yaml.Node | None] = {}

    def add(self, path: Path, text: str) -> None:
        self._texts[path] = text

    def _tree(self, path: Path) -> yaml.Node | None:
        if path not in self._trees:
            try:
                self._trees[path] = yaml.compose(self._texts.get(path, ""), Loader=ComposeLoader)
            except yaml.YAMLError:
                self._trees[path] = None
        return self._trees[path]

    def line(self, path: Path, keys: Path_) -> tuple[int | None, bool]:
        """The 1-based line of the deepest part of ``keys`` found, and whether all was found."""
        node = self._tree(path)
        line: int | None = None
        for part in keys:
            child: yaml.Node | None = None
            key_line: int | None = None
            if isinstance(node, yaml.MappingNode):
                found = _map_lookup(node, str(part), 0)
                if found is not None:
                    key_node, child = found
                    key_line = key_node.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if 0 <= part < len(node.value):
                    child = node.value[part]
                    key_line = child.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode):
                child = _seq_lookup(node, str(part))
                if child is not None:
                    key_line = child.start_mark.line + 1
            if child is None:
                return line, False
            node, line = child, key_line
        return line, True

    def error(self, files: Sequence[Path], keys: Path_, message: str) -> ImportInputError:
        """An error at ``keys``, in the last of ``files`` that holds the value (or its parent)."""
        best: tuple[Path, int | None] | None = None
        for f in reversed(files):
            line, complete = self.line(f, keys)
            if complete:
                return ImportInputError(f, message, line)
            if best is None or (line is not None and best[1] is None):
                best = (f, line)
        if best is None:
            return ImportInputError("<compose>", message)
        return ImportInputError(best[0], message, best[1])


def _seq_lookup(node: yaml.SequenceNode, name: str) -> yaml.Node | None:
    """The item of a list that names ``name``: ``db``, ``db:alias``, ``NAME=value``, or a
    mapping whose ``source``/``service``/``target`` is ``name``."""
    for item in node.value:
        if isinstance(item, yaml.ScalarNode):
            text = str(item.value)
            if text == name or text.split(":", 1)[0] == name or text.split("=", 1)[0] == name:
                return item
        elif isinstance(item, yaml.MappingNode):
            for field in ("source", "service", "target"):
                hit = _map_lookup(item, field, 0)
                if hit is not None and getattr(hit[1], "value", None) == name:
                    return item
    return None


def _map_lookup(node: yaml.MappingNode, key: str, depth: int) -> tuple[yaml.Node, yaml.Node] | None:
    merges: list[yaml.Node] = []
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode):
            if k.value == key and k.tag != "tag:yaml.org,2002:merge":
                return k, v
            if k.value == "<<":
                merges.append(v)
    if depth > 20:
        return None
    for m in merges:
        parts = m.value if isinstance(m, yaml.SequenceNode) else [m]
        for part in parts:
            if isinstance(part, yaml.MappingNode):
                hit = _map_lookup(part, key, depth + 1)
                if hit is not None:
                    return hit
    return None


# --- interpolation -------------------------------------------------------------------------

_NAME = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")


class InterpolationError(ValueError):
    pass


class Interpolator:
    """``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?error}``,
    ``${VAR?error}``, ``${VAR:+alt}``, ``${VAR+alt}`` and ``$$``, as Docker Compose does.
    Unset variables without a default become empty strings and are collected in ``missing``.
    """

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.missing: list[str] = []
        #: variables substituted with the host's value (not from an env file)
        self.host_used: list[str] = []
        self._host = {k for k, v in env.items() if os.environ.get(k) == v}
        self._touched_host = False

    def _lookup(self, name: str) -> str | None:
        value = self.env.get(name)
        if value is not None and name in self._host:
            self._touched_host = True
            if name not in self.host_used:
                self.host_used.append(name)
        return value

    def _missing(self, name: str) -> str:
        if name not in self.missing:
            self.missing.append(name)
        return ""

    def string(self, text: str) -> str:
        if "$" not in text:
            return text
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            j = text.find("$", i)
            if j < 0:
                out.append(text[i:])
                break
            out.append(text[i:j])
            nxt = text[j + 1] if j + 1 < n else ""
            if nxt == "$":
                out.append("$")
                i = j + 2
            elif nxt == "{":
                end = _closing_brace(text, j + 2)
                if end < 0:
                    raise InterpolationError(f"invalid interpolation format in {text!r}: no '}}'")
                out.append(self._braced(text[j + 2 : end], text))
                i = end + 1
            else:
                m = _NAME.match(text, j + 1)
                if m is None:
                    out.append("$")  # a lone '$' stays as it is
                    i = j + 1
                else:
                    value = self._lookup(m.group())
                    out.append(value if value is not None else self._missing(m.group()))
                    i = m.end()
        return "".join(out)

    def _braced(self, body: str, whole: str) -> str:
        m = _NAME.match(body)
        if m is None:
            raise InterpolationError(f"invalid interpolation format in {whole!r}: ${{{body}}}")
        name, rest = m.group(), body[m.end() :]
        value = self._lookup(name)
        if not rest:
            return value if value is not None else self._missing(name)
        colon = rest.startswith(":")
        op = rest[1:2] if colon else rest[:1]
        arg = rest[2:] if colon else rest[1:]
        if op not in ("-", "?", "+"):
            raise InterpolationError(f"invalid interpolation format in {whole!r}: ${{{body}}}")
        unset = value is None or (colon and value == "")
        if op == "-":
            return self.string(arg) if unset else str(value)
        if op == "+":
            return "" if unset else self.string(arg)
        if unset:
            reason = self.string(arg) or "is not set"
            raise InterpolationError(f"required variable {name} is missing a value: {reason}")
        return str(value)

    def walk(self, data: Any, on_error: Callable[[list[str | int], str], Exception]) -> Any:
        """Interpolates every string value (not keys) of ``data``, in place where possible."""
        path: list[str | int] = []
        done: set[int] = set()  # containers shared through YAML aliases are done once

        def go(value: Any) -> Any:
            if isinstance(value, dict | list | Override):
                if id(value) in done:
                    return value
                done.add(id(value))
            if isinstance(value, str):
                if "$" not in value:
                    return value
                self._touched_host = False
                try:
                    done_text = self.string(value)
                except InterpolationError as exc:
                    raise on_error(list(path), str(exc)) from None
                if self._touched_host and _in_environment(path):
                    return value  # a host variable (a secret?) stays a ${VAR} reference
                return done_text
            if isinstance(value, dict):
                for k in value:
                    path.append(k)
                    value[k] = go(value[k])
                    path.pop()
                return value
            if isinstance(value, list):
                for idx, item in enumerate(value):
                    path.append(idx)
                    value[idx] = go(item)
                    path.pop()
                return value
            if isinstance(value, Override):
                value.value = go(value.value)
            return value

        return go(data)


def _in_environment(path: Sequence[str | int]) -> bool:
    """``services.NAME.environment...``: where a host variable's value stays a reference."""
    return len(path) >= 3 and path[0] == "services" and path[2] == "environment"


#: A document that expands to more values than this (YAML aliases of aliases) is refused.
MAX_EXPANDED_VALUES = 2_000_000


def expanded_size(data: Any) -> int:
    """How many values ``data`` holds once aliases are expanded, in linear time."""
    sizes: dict[int, int] = {}
    keep: list[Any] = []  # ids stay valid while the objects live

    def size(value: Any, depth: int) -> int:
        if not isinstance(value, dict | list):
            return 1
        known = sizes.get(id(value))
        if known is not None:
            return known
        if depth > 500:
            raise RecursionError
        items = value.values() if isinstance(value, dict) else value
        total = 1 + sum(size(v, depth + 1) for v in items)
        total = min(total, MAX_EXPANDED_VALUES + 1)
        sizes[id(value)] = total
        keep.append(value)
        return total

    return size(data, 0)


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == "$" and text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if c == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return -1


# --- env files -----------------------------------------------------------------------------


def read_env_file(path: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``KEY=VALUE`` lines (``export``, quotes, comments), as ``docker compose --env-file``.
    Values may use variables set above them or in ``base``."""
    text = read_text(path)
    out: dict[str, str] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        key, eq, value = line.partition("=")
        key = key.strip()
        if not eq or not _NAME.fullmatch(key):  # never echo the line: it may hold a secret
            raise ImportInputError(path, "expected KEY=VALUE (the line is not shown)", lineno)
        value = value.strip()
        interp = Interpolator({**(base or {}), **out})
        if len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1]
        else:
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1].replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")
            else:
                hash_at = value.find(" #")
                if hash_at >= 0:
                    value = value[:hash_at].rstrip()
            try:
                value = interp.string(value)
            except InterpolationError:
                raise ImportInputError(
                    path, f"invalid ${{...}} interpolation in the value of {key}", lineno
                ) from None
        out[key] = value
    return out
