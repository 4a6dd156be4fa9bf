"""The report's diagram: the Graphviz SVG with the numbered findings overlay (as
``archdesigner export --findings`` draws it), or a summary picture above
:data:`DIAGRAM_MAX_NODES` nodes, where a full drawing would be unreadable on A4 and slow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from archdesigner.export.base import ExportError
from archdesigner.export.graphviz import build_dot, embed_icons, render
from archdesigner.model.design import Design
from archdesigner.report.model import NumberedFinding

#: Above this many nodes the report draws the summary picture (:func:`charts.map_svg`).
DIAGRAM_MAX_NODES = 300
#: How many findings the summary picture numbers.
MAP_NUMBERS = 40
#: Seconds Graphviz may take.
GRAPHVIZ_TIMEOUT = 60.0


@dataclass(frozen=True)
class Diagram:
    svg: str  # an <svg> element, or "" when it could not be drawn
    full: bool  # the whole design with every finding numbered (False: summary picture)
    note: str  # what the reader should know about it


def strip_prolog(svg: str) -> str:
    """The ``<svg>`` element alone (no XML declaration, DOCTYPE or comments before it)."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def diagram(design: Design, findings: Sequence[NumberedFinding]) -> Diagram:
    """The picture for the report's second section."""
    n = len(design.nodes)
    if n > DIAGRAM_MAX_NODES:
        from archdesigner.report.charts import map_svg

        shown = min(MAP_NUMBERS, len(findings))
        return Diagram(
            map_svg(design, findings, MAP_NUMBERS),
            False,
            f"{n} nodes: above {DIAGRAM_MAX_NODES} the report draws this overview (each node "
            f"at its drawn position, coloured by its worst finding) instead of the full "
            f"diagram; the first {shown} findings about nodes carry their number. "
            "`archdesigner export --findings` draws the full diagram.",
        )
    try:
        doc = build_dot(design, layout="keep", icons="svg", findings=list(findings))
        svg = render(doc, "svg", timeout=GRAPHVIZ_TIMEOUT).decode("utf-8")
    except ExportError as exc:
        return Diagram("", False, f"The diagram could not be drawn: {exc}")
    return Diagram(
        strip_prolog(embed_icons(svg, doc.icon_files)),
        True,
        "Red outline: error; amber: warning. Each finding's number (#) is on its "
        "component, link or group and in the list below.",
    )


def diagram_png(design: Design, findings: Sequence[NumberedFinding], dpi: float = 96) -> bytes:
    """The full diagram as PNG (the app's preview: Qt's SVG renderer does not draw the SVG
    icons the page uses). Raises :class:`ExportError` when Graphviz cannot draw it."""
    doc = build_dot(design, layout="keep", icons="png", findings=list(findings))
    return render(doc, "png", timeout=GRAPHVIZ_TIMEOUT, dpi=dpi)
