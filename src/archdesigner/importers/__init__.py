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

from archdesigner.importers.base import (
    BaseImporter,
    Importer,
    ImportError_,
    ImportInputError,
    ImportResult,
)
from archdesigner.importers.compose import ComposeImporter
from archdesigner.importers.image_rules import ImageRule, register_image_rule
from archdesigner.importers.kubernetes import KubernetesImporter
from archdesigner.plugins import Contribution, PluginError
from archdesigner.plugins.registry import IdRule, Registry

IMPORTERS: list[Any] = [ComposeImporter(), KubernetesImporter()]

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
ID_RULE = IdRule(
    ID_RE,
    "importer id {id!r} is not valid (lower-case letters, digits, '-' and '_', "
    "up to 32 characters, starting with a letter or digit)",
)


def check_importer(obj: Any) -> str:
    """Why ``obj`` is not a usable importer ("" when it is)."""
    if isinstance(obj, type):
        return f"{obj.__name__} is a class; register an instance of it"
    missing = [a for a in ("id", "name", "patterns") if not hasattr(obj, a)]
    if missing or not callable(getattr(obj, "import_files", None)):
        what = ", ".join(missing) if missing else "import_files()"
        return f"{type(obj).__name__} is not an importer (missing {what})"
    ident = obj.id
    problem = ID_RULE.problem(ident)
    if problem:
        return problem
    if not isinstance(obj.name, str):
        return f"importer {ident!r}: name must be a string"
    patterns = obj.patterns
    if not isinstance(patterns, tuple | list) or not all(isinstance(p, str) for p in patterns):
        return f"importer {ident!r}: patterns must be a tuple of file name globs"
    return ""


REGISTRY: Registry[Importer] = Registry("importers", lambda obj, _source: check_importer(obj))


def load_importers(
    plugin_dirs: Sequence[str | Path] = (), *, include_user_dir: bool = True
) -> tuple[dict[str, Importer], list[PluginError]]:
    """Every importer by id (built-ins first) and the plugin problems met on the way.

    A bad id, a duplicate id or an object that is not an importer is refused with a message
    and skipped; a plugin that fails to import is reported and skipped. ``ImageRule``
    contributions are registered with the compose importer's image table.
    """
    accepted, errors = REGISTRY.load(
        plugin_dirs, include_user_dir=include_user_dir, other=_image_rule
    )
    return {r.obj.id: r.obj for r in accepted}, errors


def _image_rule(c: Contribution) -> str | None:
    """Registers an ``ImageRule`` contribution with the compose importer's image table."""
    if not isinstance(c.obj, ImageRule):
        return None
    try:
        register_image_rule(_with_source(c.obj, c.plugin))
    except ValueError as exc:
        return str(exc)
    return ""


def _with_source(rule: ImageRule, plugin: str) -> ImageRule:
    import dataclasses

    return dataclasses.replace(rule, source=plugin)


def importer_for(
    paths: Sequence[str | Path], importers: dict[str, Importer], texts: Sequence[str] = ()
) -> Importer | None:
    """The importer for ``paths``: the one their content names (a compose file, or
    Kubernetes manifests; the first 64 KiB of up to 50 files are read, plus ``texts``, e.g.
    standard input), else the one whose file name patterns match the first file, if any."""
    found = _detect([*(_head(Path(p)) for p in paths[:50]), *texts])
    if found and found in importers:
        return importers[found]
    if not paths:
        return None
    name = Path(paths[0]).name
    for importer in importers.values():
        if any(fnmatch(name, pattern) for pattern in importer.patterns):
            return importer
    return None


def _head(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            return fh.read(65536).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _detect(texts: Sequence[str]) -> str | None:
    """``kubernetes`` or ``compose`` when the content says which, else None."""
    from archdesigner.importers.kubernetes_read import looks_like_compose, looks_like_kubernetes

    if any(looks_like_compose(t) for t in texts):
        return "compose"
    if any(looks_like_kubernetes(t) for t in texts):
        return "kubernetes"
    return None


__all__ = [
    "IMPORTERS",
    "BaseImporter",
    "ComposeImporter",
    "ImageRule",
    "ImportError_",
    "ImportInputError",
    "ImportResult",
    "Importer",
    "KubernetesImporter",
    "check_importer",
    "importer_for",
    "load_importers",
]
