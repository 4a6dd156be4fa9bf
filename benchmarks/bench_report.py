"""Review report speed on generated layered designs (benchmarks/gen.py): medians per size.

    .venv/bin/python -m benchmarks.bench_report              # 1k and 10k nodes
    .venv/bin/python -m benchmarks.bench_report 10000        # one size

Target: the HTML report of the 10,000-node design is written in under 10 s, lint included
(what ``archdesigner report design.arch.json -o review.html`` does after loading the file).
Above DIAGRAM_MAX_NODES the diagram is the overview picture (docs/report.md). Each step is
also timed on its own, and the CPU time is printed next to the wall time: on a busy machine
the wall time grows while the CPU time does not.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from archdesigner.lint import lint_design
from archdesigner.model import Design
from archdesigner.report import build_review, diagram, write_html
from archdesigner.report.charts import growth_svg
from benchmarks.common import report
from benchmarks.gen import generate


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``repeat`` runs (after one warm-up run)."""
    fn()
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def whole_report(design: Design) -> str:
    review = build_review(design)
    return write_html(review, design)


def main(sizes: list[int], repeat: int = 3) -> None:
    for n in sizes:
        design = generate(n, seed=1)
        print(f"# {n} nodes, {len(design.links)} links, {len(design.groups)} groups")
        lint = lint_design(design)
        review = build_review(design, report=lint)
        steps: list[tuple[str, Callable[[], object]]] = [
            ("lint", lambda d=design: lint_design(d)),
            ("data (failure table, growth)", lambda d=design, r=lint: build_review(d, report=r)),
            ("diagram", lambda d=design, r=review: diagram(d, r.findings)),
            ("growth chart", lambda r=review: growth_svg(r.growth)),
        ]
        for label, fn in steps:
            wall, cpu = timed(fn, repeat)
            print(f"    {label:<30} {wall * 1000:9.1f} ms  (cpu {cpu * 1000:.1f} ms)")
        wall, cpu = timed(lambda d=design: whole_report(d), repeat)
        report(f"report html {n} nodes", wall, 10.0 if n >= 10_000 else None)
        print(f"{'':4}cpu {cpu:.2f} s")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]] or [1000, 10_000]
    main(args)
