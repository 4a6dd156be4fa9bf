"""A PNG export is drawn at 72 dpi unless a resolution is given: one image pixel per canvas
unit (Graphviz's default 96 made every picture 1.78x the pixels)."""

from __future__ import annotations

import re
import shutil
import struct

import pytest

from archdesigner.export.graphviz import PNG_DPI, PngExporter, SvgExporter
from archdesigner.model import Design, Link, Node, Position

pytestmark = pytest.mark.skipif(shutil.which("neato") is None, reason="needs Graphviz")


def two_cards() -> Design:
    return Design(
        format="archdesigner.design",
        version=1,
        name="two",
        nodes=[
            Node(id="web", kind="client", position=Position(x=0, y=0)),
            Node(id="api", kind="service", position=Position(x=400, y=200)),
        ],
        links=[Link(id="l", source="web", target="api")],
    )


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG")
    return struct.unpack(">II", data[16:24])  # type: ignore[return-value]


def test_a_png_has_one_pixel_per_canvas_unit_by_default() -> None:
    design = two_cards()
    svg = str(SvgExporter().export(design).data)
    m = re.search(r'<svg width="(\d+)pt" height="(\d+)pt"', svg)
    assert m is not None
    points = int(m.group(1)), int(m.group(2))
    w, h = png_size(bytes(PngExporter().export(design).data))  # type: ignore[arg-type]
    assert PNG_DPI == 72
    assert abs(w - points[0]) <= 2 and abs(h - points[1]) <= 2
    # a resolution given is kept: twice the dpi, twice the pixels each way
    w2, h2 = png_size(bytes(PngExporter().export(design, dpi=144).data))  # type: ignore[arg-type]
    assert abs(w2 - 2 * w) <= 3 and abs(h2 - 2 * h) <= 3


def test_a_picture_beyond_cairos_limit_is_reported() -> None:
    design = two_cards()
    assert not any("cairo" in line for line in PngExporter().export(design).report)
    design.nodes[1].position = Position(x=0, y=40000)  # 40,000 px tall at 72 dpi
    result = PngExporter().export(design)
    w, h = png_size(bytes(result.data))  # type: ignore[arg-type]
    assert h >= 32765 and w < 1000  # Graphviz shrank it to cairo's limit
    assert any("cairo's limit of 32,767 px" in line for line in result.report), result.report
