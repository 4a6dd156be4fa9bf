"""Reading Kubernetes manifests: multi-document YAML streams, ``kind: List``, and the file and
line of every object, so that a problem names its place.

A stream is split at its ``---`` lines (a document marker always starts a line; inside block
scalars the content is indented) and each document is parsed on its own, which gives every
object the line it starts on. Documents that are empty or are no Kubernetes object (a Helm
values file in a chart folder) are skipped and counted; a document that is not YAML is an
:class:`~archdesigner.importers.base.ImportInputError` naming the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from archdesigner.importers.base import ImportInputError
from archdesigner.importers.compose_yaml import ComposeLoader, read_text

_MARKER = re.compile(r"^---(?:[ \t].*)?$|^\.\.\.[ \t]*$", re.MULTILINE)
STDIN = "<stdin>"


@dataclass(frozen=True)
class Obj:
    """One Kubernetes object and where it was read."""

    file: str
    line: int
    data: dict[str, Any]

    @cached_property
    def kind(self) -> str:
        return str(self.data.get("kind") or "")

    @property
    def api_version(self) -> str:
        return str(self.data.get("apiVersion") or "")

    @cached_property
    def meta(self) -> dict[str, Any]:
        meta = self.data.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @cached_property
    def name(self) -> str:
        return str(self.meta.get("name") or "")

    @cached_property
    def namespace(self) -> str:
        return str(self.meta.get("namespace") or "")

    @cached_property
    def annotations(self) -> dict[str, str]:
        found = self.meta.get("annotations")
        if not isinstance(found, dict):
            return {}
        return {str(k): str(v) for k, v in found.items() if v is not None}

    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def label(self) -> str:
        """``Deployment frontend`` (with ``/namespace`` when it has one)."""
        ns = f" (namespace {self.namespace})" if self.namespace else ""
        return f"{self.kind} {self.name or '(unnamed)'}{ns}"

    def error(self, message: str) -> ImportInputError:
        return ImportInputError(self.file, f"{self.label()}: {message}", self.line)


@dataclass
class Stream:
    """Every object read, and what was skipped on the way."""

    objects: list[Obj] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _documents(text: str) -> Iterable[tuple[int, str]]:
    """``(first line, text)`` of each document of a stream (lines count from 1)."""
    start = 0
    line = 1
    for m in _MARKER.finditer(text):
        yield line, text[start : m.start()]
        line += text.count("\n", start, m.end())
        start = m.end()
    yield line, text[start:]


def _parse(chunk: str, file: str, first_line: int) -> Any:
    try:
        return yaml.load(chunk, Loader=ComposeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        line = first_line + mark.line if mark else first_line
        raise ImportInputError(file, f"not valid YAML: {what}", line) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0]
        raise ImportInputError(file, f"not valid YAML: {first}", first_line) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise ImportInputError(file, f"not valid YAML: {exc}", first_line) from None


def _is_object(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("kind"), str) and "apiVersion" in data


def read_stream(text: str, file: str, into: Stream | None = None) -> Stream:
    """The objects of one YAML stream; ``kind: List`` (and ``*List``) items are unpacked."""
    out = into if into is not None else Stream()
    for first, chunk in _documents(text):
        if not chunk.strip():
            continue
        data = _parse(chunk, file, first)
        if data is None:
            continue
        line = first + _leading_blank_lines(chunk)
        if not _is_object(data):
            out.skipped.append(f"{file}:{line}: not a Kubernetes object (no apiVersion/kind)")
            continue
        kind = str(data["kind"])
        if kind == "List" or (kind.endswith("List") and isinstance(data.get("items"), list)):
            items = data.get("items")
            if not isinstance(items, list):
                raise ImportInputError(file, f"{kind}: 'items' must be a list", line)
            for idx, item in enumerate(items):
                if not _is_object(item):
                    raise ImportInputError(
                        file, f"{kind} item {idx}: not a Kubernetes object", line
                    )
                out.objects.append(Obj(file, line, item))
            continue
        out.objects.append(Obj(file, line, data))
    return out


def _leading_blank_lines(chunk: str) -> int:
    """Lines before the document's first content (comments and blank lines)."""
    n = 0
    for raw in chunk.splitlines():
        stripped = raw.strip()
        if stripped and not stripped.startswith("#"):
            break
        n += 1
    return n


def manifest_files(paths: Iterable[Path]) -> list[Path]:
    """The files to read: files as given, folders as every ``*.yaml``/``*.yml`` inside them,
    recursively, in path order."""
    out: list[Path] = []
    for path in paths:
        if str(path) != "-" and path.is_dir():
            found = [p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()]
            if not found:
                raise ImportInputError(path, "folder holds no *.yaml or *.yml file")
            out.extend(sorted(found))
        else:
            out.append(path)
    return out


def read_sources(paths: Iterable[Path], stdin_text: str | None = None) -> Stream:
    """Every object of the files (``-`` is standard input, given as ``stdin_text``)."""
    stream = Stream()
    for path in paths:
        if str(path) == "-":
            read_stream(stdin_text or "", STDIN, stream)
        else:
            read_stream(read_text(path), str(path), stream)
    _last_of_each(stream)
    return stream


def _identity(obj: Obj) -> tuple[str, str, str, str] | None:
    """What makes an object one object in a cluster: API group, kind, namespace, name."""
    if not obj.name or not obj.kind:
        return None
    group = obj.api_version.rpartition("/")[0]
    return (group, obj.kind, obj.namespace, obj.name)


def _last_of_each(stream: Stream) -> None:
    """An object read more than once (a folder that holds variants of one deployment, such
    as a plain and a service-mesh version of the same Deployment) is one object, the last
    one read: what ``kubectl apply`` of the files in this order leaves. Each is reported."""
    last: dict[tuple[str, str, str, str], int] = {}
    seen: dict[tuple[str, str, str, str], list[Obj]] = {}
    for i, obj in enumerate(stream.objects):
        key = _identity(obj)
        if key is not None:
            last[key] = i
            seen.setdefault(key, []).append(obj)
    if len(last) == sum(len(v) for v in seen.values()):
        return
    kept = []
    for i, obj in enumerate(stream.objects):
        key = _identity(obj)
        if key is None or last[key] == i:
            kept.append(obj)
    stream.objects = kept
    for copies in seen.values():
        if len(copies) > 1:
            places = ", ".join(o.where() for o in copies)
            stream.skipped.append(
                f"{copies[-1].label()} is defined {len(copies)} times ({places}): the last "
                "one is kept, as kubectl apply of the files in this order leaves it (to import "
                "another variant, import the files that define it)"
            )


def looks_like_kubernetes(text: str) -> bool:
    """Whether a YAML text holds Kubernetes objects (``apiVersion`` and ``kind`` at the top
    level of a document), judged from its lines without parsing."""
    return bool(
        re.search(r"^apiVersion:\s*\S", text, re.MULTILINE)
        and re.search(r"^kind:\s*\S", text, re.MULTILINE)
    )


def looks_like_compose(text: str) -> bool:
    """Whether a YAML text is a compose file (a top-level ``services:`` mapping)."""
    return bool(re.search(r"^services:\s*(?:#.*)?$", text, re.MULTILINE))
