"""Exporters: Graphviz (DOT, SVG, PNG, PDF), docker-compose drafts and Mermaid.

The built-ins in :data:`EXPORTERS` register through the same ``archdesigner.exporters`` entry
point group as third-party plugins (see ``pyproject.toml``); :func:`load_exporters` gathers
them all, checked against the protocol in :mod:`archdesigner.export.base`.
"""

from __future__ import annotations

from archdesigner.export.base import (
    BaseExporter,
    Exporter,
    ExportError,
    ExportOption,
    ExportResult,
)
from archdesigner.export.compose import ComposeExporter
from archdesigner.export.graphviz import DotExporter, PdfExporter, PngExporter, SvgExporter
from archdesigner.export.mermaid import MermaidExporter
from archdesigner.export.registry import (
    RegisteredExporter,
    check_exporter,
    guess_format,
    load_exporters,
)

#: The built-in exporters, in the order they are listed to users.
EXPORTERS: list[Exporter] = [
    SvgExporter(),
    PngExporter(),
    PdfExporter(),
    DotExporter(),
    ComposeExporter(),
    MermaidExporter(),
]

__all__ = [
    "EXPORTERS",
    "BaseExporter",
    "ExportError",
    "ExportOption",
    "ExportResult",
    "Exporter",
    "RegisteredExporter",
    "check_exporter",
    "guess_format",
    "load_exporters",
]
