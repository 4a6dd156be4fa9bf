"""The architecture review report (``archdesigner report``, the app's File > Review report).

One self-contained page a review board can look at: a summary with the top risks, the
diagram with numbered findings, what fails with each component and zone, which component
saturates first as traffic grows, the findings grouped by rule, and a footer that names the
file (with its SHA-256), the version and the lint configuration. HTML, PDF (the same page
printed by headless Chromium) or JSON (the same data for other tools).

Usage::

    from archdesigner.report import build_review, write_html
    review = build_review(design, path="shop.arch.json", content=raw_bytes)
    html = write_html(review, design)

Headless: nothing here imports Qt; matplotlib is imported only when a chart is drawn.
"""

from __future__ import annotations

from typing import Any

from archdesigner.model.design import Design
from archdesigner.report.data import MAX_FACTOR, build_review, saturation
from archdesigner.report.diagram import DIAGRAM_MAX_NODES, Diagram, diagram
from archdesigner.report.jsonout import JSON_VERSION, review_json
from archdesigner.report.model import Review

FORMATS = ("html", "pdf", "json")


def write_html(review: Review, design: Design, picture: Diagram | None = None) -> str:
    """The report page. ``picture``: a diagram already drawn (else it is drawn here)."""
    from archdesigner.report.charts import growth_svg
    from archdesigner.report.html import render_html

    if picture is None:
        picture = diagram(design, review.findings)
    return render_html(review, picture, growth_svg(review.growth))


def write_pdf(review: Review, design: Design) -> bytes:
    """The report page printed to PDF (raises :class:`PdfError` without Chromium)."""
    from archdesigner.report.pdf import html_to_pdf

    return html_to_pdf(write_html(review, design))


def write_json(review: Review) -> dict[str, Any]:
    return review_json(review)


__all__ = [
    "DIAGRAM_MAX_NODES",
    "FORMATS",
    "JSON_VERSION",
    "MAX_FACTOR",
    "Review",
    "build_review",
    "diagram",
    "review_json",
    "saturation",
    "write_html",
    "write_json",
    "write_pdf",
]
