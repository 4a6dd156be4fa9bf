"""Generates large, realistic-looking layered designs for benchmarks.

Layers, left to right: clients -> load balancers -> services -> caches / databases / queues,
about two links per node, plus random cross-service calls. Positions on a grid (one column
per layer, 240 px apart; 110 px between rows), so the canvas and Graphviz see real geometry.

    python -m benchmarks.gen 10000 -o big.arch.json
"""

from __future__ import annotations

import argparse
import random

from archdesigner.model import Design, Group, Link, Node

COLUMN_GAP = 240.0
ROW_GAP = 110.0


def generate(n_nodes: int, seed: int = 0, links_per_node: float = 2.0) -> Design:
    rng = random.Random(seed)
    n_clients = max(1, n_nodes // 50)
    n_lbs = max(1, n_nodes // 25)
    n_data = max(1, n_nodes // 4)
    n_services = max(1, n_nodes - n_clients - n_lbs - n_data)
    zones = [Group(id=f"zone-{z}", kind="zone", name=f"Zone {z}") for z in range(4)]
    nodes: list[Node] = []
    layers: list[list[str]] = [[], [], [], []]

    def add(layer: int, node: Node) -> None:
        row = len(layers[layer])
        node.position.x = layer * COLUMN_GAP * 2
        node.position.y = row * ROW_GAP
        layers[layer].append(node.id)
        nodes.append(node)

    for i in range(n_clients):
        add(0, Node(id=f"client-{i}", kind="client", load_rps=float(rng.randint(50, 500))))
    for i in range(n_lbs):
        add(1, Node(id=f"lb-{i}", kind="load_balancer", technology="nginx", replicas=2))
    for i in range(n_services):
        add(
            2,
            Node(
                id=f"svc-{i}",
                kind="service",
                replicas=rng.choice([1, 2, 3]),
                capacity_rps=float(rng.choice([200, 500, 1000])),
                team=f"team-{i % 20}",
                group=zones[i % 4].id,
                image=f"registry.example/svc-{i}:1",
            ),
        )
    data_kinds = [("database", "postgres"), ("cache", "redis"), ("queue", "kafka")]
    for i in range(n_data):
        kind, tech = data_kinds[i % 3]
        add(
            3,
            Node(
                id=f"{kind}-{i}",
                kind=kind,
                technology=tech,
                replicas=rng.choice([1, 3]),
                group=zones[i % 4].id,
            ),
        )
    links: list[Link] = []
    target_links = int(len(nodes) * links_per_node)

    def link(src: str, dst: str, **kw: object) -> None:
        links.append(Link(id=f"l{len(links)}", source=src, target=dst, **kw))  # type: ignore[arg-type]

    clients, lbs, services, data = layers
    for c in clients:
        link(c, rng.choice(lbs), protocol="http")
    for i, s in enumerate(services):
        link(lbs[i % len(lbs)], s, protocol="http", timeout_ms=1000.0)
    for i, dnode in enumerate(data):
        src = services[i % len(services)]
        mode = "async" if dnode.startswith("queue") else "sync"
        link(src, dnode, mode=mode)
    while len(links) < target_links:
        a = rng.randrange(len(services))
        b = min(len(services) - 1, a + rng.randint(1, 50))  # mostly forward: few cycles
        if a == b:
            b = rng.randrange(len(services))
        if rng.random() < 0.5:
            link(services[a], services[b], timeout_ms=500.0, retries=rng.choice([0, 1]))
        else:
            link(services[a], rng.choice(data))
    return Design(
        format="archdesigner.design",
        version=1,
        name=f"Generated {n_nodes}",
        nodes=nodes,
        links=links,
        groups=zones,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("nodes", type=int)
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from archdesigner.io import save_design

    save_design(generate(args.nodes, args.seed), args.output)


if __name__ == "__main__":
    main()
