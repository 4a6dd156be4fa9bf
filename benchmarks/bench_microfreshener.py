"""Whole-process ``archdesigner lint`` against MicroFreshener 1.5.0 on the same graph.

    .venv/bin/python -m benchmarks.bench_microfreshener                # 10k and 50k nodes
    .venv/bin/python -m benchmarks.bench_microfreshener 10000 --repeat 5 [--teams] [--yaml]

MicroFreshener (microfreshener-core on PyPI) finds architectural smells in a MicroTOSCA
model. The benchmark installs it into a virtual environment of its own (``--venv``, default
``~/.cache/archdesigner-bench/microfreshener``; with ``six`` and ``click``, which it uses
without declaring them), converts each generated design (benchmarks/gen.py) to MicroTOSCA
and runs both whole processes alternately, each under ``/usr/bin/time -v``:

* ``archdesigner lint FILE.arch.json --fail-on never -o OUT`` (every built-in and installed
  rule, default text output);
* MicroFreshener's ``analyse`` with all its sniffers, fed its JSON form of MicroTOSCA (the
  fastest way in: its ``analyse`` command reads YAML with ruamel's round-trip parser, which
  takes most of its time; ``--yaml`` runs that command instead), output to a file.

The conversion: clients are not MicroTOSCA nodes, so the nodes they call form the Edge
group; load balancers and gateways (routing kinds) are message routers, queues message
brokers, datastores datastores, everything else a service; each link is an interaction
(with a timeout when it has one). Teams become Team groups only with ``--teams``: its team
sniffers grow fast with team size (4 s at 2,000 nodes instead of 0.2 s). It prints the
medians of wall time, CPU time and peak resident memory, and the ratios.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from archdesigner.io import save_design
from archdesigner.model import Design
from archdesigner.model.catalog import kind_info
from benchmarks.common import Run, byte_compile, median_run, run_process
from benchmarks.gen import generate

VERSION = "1.5.0"
EXE = str(Path(sys.executable).with_name("archdesigner"))
DEFAULT_VENV = Path.home() / ".cache" / "archdesigner-bench" / "microfreshener"


def microtosca_type(kind: str) -> str | None:
    """The MicroTOSCA node type of a kind (None for clients: they form the Edge group)."""
    info = kind_info(kind)
    if kind == "client" or (info is not None and info.role == "client"):
        return None
    if kind == "queue":
        return "micro.nodes.MessageBroker"
    if info is not None and info.routing:
        return "micro.nodes.MessageRouter"
    if info is not None and info.role == "datastore":
        return "micro.nodes.Datastore"
    return "micro.nodes.Service"


def to_microtosca(design: Design) -> str:
    """The design as MicroTOSCA YAML (what ``microfreshener analyse`` reads)."""
    types = {n.id: microtosca_type(n.kind) for n in design.nodes}
    calls: dict[str, list[tuple[str, bool]]] = {nid: [] for nid in types}
    edge: list[str] = []
    for link in design.links:
        if types.get(link.target) is None:
            continue
        if types.get(link.source) is None:
            edge.append(link.target)
        else:
            calls[link.source].append((link.target, link.timeout_ms is not None))
    q = json.dumps  # a JSON string is a valid YAML scalar, whatever the id holds
    out = [
        "tosca_definitions_version: micro_tosca_yaml_1.1",
        f"description: {q(design.name or 'design')}",
        "imports:",
        "  - micro: https://di-unipi-socc.github.io/microTOSCA/1.1/microTOSCA.yaml",
        "topology_template:",
        "  node_templates:",
    ]
    for nid, typ in types.items():
        if typ is None:
            continue
        out += [f"    {q(nid)}:", f"      type: {typ}"]
        if calls[nid]:
            out.append("      requirements:")
            for target, timeout in calls[nid]:
                if timeout:
                    out.append(f"        - interaction: {{node: {q(target)}, relationship: t}}")
                else:
                    out.append(f"        - interaction: {q(target)}")
    out += [
        "  relationship_templates:",
        "    t:",
        "      type: micro.relationships.InteractsWith",
        "      properties:",
        "        timeout: true",
        "  groups:",
        "    edgenodes:",
        "      type: micro.groups.Edge",
        f"      members: [{', '.join(q(m) for m in dict.fromkeys(edge))}]",
    ]
    teams: dict[str, list[str]] = {}
    for node in design.nodes:
        if node.team and types[node.id] is not None:
            teams.setdefault(node.team, []).append(node.id)
    for team, members in teams.items():
        out += [
            f"    {q(team)}:",
            "      type: micro.groups.Team",
            f"      members: [{', '.join(q(m) for m in members)}]",
        ]
    return "\n".join(out) + "\n"


def to_microtosca_json(design: Design) -> dict[str, object]:
    """The design in MicroFreshener's JSON form of MicroTOSCA (read by its JSONImporter)."""
    names = {
        "micro.nodes.Service": "service",
        "micro.nodes.Datastore": "datastore",
        "micro.nodes.MessageBroker": "messagebroker",
        "micro.nodes.MessageRouter": "messagerouter",
    }
    types = {n.id: microtosca_type(n.kind) for n in design.nodes}
    nodes = [{"name": nid, "type": names[t]} for nid, t in types.items() if t is not None]
    links: list[dict[str, object]] = []
    edge: list[str] = []
    for link in design.links:
        if types.get(link.target) is None:
            continue
        if types.get(link.source) is None:
            edge.append(link.target)
            continue
        links.append(
            {
                "type": "interaction",
                "source": link.source,
                "target": link.target,
                "timeout": link.timeout_ms is not None,
            }
        )
    groups: list[dict[str, object]] = [
        {"name": "edgenodes", "type": "edgegroup", "members": list(dict.fromkeys(edge))}
    ]
    teams: dict[str, list[str]] = {}
    for node in design.nodes:
        if node.team and types[node.id] is not None:
            teams.setdefault(node.team, []).append(node.id)
    groups += [{"name": t, "type": "squadgroup", "members": m} for t, m in teams.items()]
    return {"name": design.name or "design", "nodes": nodes, "links": links, "groups": groups}


#: MicroFreshener's ``analyse`` command, reading JSON instead of YAML (its YAML reader,
#: ruamel's round-trip parser, takes most of its time: 4-9 s at 2,000 nodes here).
ANALYSE_JSON = (
    "import sys\n"
    "from microfreshener.core.importer import JSONImporter\n"
    "from microfreshener.core.analyser import MicroToscaAnalyserBuilder\n"
    "model = JSONImporter().Import(sys.argv[1])\n"
    "print(MicroToscaAnalyserBuilder(model).add_all_sniffers().build().run())\n"
)


def ensure_microfreshener(venv: Path) -> Path:
    """``microfreshener`` of version VERSION in ``venv``, installed there if missing."""
    exe = venv / "bin" / "microfreshener"
    if exe.exists():
        return exe
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, f"microfreshener-core=={VERSION}", "six", "click"], check=True)
    return exe


def line(label: str, run: Run) -> str:
    return f"{label:<34} wall {run.wall:7.2f} s   cpu {run.cpu:7.2f} s   peak {run.peak_mb:7.0f} MB"


def compare(n: int, venv: Path, args: argparse.Namespace, tmp: Path) -> None:
    design = generate(n, seed=1)
    arch = tmp / f"g{n}.arch.json"
    save_design(design, arch)
    if not args.teams:  # MicroFreshener's team sniffers are slow: compare without them
        design = design.model_copy(deep=True)
        for node in design.nodes:
            node.team = None
    if args.yaml:
        source = tmp / f"g{n}.yml"
        source.write_text(to_microtosca(design), encoding="utf-8")
        theirs_cmd = [str(venv / "bin" / "microfreshener"), "analyse", str(source)]
    else:
        source = tmp / f"g{n}.json"
        source.write_text(json.dumps(to_microtosca_json(design)), encoding="utf-8")
        script = tmp / "analyse.py"
        script.write_text(ANALYSE_JSON, encoding="utf-8")
        theirs_cmd = [str(venv / "bin" / "python"), str(script), str(source)]
    out = str(tmp / "ours.txt")
    ours_cmd = [EXE, "lint", str(arch), "--fail-on", "never", "-o", out]
    ours: list[Run] = []
    theirs: list[Run] = []
    # MicroFreshener makes ./log on its first run and then fails (os.chmod(dirname, "0777")
    # with a string): with the folder there, every run is a whole analysis
    (tmp / "log").mkdir(exist_ok=True)
    for _ in range(args.repeat):  # alternately, so that a busy moment hits both
        ours.append(run_process(ours_cmd))
        # in the temporary folder: it writes a log/ folder where it runs
        theirs.append(run_process(theirs_cmd, stdout=str(tmp / "theirs.txt"), cwd=str(tmp)))
    failed = [run for run in ours + theirs if run.returncode != 0]
    if failed:  # a failed run is no time to take a median of
        raise SystemExit(f"a run failed: {failed[0]}")
    a, b = median_run(ours), median_run(theirs)
    how = ("YAML, analyse command" if args.yaml else "JSON") + (", teams" if args.teams else "")
    print(f"# {n} nodes, {len(design.links)} links (medians of {args.repeat}, alternating)")
    print(line("archdesigner lint (whole process)", a))
    print(line(f"microfreshener {VERSION} ({how})", b))
    verdict = "faster" if a.wall < b.wall else "SLOWER"
    print(
        f"{'':34} archdesigner / microfreshener: wall {a.wall / b.wall:.2f}, "
        f"cpu {a.cpu / b.cpu:.2f} ({verdict})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 50_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    parser.add_argument("--teams", action="store_true", help="give MicroFreshener the teams")
    parser.add_argument("--yaml", action="store_true", help="its analyse command on YAML")
    args = parser.parse_args()
    ensure_microfreshener(args.venv)
    byte_compile("archdesigner", "archdesigner_security")  # as pip compiled MicroFreshener
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            compare(n, args.venv, args, Path(tmp))


if __name__ == "__main__":
    main()
