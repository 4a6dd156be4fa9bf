"""Helpers the canvas tests share: the document as data, exact undo/redo checks, and scene
points in viewport coordinates."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QPointF


def dump(window: Any) -> dict[str, Any]:
    return window.editor.design.model_dump()  # type: ignore[no-any-return]


def check_undo_redo(window: Any, before: dict[str, Any], after: dict[str, Any]) -> None:
    """The window shows ``after``; undo gives exactly ``before``, redo exactly ``after``."""
    assert dump(window) == after
    window.editor.undo()
    assert dump(window) == before
    window.editor.redo()
    assert dump(window) == after


def vp_point(window: Any, x: float, y: float) -> QPoint:
    return window.view.mapFromScene(QPointF(x, y))  # type: ignore[no-any-return]
