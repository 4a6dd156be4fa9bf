"""With many links with findings, only the links in view get a badge item, made when the
view rests (tried on a small design with the threshold lowered)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from archdesigner.lint import Finding
from archdesigner.ui import overlays as overlays_mod
from archdesigner.ui.overlays import Overlays

from .test_large_open import crossing, grid_design


def test_with_many_link_findings_only_links_in_view_get_badges(
    make_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overlays_mod, "MANY_BADGES", 50)
    w = make_window(grid_design())
    overlays = Overlays(w.editor, w.scene)
    view = w.view

    def in_view() -> set[str]:
        rect = view.mapToScene(view.viewport().rect()).boundingRect()
        return crossing(w.scene.links, rect)

    findings = [
        Finding("SEC001", "x", "warning", "plain text", lid, "link") for lid in w.scene.links.links
    ]
    view.set_zoom(1.0)
    view.centerOn(0, 0)
    overlays.set_findings(findings)
    overlays.flush()
    assert set(overlays._badges) == in_view()
    assert 0 < len(overlays._badges) < len(findings) / 3
    view.centerOn(2400, 1200)  # the view moves: the badges follow once it rests
    QApplication.processEvents()
    qtbot.waitUntil(lambda: set(overlays._badges) == in_view(), timeout=3000)
    assert all(b.isVisible() and "SEC001" in b.toolTip() for b in overlays._badges.values())
    # a changed finding is shown on the badge in view
    lid = next(iter(overlays._badges))
    findings = [f for f in findings if f.subject != lid]
    findings.append(Finding("SCL001", "x", "error", "no balancer", lid, "link"))
    overlays.set_findings(findings)
    overlays.flush()
    assert "SCL001" in overlays._badges[lid].toolTip()
    # few findings again: a badge for each
    overlays.set_findings(findings[:20])
    qtbot.waitUntil(lambda: len(overlays._badges) == 20, timeout=3000)
