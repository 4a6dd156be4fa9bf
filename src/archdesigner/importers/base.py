"""The importer API: what a built-in or plugin importer implements.

An importer turns one or more files of another tool (docker-compose, Kubernetes, ...) into a
design. Register it through the ``archdesigner.importers`` entry point group (the value names
an :class:`Importer` instance or a list of them) or put a module with an ``IMPORTERS`` list
into a plugin folder. See docs/plugins.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from archdesigner.importers.report import ImportReport
from archdesigner.model.design import Design


@dataclass
class ImportResult:
    """The imported design and a report (inferred links, dropped keys, guesses), one line each."""

    design: Design
    report: list[str] = field(default_factory=list)
    #: What was seen and guessed, grouped for review (``archdesigner import`` prints it).
    details: ImportReport | None = None


class ImportInputError(Exception):
    """Input that cannot be imported. ``str()`` names the file and, where known, the line."""

    def __init__(self, file: str | Path, message: str, line: int | None = None) -> None:
        where = f"{file}:{line}" if line is not None else str(file)
        super().__init__(f"{where}: {message}")
        self.file = str(file)
        self.line = line
        self.message = message


#: The former name, kept for plugins written against plugin API 1 (docs/plugins.md).
ImportError_ = ImportInputError


@runtime_checkable
class Importer(Protocol):
    """``id``: short unique name (``compose``); ``patterns``: file name globs it reads."""

    id: str
    name: str
    patterns: tuple[str, ...]

    def import_files(
        self, paths: Sequence[Path], *, env: Mapping[str, str] | None = None
    ) -> ImportResult: ...


class BaseImporter:
    id: ClassVar[str] = ""
    name: ClassVar[str] = ""
    patterns: ClassVar[tuple[str, ...]] = ()

    def import_files(
        self, paths: Sequence[Path], *, env: Mapping[str, str] | None = None
    ) -> ImportResult:
        raise NotImplementedError
