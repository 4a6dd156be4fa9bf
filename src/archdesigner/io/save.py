"""Writing design files: canonical (byte-identical for the same design) and atomic."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from archdesigner.model.design import Design


def design_to_data(design: Design) -> dict[str, Any]:
    """The canonical JSON object: spec key order, defaults left out, properties untouched."""
    data = design.model_dump(mode="json", exclude_defaults=True)
    # format and version are required and always written, even if equal to a default
    out: dict[str, Any] = {"format": design.format, "version": design.version}
    for key, value in data.items():
        if key not in out:
            out[key] = value
    return out


def dumps_design(design: Design) -> str:
    """UTF-8 JSON, 2-space indent, one trailing newline."""
    return json.dumps(design_to_data(design), indent=2, ensure_ascii=False) + "\n"


def atomic_write_bytes(path: str | Path, payload: bytes) -> None:
    """Writes ``payload`` to ``path`` so that a crash at any moment leaves either the old file
    or the new one, never a mix: a temporary file in the same folder, fsync, then rename."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        # a new file gets the permissions open() would give it, not mkstemp's private 0600
        umask = os.umask(0o022)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where supported
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def save_design(design: Design, path: str | Path) -> None:
    """Saves ``design`` canonically and atomically."""
    atomic_write_text(path, dumps_design(design))
