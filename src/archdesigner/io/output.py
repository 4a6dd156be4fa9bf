"""The one writer behind every command's ``-o``: never destroys what it should not.

* ``-`` is standard output; a device, FIFO or terminal is written in place;
* a symlink is followed, so the file it points to is updated and the link kept;
* a regular file is replaced atomically (temporary file + rename), stale temporaries of ours
  are cleaned;
* an output that is the same file as one of the inputs is refused unless ``force``;
* every failure is an :class:`OutputError` whose ``str()`` is one line naming the file.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from archdesigner.io.save import atomic_write_bytes

STDOUT = "-"


class OutputError(Exception):
    """An output that cannot or must not be written; ``str()`` is one line."""


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when ``a`` and ``b`` name the same existing file (through links, ``..`` etc.)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _is_regular(path: str | Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _holds_design(path: str | Path) -> bool:
    """True when ``path`` is a regular file that starts like a design file."""
    if not _is_regular(path):
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return b'"archdesigner.design"' in head


def check_output(
    target: str | Path,
    inputs: Iterable[str | Path] = (),
    *,
    force: bool = False,
    refuse_existing: bool = False,
) -> None:
    """Refuses, before any work, an output that would overwrite an input, or a design file
    that is not one (a design is the user's work; the outputs checked here are not designs),
    or, with ``refuse_existing``, any existing regular file, unless ``force``."""
    if str(target) == STDOUT or force:
        return
    for given in inputs:
        if _is_regular(given) and same_file(target, given):
            raise OutputError(
                f"{target} is the input file {given}; writing there would replace it "
                "(use --force if that is what you want)"
            )
    if refuse_existing and _is_regular(target):
        raise OutputError(f"{target} exists; use --force to overwrite it")
    if _holds_design(target):
        raise OutputError(
            f"{target} holds a design; writing there would replace it "
            "(use --force if that is what you want)"
        )


def write_output(target: str | Path, payload: bytes) -> None:
    """Writes ``payload`` to ``target`` (see the module doc); raises :class:`OutputError`."""
    if str(target) == STDOUT:
        try:
            sys.stdout.flush()
            sys.stdout.buffer.write(payload)
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None
        return
    try:
        atomic_write_bytes(target, payload)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None


def write_output_text(target: str | Path, text: str | Iterable[str]) -> None:
    """Writes ``text``, or the pieces that join to it (no joined copy is made), as UTF-8."""
    pieces = [text] if isinstance(text, str) else text
    try:
        encoded = [piece.encode("utf-8") for piece in pieces]
    except UnicodeEncodeError:
        raise OutputError(f"cannot write {target}: the text is not valid Unicode") from None
    write_output(target, b"".join(encoded))
