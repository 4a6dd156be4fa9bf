"""Where ``--fix`` puts new components, and that applying many fixes stays exact and linear:
the indexed lists find items by id like a scan would, a pass applied through them gives the
same document as plain lists, and every fix undoes exactly."""

from __future__ import annotations

import contextlib
import itertools
import math
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archdesigner.cli import main
from archdesigner.io import dumps_design, load_design
from archdesigner.lint import fixing
from archdesigner.lint.fixing import apply_fixes
from archdesigner.model import Design, Group, Link, Node
from archdesigner.model.edits import Edit, IdList, indexed

from .helpers import lint, make

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
PATHS = sorted(EXAMPLES.glob("*.arch.json"))

# As the canvas draws them (ui/theme.py): cards centred on the position, group frames the
# bounding box of the members' cards and child frames, padded, with a header on top.
CARD_W, CARD_H, PAD, HEADER = 180.0, 64.0, 24.0, 26.0
Rect = tuple[float, float, float, float]


def frames(d: Design) -> dict[str, Rect]:
    out: dict[str, Rect] = {}

    def frame(gid: str) -> Rect | None:
        if gid in out:
            return out[gid]
        rects = [
            (
                n.position.x - CARD_W / 2,
                n.position.y - CARD_H / 2,
                n.position.x + CARD_W / 2,
                n.position.y + CARD_H / 2,
            )
            for n in d.nodes
            if n.group == gid
        ]
        rects += [r for g in d.groups if g.parent == gid if (r := frame(g.id)) is not None]
        if not rects:
            return None
        box = (
            min(r[0] for r in rects) - PAD,
            min(r[1] for r in rects) - PAD - HEADER,
            max(r[2] for r in rects) + PAD,
            max(r[3] for r in rects) + PAD,
        )
        out[gid] = box
        return box

    for g in d.groups:
        frame(g.id)
    return out


def chain(d: Design, gid: str | None) -> list[str]:
    parent = {g.id: g.parent for g in d.groups}
    out: list[str] = []
    while gid is not None:
        out.append(gid)
        gid = parent[gid]
    return out


def card(n: Node) -> Rect:
    x, y = float(n.position.x), float(n.position.y)
    return (x - CARD_W / 2, y - CARD_H / 2, x + CARD_W / 2, y + CARD_H / 2)


def meets(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def check_layout(d: Design, added: set[str]) -> None:
    """No new card overlaps another card or comes closer than 200 x 90 px to one, and no
    new card lies in the frame of a group it does not belong to."""
    boxes = frames(d)
    by_id = {n.id: n for n in d.nodes}
    assert added <= set(by_id)
    for nid in sorted(added):
        new = by_id[nid]
        for other in d.nodes:
            if other.id == nid:
                continue
            dx = abs(float(other.position.x) - float(new.position.x))
            dy = abs(float(other.position.y) - float(new.position.y))
            assert dx >= 200 or dy >= 90, (nid, other.id)
        own = chain(d, new.group)
        for gid, box in boxes.items():
            if gid not in own:
                assert not meets(card(new), box), (nid, gid)


def run_fix(tmp_path: Path, source: Path) -> tuple[Design, Design]:
    target = tmp_path / source.name
    shutil.copy(source, target)
    main(
        [
            "lint",
            str(target),
            "--fix",
            "--unsafe-fixes",
            "--fail-on",
            "never",
            "-o",
            str(tmp_path / "out.txt"),
        ]
    )
    return load_design(source), load_design(target)


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
    fast_report, fast_applied = apply_fixes(fast, lint, unsafe=True)

    @contextlib.contextmanager
    def plain(design: Design) -> Iterator[Design]:
        yield design

    monkeypatch.setattr(fixing, "indexed", plain)
    slow = generated(300)
    slow_report, slow_applied = apply_fixes(slow, lint, unsafe=True)
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
    _, applied = apply_fixes(d, lint, inverses=inverses, unsafe=True)
    assert len(inverses) == len(applied) > 50
    for inverse in reversed(inverses):
        inverse.apply(d)
    assert d.model_dump() == before


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_fix_puts_new_components_on_free_spots_outside_foreign_frames(
    tmp_path: Path, path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, after = run_fix(tmp_path, path)
    capsys.readouterr()
    added = {n.id for n in after.nodes} - {n.id for n in before.nodes}
    check_layout(after, added)
    for a, b in itertools.combinations(after.nodes, 2):  # and no card covers another
        assert not meets(card(a), card(b)), (a.id, b.id)


def test_the_reported_cases_land_beside_their_nodes_in_the_right_group(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, shop = run_fix(tmp_path, EXAMPLES / "web-shop.arch.json")
    _, media = run_fix(tmp_path, EXAMPLES / "media-streaming.arch.json")
    capsys.readouterr()
    nodes = {n.id: n for n in [*shop.nodes, *media.nodes]}
    # the cart's state cache: next to the cart, inside the app network with it
    cart, state = nodes["cart"], nodes["cart-state"]
    assert state.group == "app"
    assert abs(state.position.x - cart.position.x) + abs(state.position.y - cart.position.y) <= 300
    # the queue between packager and drm-keys (a queue never goes in front of the keys
    # database) sits by the middle of their link
    queue, a, b = nodes["drm-keys-queue"], nodes["packager"], nodes["drm-keys"]
    mid = ((a.position.x + b.position.x) / 2, (a.position.y + b.position.y) / 2)
    assert abs(queue.position.x - mid[0]) + abs(queue.position.y - mid[1]) <= 300
    # each caller's cache (callers outside the database's zone) belongs to no group and
    # sits by the database
    db = nodes["metadata-db"]
    for caller in ("catalog-api", "playback-api", "search-indexer"):
        cache = nodes[f"{caller}-cache"]
        assert cache.group is None
        assert abs(cache.position.x - db.position.x) + abs(cache.position.y - db.position.y) <= 400


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_each_fix_of_an_example_undoes_to_the_exact_document(path: Path) -> None:
    original = dumps_design(load_design(path))
    report = lint(load_design(path))
    fixable = [f for f in report.active if f.fix is not None]
    assert fixable
    for f in fixable:
        design = load_design(path)
        again = lint(design)
        (same,) = [g for g in again.active if g.fingerprint == f.fingerprint]
        assert same.fix is not None
        inverse = same.fix.edit.apply(design)
        assert dumps_design(design) != original
        inverse.apply(design)
        assert dumps_design(design) == original, f.rule_id


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_undoing_a_whole_fix_run_of_an_example_restores_the_file_text(path: Path) -> None:
    design = load_design(path)
    original = dumps_design(design)
    inverses: list[Edit] = []
    apply_fixes(design, lint, inverses=inverses, unsafe=True)
    assert inverses
    for inverse in reversed(inverses):
        inverse.apply(design)
    assert dumps_design(design) == original


def zoned() -> Design:
    """Two zones in a region, an ungrouped network beside them, a crowded middle."""
    groups = [
        Group(id="region", kind="region"),
        Group(id="zone-a", kind="zone", parent="region"),
        Group(id="zone-b", kind="zone", parent="region"),
        Group(id="batch", kind="cluster"),
    ]
    at = {
        "web": ("client", 0, 0, None, {}),
        "a1": ("service", 240, 0, "zone-a", {}),
        "a2": ("service", 480, 0, "zone-a", {"replicas": 3}),
        "a3": ("service", 240, 110, "zone-a", {}),
        "a4": ("service", 480, 110, "zone-a", {}),
        "b1": ("service", 240, 330, "zone-b", {"replicas": 2}),
        "b2": ("service", 480, 330, "zone-b", {"replicas": 2, "stateful": True}),
        "j1": ("worker", 960, 0, "batch", {}),
        "j2": ("service", 960, 110, "batch", {"replicas": 2}),
        "j3": ("service", 1200, 110, "batch", {"replicas": 2}),
    }
    d = make(
        {
            nid: (kind, {"position": {"x": x, "y": y}, "group": grp, **extra})
            for nid, (kind, x, y, grp, extra) in at.items()
        },
        [
            ("web", "a1", {"timeout_ms": 500.0}),
            ("a1", "a2", {"timeout_ms": 500.0}),  # SCL001 inside zone-a
            ("a3", "b1", {"timeout_ms": 500.0}),  # SCL001 across the zones
            ("a4", "j2", {"timeout_ms": 500.0}),  # SCL001 from zone-a into batch
            ("j1", "j3", {"timeout_ms": 500.0}),  # SCL001 inside batch
            ("j2", "j3", {"timeout_ms": 500.0}),
        ],
        groups=groups,
    )
    return d


def test_new_nodes_join_the_innermost_group_both_ends_share() -> None:
    d = zoned()
    before = {n.id for n in d.nodes}
    apply_fixes(d, lint, unsafe=True)
    added = {n.id: n for n in d.nodes if n.id not in before}
    check_layout(d, set(added))
    assert added["a1-lb"].group is None  # web is in no group
    assert added["a2-lb"].group == "zone-a"
    assert added["b1-lb"].group == "region"  # a3 in zone-a, b1 in zone-b
    assert added["j2-lb"].group is None  # zone-a and batch share nothing
    assert added["j3-lb"].group == "batch"  # ONE balancer for both callers of j3
    assert "j3-lb-2" not in added
    assert added["b2-state"].group == "zone-b"
    b2 = next(n for n in d.nodes if n.id == "b2")
    state = added["b2-state"]
    assert abs(state.position.x - b2.position.x) <= 240
    assert abs(state.position.y - b2.position.y) <= 240


def test_two_new_nodes_of_one_run_never_share_a_spot() -> None:
    # ten scaled-out services with a caller each, all on one spot: ten balancers to place
    nodes: dict[str, Any] = {
        f"c{i}": ("service", {"position": {"x": 0, "y": 0}}) for i in range(10)
    }
    for i in range(10):
        nodes[f"api{i}"] = ("service", {"position": {"x": 0, "y": 0}, "replicas": 3})
    d = make(nodes, [(f"c{i}", f"api{i}", {"timeout_ms": 500.0}) for i in range(10)])
    before = {n.id for n in d.nodes}
    report = lint(d)
    edits = [f.fix.edit for f in report.active if f.rule_id == "SCL001" and f.fix]
    assert len(edits) == 10
    for edit in edits:
        edit.apply(d)
    added = {n.id for n in d.nodes} - before
    assert len(added) == 10
    spots = {(n.position.x, n.position.y) for n in d.nodes if n.id in added}
    assert len(spots) == 10
    for a, b in itertools.combinations([n for n in d.nodes if n.id in added], 2):
        assert abs(a.position.x - b.position.x) >= 200 or abs(a.position.y - b.position.y) >= 90


def test_a_generated_design_gets_no_overlapping_new_cards() -> None:
    d = generated(400)
    before = {n.id for n in d.nodes}
    apply_fixes(d, lint, unsafe=True)
    added = {n.id for n in d.nodes} - before
    assert len(added) > 50
    check_layout(d, added)


def test_a_new_node_keeps_out_of_an_empty_groups_stored_frame() -> None:
    # the middle of the link is inside the frame the app keeps for an empty group
    stored = {"canvas": {"x": 200.0, "y": -100.0, "w": 300.0, "h": 200.0}}
    d = make(
        {
            "a": ("service", {"position": {"x": 0, "y": 0}}),
            "b": ("service", {"position": {"x": 700, "y": 0}, "replicas": 2}),
        },
        [("a", "b", {"timeout_ms": 500.0})],
        groups=[Group(id="later", kind="network", properties=stored)],
    )
    report = lint(d, select=["SCL001"])
    (f,) = report.active
    assert f.fix is not None
    f.fix.edit.apply(d)
    lb = next(n for n in d.nodes if n.kind == "load_balancer")
    assert lb.group is None
    assert not meets(card(lb), (200.0, -100.0, 500.0, 100.0))
    assert abs(lb.position.x - 350) <= 400 and abs(lb.position.y) <= 400


@pytest.mark.parametrize("seed", range(20))
def test_random_crowded_designs_keep_the_layout_rules_and_undo_exactly(seed: int) -> None:
    """Cards at random (some overlapping already), groups nested at random: every node a
    fix adds still gets a free spot outside foreign frames, and the run undoes exactly."""
    rng = random.Random(seed)
    groups = [Group(id="r", kind="region")]
    groups += [
        Group(id=f"g{i}", kind="zone", parent=rng.choice([None, "r"]))
        for i in range(rng.randint(0, 4))
    ]
    gids = [None, *(g.id for g in groups)]
    nodes = []
    for i in range(rng.randint(3, 40)):
        kind = rng.choice(["client", "service", "service", "service", "database"])
        extra: dict[str, Any] = {}
        if kind == "service":
            extra = {"replicas": rng.choice([1, 2, 3]), "stateful": rng.random() < 0.3}
        nodes.append(
            Node(
                id=f"n{i}",
                kind=kind,
                group=None if kind == "client" else rng.choice(gids),
                position={"x": rng.randrange(0, 1500, 20), "y": rng.randrange(0, 900, 10)},
                **extra,
            )
        )
    links = []
    for i in range(len(nodes) * 2):
        a, b = rng.sample(nodes, 2)
        if b.kind != "client":
            links.append(Link(id=f"l{i}", source=a.id, target=b.id, timeout_ms=500.0))
    d = Design(format="archdesigner.design", version=1, nodes=nodes, links=links, groups=groups)
    before_ids = {n.id for n in d.nodes}
    before = dumps_design(d)
    inverses: list[Edit] = []
    apply_fixes(d, lint, inverses=inverses, unsafe=True)
    check_layout(d, {n.id for n in d.nodes} - before_ids)
    for inverse in reversed(inverses):
        inverse.apply(d)
    assert dumps_design(d) == before


@pytest.mark.parametrize("seed", range(3))
def test_a_spot_outside_every_group_is_the_nearest_free_one(seed: int) -> None:
    """Checked against every whole-pixel spot of the rows nearer than the one chosen: none
    of them is clear of the cards and out of the frames (rows a frame alone keeps too far
    away are skipped by the search, never a nearer spot)."""
    from archdesigner.lint import placement as pl

    rng = random.Random(seed)
    d = Design.empty()
    d.groups = [Group(id="g1", kind="zone"), Group(id="g2", kind="zone")]
    for i in range(40):
        group = ["g1", "g2", None][i % 3]
        x = rng.choice([0, 240, 480, 960, 1200]) + (600 if group == "g2" else 0)
        where = {"x": x, "y": 110 * (i // 3)}
        d.nodes.append(Node(id=f"n{i}", kind="service", group=group, position=where))
    placer = pl.Placer(d)
    for _ in range(15):
        x0, y0 = rng.randrange(0, 1800), rng.randrange(0, 1400)
        spot = placer._search(x0, y0, None)
        best = math.hypot(spot.x - x0, spot.y - y0)
        if best >= pl.WINDOWS[0]:
            placer.place((x0, y0), None)
            continue
        cards = [(x, y) for found in placer.cells.values() for x, y, _ in found]
        walls = [pl._wall(f) for f in placer.frames.values()]
        rows = int(pl.WINDOWS[0] / pl.STEP_Y)
        for k in range(-rows, rows + 1):
            y = y0 + k * pl.STEP_Y
            for x in range(math.ceil(x0 - best), math.floor(x0 + best) + 1):
                if math.hypot(x - x0, y - y0) >= best - 1e-9:
                    continue
                clear = all(
                    abs(cx - x) >= pl.CLEAR_X or abs(cy - y) >= pl.CLEAR_Y for cx, cy in cards
                )
                top, bottom = y - pl.CARD_H / 2 - pl.MARGIN, y + pl.CARD_H / 2 + pl.MARGIN
                out = all(not (t < bottom and top < b and lo < x < hi) for t, b, lo, hi in walls)
                assert not (clear and out), (x0, y0, x, y, spot)
        assert placer.place((x0, y0), None) == spot
