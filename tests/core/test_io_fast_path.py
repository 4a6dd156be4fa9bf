"""The loader validates a current-version file straight from its JSON text. It must load
exactly what the step-by-step path (parse, migrate, validate) loads, and every file that
path refuses must still be refused with that path's words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archdesigner.io import DesignError, dumps_design, loads_design
from archdesigner.io.load import _validated_json, design_from_data, parse_json
from archdesigner.model import Design

from .strategies import designs, mutated_json

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    p
    for folder in ("resources/examples", "tests/data", "tests/export/data")
    for p in (ROOT / folder).rglob("*.arch.json")
)


def typed(value: Any) -> Any:
    """``value`` with the type of every scalar spelled out (1 and 1.0 differ here)."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


def shape(design: Design) -> Any:
    """Everything a loaded design holds: values with their types and which fields were set."""
    items = [design, design.lint, *design.nodes, *design.links, *design.groups]
    items += [n.position for n in design.nodes]
    return typed(design.model_dump()), [sorted(i.model_fields_set) for i in items]


def step_by_step(text: str) -> str | Any:
    try:
        return shape(design_from_data(parse_json(text, "f.arch.json"), "f.arch.json"))
    except DesignError as exc:
        return str(exc)


def loaded(text: str) -> str | Any:
    try:
        return shape(loads_design(text, "f.arch.json"))
    except DesignError as exc:
        return str(exc)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_repository_designs_load_the_same_through_the_fast_path(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = _validated_json(text)
    assert fast is not None
    assert shape(fast) == step_by_step(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs(), st.booleans())
def test_generated_designs_load_the_same_through_the_fast_path(d: Design, ascii: bool) -> None:
    text = json.dumps(json.loads(dumps_design(d)), ensure_ascii=ascii)
    fast = _validated_json(text)
    if "\\u" not in text or "\\ud" not in text.lower():  # half pairs take the other path
        assert fast is not None
    assert loaded(text) == step_by_step(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs(max_nodes=4), st.data())
def test_mutated_designs_load_or_fail_the_same_way(d: Design, data: st.DataObject) -> None:
    text = mutated_json(d, data, "properties")
    assert loaded(text) == step_by_step(text)


HEAD = '{"format": "archdesigner.design", "version": 1, '
NODE = '"nodes": [{"id": "a", "kind": "service", "properties": {"p": %s}}]}'


@pytest.mark.parametrize(
    "text",
    [
        HEAD + NODE % "NaN",
        HEAD + NODE % "-Infinity",
        HEAD + NODE % "1e400",
        HEAD + NODE % ("9" * 400 + ".5"),
        HEAD + NODE % ("1" * 4301),
        HEAD + NODE % '"\\ud800"',
        HEAD + NODE % '"\\udc00 \\ud83d\\ude00"',
        HEAD + NODE % ("[" * 300 + "]" * 300),
        HEAD + NODE % '{"a": 1, "a": 2.5}',
        HEAD + NODE % '"caf\\u00e9 \u00e9\u4e2d\U0001f600"',
        HEAD + NODE % "123456789012345678901234567890",
        HEAD + NODE % "-0",
        HEAD + '"lint": {"options": {"SCL005": {"max_depth": Infinity}}}}',
        HEAD + '"properties": {"x": [1, 2, {"y": NaN}]}}',
        HEAD + '"properties": {"x": [1, 2, {"y": 1e999}]}}',
        '{"format": "archdesigner.design", "version": 2}',
        '{"format": "archdesigner.design", "version": 0}',
        '{"format": "archdesigner.design", "version": 1, "version": 1}',
        "\ufeff" + HEAD + '"name": "x"}',
        HEAD + '"name": "x"} x',
        HEAD + '"name": "x"}\x0c',
        HEAD + '"nodes": [{"id": "a", "kind": "service", "replicas": 2.0}]}',
        HEAD + '"nodes": [{"id": "a", "kind": "service", "load_rps": 1e400}]}',
        HEAD + '"nodes": [{"id": "a", "kind": "service", "id": "b"}]}',
        HEAD + '"links": [{"id": "l", "source": "a", "target": "b"}]}',
    ],
)
def test_text_the_fast_parser_reads_differently_gives_the_same_result(text: str) -> None:
    assert loaded(text) == step_by_step(text)


def test_loaded_items_share_their_fields_sets_and_stay_independent(tmp_path: Path) -> None:
    import copy
    import pickle

    text = (ROOT / "resources/examples/web-shop.arch.json").read_text(encoding="utf-8")
    design = loads_design(text)
    fresh = Design.model_validate_json(text)
    a, b = design.nodes[0], design.nodes[1]
    if a.model_fields_set != b.model_fields_set:
        b = next(n for n in design.nodes[2:] if n.model_fields_set == a.model_fields_set)
    assert a.__pydantic_fields_set__ is b.__pydantic_fields_set__
    unset = next(f for f in ("replicas", "team", "image") if f not in a.model_fields_set)
    dumped = [n.model_dump(exclude_unset=True) for n in fresh.nodes]
    assert [n.model_dump(exclude_unset=True) for n in design.nodes] == dumped

    copied = a.model_copy(update={unset: a.__dict__[unset]})
    assert unset in copied.model_fields_set and unset not in a.model_fields_set
    setattr(a, unset, a.__dict__[unset])  # assignment marks the field set on `a` alone
    assert unset in a.model_fields_set and unset not in b.model_fields_set
    with pytest.raises(TypeError, match="shared"):
        b.model_fields_set.add(unset)
    assert unset not in b.model_fields_set
    for twin in (copy.deepcopy(b), copy.copy(b), pickle.loads(pickle.dumps(b))):
        assert type(twin.__pydantic_fields_set__) is set
        assert twin == b and twin.model_fields_set == b.model_fields_set
    ids = {n.id: n.id for n in design.nodes}
    assert all(link.source is ids[link.source] for link in design.links)
    assert all(link.target is ids[link.target] for link in design.links)


def test_empty_containers_of_loaded_items_are_shared_and_read_only() -> None:
    import copy
    import pickle

    from archdesigner.model.design import EMPTY_DICT, EMPTY_LIST

    text = (ROOT / "resources/examples/web-shop.arch.json").read_text(encoding="utf-8")
    design = loads_design(text)
    node = next(n for n in design.nodes if not n.ports and not n.properties)
    link = next(li for li in design.links if not li.lint_ignore)
    assert node.ports is EMPTY_LIST and node.properties is EMPTY_DICT and node.env == {}
    assert link.lint_ignore is EMPTY_LIST
    assert any(n.ports for n in design.nodes)  # a filled list stays the node's own
    changes = [
        lambda: node.ports.append(80),
        lambda: node.lint_ignore.extend(["SPF001"]),
        lambda: node.properties.__setitem__("a", 1),
        lambda: node.properties.setdefault("a", {}),
        lambda: link.properties.update(a=1),
    ]
    for change in changes:
        with pytest.raises(TypeError, match="shared"):
            change()
    assert EMPTY_LIST == [] and EMPTY_DICT == {}
    node.ports = [80]  # assigning a new container is how a field is filled
    assert node.ports == [80] and EMPTY_LIST == []
    for twin in (copy.deepcopy(link), pickle.loads(pickle.dumps(link))):
        assert type(twin.lint_ignore) is list and type(twin.properties) is dict
        twin.lint_ignore.append("SPF001")
    assert type(copy.copy(EMPTY_DICT)) is dict
    assert dumps_design(design) == dumps_design(Design.model_validate_json(dumps_design(design)))


def test_only_loading_shares_empty_containers() -> None:
    """The loader's validation leaves the shared empties in the fields a file leaves out;
    items built anywhere else (fixes, importers, the app) get containers of their own."""
    from archdesigner.model import Link, Node

    text = (ROOT / "resources/examples/web-shop.arch.json").read_text(encoding="utf-8")
    loads_design(text)
    node = Node(id="new", kind="service")
    node.ports.append(80)
    node.properties["a"] = 1
    link = Link(id="l", source="a", target="b")
    link.lint_ignore.append("SPF001")
    assert node.ports == [80] and Node(id="other", kind="service").ports == []
