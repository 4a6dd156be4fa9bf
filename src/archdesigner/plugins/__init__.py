"""Plugin discovery shared by rules, exporters, importers and kinds.

Two sources, one mechanism (see docs/plugins.md):

* Python entry points in the groups of :data:`ENTRY_POINT_GROUPS`. The value an entry point
  names is one object or a list of objects of the group's type. archdesigner's own rules,
  exporters and importers are registered this way too (see ``pyproject.toml``).
* Plugin folders: the user's folder (:func:`user_plugin_dir`) and any folder given with
  ``--plugins DIR``. Each ``*.py`` file and each package folder in it is imported once; it
  contributes the module attributes named in :data:`FOLDER_ATTRIBUTES` (``RULES``,
  ``EXPORTERS``, ``IMPORTERS``, ``KINDS``).

A plugin that fails to import is reported as a :class:`PluginError` and skipped; discovery
itself never raises. So is a plugin whose module declares a plugin API version
(``ARCHDESIGNER_PLUGIN_API = N``) that this archdesigner does not provide (docs/plugins.md,
"Plugin API version"). :mod:`archdesigner.plugins.registry` checks what the plugins
contribute.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import signal
import sys
import time
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

ENTRY_POINT_GROUPS = {
    "rules": "archdesigner.rules",
    "exporters": "archdesigner.exporters",
    "importers": "archdesigner.importers",
    "kinds": "archdesigner.kinds",
}
FOLDER_ATTRIBUTES = {
    "rules": "RULES",
    "exporters": "EXPORTERS",
    "importers": "IMPORTERS",
    "kinds": "KINDS",
}
#: What the built-in entry points name, used only when archdesigner's own distribution
#: metadata is not installed (running from a source tree or a frozen bundle without it).
BUILTIN_TARGETS = {
    "rules": "archdesigner.lint.rules:RULES",
    "exporters": "archdesigner.export:EXPORTERS",
    "importers": "archdesigner.importers:IMPORTERS",
}
BUILTIN = "built-in"
#: The plugin API this archdesigner provides; a plugin module declares the version it was
#: written for as ``ARCHDESIGNER_PLUGIN_API``. It grows by one when a change would break
#: existing plugins; additions that old plugins need not know about keep it.
PLUGIN_API_VERSION = 1
#: The oldest plugin API still accepted (plugins that declare no version count as 1).
OLDEST_PLUGIN_API = 1
PLUGIN_API_ATTRIBUTE = "ARCHDESIGNER_PLUGIN_API"
#: Environment variable that replaces the user's plugin folder (tests point it elsewhere).
USER_DIR_ENV = "ARCHDESIGNER_PLUGIN_DIR"


@dataclass(frozen=True)
class Contribution:
    """One object a plugin contributes, with the plugin's display name."""

    obj: Any
    plugin: str


@dataclass(frozen=True)
class PluginError:
    """A plugin that could not be loaded: who, which group, and why (one line)."""

    plugin: str
    group: str
    message: str
    details: str = ""
    #: The plugin hung or ended the process while importing (seen in a throwaway process):
    #: lint reports it as MOD900, like a rule that overran its limits.
    crashed: bool = False

    def __str__(self) -> str:
        return f"plugin {self.plugin} ({self.group}): {self.message}"


@dataclass
class Discovery:
    contributions: list[Contribution] = field(default_factory=list)
    errors: list[PluginError] = field(default_factory=list)


def user_plugin_dir() -> Path:
    """The user's plugin folder under the platform's data directory."""
    override = os.environ.get(USER_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path("archdesigner", appauthor=False) / "plugins"


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _short_error(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _entry_points(group: str) -> list[metadata.EntryPoint]:
    eps = list(metadata.entry_points(group=group))
    return sorted(eps, key=lambda ep: (ep.name != "builtin", ep.name, ep.value))


def _entry_point_plugin_name(ep: metadata.EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    dist_name = getattr(dist, "name", None) if dist is not None else None
    if dist_name == "archdesigner" and ep.name == "builtin":
        return BUILTIN
    return f"{dist_name}:{ep.name}" if dist_name else ep.name


def _load_target(target: str) -> Any:
    module_name, _, attr = target.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split(".") if attr else []:
        obj = getattr(obj, part)
    return obj


_folder_modules: dict[Path, tuple[float, ModuleType | None, str, bool]] = {}


def _folder_entries(folder: Path) -> list[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    out = []
    for entry in entries:
        if entry.name.startswith(("_", ".")):
            continue
        if (entry.is_file() and entry.suffix == ".py") or (
            entry.is_dir() and (entry / "__init__.py").is_file()
        ):
            out.append(entry)
    return out


#: Seconds a folder plugin may take to import (tried first in a throwaway process).
IMPORT_TIME_LIMIT = 10.0


def _probe_import(path: Path, init: Path, mod_name: str) -> str:
    """Imports the plugin once in a forked child first: one that hangs or ends the process
    while importing (``os._exit``, a crash) is reported and never imported here. ""
    when it may be imported (an ordinary exception is reported by the real import)."""
    if not hasattr(os, "fork"):
        return ""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            spec = importlib.util.spec_from_file_location(
                mod_name, init, submodule_search_locations=[str(path)] if path.is_dir() else None
            )
            if spec is not None and spec.loader is not None:
                spec.loader.exec_module(importlib.util.module_from_spec(spec))
        except BaseException:
            code = 1
        os._exit(code)
    deadline = time.monotonic() + IMPORT_TIME_LIMIT
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            return f"hung while importing (more than {IMPORT_TIME_LIMIT:g} s); not loaded"
        time.sleep(0.01)
    code = os.waitstatus_to_exitcode(status)
    if code in (0, 1):
        return ""
    return f"ended the process while importing (exit status {code}); not loaded"


def _import_folder_plugin(path: Path) -> tuple[ModuleType | None, str, bool]:
    """Imports a plugin file or package once per modification; returns (module, error,
    crashed): crashed when it hung or ended the process while importing."""
    init = path / "__init__.py" if path.is_dir() else path
    try:
        mtime = init.stat().st_mtime
    except OSError as exc:
        return None, _short_error(exc), False
    cached = _folder_modules.get(path)
    if cached and cached[0] == mtime:
        return cached[1], cached[2], cached[3]
    safe = "".join(c if c.isalnum() else "_" for c in path.stem)
    mod_name = f"archdesigner_plugin_{safe}_{abs(hash(str(path))) % 10**8}"
    module: ModuleType | None = None
    error = _probe_import(path, init, mod_name)
    if error:
        _folder_modules[path] = (mtime, None, error, True)
        return None, error, True
    try:
        spec = importlib.util.spec_from_file_location(
            mod_name, init, submodule_search_locations=[str(path)] if path.is_dir() else None
        )
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import {init}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = module
        spec.loader.exec_module(module)
    except BaseException as exc:  # a plugin may raise anything, SystemExit included
        if isinstance(exc, KeyboardInterrupt):
            raise
        sys.modules.pop(mod_name, None)
        module = None
        error = _short_error(exc) + "\n" + traceback.format_exc()
    _folder_modules[path] = (mtime, module, error, False)
    return module, error, False


def api_problem(module: ModuleType | None) -> str:
    """Why a plugin module's declared plugin API cannot be served, or ``""``."""
    declared = getattr(module, PLUGIN_API_ATTRIBUTE, OLDEST_PLUGIN_API)
    if not isinstance(declared, int) or isinstance(declared, bool):
        return f"{PLUGIN_API_ATTRIBUTE} must be a whole number, not {declared!r}"
    if declared > PLUGIN_API_VERSION:
        return (
            f"written for plugin API {declared}, but this archdesigner provides plugin API "
            f"{PLUGIN_API_VERSION}; update archdesigner"
        )
    if declared < OLDEST_PLUGIN_API:
        return (
            f"written for plugin API {declared}, which this archdesigner no longer supports "
            f"(oldest: {OLDEST_PLUGIN_API}); update the plugin"
        )
    return ""


def discover(
    kind: str,
    plugin_dirs: Sequence[str | Path] = (),
    *,
    include_user_dir: bool = True,
    include_entry_points: bool = True,
) -> Discovery:
    """Finds every contribution of ``kind`` (``rules``, ``exporters``, ``importers``, ``kinds``).

    Built-ins come first, then other entry points by name, then folder plugins in folder order.
    """
    group = ENTRY_POINT_GROUPS[kind]
    found = Discovery()
    if include_entry_points:
        eps = _entry_points(group)
        has_builtin = any(_entry_point_plugin_name(ep) == BUILTIN for ep in eps)
        if not has_builtin and kind in BUILTIN_TARGETS:
            _collect(found, group, BUILTIN, lambda: _load_target(BUILTIN_TARGETS[kind]))
        for ep in eps:
            _collect(found, group, _entry_point_plugin_name(ep), ep.load, ep.module)
    folders: list[Path] = []
    if include_user_dir:
        folders.append(user_plugin_dir())
    folders.extend(Path(d) for d in plugin_dirs)
    seen: set[Path] = set()
    for folder in folders:
        for entry in _folder_entries(folder):
            real = entry.resolve()
            if real in seen:
                continue
            seen.add(real)
            module, error, crashed = _import_folder_plugin(real)
            name = str(entry)
            if module is None:
                first, _, details = error.partition("\n")
                found.errors.append(
                    PluginError(name, group, f"failed to import: {first}", details, crashed)
                )
                continue
            problem = api_problem(module)
            if problem:
                found.errors.append(PluginError(name, group, problem))
                continue
            attr = FOLDER_ATTRIBUTES[kind]
            if hasattr(module, attr):
                found.contributions.extend(
                    Contribution(obj, name) for obj in _as_list(getattr(module, attr))
                )
    return found


def _collect(found: Discovery, group: str, name: str, load: Any, module: str = "") -> None:
    try:
        value = load()
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        found.errors.append(
            PluginError(
                name, group, f"failed to import: {_short_error(exc)}", traceback.format_exc()
            )
        )
        return
    problem = api_problem(sys.modules.get(module)) if name != BUILTIN else ""
    if problem:
        found.errors.append(PluginError(name, group, problem))
        return
    found.contributions.extend(Contribution(obj, name) for obj in _as_list(value))


def merge_errors(*groups: Iterable[PluginError]) -> list[PluginError]:
    """The errors of several discoveries, each problem once, in order: a plugin file that
    fails to import fails for every group that asked, and is reported once."""
    out: list[PluginError] = []
    seen: set[tuple[str, str]] = set()
    for errors in groups:
        for e in errors:
            if (e.plugin, e.message) not in seen:
                seen.add((e.plugin, e.message))
                out.append(e)
    return out


def load_kind_plugins(plugin_dirs: Sequence[str | Path] = ()) -> list[PluginError]:
    """Registers plugin kinds and technology presets in the catalog; returns the errors."""
    from archdesigner.model import catalog
    from archdesigner.plugins.registry import Registry

    def check(obj: Any, source: str) -> str:
        if isinstance(obj, catalog.KindInfo | catalog.TechnologyPreset):
            return ""
        return f"KINDS entries must be KindInfo or TechnologyPreset, got {type(obj).__name__}"

    def ident(obj: Any) -> str:
        if isinstance(obj, catalog.KindInfo):
            return f"kind {obj.kind!r}"
        return f"technology {obj.name!r}"

    registry: Registry[Any] = Registry("kinds", check, ident, "{id} is already defined by {owner}")
    accepted, errors = registry.load(plugin_dirs)
    for reg in accepted:
        obj = reg.obj
        try:
            if isinstance(obj, catalog.KindInfo):
                existing = catalog.kind_info(obj.kind)
                if existing is not None and existing.source == reg.source:
                    continue  # loaded before in this process
                catalog.register_kind(_with_source(obj, reg.source))
            else:
                existing_t = catalog.technology(obj.name)
                if existing_t is not None and existing_t.source == reg.source:
                    continue
                catalog.register_technology(_with_source(obj, reg.source))
        except ValueError as exc:
            errors.append(PluginError(reg.source, registry.group, str(exc)))
    return errors


def _with_source(obj: Any, plugin: str) -> Any:
    import dataclasses

    return dataclasses.replace(obj, source=plugin)


__all__ = [
    "BUILTIN",
    "ENTRY_POINT_GROUPS",
    "FOLDER_ATTRIBUTES",
    "PLUGIN_API_VERSION",
    "Contribution",
    "Discovery",
    "PluginError",
    "discover",
    "load_kind_plugins",
    "merge_errors",
    "user_plugin_dir",
]
