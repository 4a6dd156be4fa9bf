"""Shared by the live-lint, fixes, simulation, dialog and autosave tests: a live main window
(as the app's), and a client -> service -> database drawing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QPointF

from archdesigner.lint import builtin_rules
from archdesigner.model import Design
from archdesigner.model.edits import AddLink
from archdesigner.ui import operations as ops
from archdesigner.ui.features import Features, LiveOptions

RULES = builtin_rules()


@pytest.fixture
def app_window(make_window: Callable[..., Any], tmp_path: Any) -> Callable[..., Any]:
    def make(design: Design | None = None, **kwargs: Any) -> Any:
        kwargs.setdefault("rules", RULES)
        kwargs.setdefault("autosave_dir", tmp_path / "autosave")
        return make_window(design or Design.empty("drawn"), live=LiveOptions(**kwargs))

    return make


def draw_three_tier(window: Any) -> dict[str, str]:
    """client -> service -> database, drawn through the view and the editor's commands."""
    view, editor = window.view, window.editor
    client = view.add_node("client", QPointF(0, 0))
    service = view.add_node("service", QPointF(300, 0))
    database = view.add_node("database", QPointF(600, 0))
    for a, b in ((client, service), (service, database)):
        editor.apply(AddLink(ops.new_link(editor.design, a, b)))
    return {"client": client, "service": service, "database": database}


#: how long a test waits for something that must eventually happen (a lint, a repaint): a
#: bound against hangs, not a latency check (those name their own limits), generous because
#: a loaded machine can take seconds to run a lint it runs in milliseconds when idle
SETTLE_MS = 15000


def wait_for_lint(qtbot: Any, features: Features, timeout: int = SETTLE_MS) -> None:
    qtbot.waitUntil(
        lambda: not features.lint.busy and features.lint.report is not None, timeout=timeout
    )


def active_ids(features: Features, subject: str) -> set[str]:
    return {f.rule_id for f in features.findings_of(subject)}
