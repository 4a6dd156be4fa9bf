"""Pure edits of a design document: the one way the app, fixes and tools change a design.

Each :class:`Edit` has ``apply(design) -> Edit``: it changes the design in place, checks that
the design stays valid (raising :class:`EditError` and leaving the design untouched when it
would not), and returns the inverse edit. Undo is applying the inverse; redo is applying the
edit again. Compound edits are built from child edits and undo as one step (deleting a node
removes its links first). Nothing here knows about Qt or undo stacks.
"""

from __future__ import annotations

import math
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, SupportsIndex

from pydantic import BaseModel, ValidationError

from archdesigner.model.design import Design, Group, Link, Node, group_chain


class EditError(ValueError):
    """An edit that would make the design invalid. The message says why, for a person."""


class IdList(list[Any]):
    """A list of nodes or links that finds an item's position by id without a scan.

    Used while :func:`indexed` is open (``archdesigner lint --fix`` applies thousands of
    edits to one design). It is a real list: edits insert, pop and replace items as usual,
    and the list keeps ``id -> position`` as of some length of a log of shifts. An insert or
    pop is appended to that log instead of renumbering every later item; a lookup replays
    the shifts logged since its entry was written, and the map is rebuilt in one pass when
    the log is full. The log holds about sqrt(2 n) shifts (at most ``_MAX_LOG``): a rebuild
    costs n, a lookup the shifts logged since, so both stay O(sqrt n) per edit (a fixed 1,024
    made lookups the costliest part of a fix pass at 5,000 nodes). A lookup writes the
    position it worked out back (the next lookup of that id replays nothing), and once the
    lookups have replayed n shifts in all the map is rebuilt too: a few middle inserts early
    in a pass of thousands of lookups then cost one rebuild, not a replay per lookup. Slice
    assignment and other bulk changes rebuild it."""

    _MAX_LOG = 1024

    def __init__(self, items: Iterable[Any] = ()) -> None:
        super().__init__(items)
        self._rebuild()

    def _rebuild(self) -> None:
        # plain ints, no tuples: a map of 20,000 tuples would wake the garbage collector
        self._pos: dict[str, int] = dict(
            zip(map(attrgetter("id"), list.__iter__(self)), range(len(self)), strict=True)
        )
        self._since: dict[str, int] = {}  # log length when the entry was written (else 0)
        self._log: list[tuple[int, int]] = []  # (position, +1 insert / -1 pop)
        self._replayed = 0  # shifts replayed by lookups since the rebuild
        self._limit = min(self._MAX_LOG, max(16, math.isqrt(2 * len(self))))

    def _shift(self, at: int, delta: int) -> None:
        if len(self._log) >= self._limit:
            self._rebuild()
        else:
            self._log.append((at, delta))

    def _note(self, item_id: str, i: int) -> None:
        self._pos[item_id] = i
        if self._log:
            self._since[item_id] = len(self._log)
        else:
            self._since.pop(item_id, None)

    def ids(self) -> Set[str]:
        """The ids of the items (a live view)."""
        return self._pos.keys()

    def position(self, item_id: str) -> int | None:
        i = self._pos.get(item_id)
        if i is None:
            return None
        since = self._since.get(item_id, 0)
        log = self._log
        if since < len(log):
            for at, delta in log[since:]:
                if delta > 0:
                    if i >= at:
                        i += 1
                elif i > at:
                    i -= 1
            self._replayed += len(log) - since
            if self._replayed > len(self):
                self._rebuild()
            else:
                self._pos[item_id] = i
                self._since[item_id] = len(log)
        if i >= len(self) or list.__getitem__(self, i).id != item_id:  # cannot happen
            self._rebuild()
            return self.position(item_id)
        return i

    def _norm(self, index: SupportsIndex, inserting: bool) -> int:
        i = index.__index__()
        n = len(self)
        if i < 0:
            i = max(0, i + n)
        return min(i, n) if inserting else i

    def insert(self, index: SupportsIndex, item: Any) -> None:
        i = self._norm(index, True)
        at_end = i == len(self)
        super().insert(i, item)
        if not at_end:  # an item added at the end moves no other item
            self._shift(i, 1)
        self._note(item.id, i)

    def append(self, item: Any) -> None:
        self.insert(len(self), item)

    def pop(self, index: SupportsIndex = -1) -> Any:
        i = self._norm(index, False)
        item = super().pop(i)
        self._pos.pop(item.id, None)
        self._since.pop(item.id, None)
        self._shift(i, -1)
        return item

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            super().__setitem__(index, value)
            self._rebuild()
            return
        i = index.__index__()
        if i < 0:
            i += len(self)
        old = list.__getitem__(self, i)
        super().__setitem__(i, value)
        if old.id != value.id:
            self._pos.pop(old.id, None)
            self._since.pop(old.id, None)
        self._note(value.id, i)

    def __delitem__(self, index: Any) -> None:
        super().__delitem__(index)
        self._rebuild()

    def extend(self, items: Iterable[Any]) -> None:
        for item in items:
            self.append(item)

    def remove(self, item: Any) -> None:
        super().remove(item)
        self._rebuild()

    def clear(self) -> None:
        super().clear()
        self._rebuild()


@contextmanager
def indexed(design: Design) -> Iterator[Design]:
    """While open, the design's nodes and links are :class:`IdList` s, so that edits find
    items by id in constant time instead of scanning: apply many edits inside one ``with``.
    The lists are plain lists again afterwards (same items, same order)."""
    if isinstance(design.nodes, IdList):  # nested: already indexed
        yield design
        return
    design.nodes = IdList(design.nodes)
    design.links = IdList(design.links)
    try:
        yield design
    finally:
        design.nodes = list(design.nodes)
        design.links = list(design.links)


def _index(items: Sequence[Any], item_id: str, what: str) -> int:
    if isinstance(items, IdList):
        found = items.position(item_id)
        if found is None:
            raise EditError(f"no {what} with id {item_id!r}")
        return found
    for i, item in enumerate(items):
        if item.id == item_id:
            return i
    raise EditError(f"no {what} with id {item_id!r}")


def _has(items: Sequence[Any], item_id: str) -> bool:
    if isinstance(items, IdList):
        return item_id in items.ids()
    return any(item.id == item_id for item in items)


def _validated(model: type[Any], data: dict[str, Any], what: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc, what) from None


def _invalid(exc: ValidationError, what: str) -> EditError:
    err = exc.errors(include_url=False)[0]
    loc = ".".join(str(p) for p in err["loc"])
    return EditError(f"{what}: {loc}: {err['msg']}" if loc else f"{what}: {err['msg']}")


def _changed(old: Any, changes: Mapping[str, Any], what: str) -> Any:
    """A new node or link: ``old`` with ``changes``, each changed field validated as the
    format demands (with the model's own validators, so a value is accepted exactly when a
    file holding it would be). The fields not changed are the very values of ``old``,
    validated already: a fix pass sets fields of thousands of items, and re-validating each
    item whole cost more than the rest of its edit. A change of ``id`` or of a name that is
    not a field goes through whole validation (its message names the unknown field)."""
    model: type[BaseModel] = type(old)
    fields = model.model_fields
    if "id" in changes or any(name not in fields for name in changes):
        data = old.model_dump()
        data.update(_plain(changes))
        return _validated(model, data, what)
    new = old.__copy__()  # shallow, with a fields set of its own (never a shared one)
    check = model.__pydantic_validator__.validate_assignment
    try:
        for name, value in _plain(changes).items():
            check(new, name, value)
    except ValidationError as exc:
        raise _invalid(exc, what) from None
    return new


def _position(pos: Any) -> tuple[float, float]:
    return (float(pos.x), float(pos.y))


#: What an edit changes: ``("node" | "link" | "group", id)`` or ``("design", field)``.
Touch = tuple[str, str]


class Edit:
    """Base class: subclasses implement :meth:`apply`, :meth:`touches` and :attr:`text`.

    The built-in edits have slots (no per-instance dict): a lint of a large design offers
    thousands of fixes, and a plugin's come back from its worker process pickled."""

    __slots__ = ()
    text: str = "Edit"

    def apply(self, design: Design) -> Edit:
        raise NotImplementedError

    def touches(self) -> frozenset[Touch]:
        """The items this edit changes, named without looking at a design: the nodes, links
        and groups it adds, changes or removes by id, and the design fields it sets. Links
        that go with a removed node and members that move out of a removed group are covered
        by the node or group. ``lint --fix`` applies two fixes in one pass only when they touch
        nothing in common. An edit class that does not say touches the whole design."""
        return frozenset({("design", type(self).__name__)})


@dataclass(frozen=True, slots=True)
class Compound(Edit):
    """Several edits as one step; applied in order, undone in reverse order."""

    edits: tuple[Edit, ...]
    text: str = "Edit"

    def apply(self, design: Design) -> Edit:
        done: list[Edit] = []
        try:
            for edit in self.edits:
                done.append(edit.apply(design))
        except EditError:
            for inverse in reversed(done):  # leave the design as it was
                inverse.apply(design)
            raise
        return Compound(tuple(reversed(done)), self.text)

    def touches(self) -> frozenset[Touch]:
        return frozenset().union(*(edit.touches() for edit in self.edits))


@dataclass(frozen=True, slots=True)
class AddNode(Edit):
    node: Node
    index: int | None = None

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"Add {self.node.label}"

    def apply(self, design: Design) -> Edit:
        if _has(design.nodes, self.node.id):
            raise EditError(f"a node with id {self.node.id!r} exists already")
        if self.node.group is not None and not any(g.id == self.node.group for g in design.groups):
            raise EditError(f"no group with id {self.node.group!r}")
        idx = len(design.nodes) if self.index is None else min(self.index, len(design.nodes))
        design.nodes.insert(idx, self.node)
        return _RemoveNodeOnly(self.node.id, self.text)

    def touches(self) -> frozenset[Touch]:
        return frozenset({("node", self.node.id)})


@dataclass(frozen=True, slots=True)
class _RemoveNodeOnly(Edit):
    node_id: str
    text: str = "Remove node"

    def apply(self, design: Design) -> Edit:
        i = _index(design.nodes, self.node_id, "node")
        if any(link.source == self.node_id or link.target == self.node_id for link in design.links):
            raise EditError(f"node {self.node_id!r} still has links")
        node = design.nodes.pop(i)
        return AddNode(node, i)

    def touches(self) -> frozenset[Touch]:
        return frozenset({("node", self.node_id)})


@dataclass(frozen=True, slots=True)
class RemoveNode(Edit):
    """Removes a node together with every link to or from it, as one step."""

    node_id: str

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"Delete {self.node_id}"

    def apply(self, design: Design) -> Edit:
        _index(design.nodes, self.node_id, "node")
        links = [
            RemoveLink(link.id)
            for link in design.links
            if link.source == self.node_id or link.target == self.node_id
        ]
        return Compound((*links, _RemoveNodeOnly(self.node_id)), self.text).apply(design)

    def touches(self) -> frozenset[Touch]:
        return frozenset({("node", self.node_id)})


@dataclass(frozen=True, slots=True)
class AddLink(Edit):
    link: Link
    index: int | None = None

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"Link {self.link.source} -> {self.link.target}"

    def apply(self, design: Design) -> Edit:
        if _has(design.links, self.link.id):
            raise EditError(f"a link with id {self.link.id!r} exists already")
        for end in (self.link.source, self.link.target):
            if not _has(design.nodes, end):
                raise EditError(f"no node with id {end!r}")
        idx = len(design.links) if self.index is None else min(self.index, len(design.links))
        design.links.insert(idx, self.link)
        return RemoveLink(self.link.id)

    def touches(self) -> frozenset[Touch]:
        return frozenset({("link", self.link.id)})


@dataclass(frozen=True, slots=True)
class RemoveLink(Edit):
    link_id: str

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"Delete link {self.link_id}"

    def apply(self, design: Design) -> Edit:
        i = _index(design.links, self.link_id, "link")
        link = design.links.pop(i)
        return AddLink(link, i)

    def touches(self) -> frozenset[Touch]:
        return frozenset({("link", self.link_id)})


@dataclass(frozen=True, slots=True)
class RemoveItems(Edit):
    """Removes many nodes (with every link to or from them) and links in one pass: linear in
    the design's size however many are removed, where one RemoveNode per node would be
    quadratic for a large selection."""

    node_ids: frozenset[str]
    link_ids: frozenset[str] = frozenset()
    text: str = "Delete"

    def apply(self, design: Design) -> Edit:
        known = {n.id for n in design.nodes}
        missing = sorted(self.node_ids - known)
        if missing:
            raise EditError(f"no node with id {missing[0]!r}")
        known_links = {link.id for link in design.links}
        missing = sorted(self.link_ids - known_links)
        if missing:
            raise EditError(f"no link with id {missing[0]!r}")
        removed_links = [
            (i, link)
            for i, link in enumerate(design.links)
            if link.id in self.link_ids
            or link.source in self.node_ids
            or link.target in self.node_ids
        ]
        removed_nodes = [(i, n) for i, n in enumerate(design.nodes) if n.id in self.node_ids]
        gone_links = {link.id for _, link in removed_links}
        design.links[:] = [link for link in design.links if link.id not in gone_links]
        design.nodes[:] = [n for n in design.nodes if n.id not in self.node_ids]
        return _RestoreItems(tuple(removed_nodes), tuple(removed_links), self.text)

    def touches(self) -> frozenset[Touch]:
        return frozenset(
            [("node", nid) for nid in self.node_ids] + [("link", lid) for lid in self.link_ids]
        )


@dataclass(frozen=True, slots=True)
class _RestoreItems(Edit):
    """The inverse of :class:`RemoveItems`: puts nodes and links back at their indexes."""

    nodes: tuple[tuple[int, Node], ...]
    links: tuple[tuple[int, Link], ...]
    text: str = "Delete"

    def apply(self, design: Design) -> Edit:
        taken = {n.id for n in design.nodes}
        clash = [n.id for _, n in self.nodes if n.id in taken]
        if clash:
            raise EditError(f"a node with id {clash[0]!r} exists already")
        design.nodes[:] = _merge_at(design.nodes, self.nodes)
        design.links[:] = _merge_at(design.links, self.links)
        return RemoveItems(
            frozenset(n.id for _, n in self.nodes),
            frozenset(lk.id for _, lk in self.links),
            self.text,
        )

    def touches(self) -> frozenset[Touch]:
        return frozenset(
            [("node", n.id) for _, n in self.nodes] + [("link", lk.id) for _, lk in self.links]
        )


def _merge_at(current: list[Any], inserts: Sequence[tuple[int, Any]]) -> list[Any]:
    """``current`` with each ``(index, item)`` placed so that it ends up at ``index``."""
    out: list[Any] = []
    it = iter(current)
    pending = sorted(inserts, key=lambda pair: pair[0])
    j = 0
    total = len(current) + len(pending)
    for pos in range(total):
        if j < len(pending) and pending[j][0] == pos:
            out.append(pending[j][1])
            j += 1
        else:
            out.append(next(it))
    return out


@dataclass(frozen=True, slots=True)
class UpdateNode(Edit):
    """Sets fields of a node (validated as the format demands). Changing ``id`` renames the
    node and every link end that names it."""

    node_id: str
    changes: Mapping[str, Any]
    label: str = ""

    @property
    def text(self) -> str:  # type: ignore[override]
        if self.label:
            return self.label
        fields = ", ".join(sorted(self.changes))
        return f"Change {fields} of {self.node_id}"

    def apply(self, design: Design) -> Edit:
        i = _index(design.nodes, self.node_id, "node")
        old = design.nodes[i]
        new = _changed(old, self.changes, self.node_id)
        if new.id != old.id and _has(design.nodes, new.id):
            raise EditError(f"a node with id {new.id!r} exists already")
        if new.group is not None and not any(g.id == new.group for g in design.groups):
            raise EditError(f"no group with id {new.group!r}")
        design.nodes[i] = new
        if new.id != old.id:
            for j, link in enumerate(design.links):
                if old.id in (link.source, link.target):
                    design.links[j] = link.model_copy(
                        update={
                            "source": new.id if link.source == old.id else link.source,
                            "target": new.id if link.target == old.id else link.target,
                        }
                    )
        restore = {k: getattr(old, k) for k in self.changes}
        return UpdateNode(new.id, restore, self.text)

    def touches(self) -> frozenset[Touch]:
        return _renamed("node", self.node_id, self.changes)


@dataclass(frozen=True, slots=True)
class UpdateLink(Edit):
    link_id: str
    changes: Mapping[str, Any]
    label: str = ""

    @property
    def text(self) -> str:  # type: ignore[override]
        if self.label:
            return self.label
        return f"Change {', '.join(sorted(self.changes))} of link {self.link_id}"

    def apply(self, design: Design) -> Edit:
        i = _index(design.links, self.link_id, "link")
        old = design.links[i]
        new = _changed(old, self.changes, f"link {self.link_id}")
        if new.id != old.id and _has(design.links, new.id):
            raise EditError(f"a link with id {new.id!r} exists already")
        for end in (new.source, new.target):
            if not _has(design.nodes, end):
                raise EditError(f"no node with id {end!r}")
        design.links[i] = new
        return UpdateLink(new.id, {k: getattr(old, k) for k in self.changes}, self.text)

    def touches(self) -> frozenset[Touch]:
        return _renamed("link", self.link_id, self.changes)


@dataclass(frozen=True, slots=True)
class MoveNodes(Edit):
    """Moves nodes to new centre positions (one step for a whole drag)."""

    positions: Mapping[str, tuple[float, float]]
    text: str = "Move"

    def apply(self, design: Design) -> Edit:
        where = {n.id: i for i, n in enumerate(design.nodes)}
        missing = [nid for nid in self.positions if nid not in where]
        if missing:
            raise EditError(f"no node with id {missing[0]!r}")
        before: dict[str, tuple[float, float]] = {}
        for nid, (x, y) in self.positions.items():
            node = design.nodes[where[nid]]
            before[nid] = _position(node.position)
            design.nodes[where[nid]] = node.model_copy(
                update={"position": node.position.model_copy(update={"x": float(x), "y": float(y)})}
            )
        return MoveNodes(before, self.text)

    def touches(self) -> frozenset[Touch]:
        return frozenset(("node", nid) for nid in self.positions)


@dataclass(frozen=True, slots=True)
class AddGroup(Edit):
    group: Group
    index: int | None = None

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"Add group {self.group.label}"

    def apply(self, design: Design) -> Edit:
        if any(g.id == self.group.id for g in design.groups):
            raise EditError(f"a group with id {self.group.id!r} exists already")
        if self.group.parent is not None and not any(
            g.id == self.group.parent for g in design.groups
        ):
            raise EditError(f"no group with id {self.group.parent!r}")
        idx = len(design.groups) if self.index is None else min(self.index, len(design.groups))
        design.groups.insert(idx, self.group)
        return _RemoveGroupOnly(self.group.id)

    def touches(self) -> frozenset[Touch]:
        return frozenset({("group", self.group.id)})


@dataclass(frozen=True, slots=True)
class _RemoveGroupOnly(Edit):
    group_id: str
    text: str = "Remove group"

    def apply(self, design: Design) -> Edit:
        i = _index(design.groups, self.group_id, "group")
        if any(n.group == self.group_id for n in design.nodes) or any(
            g.parent == self.group_id for g in design.groups
        ):
            raise EditError(f"group {self.group_id!r} is not empty")
        group = design.groups.pop(i)
        return AddGroup(group, i)

    def touches(self) -> frozenset[Touch]:
        return frozenset({("group", self.group_id)})


@dataclass(frozen=True, slots=True)
class RemoveGroup(Edit):
    """Removes a group; its nodes and child groups move to its parent. One step."""

    group_id: str

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"Delete group {self.group_id}"

    def apply(self, design: Design) -> Edit:
        i = _index(design.groups, self.group_id, "group")
        parent = design.groups[i].parent
        steps: list[Edit] = [
            UpdateNode(n.id, {"group": parent}) for n in design.nodes if n.group == self.group_id
        ]
        steps += [
            UpdateGroup(g.id, {"parent": parent})
            for g in design.groups
            if g.parent == self.group_id
        ]
        steps.append(_RemoveGroupOnly(self.group_id))
        return Compound(tuple(steps), self.text).apply(design)

    def touches(self) -> frozenset[Touch]:
        return frozenset({("group", self.group_id)})


@dataclass(frozen=True, slots=True)
class UpdateGroup(Edit):
    """Sets fields of a group. Changing ``id`` renames it in nodes and child groups; a new
    ``parent`` may not create a cycle."""

    group_id: str
    changes: Mapping[str, Any]
    label: str = ""

    @property
    def text(self) -> str:  # type: ignore[override]
        return self.label or f"Change {', '.join(sorted(self.changes))} of group {self.group_id}"

    def apply(self, design: Design) -> Edit:
        i = _index(design.groups, self.group_id, "group")
        old = design.groups[i]
        data = old.model_dump()
        data.update(_plain(self.changes))
        new = _validated(Group, data, f"group {self.group_id}")
        others = {g.id: g for g in design.groups if g.id != old.id}
        if new.id != old.id and new.id in others:
            raise EditError(f"a group with id {new.id!r} exists already")
        if new.parent is not None:
            if new.parent not in others and new.parent != new.id:
                raise EditError(f"no group with id {new.parent!r}")
            around = {new.parent, *group_chain(design.group_map(), new.parent)}
            if new.id in around or old.id in around:
                raise EditError(f"group {new.id!r} cannot be inside itself")
        design.groups[i] = new
        if new.id != old.id:
            for j, n in enumerate(design.nodes):
                if n.group == old.id:
                    design.nodes[j] = n.model_copy(update={"group": new.id})
            for j, g in enumerate(design.groups):
                if g.parent == old.id:
                    design.groups[j] = g.model_copy(update={"parent": new.id})
        return UpdateGroup(new.id, {k: getattr(old, k) for k in self.changes}, self.text)

    def touches(self) -> frozenset[Touch]:
        return _renamed("group", self.group_id, self.changes)


@dataclass(frozen=True, slots=True)
class UpdateDesign(Edit):
    """Sets top-level fields: ``name``, ``description``, ``lint``, ``properties``."""

    changes: Mapping[str, Any]
    label: str = ""

    @property
    def text(self) -> str:  # type: ignore[override]
        return self.label or f"Change design {', '.join(sorted(self.changes))}"

    def apply(self, design: Design) -> Edit:
        allowed = {"name", "description", "lint", "properties"}
        bad = set(self.changes) - allowed
        if bad:
            raise EditError(f"cannot set {sorted(bad)[0]!r} of the design with this edit")
        data = {
            "format": design.format,
            "version": design.version,
            **{k: getattr(design, k) for k in allowed},
        }
        data.update(_plain(self.changes))
        data = {k: v.model_dump() if hasattr(v, "model_dump") else v for k, v in data.items()}
        checked = _validated(Design, data, "design")
        before = {k: getattr(design, k) for k in self.changes}
        for key in self.changes:
            setattr(design, key, getattr(checked, key))
        return UpdateDesign(before, self.text)

    def touches(self) -> frozenset[Touch]:
        return frozenset(("design", key) for key in self.changes)


def _renamed(what: str, item_id: str, changes: Mapping[str, Any]) -> frozenset[Touch]:
    """The item an update changes, and the id it takes when the update renames it."""
    new_id = changes.get("id")
    if isinstance(new_id, str) and new_id != item_id:
        return frozenset({(what, item_id), (what, new_id)})
    return frozenset({(what, item_id)})


def insert_between(design: Design, link_id: str, node: Node, *, text: str = "") -> Compound:
    """An edit that puts ``node`` on link ``link_id``: u -> v becomes u -> node -> v. The
    link into the new node keeps the old link's settings; the new link out of it is a plain
    sync link (the new component calls v as u did)."""
    i = _index(design.links, link_id, "link")
    link = design.links[i]
    links = design.links
    taken = links.ids() if isinstance(links, IdList) else {existing.id for existing in links}
    first = unique_id(f"{link.source}-{node.id}", taken)
    second = unique_id(f"{node.id}-{link.target}", _With(taken, first))
    into = link.model_copy(update={"id": first, "target": node.id})
    out = Link(
        id=second,
        source=node.id,
        target=link.target,
        mode=link.mode,
        protocol=link.protocol,
        required=link.required,
    )
    return Compound(
        (RemoveLink(link_id), AddNode(node), AddLink(into, i), AddLink(out, i + 1)),
        text or f"Insert {node.label} between {link.source} and {link.target}",
    )


def unique_id(
    base: str, taken: Iterable[str] | set[str], max_len: int = 63, *, fallback: str = "node"
) -> str:
    """``base`` made into a valid id (pattern of the format) not in ``taken``; ``fallback``
    when nothing of ``base`` is usable. The one id generator of nodes, links, groups and
    imported services."""
    import re

    taken_set = taken if isinstance(taken, Set) else set(taken)
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip("-._") or fallback
    if not cleaned[0].isalnum():
        cleaned = "n" + cleaned
    return numbered(cleaned[:max_len], taken_set, max_len=max_len)


def numbered(
    base: str, taken: Container[str], sep: str = "-", *, max_len: int | None = None
) -> str:
    """``base`` when it is not in ``taken``, else ``base`` + ``sep`` + 2, 3, ... (``base`` cut
    so that the whole stays within ``max_len``): the first that is free. Ids, Compose
    service names and Mermaid ids all number their clashes this way."""
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"{sep}{n}"
        cand = (base if max_len is None else base[: max_len - len(suffix)]) + suffix
        if cand not in taken:
            return cand
        n += 1


class _With(Set[str]):
    """``ids`` and one more id, without copying ``ids``."""

    def __init__(self, ids: Set[str], extra: str) -> None:
        self._ids, self._extra = ids, extra

    def __contains__(self, item: object) -> bool:
        return item == self._extra or item in self._ids

    def __iter__(self) -> Iterator[str]:
        yield from self._ids
        if self._extra not in self._ids:
            yield self._extra

    def __len__(self) -> int:
        return len(self._ids) + (self._extra not in self._ids)


def _plain(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Values as plain data so that pydantic validates them like file content."""
    out: dict[str, Any] = {}
    for key, value in changes.items():
        out[key] = value.model_dump() if hasattr(value, "model_dump") else value
    return out


@dataclass
class EditLog:
    """A minimal undo/redo history for headless tools and tests (the app uses QUndoStack)."""

    design: Design
    undo_stack: list[tuple[Edit, Edit]] = field(default_factory=list)
    redo_stack: list[tuple[Edit, Edit]] = field(default_factory=list)

    def do(self, edit: Edit) -> None:
        inverse = edit.apply(self.design)
        self.undo_stack.append((edit, inverse))
        self.redo_stack.clear()

    def undo(self) -> None:
        edit, inverse = self.undo_stack.pop()
        redo_inverse = inverse.apply(self.design)
        del redo_inverse
        self.redo_stack.append((edit, inverse))

    def redo(self) -> None:
        edit, _ = self.redo_stack.pop()
        self.undo_stack.append((edit, edit.apply(self.design)))


__all__ = [
    "AddGroup",
    "AddLink",
    "AddNode",
    "Compound",
    "Edit",
    "EditError",
    "EditLog",
    "IdList",
    "MoveNodes",
    "RemoveGroup",
    "RemoveItems",
    "RemoveLink",
    "RemoveNode",
    "UpdateDesign",
    "UpdateGroup",
    "UpdateLink",
    "UpdateNode",
    "indexed",
    "insert_between",
    "unique_id",
]
