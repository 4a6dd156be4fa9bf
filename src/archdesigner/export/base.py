"""The exporter API: what a built-in or plugin exporter implements.

An exporter turns a design into one file. Register it through the ``archdesigner.exporters``
entry point group (the value names an :class:`Exporter` instance or a list of them) or put
a module with an ``EXPORTERS`` list into a plugin folder. See docs/plugins.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from archdesigner.model.design import Design


@dataclass(frozen=True)
class ExportOption:
    """One option an exporter takes (``--option NAME=VALUE`` on the command line)."""

    name: str
    help: str
    default: Any = None
    choices: tuple[str, ...] = ()
    type: type = str
    #: for numbers: the smallest and largest accepted value (inclusive), checked at the CLI
    low: float | None = None
    high: float | None = None


@dataclass
class ExportResult:
    """The exported file and a report of what could not be mapped (one line each).

    ``files``: the same export as several files (relative name -> content), for formats that
    can also be written into a folder (``-o k8s/``); empty for one-file formats."""

    data: bytes | str
    report: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)

    def as_bytes(self) -> bytes:
        return self.data.encode("utf-8") if isinstance(self.data, str) else self.data


class ExportError(Exception):
    """An export that cannot be done (a missing program, an impossible option): one line."""


@runtime_checkable
class Exporter(Protocol):
    """``id``: short unique name (``svg``, ``compose``); ``suffixes``: output suffixes used to
    guess the format from ``-o`` (``.svg``, ``.compose.yaml``); ``options``: what it takes."""

    id: str
    name: str
    suffixes: tuple[str, ...]
    options: tuple[ExportOption, ...]

    def export(self, design: Design, **options: Any) -> ExportResult: ...


class BaseExporter:
    """Convenience base class: set the class attributes and implement :meth:`export`."""

    # plain class attributes (not ClassVar) so that subclasses satisfy the Exporter protocol
    id: str = ""
    name: str = ""
    suffixes: tuple[str, ...] = ()
    options: tuple[ExportOption, ...] = ()

    def export(self, design: Design, **options: Any) -> ExportResult:
        raise NotImplementedError
