"""The headless link router: routes avoid the cards they do not connect, parallel links
are fanned, moving a card reroutes only what it touches."""

from __future__ import annotations

import itertools
import random

from archdesigner.routing import (
    Box,
    Point,
    Router,
    curves,
    flatten,
    label_point,
    route_links,
    segment_hits_rect,
)

W, H = 180.0, 64.0


def rect(box: Box) -> tuple[float, float, float, float]:
    x, y, w, h = box
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def crossings(
    boxes: dict[str, Box], links: list[tuple[str, str, str]], routes: dict[str, list[Point]]
) -> list[str]:
    """Links whose route enters a card other than its two ends."""
    bad = []
    for lid, source, target in links:
        pts = routes[lid]
        for nid, box in boxes.items():
            if nid in (source, target):
                continue
            if any(segment_hits_rect(a, b, rect(box)) for a, b in itertools.pairwise(pts)):
                bad.append(f"{lid} ({source}->{target}) crosses {nid}")
    return bad


def layered(n: int, seed: int = 3) -> tuple[dict[str, Box], list[tuple[str, str, str]]]:
    """Columns of cards with links between neighbouring columns and inside a column."""
    rng = random.Random(seed)
    boxes = {f"n{i}": ((i % 5) * 420.0, (i // 5) * 110.0, W, H) for i in range(n)}
    ids = list(boxes)
    links = []
    for k in range(2 * n):
        a = rng.randrange(n)
        b = min(n - 1, a + rng.choice([1, 4, 5, 6, 10, 15, 25]))
        if a != b:
            links.append((f"l{k}", ids[a], ids[b]))
    return boxes, links


def test_a_link_goes_around_the_card_between_its_ends() -> None:
    boxes = {"a": (0.0, 0.0, W, H), "c": (300.0, 0.0, W, H), "b": (600.0, 0.0, W, H)}
    links = [("l1", "a", "b")]
    routes = route_links(boxes, links)
    assert crossings(boxes, links, routes) == []
    pts = routes["l1"]
    assert len(pts) >= 4  # it bends around c
    # orthogonal, starting and ending on the borders of its own cards
    assert all(p[0] == q[0] or p[1] == q[1] for p, q in itertools.pairwise(pts))
    assert pts[0] in ((90.0, 0.0), (0.0, -32.0), (0.0, 32.0), (-90.0, 0.0))
    assert pts[-1] in ((510.0, 0.0), (600.0, -32.0), (600.0, 32.0), (690.0, 0.0))


def test_no_route_crosses_a_card_it_does_not_connect() -> None:
    boxes, links = layered(120)
    routes = route_links(boxes, links)
    assert set(routes) == {lid for lid, _, _ in links}
    assert all(len(r) >= 2 for r in routes.values())
    assert crossings(boxes, links, routes) == []


def test_drawn_curves_stay_off_the_cards_too() -> None:
    boxes, links = layered(60)
    router = Router(boxes, links)
    routes = router.route()
    for style in ("orthogonal", "spline"):
        drawn = {lid: flatten(router.drawn(lid, style)) for lid in routes}
        assert crossings(boxes, links, drawn) == []
    # the small corners need no check: they stay inside the clearance
    drawn = {lid: flatten(curves(pts)) for lid, pts in routes.items()}
    assert crossings(boxes, links, drawn) == []


def _shared_length(p: list[Point], q: list[Point]) -> float:
    """How long two polylines run on top of each other."""
    total = 0.0
    for a, b in itertools.pairwise(p):
        for c, d in itertools.pairwise(q):
            if a[0] == b[0] == c[0] == d[0]:
                lo = max(min(a[1], b[1]), min(c[1], d[1]))
                hi = min(max(a[1], b[1]), max(c[1], d[1]))
                total += max(0.0, hi - lo)
            elif a[1] == b[1] == c[1] == d[1]:
                lo = max(min(a[0], b[0]), min(c[0], d[0]))
                hi = min(max(a[0], b[0]), max(c[0], d[0]))
                total += max(0.0, hi - lo)
    return total


def test_parallel_links_are_fanned_not_stacked() -> None:
    boxes = {"a": (0.0, 0.0, W, H), "b": (500.0, 200.0, W, H), "c": (250.0, 100.0, W, H)}
    links = [("l1", "a", "b"), ("l2", "b", "a"), ("l3", "a", "b")]
    routes = route_links(boxes, links)
    assert crossings(boxes, links, routes) == []
    for (x, p), (y, q) in itertools.combinations(routes.items(), 2):
        assert _shared_length(p, q) == 0.0, (x, y, p, q)
    # each keeps its direction
    assert abs(routes["l2"][0][0] - 500.0) < abs(routes["l2"][-1][0] - 500.0)


def test_moving_a_card_reroutes_only_what_it_touches() -> None:
    boxes = {"a": (0.0, 0.0, W, H), "b": (600.0, 0.0, W, H), "x": (0.0, 400.0, W, H)}
    boxes["y"] = (600.0, 400.0, W, H)
    router = Router(boxes, [("ab", "a", "b"), ("xy", "x", "y")])
    router.route()
    assert len(router.routes["ab"]) == 2  # straight
    dirty = router.move("c", (300.0, 0.0, W, H))  # a new card on the a-b route
    assert dirty == {"ab"}
    new = router.route(dirty)
    assert set(new) == {"ab"}
    boxes["c"] = (300.0, 0.0, W, H)
    assert crossings(boxes, [("ab", "a", "b")], new) == []
    assert router.move("x", (0.0, 500.0, W, H)) == {"xy"}
    # the card leaves: the route around it is straightened
    assert router.move("c", None) == {"ab"}
    assert len(router.route({"ab"})["ab"]) == 2


def test_a_link_to_its_own_card_loops_outside_it() -> None:
    boxes = {"a": (0.0, 0.0, W, H), "b": (0.0, -200.0, W, H)}
    routes = route_links(boxes, [("l", "a", "a")])
    pts = routes["l"]
    assert len(pts) >= 3
    inner = (-W / 2 + 1, -H / 2 + 1, W / 2 - 1, H / 2 - 1)
    assert not any(segment_hits_rect(p, q, inner) for p, q in itertools.pairwise(pts))


def test_overlapping_cards_get_no_route_and_labels_sit_on_a_long_leg() -> None:
    boxes = {"a": (0.0, 0.0, W, H), "b": (50.0, 10.0, W, H)}
    assert route_links(boxes, [("l", "a", "b")]) == {"l": []}
    assert label_point([(0.0, 0.0), (100.0, 0.0), (100.0, 10.0)]) == (50.0, 0.0)
