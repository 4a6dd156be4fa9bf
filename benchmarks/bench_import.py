"""Import and layout speed: prints medians.

    .venv/bin/python benchmarks/bench_import.py [--runs 5]

Generates compose files of 200 and 1,000 services wired the way real systems are (depends_on,
environment URLs and hosts, service/datastore naming pairs, networks, anchors) and times
``archdesigner import``'s work (read, merge, infer, lay out) in-process and as a whole command
(Python start-up included), then times the layout alone on designs of 1,000 and 10,000 nodes.
Target: 200 services under 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archdesigner.importers import ComposeImporter
from archdesigner.layout import layered_layout
from archdesigner.model.design import Design, Group, Link, Node

STORES = [("db", "postgres:16"), ("cache", "redis:7"), ("mongo", "mongo:7")]


def compose_text(services: int, seed: int = 7) -> str:
    """A compose file of about ``services`` services: gateways, apps with their own
    datastores, shared brokers, all wired through depends_on and environment values."""
    rng = random.Random(seed)
    lines = [
        "x-app: &app",
        "  restart: unless-stopped",
        "  environment: &env",
        "    LOG_LEVEL: info",
        "    RABBIT_URL: amqp://rabbitmq:5672",
        "services:",
        "  rabbitmq:",
        "    image: rabbitmq:3-management",
        "    networks: [backend]",
        "  kafka:",
        "    image: apache/kafka:3.8",
        "    networks: [backend]",
        "  gateway:",
        "    image: envoyproxy/envoy:v1.31-latest",
        "    ports: ['80:10000']",
        "    networks: [frontend, backend]",
    ]
    apps: list[str] = []
    count = 3
    i = 0
    while count + 2 <= services:
        app = f"svc{i:04d}"
        store_suffix, store_image = STORES[i % len(STORES)]
        store = f"{app}-{store_suffix}"
        deps = rng.sample(apps, k=min(len(apps), rng.randint(0, 2)))
        lines += [
            f"  {app}:",
            "    <<: *app",
            f"    image: ghcr.io/acme/{app}:${{TAG:-1.0}}",
            "    deploy:",
            f"      replicas: {rng.randint(1, 4)}",
            "    ports: ['8080']",
            "    environment:",
            "      <<: *env",
            f"      STORE_HOST: {store}",
        ]
        for j, dep in enumerate(deps):
            lines.append(f"      UPSTREAM_{j}_URL: http://{dep}:8080/api")
        lines.append(f"    networks: [{'backend' if i % 3 else 'frontend'}]")
        if i % 5 == 0:
            lines += ["    depends_on:", "      - kafka"]
        lines += [f"  {store}:", f"    image: {store_image}", "    networks: [backend]"]
        apps.append(app)
        count += 2
        i += 1
    if count < services:
        lines += ["  mailer:", "    image: mailhog/mailhog", "    networks: [backend]"]
    lines += ["networks:", "  frontend:", "  backend:"]
    return "\n".join(lines) + "\n"


def layered_design(n: int, seed: int = 3) -> Design:
    rng = random.Random(seed)
    design = Design.empty("bench")
    design.groups = [Group(id=f"net{i}", kind="network") for i in range(8)]
    kinds = ["client", "load_balancer", "service", "service", "service", "cache", "database"]
    design.nodes = [
        Node(id=f"n{i}", kind=kinds[i * len(kinds) // n], group=f"net{rng.randrange(8)}")
        for i in range(n)
    ]
    links = []
    for i in range(n):
        for _ in range(2):
            j = rng.randrange(n)
            if j > i:
                links.append(Link(id=f"l{len(links)}", source=f"n{i}", target=f"n{j}"))
    design.links = links
    return design


def median_time(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    importer = ComposeImporter()
    with tempfile.TemporaryDirectory() as tmp:
        for size in (200, 1000):
            path = Path(tmp) / f"compose-{size}.yaml"
            path.write_text(compose_text(size), encoding="utf-8")
            result = importer.import_files([path], env={})
            design = result.design
            inferred = sum(1 for link in design.links if link.properties.get("inferred"))
            t = median_time(lambda p=path: importer.import_files([p], env={}), args.runs)
            print(
                f"import {len(design.nodes):>5} services ({len(design.links)} links, "
                f"{inferred} inferred): median {t * 1000:7.1f} ms over {args.runs} runs"
            )
        path = Path(tmp) / "compose-200.yaml"
        command = [sys.executable, "-m", "archdesigner", "import", "-q", str(path)]
        t = median_time(
            lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL), args.runs
        )
        print(f"archdesigner import (200 services, whole command): median {t * 1000:7.1f} ms")
    for size in (1000, 10000):
        design = layered_design(size)
        t = median_time(lambda d=design: layered_layout(d), args.runs)
        print(
            f"layout {size:>5} nodes ({len(design.links)} links): "
            f"median {t * 1000:7.1f} ms over {args.runs} runs"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
