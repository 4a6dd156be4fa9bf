"""Writing design files: canonical (byte-identical for the same design) and atomic."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

from archdesigner.model.design import Design

#: A temporary file of ours older than this, left by a crash, is removed at the next save.
STALE_TEMP_SECONDS = 60.0


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
    """UTF-8 JSON, 2-space indent, one trailing newline. Never writes ``NaN``/``Infinity``
    (``ValueError``) and never a lone surrogate (``UnicodeEncodeError`` at encoding)."""
    return json.dumps(design_to_data(design), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _temp_prefix(name: str) -> str:
    return f".{name}."


def clean_stale_temps(target: Path, *, max_age: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Removes ``.NAME.*.tmp`` files that an earlier, crashed save of ``target`` left behind.

    A temporary file names the process that made it (``.NAME.PID-XXXX.tmp``): it is ours and
    stale when that process is gone, or, for any name, when it is older than ``max_age``."""
    folder = target.parent if str(target.parent) else Path(".")
    prefix = _temp_prefix(target.name)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        pid = name[len(prefix) :].split("-", 1)[0]
        dead = pid.isdigit() and not _alive(int(pid))
        if dead or now - st.st_mtime > max_age:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True
    return True


def _replace_regular(target: Path, payload: bytes, mode: int | None = None) -> None:
    """Temporary file in the same folder, fsync, rename: a crash leaves the old or the new."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = target.stat().st_mode & 0o777 if mode is None else mode
    except FileNotFoundError:
        # a new file gets the permissions open() would give it, not mkstemp's private 0600
        umask = os.umask(0o022)
        os.umask(umask)
        mode = 0o666 & ~umask
    clean_stale_temps(target)
    prefix = f"{_temp_prefix(target.name)}{os.getpid()}-"
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
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


def atomic_write_bytes(path: str | Path, payload: bytes, *, mode: int | None = None) -> None:
    """Writes ``payload`` to ``path`` without ever leaving a half-written regular file.

    A symlink is followed (the file it points to is updated, the link is kept). A regular
    file (or a new one) is replaced atomically; a device, FIFO or terminal is written in
    place, never replaced by a regular file. ``mode`` forces the new file's permissions
    (default: the old file's, or what ``open()`` would give a new one)."""
    given = Path(path)
    try:
        st = os.stat(given)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(21, "Is a directory", str(given))
        with open(given, "wb") as fh:  # a device or FIFO: in place, never replaced
            fh.write(payload)
        return
    _replace_regular(Path(os.path.realpath(given)), payload, mode)


def atomic_write_text(path: str | Path, text: str, *, mode: int | None = None) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def save_design(design: Design, path: str | Path) -> None:
    """Saves ``design`` canonically and atomically."""
    atomic_write_text(path, dumps_design(design))
