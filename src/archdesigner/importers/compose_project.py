"""From compose files on disk to one merged project: parse, check the shape, interpolate,
resolve ``extends`` and ``include``, merge the files in order, check service references.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archdesigner.importers.base import ImportInputError
from archdesigner.importers.compose_merge import as_mapping, has_tags, merge_mappings, strip_tags
from archdesigner.importers.compose_yaml import (
    MAX_EXPANDED_VALUES,
    Interpolator,
    LineFinder,
    expanded_size,
    parse_yaml,
    read_text,
)

#: Top-level keys of the Compose Specification (and the legacy ``version``).
TOP_LEVEL_KEYS = frozenset(
    {"version", "name", "services", "networks", "volumes", "secrets", "configs", "include",
     "models"}
)  # fmt: skip
_SERVICE_HINTS = frozenset({"image", "build", "command", "ports", "environment", "links"})


@dataclass
class ComposeProject:
    """The merged compose model plus what is needed to report problems by file and line."""

    files: list[Path]
    top: dict[str, Any]
    services: dict[str, dict[str, Any]]
    finder: LineFinder
    missing_vars: list[str] = field(default_factory=list)
    #: variables whose value came from the host's environment (listed in the report)
    host_vars: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    all_files: list[Path] = field(default_factory=list)

    def error(self, keys: Sequence[str | int], message: str) -> ImportInputError:
        return self.finder.error(self.all_files or self.files, keys, message)


class _Loader:
    def __init__(self, env: Mapping[str, str]) -> None:
        self.finder = LineFinder()
        self.interp = Interpolator(env)
        self.cache: dict[Path, dict[str, Any]] = {}
        self.notes: list[str] = []
        self.all_files: list[Path] = []
        #: the services whose ``extends`` is being resolved, across files (cycle check)
        self.active: list[tuple[Path, str]] = []

    def error(self, file: Path, keys: Sequence[str | int], message: str) -> ImportInputError:
        return self.finder.error([file], keys, message)

    def load(self, path: Path) -> dict[str, Any]:
        """One file, checked, interpolated, with its ``extends`` and ``include`` resolved."""
        key = path.resolve()
        if key in self.cache:
            return self.cache[key]
        text = read_text(path)
        self.finder.add(path, text)
        self.all_files.append(path)
        data = parse_yaml(text, path)
        try:
            too_big = expanded_size(data) > MAX_EXPANDED_VALUES
        except RecursionError:
            raise ImportInputError(path, "the YAML is nested too deeply") from None
        if too_big:
            raise ImportInputError(
                path, f"the YAML expands to more than {MAX_EXPANDED_VALUES:,} values "
                "(aliases of aliases); refusing to read it")  # fmt: skip
        data = self._check_shape(path, data)
        data = self.interp.walk(data, lambda keys, msg: self.error(path, keys, msg))
        self.cache[key] = data
        services = data.get("services")
        if services is None:
            services = data["services"] = {}
        elif any(not isinstance(k, str) for k in services):
            services = data["services"] = {str(k): v for k, v in services.items()}
        for name, svc in list(services.items()):
            if svc is None:
                raise self.error(path, ["services", name], f"service {name!r} is empty")
            if not isinstance(svc, dict):
                raise self.error(
                    path, ["services", name], f"service {name!r} must be a mapping of settings"
                )
        resolved: dict[str, dict[str, Any]] = {}
        for name in services:
            resolved[name] = self._extends(path, services, name, [], resolved)
        data["services"] = resolved
        self._include(path, data)
        result: dict[str, Any] = data
        return result

    def _check_shape(self, path: Path, data: Any) -> dict[str, Any]:
        if data is None:
            raise ImportInputError(path, "not a compose file: the file is empty", 1)
        if not isinstance(data, dict):
            raise ImportInputError(
                path, f"not a compose file: expected a mapping with 'services', got a "
                f"{type(data).__name__}", 1)  # fmt: skip
        keys = {str(k) for k in data}
        if "services" not in data:
            if (
                keys
                and not (keys & TOP_LEVEL_KEYS)
                and all(isinstance(v, dict) and (set(v) & _SERVICE_HINTS) for v in data.values())
            ):
                self.notes.append(f"{path}: a version 1 compose file (services at the top level)")
                return {"services": data}
            if not (keys & TOP_LEVEL_KEYS - {"version"}) and not any(
                k.startswith("x-") for k in keys
            ):
                raise ImportInputError(path, "not a compose file: it has no 'services' section", 1)
        services = data.get("services")
        if services is not None and not isinstance(services, dict):
            raise self.error(path, ["services"], "'services' must be a mapping of service names")
        for k in keys:
            if k not in TOP_LEVEL_KEYS and not k.startswith("x-"):
                self.notes.append(f"{path}: unknown top-level key {k!r} kept in properties")
        return data

    def _extends(
        self,
        path: Path,
        services: dict[str, Any],
        name: str,
        stack: list[tuple[Path, str]],
        done: dict[str, dict[str, Any]],
    ) -> dict[str, Any]:
        if name in done:
            return done[name]
        svc: dict[str, Any] = services[name]
        ext = svc.get("extends")
        if ext is None:
            return svc
        where = ["services", name, "extends"]
        if isinstance(ext, str):
            base_name, base_file = ext, None
        elif isinstance(ext, dict) and isinstance(ext.get("service"), str):
            base_name, base_file = ext["service"], ext.get("file")
        else:
            raise self.error(path, where, "'extends' must name a service")
        if (path, name) in stack:
            chain = " -> ".join(n for _, n in [*stack, (path, name)])
            raise self.error(path, where, f"'extends' goes round in a circle: {chain}")
        me = (path.resolve(), name)
        if me in self.active:
            loop = [*self.active[self.active.index(me) :], me]
            chain = " -> ".join(f"{p.name}:{n}" for p, n in loop)
            raise self.error(path, where, f"'extends' goes round in a circle: {chain}")
        self.active.append(me)
        try:
            base = self._extends_base(path, services, name, base_name, base_file, stack, done)
        finally:
            self.active.pop()
        own = {k: v for k, v in svc.items() if k != "extends"}
        merged = merge_mappings({k: v for k, v in base.items() if k != "extends"}, own)
        done[name] = merged
        return merged

    def _extends_base(
        self,
        path: Path,
        services: dict[str, Any],
        name: str,
        base_name: str,
        base_file: Any,
        stack: list[tuple[Path, str]],
        done: dict[str, dict[str, Any]],
    ) -> dict[str, Any]:
        where = ["services", name, "extends"]
        if base_file is not None:
            other = (path.parent / str(base_file)).resolve()
            if not other.is_file():
                raise self.error(path, where, f"'extends' file {base_file!r} does not exist")
            if (other, base_name) in self.active:  # a file that is still being resolved
                loop = [*self.active[self.active.index((other, base_name)) :], (other, base_name)]
                chain = " -> ".join(f"{p.name}:{n}" for p, n in loop)
                raise self.error(path, where, f"'extends' goes round in a circle: {chain}")
            other_data = self.load(Path(other))
            base_services = other_data["services"]
            if base_name not in base_services:
                raise self.error(
                    path, where, f"'extends' names service {base_name!r}, which {base_file} "
                    "does not define")  # fmt: skip
            base = base_services[base_name]
        else:
            if base_name not in services:
                raise self.error(path, where, f"'extends' names undefined service {base_name!r}")
            base = self._extends(path, services, base_name, [*stack, (path, name)], done)
        result: dict[str, Any] = base
        return result

    def _include(self, path: Path, data: dict[str, Any]) -> None:
        include = data.pop("include", None)
        if include is None:
            return
        items = include if isinstance(include, list) else [include]
        for idx, item in enumerate(items):
            raw = item.get("path") if isinstance(item, dict) else item
            for rel in raw if isinstance(raw, list) else [raw]:
                if not isinstance(rel, str):
                    raise self.error(path, ["include", idx], "'include' needs a file path")
                other = (path.parent / rel).resolve()
                if not other.is_file():
                    raise self.error(path, ["include", idx], f"included file {rel!r} not found")
                sub = self.load(Path(other))
                for sname, svc in sub["services"].items():
                    if sname in data["services"]:
                        message = f"service {sname!r} is also defined by included file {rel}"
                        raise self.error(path, ["services", sname], message)
                    data["services"][sname] = svc
                for key, value in sub.items():
                    if key != "services" and isinstance(value, dict):
                        data[key] = {**value, **(data.get(key) or {})}


def load_project(paths: Sequence[Path], env: Mapping[str, str]) -> ComposeProject:
    """Reads, checks and merges ``paths`` in order (later files override earlier ones)."""
    if not paths:
        raise ImportInputError("<compose>", "no compose file given")
    loader = _Loader(env)
    merged: dict[str, Any] = {}
    multiple = len(paths) > 1
    for path in paths:
        data = loader.load(Path(path))
        if not merged:
            merged = data
            continue
        merged = merge_mappings(merged, data)
    if multiple or has_tags(merged):
        merged = strip_tags(merged)
    services = merged.pop("services", None) or {}
    project = ComposeProject(
        files=[Path(p) for p in paths],
        top=merged,
        services=services,
        finder=loader.finder,
        missing_vars=list(loader.interp.missing),
        host_vars=list(loader.interp.host_used),
        notes=loader.notes,
        all_files=loader.all_files,
    )
    if not services and "x-archdesigner" not in merged:
        raise ImportInputError(paths[0], "not a compose file: it defines no services", 1)
    check_references(project)
    return project


def _service_ref(value: Any) -> str | None:
    """``service:db`` -> ``db``; ``container:x`` and host modes -> None."""
    if isinstance(value, str) and value.startswith("service:"):
        return value[8:]
    return None


_SCALAR = (str, int, float, bool)
_LISTS = ("ports", "expose", "links", "volumes_from", "profiles", "external_links")
_LIST_OR_MAP = ("environment", "labels", "depends_on", "networks")


def _kind_of(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def check_shapes(project: ComposeProject) -> None:
    """The keys the importer reads have the types compose requires (a clear error if not)."""
    for name, svc in project.services.items():
        _check_service_shape(project, name, svc)
    nets = project.top.get("networks")
    if nets is not None and not isinstance(nets, dict):
        message = f"'networks' must be a mapping, got {_kind_of(nets)}"
        raise project.error(["networks"], message)
    meta = project.top.get("x-archdesigner")
    if isinstance(meta, dict):
        for key in ("links", "groups", "nodes", "node_order"):
            value = meta.get(key)
            if value is not None and not isinstance(value, list):
                message = f"x-archdesigner {key} must be a list, got {_kind_of(value)}"
                raise project.error(["x-archdesigner", key], message)


def _check_service_shape(project: ComposeProject, name: str, svc: dict[str, Any]) -> None:
    def bad(key: str | int, *more: str | int, want: str, got: Any) -> Exception:
        where = ["services", name, key, *more]
        message = f"'{key}' of {name!r} must be {want}, got {_kind_of(got)}"
        return project.error(where, message)

    for key in ("image", "container_name", "hostname", "network_mode", "scale"):
        value = svc.get(key)
        if value is not None and not isinstance(value, _SCALAR):
            raise bad(key, want="a string", got=value)
    for key in _LISTS:
        value = svc.get(key)
        if value is not None and not isinstance(value, list):
            raise bad(key, want="a list", got=value)
        for idx, item in enumerate(value or []):
            if not isinstance(item, _SCALAR) and not (key == "ports" and isinstance(item, dict)):
                raise bad(key, idx, want="a list of strings", got=item)
    for key in _LIST_OR_MAP:
        value = svc.get(key)
        if value is not None and not isinstance(value, list | dict):
            raise bad(key, want="a list or a mapping", got=value)
        if isinstance(value, list):
            for idx, item in enumerate(value):
                if not isinstance(item, _SCALAR):
                    raise bad(key, idx, want="a list of strings", got=item)
        elif isinstance(value, dict) and key in ("depends_on", "networks"):
            for item, opts in value.items():
                if opts is not None and not isinstance(opts, dict):
                    raise bad(key, str(item), want="a mapping of names to settings", got=opts)
                aliases = (opts or {}).get("aliases") if key == "networks" else None
                if aliases is not None and not isinstance(aliases, list):
                    raise bad(key, str(item), want="a list of aliases", got=aliases)
    for key in ("command", "entrypoint"):
        value = svc.get(key)
        if value is not None and not isinstance(value, str | list):
            raise bad(key, want="a string or a list", got=value)
    deploy = svc.get("deploy")
    if deploy is not None and not isinstance(deploy, dict):
        raise bad("deploy", want="a mapping", got=deploy)
    replicas = (deploy or {}).get("replicas")
    if replicas is not None and not isinstance(replicas, _SCALAR):
        raise bad("deploy", "replicas", want="a number", got=replicas)
    meta = svc.get("x-archdesigner")
    if meta is not None:
        if not isinstance(meta, dict):
            raise bad("x-archdesigner", want="a mapping", got=meta)
        gen = meta.get("generated_env")
        if gen is not None and not (isinstance(gen, list) and all(isinstance(g, str) for g in gen)):
            raise bad("x-archdesigner", "generated_env", want="a list of names", got=gen)


def check_references(project: ComposeProject) -> None:
    """Every service that a service names must exist (depends_on, links, volumes_from, ...)."""
    check_shapes(project)
    names = project.services
    for name, svc in names.items():
        deps = as_mapping("depends_on", svc.get("depends_on"))
        if deps is not None and not isinstance(deps, dict):
            raise project.error(["services", name, "depends_on"], "'depends_on' must be a list "
                                "or a mapping of service names")  # fmt: skip
        for target, opts in (deps or {}).items():
            if target not in names:
                if isinstance(opts, dict) and opts.get("required") is False:
                    continue
                raise project.error(
                    ["services", name, "depends_on", target],
                    f"service {name!r} depends on undefined service {target!r}",
                )
        links = svc.get("links") or []
        if not isinstance(links, list):
            raise project.error(["services", name, "links"], "'links' must be a list")
        for link in links:
            target = str(link).split(":", 1)[0]
            if target not in names:
                raise project.error(
                    ["services", name, "links", target],
                    f"service {name!r} links to undefined service {target!r}",
                )
        for vf in svc.get("volumes_from") or []:
            text = str(vf)
            if text.startswith("container:"):
                continue
            target = text.split(":", 1)[0]
            if target not in names:
                raise project.error(
                    ["services", name, "volumes_from", text],
                    f"service {name!r} takes volumes from undefined service {target!r}",
                )
        for key in ("network_mode", "pid", "ipc"):
            ref = _service_ref(svc.get(key))
            if ref is not None and ref not in names:
                raise project.error(
                    ["services", name, key], f"{key} of {name!r} names undefined service {ref!r}"
                )
