"""Arrange > Auto-layout: Graphviz's dot off the UI thread (left to right, groups as
clusters) with progress and Cancel, the layered layout beyond its size; one undoable step."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QPushButton

from archdesigner import layout
from archdesigner.model import Design, Group, Link, Node, Position
from archdesigner.model.edits import MoveNodes
from archdesigner.ui.theme import NODE_H, NODE_W

from .live_helpers import app_window

__all__ = ["app_window"]  # the fixture

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")


def tiers() -> Design:
    """web -> lb -> (a, b in group 'apps') -> db (in 'data'), scattered."""
    at = Position(x=0, y=0)
    nodes = [
        Node(id="web", kind="client", position=Position(x=900, y=700)),
        Node(id="lb", kind="load_balancer", position=Position(x=-500, y=50)),
        Node(id="a", kind="service", group="apps", position=at),
        Node(id="b", kind="service", group="apps", position=Position(x=40, y=900)),
        Node(id="db", kind="database", group="data", position=Position(x=-900, y=-300)),
        Node(id="log", kind="observability", position=Position(x=300, y=300)),
    ]
    links = [
        Link(id="1", source="web", target="lb"),
        Link(id="2", source="lb", target="a"),
        Link(id="3", source="lb", target="b"),
        Link(id="4", source="a", target="db"),
        Link(id="5", source="b", target="db"),
    ]
    groups = [Group(id="apps", kind="network"), Group(id="data", kind="zone")]
    return Design(format="archdesigner.design", version=1, nodes=nodes, links=links, groups=groups)


def card(w: Any, nid: str) -> QRectF:
    x, y = w.scene.pos_of[nid]
    return QRectF(x - NODE_W / 2, y - NODE_H / 2, NODE_W, NODE_H)


@needs_dot
def test_dot_lays_out_left_to_right_with_groups_as_clusters(app_window: Any) -> None:
    w = app_window(tiers())
    editor, job = w.editor, w.features.layout_job
    before = editor.design.model_dump()
    steps = editor.undo_stack.count()
    assert w.features.auto_layout()
    assert job.wait() and job.method == "dot"
    assert editor.undo_stack.count() == steps + 1
    assert editor.undo_stack.undoText() == "Auto-layout"
    x = {n.id: n.position.x for n in editor.design.nodes}
    assert x["web"] < x["lb"] < x["a"] < x["db"] and x["a"] == x["b"]
    # each group's frame holds its members and no other card
    w.scene.refresh_groups()
    for gid, members in (("apps", {"a", "b"}), ("data", {"db"})):
        frame = w.scene.groups[gid].frame
        for nid in w.scene.nodes:
            inside = frame.intersects(card(w, nid))
            assert inside == (nid in members), (gid, nid)
    # no two cards overlap
    ids = list(w.scene.nodes)
    for i, p in enumerate(ids):
        for q in ids[i + 1 :]:
            assert not card(w, p).intersects(card(w, q)), (p, q)
    editor.undo()
    assert editor.design.model_dump() == before


def slow_dot(tmp_path: Path, monkeypatch: Any) -> Path:
    """A 'dot' on PATH that takes 30 s (and leaves a mark while it runs)."""
    fake = tmp_path / "bin"
    fake.mkdir()
    mark = tmp_path / "running"
    script = fake / "dot"
    script.write_text(f"#!/bin/sh\ntouch {mark}\nsleep 30\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:/usr/bin:/bin")
    return mark


def test_a_running_layout_shows_progress_and_cancel_moves_nothing(
    app_window: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    mark = slow_dot(tmp_path, monkeypatch)
    w = app_window(tiers())
    editor, job = w.editor, w.features.layout_job
    before = editor.design.model_dump()
    steps = editor.undo_stack.count()
    messages: list[str] = []
    w.statusBar().messageChanged.connect(messages.append)
    assert w.features.auto_layout()
    assert job.running and job.progress is not None
    qtbot.waitUntil(mark.exists, timeout=5000)  # dot runs, the UI thread does not wait
    qtbot.waitUntil(lambda: job.progress is not None and job.progress.isVisible(), timeout=3000)
    assert job.progress.labelText().startswith("Laying out 6 components")
    started = time.monotonic()
    job.progress.findChild(QPushButton).click()  # the dialog's Cancel button
    qtbot.waitUntil(lambda: not job.running, timeout=5000)
    assert time.monotonic() - started < 5  # dot was killed, not waited for
    assert editor.design.model_dump() == before
    assert editor.undo_stack.count() == steps
    assert any("cancelled" in m for m in messages)


@needs_dot
def test_an_edit_while_dot_runs_keeps_the_layout_from_landing(
    app_window: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    real = shutil.which("dot")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "dot").write_text(f'#!/bin/sh\nsleep 1\nexec {real} "$@"\n', encoding="utf-8")
    (fake / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:/usr/bin:/bin")
    w = app_window(tiers())
    job = w.features.layout_job
    messages: list[str] = []
    w.statusBar().messageChanged.connect(messages.append)
    assert w.features.auto_layout()
    w.editor.apply(MoveNodes({"web": (5000, 5000)}))  # the user goes on editing
    assert job.wait()
    assert w.editor.node("web").position.x == 5000  # the user's edit stands
    assert w.editor.undo_stack.undoText() != "Auto-layout"
    assert any("changed during auto-layout" in m for m in messages)


def test_beyond_dots_size_the_layered_layout_is_used_at_once(app_window: Any) -> None:
    n = layout.DOT_UP_TO + 20
    nodes = [
        Node(id=f"n{i}", kind="service", position=Position(x=(i * 37) % 900, y=(i * 53) % 700))
        for i in range(n)
    ]
    links = [Link(id=f"l{i}", source=f"n{i}", target=f"n{i + 1}") for i in range(n - 1)]
    w = app_window(Design(format="archdesigner.design", version=1, nodes=nodes, links=links))
    job = w.features.layout_job
    assert w.features.auto_layout()
    assert not job.running and job.method == "layered"
    assert w.editor.undo_stack.undoText() == "Auto-layout"
    xs = [w.editor.node(f"n{i}").position.x for i in range(n)]
    assert xs == sorted(xs)


@needs_dot
def test_a_selection_is_laid_out_in_place(app_window: Any) -> None:
    w = app_window(tiers())
    w.editor.apply(MoveNodes({"a": (500, 500), "b": (900, 100), "db": (100, 900)}))
    w.scene.select(["a", "b", "db"])
    job = w.features.layout_job
    assert w.features.auto_layout()
    assert job.wait() and job.method == "dot"
    assert w.editor.undo_stack.undoText() == "Auto-layout selection"
    pos = {nid: w.editor.node(nid).position for nid in ("a", "b", "db", "web")}
    assert min(p.x for k, p in pos.items() if k != "web") == 100  # the box keeps its corner
    assert min(p.y for k, p in pos.items() if k != "web") == 100
    assert (pos["web"].x, pos["web"].y) == (900, 700)  # not selected: not moved
    assert pos["a"].x < pos["db"].x
