"""Edit.touches(): every edit names what it changes, without looking at a design."""

from __future__ import annotations

from archdesigner.model.design import Design, Group, Link, Node
from archdesigner.model.edits import (
    AddGroup,
    AddLink,
    AddNode,
    Compound,
    Edit,
    MoveNodes,
    RemoveGroup,
    RemoveItems,
    RemoveLink,
    RemoveNode,
    UpdateDesign,
    UpdateGroup,
    UpdateLink,
    UpdateNode,
    insert_between,
)


def design() -> Design:
    d = Design.empty("t")
    d.groups = [Group(id="g", kind="zone")]
    d.nodes = [Node(id="a", kind="service", group="g"), Node(id="b", kind="database")]
    d.links = [Link(id="l", source="a", target="b")]
    return d


def test_each_edit_names_its_items() -> None:
    cases: list[tuple[Edit, set[tuple[str, str]]]] = [
        (AddNode(Node(id="c", kind="cache")), {("node", "c")}),
        (RemoveNode("a"), {("node", "a")}),
        (UpdateNode("a", {"replicas": 2}), {("node", "a")}),
        (UpdateNode("a", {"id": "a2"}), {("node", "a"), ("node", "a2")}),
        (AddLink(Link(id="m", source="b", target="a")), {("link", "m")}),
        (RemoveLink("l"), {("link", "l")}),
        (UpdateLink("l", {"retries": 1}), {("link", "l")}),
        (MoveNodes({"a": (1.0, 2.0), "b": (3.0, 4.0)}), {("node", "a"), ("node", "b")}),
        (
            RemoveItems(frozenset({"a"}), frozenset({"l"})),
            {("node", "a"), ("link", "l")},
        ),
        (AddGroup(Group(id="h")), {("group", "h")}),
        (RemoveGroup("g"), {("group", "g")}),
        (UpdateGroup("g", {"name": "Zone"}), {("group", "g")}),
        (UpdateGroup("g", {"id": "z"}), {("group", "g"), ("group", "z")}),
        (
            UpdateDesign({"name": "x", "description": "y"}),
            {("design", "name"), ("design", "description")},
        ),
    ]
    for edit, expected in cases:
        assert edit.touches() == expected, edit


def test_a_compound_touches_the_union_and_inverses_touch_the_same_items() -> None:
    d = design()
    edit = insert_between(d, "l", Node(id="lb", kind="load_balancer"))
    touches = edit.touches()
    assert ("node", "lb") in touches and ("link", "l") in touches
    assert Compound((RemoveLink("l"), UpdateNode("b", {"replicas": 2}))).touches() == {
        ("link", "l"),
        ("node", "b"),
    }
    for forward in (
        RemoveItems(frozenset({"a"}), frozenset()),
        MoveNodes({"a": (5.0, 5.0)}),
        AddGroup(Group(id="h")),
        UpdateNode("b", {"replicas": 3}),
    ):
        d = design()
        inverse = forward.apply(d)
        assert inverse.touches() <= forward.touches() | {("link", "l")}, forward
        assert inverse.touches() & forward.touches(), forward


def test_an_edit_class_that_does_not_say_touches_the_whole_design() -> None:
    class Custom(Edit):
        def apply(self, design: Design) -> Edit:
            return self

    assert Custom().touches() == {("design", "Custom")}


def test_every_edit_of_the_model_says_what_it_touches() -> None:
    from archdesigner.model import edits

    classes = [
        c
        for c in vars(edits).values()
        if isinstance(c, type) and issubclass(c, Edit) and c is not Edit
    ]
    assert len(classes) >= 15
    missing = [c.__name__ for c in classes if c.touches is Edit.touches]
    assert missing == []
