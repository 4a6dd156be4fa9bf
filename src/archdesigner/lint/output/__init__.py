"""Output formats of ``archdesigner lint``: human text, JSON (versioned) and SARIF 2.1.0."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archdesigner.lint.engine import LintReport

FORMATS = ("text", "json", "sarif")


class PackedText:
    """A text kept compressed until it is read (:meth:`unpacked`). The command line keeps
    each file's text to locate its findings, which most outputs never do for a large
    design; a 50,000-node design file is 24 MB of text and 2 MB packed."""

    __slots__ = ("_data",)

    #: characters encoded at a time, so that no second copy of the whole text is made
    CHUNK = 1 << 20

    def __init__(self, text: str) -> None:
        packer = zlib.compressobj(1)
        parts = [
            packer.compress(text[i : i + self.CHUNK].encode("utf-8"))
            for i in range(0, len(text), self.CHUNK)
        ]
        parts.append(packer.flush())
        self._data = b"".join(parts)

    def unpacked(self) -> str:
        return zlib.decompress(self._data).decode("utf-8")

    def raw(self) -> bytes:
        """The text's UTF-8 bytes (one copy; decoding them would make a second)."""
        return zlib.decompress(self._data)


@dataclass
class FileResult:
    """One linted file: its path as given, its text (to locate findings; read it with
    :meth:`source`), the report, and the fixes applied (``--fix``) as (rule id, subject,
    description), and how many findings ``--baseline`` left out (``baselined``)."""

    path: str
    text: str | PackedText
    report: LintReport
    fixed: list[tuple[str, str, str]] = field(default_factory=list)
    baselined: int = 0

    def source(self) -> str:
        """The file's text."""
        return self.text if isinstance(self.text, str) else self.text.unpacked()

    def locations(self) -> dict[tuple[str, str], int]:
        """The line of each node, link and group id in the file
        (:func:`archdesigner.lint.output.locate.id_lines`); a packed text is read as its
        bytes, never decoded whole (a 50,000-node file is 24 MB of text)."""
        from archdesigner.lint.output.locate import id_lines

        return id_lines(self.text if isinstance(self.text, str) else self.text.raw())


#: text output styles: ``grouped`` (default), ``full``, ``concise``
TEXT_STYLES = ("grouped", "full", "concise")


def render(
    fmt: str,
    results: list[FileResult],
    *,
    color: bool = False,
    verbose: bool = False,
    style: str = "grouped",
) -> str:
    """The output of ``archdesigner lint`` in format ``fmt``; ``style`` picks the text
    layout (see :data:`TEXT_STYLES`), ``verbose`` lists suppressed findings in text."""
    return "".join(render_chunks(fmt, results, color=color, verbose=verbose, style=style))


def render_chunks(
    fmt: str,
    results: list[FileResult],
    *,
    color: bool = False,
    verbose: bool = False,
    style: str = "grouped",
) -> Iterator[str]:
    """:func:`render` in pieces that join to the same text: JSON and SARIF come as their
    encoder makes them (write them as they come: the JSON of a 50,000-node design is 75
    MB, and its pieces in one list take four times that), the full and concise text line
    by line, the grouped text (short at any size) in one piece."""
    if fmt == "json":
        from archdesigner.lint.output.json_format import json_chunks

        yield from json_chunks(results)
    elif fmt == "sarif":
        from archdesigner.lint.output.sarif import sarif_chunks

        yield from sarif_chunks(results)
    elif style == "full":
        from archdesigner.lint.output.text import text_chunks

        yield from text_chunks(results, color=color, show_suppressed=verbose)
    elif style == "concise":
        from archdesigner.lint.output.concise import concise_chunks

        yield from concise_chunks(results)
    else:
        from archdesigner.lint.output.grouped import render_grouped

        yield render_grouped(results, color=color, show_suppressed=verbose)


class Streamed(list[Any]):
    """A list whose ``count`` items are made one at a time by ``make()`` (an iterator) as a
    reader goes through it: JSON and SARIF write their findings as the writer
    (:mod:`archdesigner.lint.output.jsonenc`) reaches them instead of holding a dict per
    finding first (at 50,000 nodes those dicts took more memory than the whole lint). Only
    iterating and ``len`` are meant; iterate it once. A list, so that ``json``'s indented
    encoder (which iterates) reads it alike; its C encoder reads a list's own storage,
    which is empty here."""

    def __init__(self, count: int, make: Callable[[], Iterator[Any]]) -> None:
        super().__init__()
        self._count = count
        self._make = make

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Any]:
        return self._make()


def blocks(chunks: Iterable[str], size: int = 1 << 20) -> Iterator[str]:
    """``chunks`` joined into pieces of about ``size`` characters (fewer, larger writes)."""
    pending: list[str] = []
    held = 0
    for chunk in chunks:
        pending.append(chunk)
        held += len(chunk)
        if held >= size:
            yield "".join(pending)
            pending.clear()
            held = 0
    if pending:
        yield "".join(pending)


__all__ = [
    "FORMATS",
    "TEXT_STYLES",
    "FileResult",
    "PackedText",
    "Streamed",
    "blocks",
    "render",
    "render_chunks",
]
