"""Full lint of generated layered designs (benchmarks/gen.py): medians per size.

    .venv/bin/python -m benchmarks.bench_lint            # 1k, 10k, 20k nodes
    .venv/bin/python -m benchmarks.bench_lint 5000       # one size

Target: a 10,000-node, 20,000-link design lints in under 1 s, and the cost grows about
linearly (compare the per-node column). "built-in" runs the built-in rules only; "all"
adds every installed plugin (each plugin gets its own copy of the design). "--fix" runs
``archdesigner lint FILE --fix`` on the design saved to a temporary file (a fresh copy for
every run; the copy is not timed): every pass of lint and fixes until none applies.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from archdesigner.cli import main as cli
from archdesigner.io import save_design
from archdesigner.lint import builtin_rules, lint_design, load_rules
from benchmarks.common import median_seconds, report
from benchmarks.gen import generate


def main(sizes: list[int]) -> None:
    builtin = builtin_rules()
    everything = load_rules()
    for n in sizes:
        design = generate(n, seed=1)
        result = lint_design(design, rules=builtin)
        print(
            f"# {n} nodes, {len(design.links)} links: {len(result.findings)} findings "
            f"({', '.join(f'{k} {v}' for k, v in result.counts().items())})"
        )
        target = 1.0 if n <= 10_000 else None
        t = median_seconds(lambda d=design: lint_design(d, rules=builtin), repeat=5)
        report(f"lint {n} nodes, built-in rules", t, target)
        print(f"{'':48} {t / n * 1e6:9.1f} us per node")
        t = median_seconds(lambda d=design: lint_design(d, rules=everything), repeat=3)
        report(f"lint {n} nodes, all installed rules", t)
        report(f"lint --fix {n} nodes (file, CLI)", fix_seconds(design))


def fix_seconds(design: object, repeat: int = 3) -> float:
    """Median of ``archdesigner lint FILE --fix`` on fresh copies of the saved design."""
    with tempfile.TemporaryDirectory() as tmp:
        pristine, target = Path(tmp) / "pristine.arch.json", Path(tmp) / "work.arch.json"
        save_design(design, pristine)  # type: ignore[arg-type]
        times = []
        for _ in range(repeat):
            shutil.copy(pristine, target)
            start = time.perf_counter()
            args = [str(target), "--fix", "--fail-on", "never", "--format", "text"]
            cli(["lint", *args, "-o", str(Path(tmp) / "out.json")])
            times.append(time.perf_counter() - start)
        return statistics.median(times)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000, 20_000])
