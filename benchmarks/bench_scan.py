"""Source scanning speed: prints medians.

    .venv/bin/python benchmarks/bench_scan.py [--files 10000] [--services 60] [--runs 5]

Generates a source tree of ``--files`` files (Java, Python, Go, JSON, YAML, properties,
nginx configs of 1-8 KB, about one in eight naming another service as a URL, a ``host:port`` or a
config value; the rest ordinary code), spread over folders named like the services, and times
:func:`archdesigner.importers.scanning.scan_sources` over it (walk, read, one compiled pattern
per file, classification). Target: 10,000 files under 5 s. Prints wall and CPU medians (the CPU
time is what the scan costs on a busy machine).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from archdesigner.importers.scanning import folders_named_like, scan_sources

FILLER = (
    "    public Order find(long id) { return repository.findById(id).orElseThrow(); }\n"
    "def handle(event):\n    total = sum(item.price * item.qty for item in event.items)\n"
    '    "timeout": 30, "retries": 3, "level": "info",\n'
    "logging.level.org.springframework=INFO\n"
    "func (s *Server) Get(ctx context.Context, r *pb.Request) (*pb.Reply, error) {\n"
)
WIRING = (
    '    private String url = "http://{name}:8080/api/items";\n',
    "  host: {name}\n",
    "    proxy_pass http://{name}:80;\n",
    '  "Endpoint": "{name}:5000",\n',
    "{key}.url=http://{name}:9000\n",
)
SUFFIXES = (".java", ".py", ".go", ".json", ".yml", ".properties", ".conf", ".ts")


def make_tree(root: Path, files: int, services: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    names = [f"svc{i:03d}-service" for i in range(services)]
    for n in range(files):
        owner = names[n % services]
        folder = root / f"src/{owner}/pkg{n % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        lines = [rng.choice(FILLER.splitlines(keepends=True)) for _ in range(rng.randint(20, 120))]
        if rng.random() < 0.125:
            target = rng.choice(names)
            text = rng.choice(WIRING).format(name=target, key=target.replace("-", "."))
            lines.insert(rng.randrange(len(lines)), text)
        (folder / f"f{n}{rng.choice(SUFFIXES)}").write_text("".join(lines))
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--services", type=int, default=60)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        names = make_tree(root, args.files, args.services)
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        times: list[float] = []
        cpu: list[float] = []
        links = 0
        for _ in range(args.runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            owners = folders_named_like(root, names)
            result = scan_sources(owners, {n: n for n in names}, root)
            times.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
            links = len(result.links)
        print(
            f"scan of {result.files:,} files ({size / 1e6:.1f} MB, {args.services} services): "
            f"median {statistics.median(times):.2f} s over {args.runs} runs "
            f"(min {min(times):.2f}, max {max(times):.2f}), CPU median "
            f"{statistics.median(cpu):.2f} s; {links:,} links with evidence"
        )


if __name__ == "__main__":
    main()
