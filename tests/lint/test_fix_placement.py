"""Where ``--fix`` puts new components, and that applying many fixes stays exact and linear:
the indexed lists find items by id like a scan would, a pass applied through them gives the
same document as plain lists, and every fix undoes exactly."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from typing import Any

import pytest

from archdesigner.lint import fixing
from archdesigner.lint.fixing import apply_fixes
from archdesigner.model import Design, Group, Link, Node
from archdesigner.model.edits import Edit, IdList, indexed

from .helpers import lint


def generated(n: int, seed: int = 3) -> Design:
    """A layered design with every kind of weakness the node-adding fixes repair: clients
    calling services directly, scaled-out services without a balancer, stateful replicas,
    hot databases, long sync chains; services and datastores in two zones."""
    rng = random.Random(seed)
    zones = [Group(id="zone-a", kind="zone"), Group(id="zone-b", kind="zone")]
    nodes: list[Node] = []
    links: list[Link] = []
    cols: dict[str, list[str]] = {"client": [], "service": [], "database": []}

    def add(kind: str, col: int, **fields: Any) -> str:
        nid = f"{kind}-{len(cols[kind])}"
        y = len(cols[kind]) * 110.0
        nodes.append(Node(id=nid, kind=kind, position={"x": col * 240.0, "y": y}, **fields))
        cols[kind].append(nid)
        return nid

    for _ in range(max(1, n // 10)):
        add("client", 0, load_rps=100.0)
    for i in range(n - n // 10 - n // 5):
        add(
            "service",
            2 + (i % 3),
            replicas=rng.choice([1, 2, 3]),
            stateful=rng.random() < 0.2,
            group=zones[i % 2].id if rng.random() < 0.7 else None,
        )
    for i in range(n // 5):
        add("database", 6, group=zones[i % 2].id)

    def link(src: str, dst: str, **kw: Any) -> None:
        links.append(Link(id=f"l{len(links)}", source=src, target=dst, **kw))

    services = cols["service"]
    for c in cols["client"]:
        link(c, rng.choice(services))
    for i, s in enumerate(services[:-1]):
        link(s, services[i + 1], timeout_ms=500.0)
        if rng.random() < 0.5:
            link(s, rng.choice(cols["database"]), timeout_ms=500.0)
    return Design(format="archdesigner.design", version=1, nodes=nodes, links=links, groups=zones)


def test_id_list_finds_positions_like_a_scan_through_inserts_pops_and_replacements() -> None:
    rng = random.Random(7)
    plain = [Link(id=f"l{i}", source="a", target="b") for i in range(50)]
    fast = IdList(plain)
    fast._MAX_LOG = 16  # rebuild often, and replay long logs in between
    serial = 50
    for _ in range(3000):
        op = rng.random()
        if op < 0.35:
            serial += 1
            i = rng.randrange(-5, len(plain) + 5)
            item = Link(id=f"l{serial}", source="a", target="b")
            plain.insert(i, item)
            fast.insert(i, item)
        elif op < 0.65 and plain:
            i = rng.randrange(-len(plain), len(plain))
            assert plain.pop(i) is fast.pop(i)
        elif op < 0.8 and plain:
            serial += 1
            i = rng.randrange(len(plain))
            item = Link(id=f"l{serial}", source="a", target="b")
            plain[i] = item
            fast[i] = item
        else:
            serial += 1
            item = Link(id=f"l{serial}", source="a", target="b")
            plain.append(item)
            fast.append(item)
        assert list(fast) == plain
        probe = [rng.choice(plain).id for _ in range(3)] if plain else []
        for lid in [*probe, "missing"]:
            want = next((k for k, x in enumerate(plain) if x.id == lid), None)
            assert fast.position(lid) == want
    assert set(fast.ids()) == {x.id for x in plain}


def test_indexed_gives_plain_lists_back() -> None:
    d = generated(40)
    before = d.model_dump()
    with indexed(d):
        assert isinstance(d.links, IdList)
    assert type(d.nodes) is list and type(d.links) is list
    assert d.model_dump() == before


def test_a_fix_pass_through_indexed_lists_gives_the_same_document_as_plain_lists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast = generated(300)
    fast_report, fast_applied = apply_fixes(fast, lint)

    @contextlib.contextmanager
    def plain(design: Design) -> Iterator[Design]:
        yield design

    monkeypatch.setattr(fixing, "indexed", plain)
    slow = generated(300)
    slow_report, slow_applied = apply_fixes(slow, lint)
    assert len(fast_applied) > 100
    assert [(f.rule_id, f.subject) for f in fast_applied] == [
        (f.rule_id, f.subject) for f in slow_applied
    ]
    assert fast.model_dump() == slow.model_dump()
    assert [f.fingerprint for f in fast_report.findings] == [
        f.fingerprint for f in slow_report.findings
    ]


def test_undoing_every_fix_of_a_fix_run_restores_the_document() -> None:
    d = generated(200)
    before = d.model_dump()
    inverses: list[Edit] = []
    _, applied = apply_fixes(d, lint, inverses=inverses)
    assert len(inverses) == len(applied) > 50
    for inverse in reversed(inverses):
        inverse.apply(d)
    assert d.model_dump() == before
