"""The document model, the catalog and the pure edits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archdesigner.model import Design, Group, Link, Node, catalog
from archdesigner.model.edits import (
    AddGroup,
    AddLink,
    AddNode,
    EditError,
    EditLog,
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
    unique_id,
)

from .strategies import designs

SPEC_KINDS = {
    "client": (False, "none"),
    "cdn": (False, "horizontal"),
    "dns": (False, "horizontal"),
    "load_balancer": (False, "horizontal"),
    "api_gateway": (False, "horizontal"),
    "service": (False, "horizontal"),
    "worker": (False, "horizontal"),
    "function": (False, "horizontal"),
    "database": (True, "vertical"),
    "cache": (True, "horizontal"),
    "queue": (True, "horizontal"),
    "object_storage": (True, "horizontal"),
    "search": (True, "horizontal"),
    "external": (False, "none"),
    "observability": (True, "horizontal"),  # spec v2
    "coordination": (True, "vertical"),  # spec v2
}


def shop() -> Design:
    d = Design.empty("shop")
    d.groups = [Group(id="zone-a", kind="zone")]
    d.nodes = [
        Node(id="web", kind="client"),
        Node(id="api", kind="service", replicas=2, group="zone-a"),
        Node(id="db", kind="database", group="zone-a"),
    ]
    d.links = [Link(id="l1", source="web", target="api"), Link(id="l2", source="api", target="db")]
    return d


@pytest.mark.parametrize(("kind", "defaults"), sorted(SPEC_KINDS.items()))
def test_catalog_kinds_have_the_spec_defaults(kind: str, defaults: tuple[bool, str]) -> None:
    info = catalog.kind_info(kind)
    assert info is not None
    assert (info.stateful, info.scaling) == defaults
    assert info.display_name and info.description and info.icon == f"{kind}.svg"
    node = Node(id="n", kind=kind)
    assert (node.is_stateful, node.scaling_mode) == defaults


def test_catalog_has_exactly_the_spec_kinds_and_useful_presets() -> None:
    assert {k.kind for k in catalog.kinds() if k.source == "built-in"} == set(SPEC_KINDS)
    for tech in (
        "postgres",
        "mysql",
        "mongodb",
        "redis",
        "memcached",
        "nginx",
        "haproxy",
        "envoy",
        "traefik",
        "kafka",
        "rabbitmq",
        "nats",
        "elasticsearch",
        "minio",
    ):
        preset = catalog.technology(tech)
        assert preset is not None, tech
        assert preset.kinds and all(catalog.kind_info(k) for k in preset.kinds)
    pg = catalog.technology("Postgres")
    assert pg is not None and pg.image == "postgres:16" and 5432 in pg.ports
    assert [t.name for t in catalog.technologies_for("cache")][:2] == ["redis", "valkey"]


def test_catalog_refuses_to_shadow_a_kind() -> None:
    with pytest.raises(ValueError, match="already defined"):
        catalog.register_kind(catalog.KindInfo("service", "S", "compute", False, "none", "", ""))


def test_unknown_kind_has_neutral_defaults_and_explicit_values_win() -> None:
    n = Node(id="x", kind="quantum_bus")
    assert (n.is_stateful, n.scaling_mode) == (False, "horizontal")
    assert Node(id="d", kind="database", stateful=False).is_stateful is False
    assert Node(id="s", kind="service", autoscale={"min": 2, "max": 4}).redundant  # type: ignore[arg-type]
    assert Node(id="s", kind="service", autoscale={"min": 1, "max": 4}).scaled_out  # type: ignore[arg-type]
    assert not Node(id="s", kind="service", autoscale={"min": 1, "max": 4}).redundant  # type: ignore[arg-type]
    assert Node(id="s", kind="service").label == "s"


def test_building_an_invalid_design_in_code_fails() -> None:
    with pytest.raises(ValueError, match="no node with id 'ghost'"):
        Design.model_validate(
            {
                "format": "archdesigner.design",
                "version": 1,
                "nodes": [{"id": "a", "kind": "service"}],
                "links": [{"id": "l", "source": "a", "target": "ghost"}],
            }
        )


def test_remove_node_takes_its_links_and_undo_restores_exactly() -> None:
    d = shop()
    before = d.model_dump()
    inverse = RemoveNode("api").apply(d)
    assert [n.id for n in d.nodes] == ["web", "db"] and d.links == []
    inverse.apply(d)
    assert d.model_dump() == before


def test_rename_node_renames_link_ends() -> None:
    d = shop()
    UpdateNode("api", {"id": "orders"}).apply(d)
    assert [(link.source, link.target) for link in d.links] == [("web", "orders"), ("orders", "db")]


def test_invalid_edits_are_refused_and_leave_the_design_untouched() -> None:
    d = shop()
    before = d.model_dump()
    bad = [
        UpdateNode("api", {"replicas": 0}),
        UpdateNode("api", {"id": "db"}),
        UpdateNode("api", {"group": "nowhere"}),
        UpdateNode("ghost", {"replicas": 2}),
        AddNode(Node(id="db", kind="cache")),
        AddLink(Link(id="l3", source="web", target="ghost")),
        AddLink(Link(id="l1", source="web", target="db")),
        UpdateLink("l1", {"timeout_ms": -5}),
        UpdateGroup("zone-a", {"parent": "zone-a"}),
        UpdateDesign({"nodes": []}),
        insert_between(d, "l1", Node(id="api", kind="load_balancer")),
    ]
    for edit in bad:
        with pytest.raises(EditError):
            edit.apply(d)
        assert d.model_dump() == before, edit


def test_insert_between_puts_a_node_on_a_link() -> None:
    d = shop()
    before = d.model_dump()
    inverse = insert_between(d, "l1", Node(id="lb", kind="load_balancer", replicas=2)).apply(d)
    pairs = [(link.source, link.target) for link in d.links]
    assert pairs == [("web", "lb"), ("lb", "api"), ("api", "db")]
    inverse.apply(d)
    assert d.model_dump() == before


def test_group_edits_nest_rename_and_remove() -> None:
    d = shop()
    before = d.model_dump()
    log = EditLog(d)
    log.do(AddGroup(Group(id="region-1", kind="region")))
    log.do(UpdateGroup("zone-a", {"parent": "region-1"}))
    with pytest.raises(EditError, match="inside itself"):
        UpdateGroup("region-1", {"parent": "zone-a"}).apply(d)
    log.do(UpdateGroup("zone-a", {"id": "zone-b"}))
    assert {n.group for n in d.nodes} == {None, "zone-b"}
    log.do(RemoveGroup("zone-b"))
    assert {n.group for n in d.nodes} == {None, "region-1"}
    for _ in range(4):
        log.undo()
    assert d.model_dump() == before


def test_unique_id_makes_valid_free_ids() -> None:
    assert unique_id("api", {"api", "api-2"}) == "api-3"
    assert unique_id("Order Service!", set()) == "Order-Service"
    assert unique_id("__", set()) == "node"
    assert len(unique_id("x" * 100, {"x" * 63})) == 63


def test_numbered_takes_the_first_free_number() -> None:
    from archdesigner.model.edits import numbered

    assert numbered("db", set()) == "db"
    assert numbered("db", {"db", "db-2"}) == "db-3"
    assert numbered("n_db", {"n_db"}, "_") == "n_db_2"
    assert numbered("abcd", {"abcd"}, max_len=4) == "ab-2"


EDIT_KINDS = st.sampled_from(["add", "remove", "link", "unlink", "update", "move", "group"])


@settings(max_examples=40, deadline=None)
@given(designs(max_nodes=6), st.lists(st.tuples(EDIT_KINDS, st.integers(0, 50)), max_size=25))
def test_any_edit_sequence_undoes_to_the_start(d: Design, steps: list[tuple[str, int]]) -> None:
    before = d.model_dump()
    log = EditLog(d)
    for op, k in steps:
        ids = [n.id for n in d.nodes]
        edit = None
        if op == "add":
            edit = AddNode(Node(id=unique_id(f"n{k}", set(ids)), kind="service"))
        elif op == "remove" and ids:
            edit = RemoveNode(ids[k % len(ids)])
        elif op == "link" and ids:
            taken = {link.id for link in d.links}
            edit = AddLink(
                Link(
                    id=unique_id(f"x{k}", taken),
                    source=ids[k % len(ids)],
                    target=ids[(k * 7) % len(ids)],
                )
            )
        elif op == "unlink" and d.links:
            edit = RemoveLink(d.links[k % len(d.links)].id)
        elif op == "update" and ids:
            edit = UpdateNode(ids[k % len(ids)], {"replicas": k % 5 + 1, "team": f"t{k}"})
        elif op == "move" and ids:
            edit = MoveNodes({ids[k % len(ids)]: (k * 10.0, -k * 3.5)})
        elif op == "group" and d.groups:
            edit = RemoveGroup(d.groups[k % len(d.groups)].id)
        if edit is not None:
            log.do(edit)
    after = d.model_dump()
    while log.undo_stack:
        log.undo()
    assert d.model_dump() == before
    while log.redo_stack:
        log.redo()
    assert d.model_dump() == after


def test_remove_items_deletes_nodes_links_in_one_step_and_restores_order() -> None:
    d = shop()
    d.links.append(Link(id="l3", source="web", target="db"))
    before = d.model_dump()
    inverse = RemoveItems(frozenset({"api"}), frozenset({"l3"})).apply(d)
    assert [n.id for n in d.nodes] == ["web", "db"] and d.links == []
    inverse.apply(d)
    assert d.model_dump() == before
    with pytest.raises(EditError, match="no node with id 'ghost'"):
        RemoveItems(frozenset({"ghost"})).apply(d)
    assert d.model_dump() == before


def test_removing_thousands_of_nodes_restores_the_exact_document() -> None:
    d = Design.empty()
    d.nodes = [Node(id=f"n{i}", kind="service") for i in range(6000)]
    d.links = [Link(id=f"l{i}", source=f"n{i}", target=f"n{(i * 7) % 6000}") for i in range(12000)]
    before = d.model_dump()
    inverse = RemoveItems(frozenset(f"n{i}" for i in range(0, 6000, 2))).apply(d)
    assert len(d.nodes) == 3000
    assert all(int(lk.source[1:]) % 2 and int(lk.target[1:]) % 2 for lk in d.links)
    inverse.apply(d)
    assert len(d.nodes) == 6000
    assert d.model_dump() == before
