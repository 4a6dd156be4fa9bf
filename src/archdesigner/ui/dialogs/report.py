"""File > Review report…: the architecture review report of the open design, previewed, then
written as HTML, PDF or JSON (the same outputs as ``archdesigner report``).

The preview is the report page itself with its two pictures (diagram, growth chart) drawn by
Qt's SVG renderer: Qt's text browser shows the sections, tables and numbers but not every CSS
rule, so "Open in Browser" shows the exact page.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRectF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage, QPainter, QTextDocument
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from archdesigner.export.base import ExportError
from archdesigner.io import dumps_design
from archdesigner.io.output import OutputError, write_output
from archdesigner.lint import RuleSet
from archdesigner.report import build_review, diagram, write_json
from archdesigner.report.charts import growth_svg
from archdesigner.report.diagram import diagram_png
from archdesigner.report.html import render_html
from archdesigner.report.pdf import PdfError, html_to_pdf

if TYPE_CHECKING:
    from archdesigner.ui.main_window import MainWindow

FORMATS = (("HTML page", "html"), ("PDF (printed by Chromium)", "pdf"), ("JSON data", "json"))
PREVIEW_WIDTH = 860


def svg_image(svg: str, width: int) -> QImage:
    """``svg`` drawn ``width`` pixels wide (its own aspect ratio) on white."""
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    size = renderer.defaultSize()
    if not renderer.isValid() or size.width() <= 0:
        return QImage()
    height = max(1, round(width * size.height() / size.width()))
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, width, height))
    painter.end()
    return image


class ReportDialog(QDialog):
    """Builds the report once, shows it, and writes it where the user says."""

    def __init__(
        self,
        window: MainWindow,
        rules: RuleSet | None = None,
        plugin_dirs: Sequence[str | Path] = (),
    ) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Review report")
        self.resize(980, 760)
        editor = window.editor
        design = editor.design
        path, content = self._source(window)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.review = build_review(
                design, path=path, content=content, rules=rules, plugin_dirs=plugin_dirs
            )
            self.picture = diagram(design, self.review.findings)
            self.chart = growth_svg(self.review.growth)
            self.html = render_html(self.review, self.picture, self.chart)
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.written: Path | None = None
        self._build(path)

    @staticmethod
    def _source(window: MainWindow) -> tuple[str, bytes]:
        """The file named in the footer and the bytes of its SHA-256: the saved file when
        the design has no unsaved change, else the design as it would be saved."""
        editor = window.editor
        if editor.path is not None and not editor.dirty and editor.path.is_file():
            try:
                return str(editor.path), editor.path.read_bytes()
            except OSError:
                pass
        name = f"{editor.path} (unsaved changes)" if editor.path else "(not saved yet)"
        return name, dumps_design(editor.design).encode("utf-8")

    def _build(self, path: str) -> None:
        v = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self._fill_preview()
        v.addWidget(self.browser, 1)
        row = QHBoxLayout()
        self.format_box = QComboBox()
        for label, fmt in FORMATS:
            self.format_box.addItem(label, fmt)
        self.path_edit = QLineEdit(self._suggested(path, "html"))
        self.format_box.currentIndexChanged.connect(self._format_changed)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.write_button = QPushButton("Write")
        self.write_button.setDefault(True)
        self.write_button.clicked.connect(self.write)
        self.open_button = QPushButton("Open in Browser")
        self.open_button.clicked.connect(self.open_in_browser)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        for widget in (self.format_box, self.path_edit, browse, self.write_button):
            row.addWidget(widget, 1 if widget is self.path_edit else 0)
        row.addSpacing(12)
        row.addWidget(self.open_button)
        row.addWidget(close)
        v.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        v.addWidget(self.status)

    def _diagram_image(self) -> QImage:
        """The diagram for the preview: Graphviz's PNG of the full diagram (Qt's SVG
        renderer does not draw the page's SVG icons), the overview picture's SVG else."""
        if self.picture.full:
            try:
                png = diagram_png(self.window_.editor.design, self.review.findings)
            except ExportError:
                png = b""
            image = QImage.fromData(png)  # the format is read from the data
            if not image.isNull():
                return image.scaledToWidth(
                    min(PREVIEW_WIDTH, image.width()), Qt.TransformationMode.SmoothTransformation
                )
        return svg_image(self.picture.svg, PREVIEW_WIDTH) if self.picture.svg else QImage()

    def _fill_preview(self) -> None:
        doc: QTextDocument = self.browser.document()
        page = render_html(self.review, self.picture, self.chart, image_refs=True)
        images = {"diagram": self._diagram_image(), "growth": svg_image(self.chart, 420)}
        for name, image in images.items():
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"report:{name}"), image)
        self.browser.setHtml(page)

    @staticmethod
    def _suggested(path: str, fmt: str) -> str:
        source = Path(path.split(" (")[0]) if path and not path.startswith("(") else None
        stem = source.name.removesuffix(".json").removesuffix(".arch") if source else "design"
        folder = source.parent if source else Path.home()
        return str(folder / f"{stem}-review.{fmt}")

    def _format_changed(self) -> None:
        fmt = str(self.format_box.currentData())
        current = Path(self.path_edit.text())
        self.path_edit.setText(str(current.with_suffix(f".{fmt}")))

    def _browse(self) -> None:
        fmt = str(self.format_box.currentData())
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Write review report", self.path_edit.text(), f"{fmt.upper()} (*.{fmt})"
        )
        if chosen:
            self.path_edit.setText(chosen)

    def payload(self, fmt: str) -> bytes:
        """The report in ``fmt`` (raises :class:`PdfError` for a PDF without Chromium)."""
        if fmt == "json":
            text = json.dumps(write_json(self.review), indent=2, ensure_ascii=False) + "\n"
            return text.encode("utf-8")
        if fmt == "pdf":
            return html_to_pdf(self.html)
        return self.html.encode("utf-8")

    def write(self) -> bool:
        """Writes the chosen format to the chosen file; the status line says how it went."""
        target = self.path_edit.text().strip()
        fmt = str(self.format_box.currentData())
        if not target:
            self.status.setText("Choose a file to write the report to.")
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            write_output(target, self.payload(fmt))
        except (OutputError, PdfError) as exc:
            self.status.setText(f"<b>Not written:</b> {exc}")
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.written = Path(target)
        self.status.setText(f"Wrote the {fmt.upper()} report to {target}.")
        return True

    def open_in_browser(self) -> Path:
        """Writes the page to a temporary file and opens it in the default browser."""
        folder = Path(tempfile.mkdtemp(prefix="archdesigner-review-"))
        page = folder / "review.html"
        page.write_text(self.html, encoding="utf-8")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(page)))
        return page


__all__ = ["ReportDialog", "svg_image"]
