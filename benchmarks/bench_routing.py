"""Link routing and the routed Graphviz export (issue 15 targets), medians per size.

    .venv/bin/python -m benchmarks.bench_routing             # everything below
    .venv/bin/python -m benchmarks.bench_routing --no-diagrams

1. Routing every link of a generated design (benchmarks/gen.py, canvas card sizes):
   500 nodes < 2 s, 2,000 nodes < 10 s.
2. ``export -o x.png`` with kept positions (routes given to ``neato -n2``; cairo's picture
   comes uncompressed from Graphviz's gdk plugin, ``-Tbmp:cairo:gdk``, and is encoded as PNG
   here by archdesigner/export/png_encode.py; without the plugin Graphviz's own ``-Tpng``,
   about twice as slow, is what is timed, and the run says so): 300 nodes beside
   mingrammer/diagrams on the same design (its own ``dot`` layout, its icons, clusters for
   the zones), both timed here in one run, wall and CPU (user + system of the process and its
   children: on a loaded machine the wall time is mostly waiting); ours must take under a
   third of its time. The picture sizes are printed: the generated design is one tall column
   per layer, so both pictures are about 30,000 px tall. diagrams is installed into a
   separate virtual environment the first time (``benchmarks/.venv-diagrams``, needs the
   package index); 1,000 nodes < 10 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

from archdesigner.export import graphviz
from archdesigner.export.graphviz import PngExporter
from archdesigner.geometry import NODE_H, NODE_W
from archdesigner.layout import layered_layout
from archdesigner.model.design import Design, Position
from archdesigner.routing import Router
from benchmarks.common import median_seconds, report
from benchmarks.gen import generate

DIAGRAMS_VENV = Path(__file__).parent / ".venv-diagrams"

#: our kinds drawn with diagrams' on-premises icons
DIAGRAMS_SCRIPT = r"""
import json, sys
from diagrams import Cluster, Diagram, Edge
from diagrams.onprem.client import Client
from diagrams.onprem.compute import Server
from diagrams.onprem.database import PostgreSQL
from diagrams.onprem.inmemory import Redis
from diagrams.onprem.network import Nginx
from diagrams.onprem.queue import Kafka

KINDS = {"client": Client, "load_balancer": Nginx, "service": Server, "database": PostgreSQL,
         "cache": Redis, "queue": Kafka}
spec = json.load(open(sys.argv[1]))
made = {}
with Diagram(spec["name"], filename=sys.argv[2], outformat="png", show=False,
             direction="LR"):
    groups = {}
    for gid, label in spec["groups"].items():
        with Cluster(label) as c:
            groups[gid] = c
    for node in spec["nodes"]:
        kind = KINDS.get(node["kind"], Server)
        if node["group"]:
            with groups[node["group"]]:
                made[node["id"]] = kind(node["label"])
        else:
            made[node["id"]] = kind(node["label"])
    for src, dst, label in spec["links"]:
        made[src] >> Edge(label=label) >> made[dst]
"""


def routing_seconds(design: Design) -> float:
    boxes = {n.id: (n.position.x, n.position.y, NODE_W, NODE_H) for n in design.nodes}
    links = [(lk.id, lk.source, lk.target) for lk in design.links]
    return median_seconds(lambda: Router(boxes, links).route(), repeat=3, warmup=0)


def cpu_now() -> float:
    """CPU seconds (user + system) of this process and of its finished children (Graphviz,
    diagrams' Python and dot): on a loaded machine wall time is mostly waiting."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def ours_png(design: Design, cpu: list[float] | None = None) -> float:
    """Wall seconds of ``export -o x.png`` (default options); its CPU seconds go to ``cpu``."""
    start, used = time.perf_counter(), cpu_now()
    data = PngExporter().export(design).data
    took = time.perf_counter() - start
    if cpu is not None:
        cpu.append(cpu_now() - used)
    assert isinstance(data, bytes) and data.startswith(b"\x89PNG")
    width, height = struct.unpack(">II", data[16:24])
    print(f"{'':4}{width} x {height} px", flush=True)
    return took


def diagrams_python() -> Path:
    python = DIAGRAMS_VENV / "bin" / "python"
    if not python.exists():
        print(f"installing mingrammer/diagrams into {DIAGRAMS_VENV} ...", flush=True)
        venv.create(DIAGRAMS_VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "diagrams"], check=True)
    return python


def diagrams_png(
    design: Design, python: Path, workdir: Path, cpu: list[float] | None = None
) -> float:
    spec = {
        "name": design.name,
        "groups": {g.id: g.label for g in design.groups},
        "nodes": [
            {"id": n.id, "kind": n.kind, "label": n.label, "group": n.group} for n in design.nodes
        ],
        "links": [[lk.source, lk.target, lk.label or lk.protocol] for lk in design.links],
    }
    (workdir / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    (workdir / "draw.py").write_text(DIAGRAMS_SCRIPT, encoding="utf-8")
    start, used = time.perf_counter(), cpu_now()
    subprocess.run(
        [str(python), "draw.py", "spec.json", "diagram"], cwd=workdir, check=True, timeout=900
    )
    took = time.perf_counter() - start
    if cpu is not None:
        cpu.append(cpu_now() - used)
    head = (workdir / "diagram.png").read_bytes()[:24]
    width, height = struct.unpack(">II", head[16:24])
    print(f"{'':4}{width} x {height} px (cairo's limit is 32,767)", flush=True)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-diagrams", action="store_true", help="skip mingrammer/diagrams")
    args = parser.parse_args()
    for n, target in ((500, 2.0), (2000, 10.0)):
        design = generate(n, seed=1)
        report(f"route {n} nodes, {len(design.links)} links", routing_seconds(design), target)
    design = generate(300, seed=1)
    our_cpu: list[float] = []
    ours = median_seconds(lambda: ours_png(design, our_cpu), repeat=3, warmup=0)
    report("export png 300 nodes, kept positions", ours)
    if graphviz.find_program("neato") in graphviz._NO_RAW_DEVICE:
        print(f"{'':4}(encoded by Graphviz's -Tpng: it lacks {graphviz.RAW_DEVICE})")
    report(f"{'':4}CPU (median of {len(our_cpu)})", statistics.median(our_cpu))
    if not args.no_diagrams:
        python = diagrams_python()
        their_cpu: list[float] = []
        runs = []
        for _ in range(3):
            with tempfile.TemporaryDirectory() as tmp:
                runs.append(diagrams_png(design, python, Path(tmp), their_cpu))
        theirs = statistics.median(runs)
        report("mingrammer/diagrams png 300 nodes (same design)", theirs)
        report(f"{'':4}CPU (median of {len(their_cpu)})", statistics.median(their_cpu))
        for what, a, b in (
            ("wall", ours, theirs),
            ("CPU", statistics.median(our_cpu), statistics.median(their_cpu)),
        ):
            verdict = "ok" if a < b / 3 else "MISSED"
            print(f"{'':4}ours / diagrams ({what}) = {a / b:.2f} (target < 0.33: {verdict})")
    # the generated design is one column per layer (207 services in one: 22,660 units
    # tall); the same design as auto-layout leaves it, for comparison (no target)
    layered = layered_layout(design)
    laid = design.model_copy(deep=True)
    for node in laid.nodes:
        x, y = layered[node.id]
        node.position = Position(x=x, y=y)
    auto_cpu: list[float] = []
    report(
        "export png 300 nodes, auto-layout positions",
        median_seconds(lambda: ours_png(laid, auto_cpu), repeat=3, warmup=0),
    )
    report(f"{'':4}CPU (median of {len(auto_cpu)})", statistics.median(auto_cpu))
    design = generate(1000, seed=1)
    report("export png 1000 nodes, kept positions", ours_png(design), 10.0)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
