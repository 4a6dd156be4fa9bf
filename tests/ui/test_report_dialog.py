"""File > Review report…: the preview shows the report of the open design, and the dialog
writes the same HTML and JSON as ``archdesigner report``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument

from archdesigner.io import load_design
from archdesigner.report import build_review, write_json
from archdesigner.ui.dialogs.report import ReportDialog, svg_image
from archdesigner.ui.features import Features

from .live_helpers import app_window

__all__ = ["app_window"]  # the fixture

WEB_SHOP = Path(__file__).resolve().parents[2] / "resources" / "examples" / "web-shop.arch.json"


def _menu_texts(window: Any) -> list[str]:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == "File":
            return [a.text().replace("&", "") for a in action.menu().actions()]
    return []


def test_file_menu_opens_the_report_with_a_preview(app_window: Any, tmp_path: Path) -> None:
    window = app_window(load_design(WEB_SHOP))
    features: Features = window.features
    assert "Review report…" in _menu_texts(window)
    features.report_action.trigger()
    dialog = features.report_dialog
    assert isinstance(dialog, ReportDialog) and dialog.isVisible()
    text = dialog.browser.toPlainText()
    assert "Architecture review: Web shop" in text
    for heading in ("1. Summary", "2. Diagram", "3. What fails", "4. Growth", "5. Findings"):
        assert heading in text
    assert "shop-db" in text and "#1" in text
    doc = dialog.browser.document()
    for name in ("diagram", "growth"):
        image = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(f"report:{name}"))
        assert isinstance(image, QImage) and not image.isNull() and image.width() > 100
    dialog.close()


def test_dialog_writes_html_and_json(app_window: Any, tmp_path: Path) -> None:
    design = load_design(WEB_SHOP)
    window = app_window(design)
    dialog = ReportDialog(window)
    out = tmp_path / "review.html"
    dialog.path_edit.setText(str(out))
    assert dialog.write() and dialog.written == out
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    # an unsaved design: the footer names the design as it would be saved
    assert "(not saved yet)" in page
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("json"))
    assert dialog.path_edit.text().endswith(".json")
    assert dialog.write()
    data = json.loads(Path(dialog.path_edit.text()).read_text(encoding="utf-8"))
    same = write_json(build_review(design))
    assert data["failure_table"] == same["failure_table"]
    assert data["saturation"] == same["saturation"]


def test_saved_design_footer_has_the_file_sha(app_window: Any, tmp_path: Path) -> None:
    window = app_window(load_design(WEB_SHOP))
    window.editor.mark_saved(WEB_SHOP)
    dialog = ReportDialog(window)
    assert dialog.review.footer.path == str(WEB_SHOP)
    assert dialog.review.footer.sha256 == hashlib.sha256(WEB_SHOP.read_bytes()).hexdigest()
    assert dialog.path_edit.text().endswith("web-shop-review.html")


def test_a_write_error_is_shown_not_raised(app_window: Any, tmp_path: Path) -> None:
    window = app_window(load_design(WEB_SHOP))
    dialog = ReportDialog(window)
    dialog.path_edit.setText(str(tmp_path / "no-such-folder" / "r.html"))
    assert not dialog.write()
    assert "Not written" in dialog.status.text()
    assert svg_image("not svg", 100).isNull()
