"""What a compose service's files say: its Dockerfile's ``FROM`` lines and the files and
folders that belong to it (build context, bind mounts, ``configs``, a folder named like it), for
kind inference and for :func:`archdesigner.importers.scanning.scan_sources`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from archdesigner.importers.scanning import folders_named_like

#: Container paths of data, not configuration: bind mounts there are not read.
DATA_TARGETS = ("/var/lib", "/var/opt", "/data", "/var/log", "/var/run", "/run", "/tmp", "/dev",
                "/proc", "/sys", "/backup", "/srv/data", "/bitnami")  # fmt: skip
_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE | re.M)


def build_context(base: Path, svc: Mapping[str, Any]) -> tuple[Path | None, str]:
    """The build context folder and the Dockerfile name of a service (``None`` without one)."""
    build = svc.get("build")
    if isinstance(build, str):
        return base / build, "Dockerfile"
    if isinstance(build, dict):
        context = build.get("context", ".")
        dockerfile = build.get("dockerfile", "Dockerfile")
        if isinstance(context, str) and "://" not in context and not context.startswith("git@"):
            return base / context, dockerfile if isinstance(dockerfile, str) else "Dockerfile"
    return None, "Dockerfile"


def dockerfile_froms(path: Path, root: Path) -> list[tuple[str, str]]:
    """``(image, "file:line")`` of the final stage of a Dockerfile, following stage names
    (``FROM build AS x`` ... ``FROM x``); empty when there is none or it cannot be read."""
    try:
        if not path.is_file() or path.stat().st_size > 1_000_000:
            return []
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    stages: dict[str, tuple[str, int]] = {}
    last: tuple[str, int] | None = None
    for m in _FROM.finditer(text):
        image = m.group(1)
        line = text.count("\n", 0, m.start()) + 1
        image, line = stages.get(image.lower(), (image, line))
        last = (image, line)
        if m.group(2):
            stages[m.group(2).lower()] = last
    if last is None or "$" in last[0]:
        return []
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = path.name
    return [(last[0], f"{rel}:{last[1]}")]


def _mount_sources(base: Path, svc: Mapping[str, Any], top: Mapping[str, Any]) -> list[Path]:
    out: list[Path] = []
    for vol in svc.get("volumes") or []:
        source, target = "", ""
        if isinstance(vol, str):
            parts = vol.split(":")
            if len(parts) >= 2:
                source, target = parts[0], parts[1]
        elif isinstance(vol, dict) and vol.get("type") == "bind":
            source, target = str(vol.get("source", "")), str(vol.get("target", ""))
        if not source.startswith((".", "/", "~")) or target.startswith(DATA_TARGETS):
            continue
        out.append(base / source)
    configs = top.get("configs")
    if not isinstance(configs, dict):
        configs = {}
    for ref in svc.get("configs") or []:
        name = ref.get("source") if isinstance(ref, dict) else ref
        spec = configs.get(name) if isinstance(name, str) else None
        if isinstance(spec, dict) and isinstance(spec.get("file"), str):
            out.append(base / spec["file"])
    return out


def _hidden(path: Path, root: Path) -> bool:
    try:
        rel = path.resolve().relative_to(root)
    except (ValueError, OSError):
        return True  # outside the project: never read
    return any(part.startswith(".") for part in rel.parts)


def service_roots(
    base: Path, root: Path, services: Mapping[str, Mapping[str, Any]], top: Mapping[str, Any]
) -> dict[str, list[Path]]:
    """Each service -> the files and folders that belong to it: its build context, files and
    folders bind-mounted or given as ``configs``, and folders under ``root`` named like it."""
    root = root.resolve()
    named = folders_named_like(root, services)
    out: dict[str, list[Path]] = {}
    for name, svc in services.items():
        context, _ = build_context(base, svc)
        found = [context] if context is not None else []
        found += _mount_sources(base, svc, top)
        found += named.get(name, [])
        paths = list(dict.fromkeys(p for p in found if not _hidden(p, root)))
        if paths:
            out[name] = paths
    return out


def service_froms(
    base: Path, root: Path, name: str, svc: Mapping[str, Any], roots: Mapping[str, list[Path]]
) -> list[tuple[str, str]]:
    """The ``FROM`` of the service's Dockerfile: in its build context, else in a folder named
    like the service."""
    context, dockerfile = build_context(base, svc)
    if context is not None:
        return dockerfile_froms(context / dockerfile, root)
    for folder in roots.get(name, []):
        if folder.is_dir():
            froms = dockerfile_froms(folder / "Dockerfile", root)
            if froms:
                return froms
    return []
