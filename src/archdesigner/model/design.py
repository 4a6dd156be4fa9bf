"""The design document: pydantic models that follow docs/design-format.md field for field.

Field order here is the order in which the canonical writer emits keys, so keep it in the
spec's order. Cross-references (links to nodes, groups to parents) are checked by
:meth:`Design._check_references`, which reports the JSON path of the first problem.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import repeat
from operator import attrgetter
from typing import Annotated, Any, Literal, NoReturn, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationInfo,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from archdesigner.model import catalog

FORMAT: Literal["archdesigner.design"] = "archdesigner.design"
FORMAT_VERSION = 1

#: Coordinates and frame sizes stay within +/- this many scene units (docs/design-format.md,
#: Bounds): far beyond any real canvas, small enough that grids and bands stay small.
MAX_COORDINATE = 1e7

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"
ID_RE = re.compile(ID_PATTERN)


def _number_out(value: float) -> int | float:
    """Integral numbers are written without a fraction (800, not 800.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


Number = Annotated[float, PlainSerializer(_number_out, return_type=int | float)]
Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
RuleRef = Annotated[str, StringConstraints(min_length=1, pattern=r"^[A-Za-z0-9_-]+$")]
Severity = Literal["error", "warning", "info"]


class SharedFieldsSet(set[str]):
    """The names of the fields a loaded item set, shared by every item that set the same
    ones (:func:`compact`): one set per combination instead of one per item (a set of five
    names takes 728 bytes). It is read-only. Assigning a field gives the item a set of its
    own first; copies (``model_copy``, ``copy``, pickling) get ordinary sets."""

    __slots__ = ()

    def _refuse(self) -> NoReturn:
        raise TypeError("a loaded item's fields set is shared; assign the field instead")

    def add(self, element: str, /) -> None:
        self._refuse()

    def discard(self, element: object, /) -> None:
        self._refuse()

    def remove(self, element: str, /) -> None:
        self._refuse()

    def pop(self) -> str:
        self._refuse()

    def clear(self) -> None:
        self._refuse()

    def update(self, *others: Iterable[str]) -> None:
        self._refuse()

    def difference_update(self, *others: Iterable[Any]) -> None:
        self._refuse()

    def intersection_update(self, *others: Iterable[Any]) -> None:
        self._refuse()

    def symmetric_difference_update(self, other: Iterable[str], /) -> None:
        self._refuse()

    def __ior__(self, other: AbstractSet[str]) -> Self:  # type: ignore[override,misc]
        self._refuse()

    def __iand__(self, other: AbstractSet[object]) -> Self:
        self._refuse()

    def __isub__(self, other: AbstractSet[object]) -> Self:
        self._refuse()

    def __ixor__(self, other: AbstractSet[str]) -> Self:  # type: ignore[override,misc]
        self._refuse()

    def __copy__(self) -> set[str]:
        return set(self)

    def __deepcopy__(self, memo: Any) -> set[str]:
        return set(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (set, (list(self),))


def _refuse_change(self: object, *args: Any, **kwargs: Any) -> NoReturn:
    kind = "list" if isinstance(self, list) else "dict"
    raise TypeError(f"a loaded item's empty {kind} is shared; assign a new {kind} instead")


class SharedEmptyList(list[Any]):
    """The one empty list behind every list field a loaded design's file leaves out
    (:func:`loading`): ``ports`` and ``lint_ignore``. It is read-only (changing it would
    change every item); assigning a new list to the field is the way to fill it. Copies and
    pickles are plain empty lists."""

    __slots__ = ()

    def __copy__(self) -> list[Any]:
        return []

    def __deepcopy__(self, memo: Any) -> list[Any]:
        return []

    def __reduce__(self) -> tuple[Any, ...]:
        return (list, ())


class SharedEmptyDict(dict[str, Any]):
    """The one empty dict behind every ``env`` and ``properties`` of a node or link that a
    loaded design's file leaves out, read-only like :class:`SharedEmptyList`."""

    __slots__ = ()

    def __copy__(self) -> dict[str, Any]:
        return {}

    def __deepcopy__(self, memo: Any) -> dict[str, Any]:
        return {}

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, ())


for _name in ("append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse"):
    setattr(SharedEmptyList, _name, _refuse_change)
for _name in ("pop", "popitem", "clear", "update", "setdefault"):
    setattr(SharedEmptyDict, _name, _refuse_change)
for _name in ("__setitem__", "__delitem__", "__iadd__", "__imul__"):
    setattr(SharedEmptyList, _name, _refuse_change)
for _name in ("__setitem__", "__delitem__", "__ior__"):
    setattr(SharedEmptyDict, _name, _refuse_change)
EMPTY_LIST, EMPTY_DICT = SharedEmptyList(), SharedEmptyDict()

#: True while a loader validates a file (:func:`loading`): a node or link field left out of
#: the file then gets the shared read-only empty container instead of a new one. Per thread.
_LOADING: ContextVar[bool] = ContextVar("archdesigner_loading", default=False)


@contextmanager
def loading() -> Iterator[None]:
    """Validation of a file whose design is then :func:`compact` ed: the ``ports``, ``env``,
    ``lint_ignore`` and ``properties`` it leaves out are :data:`EMPTY_LIST` and
    :data:`EMPTY_DICT` from the start (making an empty container per item, and replacing
    it afterwards, was a third of the load at 50,000 nodes)."""
    token = _LOADING.set(True)
    try:
        yield
    finally:
        _LOADING.reset(token)


def _empty_list() -> list[Any]:
    return EMPTY_LIST if _LOADING.get() else []


def _empty_dict() -> dict[str, Any]:
    return EMPTY_DICT if _LOADING.get() else {}


class _Model(BaseModel):
    # finite numbers only: NaN and Infinity are rejected (docs/design-format.md, Bounds)
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    def __setattr__(self, name: str, value: Any) -> None:
        fields_set = self.__pydantic_fields_set__
        if type(fields_set) is SharedFieldsSet:  # pydantic adds the name to it: unshare
            object.__setattr__(self, "__pydantic_fields_set__", set(fields_set))
        super().__setattr__(name, value)


Coordinate = Annotated[Number, Field(ge=-MAX_COORDINATE, le=MAX_COORDINATE)]


class Position(_Model):
    x: Coordinate = 0.0
    y: Coordinate = 0.0

    @model_serializer(mode="plain")
    def _both_coordinates(self) -> dict[str, int | float]:
        # a position is always written whole ({"x": 180, "y": 0}), never half
        return {"x": _number_out(self.x), "y": _number_out(self.y)}


class Autoscale(_Model):
    min: Annotated[int, Field(ge=1)]
    max: Annotated[int, Field(ge=1)]

    @model_validator(mode="after")
    def _max_not_below_min(self) -> Autoscale:
        if self.max < self.min:
            raise PydanticCustomError(
                "autoscale_range",
                "autoscale max ({max}) must be >= min ({min})",
                {"max": self.max, "min": self.min},
            )
        return self


class Node(_Model):
    id: Identifier
    kind: Annotated[str, StringConstraints(min_length=1)]
    name: str = ""
    technology: str = ""
    replicas: Annotated[int, Field(ge=1)] = 1
    autoscale: Autoscale | None = None
    scaling: Literal["horizontal", "vertical", "none"] | None = None
    stateful: bool | None = None
    group: Identifier | None = None
    image: str = ""
    ports: list[Annotated[int, Field(ge=1, le=65535)]] = Field(default_factory=_empty_list)
    env: dict[str, str] = Field(default_factory=_empty_dict)
    capacity_rps: Annotated[Number, Field(gt=0)] | None = None
    load_rps: Annotated[Number, Field(ge=0)] | None = None
    position: Position = Field(default_factory=Position)
    team: str = ""
    lint_ignore: list[RuleRef] = Field(default_factory=_empty_list)
    properties: dict[str, Any] = Field(default_factory=_empty_dict)

    # --- derived values (never stored) ---------------------------------------------------
    @property
    def label(self) -> str:
        """The display name: ``name``, or the id when no name is set."""
        return self.name or self.id

    @property
    def is_stateful(self) -> bool:
        return catalog.default_stateful(self.kind) if self.stateful is None else self.stateful

    @property
    def scaling_mode(self) -> str:
        return catalog.default_scaling(self.kind) if self.scaling is None else self.scaling

    @property
    def scaled_out(self) -> bool:
        """``replicas`` >= 2, or autoscaling is set (lint-rules.md, Terms)."""
        return self.replicas >= 2 or self.autoscale is not None

    @property
    def redundant(self) -> bool:
        """``replicas`` >= 2, or ``autoscale.min`` >= 2 (lint-rules.md, Terms)."""
        return self.replicas >= 2 or (self.autoscale is not None and self.autoscale.min >= 2)

    @property
    def max_instances(self) -> int:
        return self.autoscale.max if self.autoscale is not None else self.replicas


class Link(_Model):
    id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    source: Annotated[str, StringConstraints(min_length=1)]
    target: Annotated[str, StringConstraints(min_length=1)]
    mode: Literal["sync", "async"] = "sync"
    protocol: str = ""
    required: bool = True
    calls_per_request: Annotated[Number, Field(ge=0)] = 1.0
    timeout_ms: Annotated[Number, Field(gt=0)] | None = None
    retries: Annotated[int, Field(ge=0)] = 0
    circuit_breaker: bool = False
    discovery: bool = False
    label: str = ""
    lint_ignore: list[RuleRef] = Field(default_factory=_empty_list)
    properties: dict[str, Any] = Field(default_factory=_empty_dict)


class Group(_Model):
    id: Identifier
    kind: Literal["region", "zone", "network", "cluster", "boundary"] = "boundary"
    name: str = ""
    parent: Identifier | None = None
    properties: dict[str, Any] = Field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.name or self.id

    @model_validator(mode="after")
    def _frame_within_bounds(self) -> Group:
        geo = self.properties.get("canvas")
        if not isinstance(geo, dict):
            return self
        for key in ("x", "y", "w", "h"):
            value = geo.get(key)
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if number and not -MAX_COORDINATE <= value <= MAX_COORDINATE:  # type: ignore[operator]
                raise PydanticCustomError(
                    "frame_bounds",
                    "properties.canvas.{key} must be within +/-10000000, got {value}",
                    {"key": key, "value": value},
                )
        return self


class LintConfig(_Model):
    select: list[RuleRef] | None = None
    ignore: list[RuleRef] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)
    options: dict[str, dict[str, Any]] = Field(default_factory=dict)


class Design(_Model):
    format: Literal["archdesigner.design"]
    version: Annotated[int, Field(ge=1)]
    name: str = ""
    description: str = ""
    nodes: list[Node] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    lint: LintConfig = Field(default_factory=LintConfig)
    properties: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def empty(cls, name: str = "") -> Design:
        return cls(format=FORMAT, version=FORMAT_VERSION, name=name)

    @model_validator(mode="after")
    def _check_references(self, info: ValidationInfo) -> Design:
        # The loader checks references itself so that it can report every problem with its
        # path; code that builds a Design directly gets the first problem as an error here.
        if not (info.context and info.context.get("skip_reference_check")):
            for problem in reference_problems(self):
                raise problem
        return self

    # --- lookups -------------------------------------------------------------------------
    def node_map(self) -> dict[str, Node]:
        return {n.id: n for n in self.nodes}

    def link_map(self) -> dict[str, Link]:
        return {link.id: link for link in self.links}

    def group_map(self) -> dict[str, Group]:
        return {g.id: g for g in self.groups}


def compact(design: Design) -> None:
    """Shrinks a freshly loaded design in place without changing any value: nodes, links
    and positions that set the same fields share one :class:`SharedFieldsSet`, and each
    link's ``source`` and ``target`` is the very string object of the node id it names
    (the parser makes a string per occurrence). With the empty containers the loader's
    validation shares (:func:`loading`: an empty ``ports``, ``env``, ``lint_ignore`` or
    ``properties`` is 56-64 bytes) this is about a third of the design's memory at 50,000
    nodes. Every link must name existing nodes (the loader checks first).
    Written as maps over the items: a loop per item in Python would cost a quarter of the
    load."""
    shared: dict[tuple[str, ...], SharedFieldsSet] = {}
    positions = list(map(_POSITION, design.nodes))
    for items in (design.nodes, positions, design.links):
        sets = list(map(_FIELDS_SET, items))
        keys = list(map(tuple, sets))
        for key, fields_set in dict(zip(keys, sets, strict=True)).items():
            if key not in shared:
                shared[key] = SharedFieldsSet(fields_set)
        deque(map(_SET, items, repeat(_FIELDS_SET_NAME), map(shared.__getitem__, keys)), 0)
    ids = {node_id: node_id for node_id in map(_ID, design.nodes)}
    values = list(map(_VALUES, design.links))
    for end in ("source", "target"):
        ends = map(ids.__getitem__, map(_GET_ITEM, values, repeat(end)))
        deque(map(_SET_ITEM, values, repeat(end), ends), 0)


_FIELDS_SET_NAME = "__pydantic_fields_set__"
_FIELDS_SET = attrgetter(_FIELDS_SET_NAME)
_POSITION, _ID, _VALUES = attrgetter("position"), attrgetter("id"), attrgetter("__dict__")
_SET, _GET_ITEM, _SET_ITEM = object.__setattr__, dict.__getitem__, dict.__setitem__


class ReferenceError_(ValueError):
    """A broken cross-reference, with the JSON path where it sits."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def reference_problems(design: Design) -> list[ReferenceError_]:
    """Every duplicate id, dangling reference and group cycle, in document order."""
    if _references_fine(design):  # ids unique, links and nodes point at what exists
        return _group_tree_problems(design, {g.id: i for i, g in enumerate(design.groups)})
    problems: list[ReferenceError_] = []
    node_ids: dict[str, int] = {}
    for i, node in enumerate(design.nodes):
        if node.id in node_ids:
            problems.append(
                ReferenceError_(
                    f"nodes[{i}].id",
                    f"duplicate node id {node.id!r} (first used by nodes[{node_ids[node.id]}])",
                )
            )
        else:
            node_ids[node.id] = i
    group_ids: dict[str, int] = {}
    for i, group in enumerate(design.groups):
        if group.id in group_ids:
            problems.append(
                ReferenceError_(
                    f"groups[{i}].id",
                    f"duplicate group id {group.id!r} "
                    f"(first used by groups[{group_ids[group.id]}])",
                )
            )
        else:
            group_ids[group.id] = i
    link_ids: dict[str, int] = {}
    for i, link in enumerate(design.links):
        if link.id in link_ids:
            problems.append(
                ReferenceError_(
                    f"links[{i}].id",
                    f"duplicate link id {link.id!r} (first used by links[{link_ids[link.id]}])",
                )
            )
        else:
            link_ids[link.id] = i
        for end in ("source", "target"):
            ref = getattr(link, end)
            if ref not in node_ids:
                problems.append(ReferenceError_(f"links[{i}].{end}", f"no node with id {ref!r}"))
    for i, node in enumerate(design.nodes):
        if node.group is not None and node.group not in group_ids:
            problems.append(
                ReferenceError_(f"nodes[{i}].group", f"no group with id {node.group!r}")
            )
    return problems + _group_tree_problems(design, group_ids)


def _group_tree_problems(design: Design, group_ids: dict[str, int]) -> list[ReferenceError_]:
    """Parents that do not exist and cycles of parents, in document order (``group_ids``:
    the first index of each group id)."""
    problems: list[ReferenceError_] = []
    parents = {g.id: g.parent for g in design.groups}
    for i, group in enumerate(design.groups):
        if group.parent is None:
            continue
        if group.parent not in group_ids:
            problems.append(
                ReferenceError_(f"groups[{i}].parent", f"no group with id {group.parent!r}")
            )
            continue
    # cycle detection over the parent pointers, each group visited once
    state: dict[str, int] = {}  # 1 = on the current chain, 2 = done
    for start in parents:
        chain: list[str] = []
        cur: str | None = start
        while cur is not None and cur in parents and state.get(cur, 0) == 0:
            state[cur] = 1
            chain.append(cur)
            cur = parents[cur]
        if cur is not None and state.get(cur) == 1:
            cycle = chain[chain.index(cur) :]
            i = group_ids[cycle[0]]
            problems.append(
                ReferenceError_(
                    f"groups[{i}].parent",
                    "group parents form a cycle: " + " -> ".join([*cycle, cycle[0]]),
                )
            )
        for g in chain:
            state[g] = 2
    return problems


def _references_fine(design: Design) -> bool:
    """True when :func:`reference_problems` has nothing to say: the common case, checked
    with set operations instead of a loop per item. False means "look closer", not that
    there is a problem."""
    nodes = {n.id for n in design.nodes}
    groups = {g.id for g in design.groups}
    if len(nodes) != len(design.nodes) or len(groups) != len(design.groups):
        return False
    links = design.links
    if len({link.id for link in links}) != len(links):
        return False
    if not nodes.issuperset([link.source for link in links]):
        return False
    if not nodes.issuperset([link.target for link in links]):
        return False
    return groups.issuperset([n.group for n in design.nodes if n.group is not None])


# --- the group tree: every walk over group parents goes through these ----------------------
def group_chain(groups: Mapping[str, Group], gid: str | None) -> list[str]:
    """``gid`` and the groups that enclose it, innermost first (``groups``: group by id).

    The walk stops at a top-level group, at an id ``groups`` does not hold (left out) and
    where parents run in a cycle, so it ends on any document, valid or not."""
    out: list[str] = []
    while gid is not None and gid in groups and gid not in out:
        out.append(gid)
        gid = groups[gid].parent
    return out


def group_ancestors(design: Design) -> dict[str, list[str]]:
    """For each group id, its enclosing groups from innermost to outermost."""
    groups = design.group_map()
    return {gid: group_chain(groups, gid)[1:] for gid in groups}


def descendant_groups(design: Design, group_ids: Iterable[str]) -> set[str]:
    """The groups ``group_ids`` and every group inside them, at any depth."""
    wanted = set(group_ids)
    if not wanted or not design.groups:
        return wanted
    ancestors = group_ancestors(design)
    return wanted | {g for g, chain in ancestors.items() if wanted.intersection(chain)}


def nodes_in_groups(design: Design, group_ids: Iterable[str]) -> set[str]:
    """Every node inside the groups ``group_ids`` or their child groups, at any depth."""
    inside = descendant_groups(design, group_ids)
    if not inside:
        return set()
    return {n.id for n in design.nodes if n.group in inside}
