"""Importers: other tools' files -> designs (docs/import.md).

:data:`IMPORTERS` lists the built-in importers; ``pyproject.toml`` registers it as the
``builtin`` entry point of the ``archdesigner.importers`` group, the same way third-party
importers register. :func:`load_importers` finds them all, checks each at registration and
returns them by id. Plugins in the same group may also contribute :class:`ImageRule` objects
that teach the compose importer new images.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from archdesigner.importers.base import BaseImporter, Importer, ImportError_, ImportResult
from archdesigner.importers.compose import ComposeImporter
from archdesigner.importers.kubernetes import KubernetesImporter
from archdesigner.importers.rules import ImageRule, register_image_rule
from archdesigner.plugins import ENTRY_POINT_GROUPS, PluginError, discover

IMPORTERS: list[Any] = [ComposeImporter(), KubernetesImporter()]

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
GROUP = ENTRY_POINT_GROUPS["importers"]


def check_importer(obj: Any) -> str:
    """Why ``obj`` is not a usable importer ("" when it is)."""
    if isinstance(obj, type):
        return f"{obj.__name__} is a class; register an instance of it"
    missing = [a for a in ("id", "name", "patterns") if not hasattr(obj, a)]
    if missing or not callable(getattr(obj, "import_files", None)):
        what = ", ".join(missing) if missing else "import_files()"
        return f"{type(obj).__name__} is not an importer (missing {what})"
    ident = obj.id
    if not isinstance(ident, str) or not ID_RE.match(ident):
        return (
            f"importer id {ident!r} is not valid (lower-case letters, digits, '-' and '_', "
            "up to 32 characters, starting with a letter or digit)"
        )
    if not isinstance(obj.name, str):
        return f"importer {ident!r}: name must be a string"
    patterns = obj.patterns
    if not isinstance(patterns, tuple | list) or not all(isinstance(p, str) for p in patterns):
        return f"importer {ident!r}: patterns must be a tuple of file name globs"
    return ""


def load_importers(
    plugin_dirs: Sequence[str | Path] = (), *, include_user_dir: bool = True
) -> tuple[dict[str, Importer], list[PluginError]]:
    """Every importer by id (built-ins first) and the plugin problems met on the way.

    A bad id, a duplicate id or an object that is not an importer is refused with a message
    and skipped; a plugin that fails to import is reported and skipped. ``ImageRule``
    contributions are registered with the compose importer's image table.
    """
    found = discover("importers", plugin_dirs, include_user_dir=include_user_dir)
    errors = list(found.errors)
    importers: dict[str, Importer] = {}
    owners: dict[str, str] = {}
    for c in found.contributions:
        obj = c.obj
        if isinstance(obj, ImageRule):
            try:
                register_image_rule(_with_source(obj, c.plugin))
            except ValueError as exc:
                errors.append(PluginError(c.plugin, GROUP, str(exc)))
            continue
        problem = check_importer(obj)
        if problem:
            errors.append(PluginError(c.plugin, GROUP, problem))
            continue
        if obj.id in importers:
            if importers[obj.id] is obj:
                continue
            errors.append(
                PluginError(
                    c.plugin,
                    GROUP,
                    f"importer id {obj.id!r} is already registered by {owners[obj.id]}; "
                    "this one is skipped",
                )
            )
            continue
        importers[obj.id] = obj
        owners[obj.id] = c.plugin
    return importers, errors


def _with_source(rule: ImageRule, plugin: str) -> ImageRule:
    import dataclasses

    return dataclasses.replace(rule, source=plugin)


def importer_for(paths: Sequence[str | Path], importers: dict[str, Importer]) -> Importer | None:
    """The importer whose file name patterns match the first file, if any."""
    if not paths:
        return None
    name = Path(paths[0]).name
    for importer in importers.values():
        if any(fnmatch(name, pattern) for pattern in importer.patterns):
            return importer
    return None


__all__ = [
    "IMPORTERS",
    "BaseImporter",
    "ComposeImporter",
    "ImageRule",
    "ImportError_",
    "ImportResult",
    "Importer",
    "KubernetesImporter",
    "check_importer",
    "importer_for",
    "load_importers",
]
