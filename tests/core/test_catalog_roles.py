"""Kind roles as catalog data: the terms of the lint rules, deployment and layout rank."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from archdesigner.export.compose import ENTRY_KINDS, NOT_DEPLOYED
from archdesigner.importers.image_rules import DATASTORE_KINDS
from archdesigner.layout import layered_layout
from archdesigner.lint.rules._common import DATASTORE, FRONT_DOOR, SERVICE_LIKE
from archdesigner.model import catalog
from archdesigner.model.design import Design, Link, Node

# docs/lint-rules.md, "Terms"
SPEC_SERVICE_LIKE = {"service", "worker", "function"}
SPEC_DATASTORE = {"database", "cache", "queue", "search", "object_storage"}
SPEC_FRONT_DOOR = {"load_balancer", "api_gateway", "cdn", "dns"}
SPEC_ROUTING = {"load_balancer", "api_gateway"}


def builtin(view: catalog.KindView) -> set[str]:
    return {k for k in view if (info := catalog.kind_info(k)) and info.source == "built-in"}


def test_roles_give_the_terms_of_the_lint_rules() -> None:
    assert builtin(catalog.SERVICE_LIKE) == SPEC_SERVICE_LIKE
    assert builtin(catalog.DATASTORE) == SPEC_DATASTORE
    assert builtin(catalog.FRONT_DOOR) == SPEC_FRONT_DOOR
    assert builtin(catalog.ROUTING) == SPEC_ROUTING
    assert builtin(catalog.OUTSIDE) == {"client", "external"}
    assert builtin(catalog.NOT_DEPLOYED) == {"client", "cdn", "dns", "external"}
    # every user of the terms reads the catalog
    assert SERVICE_LIKE is catalog.SERVICE_LIKE and DATASTORE is catalog.DATASTORE
    assert FRONT_DOOR is catalog.FRONT_DOOR and DATASTORE_KINDS is catalog.DATASTORE
    assert ENTRY_KINDS is catalog.ROUTING and NOT_DEPLOYED is catalog.NOT_DEPLOYED


def test_v2_kinds_support_the_design_without_being_service_or_datastore() -> None:
    for kind in ("observability", "coordination"):
        info = catalog.kind_info(kind)
        assert info is not None and info.role == "support" and info.deployed
        assert kind not in SERVICE_LIKE and kind not in DATASTORE and kind not in FRONT_DOOR


def test_views_behave_as_sets() -> None:
    assert "service" in SERVICE_LIKE and "database" not in SERVICE_LIKE and 3 not in SERVICE_LIKE
    union = SERVICE_LIKE | {"external"}
    assert union == SPEC_SERVICE_LIKE | {"external"} and "external" not in SERVICE_LIKE
    assert len(catalog.ROUTING) == 2 and sorted(catalog.ROUTING) == sorted(SPEC_ROUTING)
    with pytest.raises(TypeError, match="read-only"):
        SERVICE_LIKE.add("database")
    view = catalog.SERVICE_LIKE
    with pytest.raises(TypeError, match="read-only"):
        view |= {"database"}
    assert "database" not in SERVICE_LIKE


@pytest.fixture
def plugin_kind() -> Iterator[str]:
    info = catalog.KindInfo(
        "edge_function",
        "Edge function",
        "compute",
        False,
        "horizontal",
        "",
        "edge_function.svg",
        source="test plugin",
        role="service",
        layout_rank=1,
    )
    catalog.register_kind(info)
    yield info.kind
    catalog.unregister_kind(info.kind)


def test_a_plugin_kind_takes_part_through_its_role(plugin_kind: str) -> None:
    assert plugin_kind in SERVICE_LIKE and plugin_kind in DATASTORE_KINDS | SERVICE_LIKE
    assert catalog.layout_rank(plugin_kind) == 1 and catalog.is_deployed(plugin_kind)
    catalog.unregister_kind(plugin_kind)
    assert plugin_kind not in SERVICE_LIKE


def test_unknown_kinds_have_neutral_roles() -> None:
    assert catalog.role_of("quantum_bus") == "other"
    assert catalog.layout_rank("quantum_bus") == catalog.DEFAULT_LAYOUT_RANK
    assert catalog.is_deployed("quantum_bus")


def test_register_kind_checks_role_and_rank() -> None:
    bad_role = catalog.KindInfo("k1", "K", "compute", False, "none", "", "", role="boss")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown role"):
        catalog.register_kind(bad_role)
    bad_rank = catalog.KindInfo("k2", "K", "compute", False, "none", "", "", layout_rank=12)
    with pytest.raises(ValueError, match="layout_rank"):
        catalog.register_kind(bad_rank)
    assert catalog.kind_info("k1") is None and catalog.kind_info("k2") is None


def test_layout_puts_kinds_in_their_rank_order() -> None:
    d = Design.empty("ranks")
    d.nodes = [
        Node(id="db", kind="database"),
        Node(id="svc", kind="service"),
        Node(id="web", kind="client"),
    ]
    d.links = [Link(id="a", source="web", target="svc"), Link(id="b", source="svc", target="db")]
    xs = {nid: x for nid, (x, _) in layered_layout(d).items()}
    assert xs["web"] < xs["svc"] < xs["db"]
