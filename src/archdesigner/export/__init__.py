"""Exporters: Graphviz (DOT, SVG, PNG, PDF), docker-compose and Kubernetes drafts, Mermaid.

The built-ins in :data:`EXPORTERS` register through the same ``archdesigner.exporters`` entry
point group as third-party plugins (see ``pyproject.toml``); :func:`load_exporters` gathers
them all, checked against the protocol in :mod:`archdesigner.export.base`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from archdesigner.export.base import (
    BaseExporter,
    Exporter,
    ExportError,
    ExportOption,
    ExportResult,
)
from archdesigner.export.compose import ComposeExporter
from archdesigner.export.graphviz import DotExporter, PdfExporter, PngExporter, SvgExporter
from archdesigner.export.kubernetes import KubernetesExporter
from archdesigner.export.mermaid import MermaidExporter
from archdesigner.export.registry import (
    RegisteredExporter,
    check_exporter,
    guess_format,
    load_exporters,
)
from archdesigner.model.design import Design


def export_file(
    design: Design,
    path: str | Path,
    fmt: str | None = None,
    *,
    plugin_dirs: Sequence[str | Path] = (),
    **options: Any,
) -> ExportResult:
    """Exports ``design`` to ``path`` (atomically) in ``fmt``, or the format its name implies.

    For callers such as the desktop app. Raises :class:`ExportError` (one line) when the
    format is unknown or cannot be guessed, or the export cannot be done."""
    from archdesigner.io import atomic_write_bytes

    exporters, _errors = load_exporters(plugin_dirs)
    ident = fmt or guess_format(path, exporters)
    if ident is None:
        raise ExportError(f"cannot tell the export format from {Path(path).name!r}")
    if ident not in exporters:
        raise ExportError(f"unknown export format {ident!r}; choose one of: {', '.join(exporters)}")
    result = exporters[ident].exporter.export(design, **options)
    atomic_write_bytes(path, result.as_bytes())
    return result


#: The built-in exporters, in the order they are listed to users.
EXPORTERS: list[Exporter] = [
    SvgExporter(),
    PngExporter(),
    PdfExporter(),
    DotExporter(),
    ComposeExporter(),
    MermaidExporter(),
    KubernetesExporter(),
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
    "export_file",
    "guess_format",
    "load_exporters",
]
