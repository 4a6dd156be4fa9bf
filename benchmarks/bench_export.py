"""Export speed on generated layered designs (benchmarks/gen.py): medians per size.

    .venv/bin/python -m benchmarks.bench_export              # 1k and 10k nodes
    .venv/bin/python -m benchmarks.bench_export 5000         # one size
    .venv/bin/python -m benchmarks.bench_export --graphviz   # also time the Graphviz programs

Targets: a 10,000-node design exports to compose in under 2 s and to DOT in under 1 s
(archdesigner's own work; Graphviz's layout and drawing time is measured separately, once
per command, with --graphviz).
"""

from __future__ import annotations

import subprocess
import sys
import time

from archdesigner.export.compose import ComposeExporter
from archdesigner.export.graphviz import DotExporter, build_dot, find_program
from archdesigner.export.mermaid import MermaidExporter
from benchmarks.common import median_seconds, report
from benchmarks.gen import generate


def graphviz_once(text: str, program: str, *args: str, timeout: float = 300) -> str:
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [find_program(program), *args, "-Tsvg"],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"over {timeout:g} s"
    took = time.perf_counter() - start
    return f"{took:.2f} s" + ("" if proc.returncode == 0 else f" (exit {proc.returncode})")


def main(sizes: list[int], graphviz: bool) -> None:
    for n in sizes:
        design = generate(n, seed=1)
        print(f"# {n} nodes, {len(design.links)} links, {len(design.groups)} groups")
        big = n >= 10_000
        t = median_seconds(lambda d=design: ComposeExporter().export(d), repeat=5)
        report(f"compose {n} nodes", t, 2.0 if big else None)
        t = median_seconds(lambda d=design: DotExporter().export(d), repeat=5)
        report(f"dot (keep layout) {n} nodes", t, 1.0 if big else None)
        t = median_seconds(lambda d=design: DotExporter().export(d, layout="auto"), repeat=5)
        report(f"dot (auto layout) {n} nodes", t)
        t = median_seconds(lambda d=design: MermaidExporter().export(d), repeat=5)
        report(f"mermaid {n} nodes", t)
        if graphviz:
            keep = build_dot(design, icons="svg").text
            took = graphviz_once(keep, "neato", "-n2")
            print(f"{'':4}graphviz neato -n2 -Tsvg (keep layout): {took}")
            auto = build_dot(design, layout="auto", icons="svg")
            took = graphviz_once(auto.text, auto.engine, *auto.engine_args)
            print(f"{'':4}graphviz {auto.command} -Tsvg (auto layout): {took}")


if __name__ == "__main__":
    args = sys.argv[1:]
    with_graphviz = "--graphviz" in args
    sizes = [int(a) for a in args if a != "--graphviz"]
    main(sizes or [1_000, 10_000], with_graphviz)
