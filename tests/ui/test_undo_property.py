"""200 random edits through the editor's undo stack, then as many undos: the exact start."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archdesigner.model import Design, Group, Link, Node, Position
from archdesigner.model.edits import (
    AddGroup,
    AddLink,
    AddNode,
    EditError,
    MoveNodes,
    RemoveGroup,
    RemoveLink,
    RemoveNode,
    UpdateGroup,
    UpdateLink,
    UpdateNode,
)
from archdesigner.ui import operations as ops

KINDS = ["service", "database", "cache", "queue", "client"]


def start_design() -> Design:
    return Design(
        format="archdesigner.design",
        version=1,
        nodes=[
            Node(id=f"n{i}", kind=KINDS[i % 5], position=Position(x=i * 200, y=0)) for i in range(4)
        ],
        links=[Link(id="l0", source="n0", target="n1"), Link(id="l1", source="n1", target="n2")],
        groups=[Group(id="g0")],
    )


def random_edit(d: Design, data: Any) -> Any:
    nodes = [n.id for n in d.nodes] or ["none"]
    links = [lk.id for lk in d.links] or ["none"]
    groups = [g.id for g in d.groups] or ["none"]
    op = data.draw(st.integers(0, 12))
    pick = lambda xs: data.draw(st.sampled_from(xs))  # noqa: E731
    if op == 0:
        return AddNode(ops.new_node(d, pick(KINDS), data.draw(st.integers(-500, 500)), 0))
    if op == 1:
        return RemoveNode(pick(nodes))
    if op == 2:
        return AddLink(ops.new_link(d, pick(nodes), pick(nodes)))
    if op == 3:
        return RemoveLink(pick(links))
    if op == 4:
        return UpdateNode(pick(nodes), {"replicas": data.draw(st.integers(0, 5))})
    if op == 5:
        return UpdateNode(pick(nodes), {"group": pick([*groups, None])})
    if op == 6:
        return MoveNodes({pick(nodes): (data.draw(st.integers(-900, 900)), 40)})
    if op == 7:
        return AddGroup(Group(id=f"g{data.draw(st.integers(0, 6))}", parent=pick([*groups, None])))
    if op == 8:
        return RemoveGroup(pick(groups))
    if op == 9:
        return UpdateGroup(pick(groups), {"parent": pick([*groups, None])})
    if op == 10:
        return UpdateLink(pick(links), {"mode": pick(["sync", "async", "bogus"])})
    if op == 11:
        return UpdateNode(pick(nodes), {"id": f"m{data.draw(st.integers(0, 9))}"})
    text = ops.copy_text(d, [pick(nodes)])
    return ops.paste_edit(d, text)[0]


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_200_random_edits_undo_to_the_start(qtbot: Any, data: Any) -> None:
    from archdesigner.ui.canvas.scene import DesignScene
    from archdesigner.ui.editor import Editor

    editor = Editor(start_design())
    scene = DesignScene(editor)  # the canvas follows every step without errors
    start = editor.design.model_dump()
    applied = 0
    for _ in range(200):
        try:
            edit = random_edit(editor.design, data)
            editor.apply(edit)
            applied += 1
        except EditError:
            pass
    end = editor.design.model_dump()
    assert editor.undo_stack.count() == applied
    for _ in range(applied):
        editor.undo()
    assert editor.design.model_dump() == start
    assert set(scene.nodes) == {n.id for n in editor.design.nodes}
    assert set(scene.links.links) == {lk.id for lk in editor.design.links}
    for _ in range(applied):
        editor.redo()
    assert editor.design.model_dump() == end
    assert set(scene.groups) == {g.id for g in editor.design.groups}
