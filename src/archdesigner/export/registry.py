"""Exporter registration: built-ins and plugins through one mechanism, checked on the way in.

:func:`load_exporters` discovers every exporter (entry point group ``archdesigner.exporters``
and plugin folders, see :mod:`archdesigner.plugins`), checks each against the
:class:`~archdesigner.export.base.Exporter` protocol and returns them by id. A plugin whose
object breaks the protocol, whose id is malformed or already taken is refused with a clear
message; a plugin that fails to import is reported and skipped. Nothing here raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from archdesigner.export.base import Exporter, ExportOption
from archdesigner.plugins import PluginError
from archdesigner.plugins.registry import IdRule, Registered, Registry

ID_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
ID_RULE = IdRule(
    ID_RE,
    "exporter id {id!r} is invalid: use 1-32 lowercase letters, digits, '-' or '_', "
    "starting with a letter",
)


@dataclass(frozen=True)
class RegisteredExporter(Registered[Exporter]):
    """An exporter and the plugin that provides it (``built-in`` for archdesigner's own)."""

    @property
    def exporter(self) -> Exporter:
        return self.obj

    @property
    def plugin(self) -> str:
        return self.source

    @property
    def id(self) -> str:
        return self.obj.id


def check_exporter(obj: object) -> str:
    """Why ``obj`` cannot be registered as an exporter, or ``""`` when it can."""
    if isinstance(obj, type):
        return f"{obj.__name__} is a class; register an instance of it"
    missing = [
        attr for attr in ("id", "name", "suffixes", "options", "export") if not hasattr(obj, attr)
    ]
    if missing:
        return f"{type(obj).__name__} is not an exporter: missing {', '.join(missing)}"
    ident = getattr(obj, "id", None)
    problem = ID_RULE.problem(ident)
    if problem:
        return problem
    if not callable(getattr(obj, "export", None)):
        return f"exporter {ident!r}: export is not callable"
    if not isinstance(getattr(obj, "name", None), str):
        return f"exporter {ident!r}: name must be a string"
    suffixes = getattr(obj, "suffixes", None)
    if not isinstance(suffixes, tuple | list) or not all(
        isinstance(s, str) and s and s == s.strip() for s in suffixes
    ):
        return f"exporter {ident!r}: suffixes must be a tuple of non-empty strings"
    options = getattr(obj, "options", None)
    if not isinstance(options, tuple | list) or not all(
        isinstance(o, ExportOption) for o in options
    ):
        return f"exporter {ident!r}: options must be a tuple of ExportOption"
    return ""


REGISTRY: Registry[Exporter] = Registry("exporters", lambda obj, _source: check_exporter(obj))


def load_exporters(
    plugin_dirs: Sequence[str | Path] = (),
    *,
    include_user_dir: bool = True,
    include_entry_points: bool = True,
) -> tuple[dict[str, RegisteredExporter], list[PluginError]]:
    """Every usable exporter by id (built-ins first) and the problems found on the way."""
    accepted, errors = REGISTRY.load(
        plugin_dirs, include_user_dir=include_user_dir, include_entry_points=include_entry_points
    )
    return {r.obj.id: RegisteredExporter(r.obj, r.source) for r in accepted}, errors


def guess_format(path: str | Path, exporters: Mapping[str, RegisteredExporter]) -> str | None:
    """The id of the exporter whose suffix matches ``path`` best (longest match), or None.

    A suffix starting with ``.`` matches the end of the file name (``.svg``,
    ``.compose.yaml``); any other entry matches the whole file name (``compose.yaml``)."""
    name = Path(path).name.lower()
    best: tuple[int, str] | None = None
    for ident, reg in exporters.items():
        for suffix in reg.exporter.suffixes:
            s = suffix.lower()
            hit = name.endswith(s) and name != s if s.startswith(".") else name == s
            if hit and (best is None or len(s) > best[0]):
                best = (len(s), ident)
    return best[1] if best else None
