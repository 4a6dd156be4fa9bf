"""Edits the canvas commands build: delete, clipboard, paste, align, distribute, groups.

Pure functions of the design (no Qt) that return model edits for the editor to apply.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from archdesigner.model.design import (
    Design,
    Group,
    Link,
    Node,
    Position,
    descendant_groups,
    group_ancestors,
    nodes_in_groups,
)
from archdesigner.model.edits import (
    AddGroup,
    AddLink,
    AddNode,
    Compound,
    Edit,
    EditError,
    MoveNodes,
    RemoveGroup,
    RemoveItems,
    UpdateGroup,
    UpdateNode,
    unique_id,
)

CLIPBOARD_FORMAT = "archdesigner.clipboard"


def new_node(design: Design, kind: str, x: float, y: float, **fields: Any) -> Node:
    """A node of ``kind`` at (x, y) with a fresh id derived from the kind."""
    taken = {n.id for n in design.nodes}
    base = kind.replace("_", "-")
    node_id = unique_id(base, taken)
    return Node(id=node_id, kind=kind, position=Position(x=x, y=y), **fields)


def new_link(design: Design, source: str, target: str) -> Link:
    taken = {link.id for link in design.links}
    return Link(id=unique_id(f"{source}-{target}", taken, 200), source=source, target=target)


def delete_edit(
    design: Design, nodes: Iterable[str], links: Iterable[str], groups: Iterable[str] = ()
) -> Compound | None:
    """Deletes links, nodes (with their links) and groups (their content moves up) as one step."""
    node_set = set(nodes)
    link_set = set(links)
    steps: list[Edit] = []
    if node_set or link_set:
        steps.append(RemoveItems(frozenset(node_set), frozenset(link_set)))
    # innermost groups first, so that a parent exists while its children move up
    depth = {g: len(chain) for g, chain in group_ancestors(design).items()}
    steps += [RemoveGroup(g) for g in sorted(set(groups), key=lambda g: -depth.get(g, 0))]
    if not steps:
        return None
    count = len(node_set) + len(link_set) + len(set(groups))
    text = f"Delete {next(iter(node_set))}" if count == 1 and node_set else f"Delete {count} items"
    return Compound(tuple(steps), text)


def copy_text(design: Design, nodes: Iterable[str], groups: Iterable[str] = ()) -> str:
    """The clipboard text (JSON) for the nodes, the links among them and the groups."""
    node_set = set(nodes) | nodes_in_groups(design, groups)
    group_set = descendant_groups(design, groups)
    data = {
        "format": CLIPBOARD_FORMAT,
        "nodes": [n.model_dump(mode="json") for n in design.nodes if n.id in node_set],
        "links": [
            link.model_dump(mode="json")
            for link in design.links
            if link.source in node_set and link.target in node_set
        ],
        "groups": [g.model_dump(mode="json") for g in design.groups if g.id in group_set],
    }
    return json.dumps(data, indent=1)


def paste_edit(
    design: Design, text: str, offset: tuple[float, float] = (40.0, 40.0)
) -> tuple[Compound, list[str], list[str]]:
    """The edit that pastes clipboard ``text``: ids made unique, links among the pasted
    nodes kept, positions shifted by ``offset``. Returns (edit, new node ids, new group ids).
    Raises :class:`EditError` when the text is not archdesigner clipboard content."""
    try:
        data = json.loads(text)
    except ValueError:
        raise EditError("the clipboard holds no archdesigner nodes") from None
    if not isinstance(data, dict) or data.get("format") != CLIPBOARD_FORMAT:
        raise EditError("the clipboard holds no archdesigner nodes")
    try:
        nodes = [Node.model_validate(n) for n in data.get("nodes", [])]
        links = [Link.model_validate(x) for x in data.get("links", [])]
        groups = [Group.model_validate(g) for g in data.get("groups", [])]
    except (ValidationError, TypeError) as exc:
        raise EditError(f"the clipboard content is not valid: {exc}") from None
    if not nodes and not groups:
        raise EditError("the clipboard holds no archdesigner nodes")
    group_ids = {g.id for g in design.groups}
    group_map: dict[str, str] = {}
    for g in groups:
        group_map[g.id] = unique_id(g.id, group_ids)
        group_ids.add(group_map[g.id])
    node_ids = {n.id for n in design.nodes}
    node_map: dict[str, str] = {}
    for n in nodes:
        node_map[n.id] = unique_id(n.id, node_ids)
        node_ids.add(node_map[n.id])
    existing_groups = {g.id for g in design.groups}

    def group_ref(ref: str | None) -> str | None:
        if ref is None:
            return None
        if ref in group_map:
            return group_map[ref]
        return ref if ref in existing_groups else None

    steps: list[Edit] = []
    # parents before children: keep clipboard order but add groups whose parent is known
    pending = list(groups)
    placed: set[str] = set()
    while pending:
        progress = False
        for g in list(pending):
            if g.parent is None or g.parent not in group_map or g.parent in placed:
                steps.append(
                    AddGroup(
                        g.model_copy(update={"id": group_map[g.id], "parent": group_ref(g.parent)})
                    )
                )
                placed.add(g.id)
                pending.remove(g)
                progress = True
        if not progress:  # a cycle in pasted groups: drop the parents
            for g in pending:
                steps.append(AddGroup(g.model_copy(update={"id": group_map[g.id], "parent": None})))
            pending = []
    dx, dy = offset
    for n in nodes:
        pos = Position(x=n.position.x + dx, y=n.position.y + dy)
        steps.append(
            AddNode(
                n.model_copy(
                    update={"id": node_map[n.id], "group": group_ref(n.group), "position": pos}
                )
            )
        )
    link_ids = {link.id for link in design.links}
    for link in links:
        if link.source not in node_map or link.target not in node_map:
            continue
        new_id = unique_id(f"{node_map[link.source]}-{node_map[link.target]}", link_ids, 200)
        link_ids.add(new_id)
        steps.append(
            AddLink(
                link.model_copy(
                    update={
                        "id": new_id,
                        "source": node_map[link.source],
                        "target": node_map[link.target],
                    }
                )
            )
        )
    count = len(nodes)
    text_ = f"Paste {count} node{'s' if count != 1 else ''}"
    return Compound(tuple(steps), text_), list(node_map.values()), list(group_map.values())


#: what each alignment is called (menus, Edit > Undo)
ALIGN_TEXT = {
    "left": "Align left edges",
    "right": "Align right edges",
    "top": "Align top edges",
    "bottom": "Align bottom edges",
    "hcenter": "Align horizontal centres",
    "vcenter": "Align vertical centres",
}


def align_edit(design: Design, ids: Iterable[str], how: str) -> MoveNodes | None:
    """Aligns node centres: left, right, top, bottom (card edges), hcenter, vcenter."""
    nodes = [n for n in design.nodes if n.id in set(ids)]
    if len(nodes) < 2:
        return None
    xs = [n.position.x for n in nodes]
    ys = [n.position.y for n in nodes]
    target: dict[str, tuple[float, float]] = {}
    for n in nodes:
        x, y = n.position.x, n.position.y
        if how == "left":
            x = min(xs)
        elif how == "right":
            x = max(xs)
        elif how == "hcenter":
            x = (min(xs) + max(xs)) / 2
        elif how == "top":
            y = min(ys)
        elif how == "bottom":
            y = max(ys)
        elif how == "vcenter":
            y = (min(ys) + max(ys)) / 2
        else:
            raise ValueError(how)
        target[n.id] = (x, y)
    return MoveNodes(target, ALIGN_TEXT[how])


def distribute_edit(design: Design, ids: Iterable[str], axis: str) -> MoveNodes | None:
    """Spaces node centres evenly along ``axis`` ("horizontal" or "vertical")."""
    nodes = [n for n in design.nodes if n.id in set(ids)]
    if len(nodes) < 3:
        return None

    def key(n: Node) -> float:
        return float(n.position.x if axis == "horizontal" else n.position.y)

    nodes.sort(key=key)
    first, last = key(nodes[0]), key(nodes[-1])
    step = (last - first) / (len(nodes) - 1)
    target = {}
    for i, n in enumerate(nodes):
        v = first + step * i
        target[n.id] = (v, n.position.y) if axis == "horizontal" else (n.position.x, v)
    return MoveNodes(target, f"Distribute {axis}ly")


def new_group_name(design: Design) -> str:
    """A name for a new group: "Group 1", "Group 2", ... (the first one not taken)."""
    taken = {g.name for g in design.groups}
    k = 1
    while f"Group {k}" in taken:
        k += 1
    return f"Group {k}"


def group_edit(
    design: Design,
    nodes: Iterable[str],
    groups: Iterable[str] = (),
    *,
    parent: str | None = None,
    kind: str = "boundary",
) -> tuple[Compound, str]:
    """A new group holding ``nodes`` and ``groups`` (one step). Returns (edit, group id)."""
    node_list = [n for n in design.nodes if n.id in set(nodes)]
    group_list = [g for g in design.groups if g.id in set(groups)]
    if not node_list and not group_list:
        raise EditError("a group needs at least one node inside its frame")
    gid = unique_id(kind, {g.id for g in design.groups})
    group = Group(id=gid, kind=kind, name=new_group_name(design), parent=parent)  # type: ignore[arg-type]
    steps: list[Edit] = [AddGroup(group)]
    steps += [UpdateNode(n.id, {"group": gid}) for n in node_list]
    steps += [UpdateGroup(g.id, {"parent": gid}) for g in group_list]
    return Compound(tuple(steps), f"Add group {gid}"), gid


def membership_edit(
    design: Design, group_id: str, inside_nodes: set[str], inside_groups: set[str]
) -> Compound | None:
    """After a group frame was resized: nodes and child groups whose centre left the frame
    move to the group's parent; siblings now inside join the group. One step."""
    group = design.group_map()[group_id]
    steps: list[Edit] = []
    for n in design.nodes:
        if n.group == group_id and n.id not in inside_nodes:
            steps.append(UpdateNode(n.id, {"group": group.parent}))
        elif n.group == group.parent and n.id in inside_nodes:
            steps.append(UpdateNode(n.id, {"group": group_id}))
    for g in design.groups:
        if g.id == group_id:
            continue
        if g.parent == group_id and g.id not in inside_groups:
            steps.append(UpdateGroup(g.id, {"parent": group.parent}))
        elif g.parent == group.parent and g.id in inside_groups:
            steps.append(UpdateGroup(g.id, {"parent": group_id}))
    if not steps:
        return None
    return Compound(tuple(steps), f"Resize group {group_id}")


def move_edit(positions: Mapping[str, tuple[float, float]], text: str = "Move") -> MoveNodes:
    return MoveNodes(dict(positions), text)
