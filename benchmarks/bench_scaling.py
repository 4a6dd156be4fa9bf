"""How lint, ``lint --fix`` and start-up grow with the design: medians and exponents.

    .venv/bin/python -m benchmarks.bench_scaling                 # everything below
    .venv/bin/python -m benchmarks.bench_scaling lint 1000 50000 --repeat 3
    .venv/bin/python -m benchmarks.bench_scaling fix 1000 20000
    .venv/bin/python -m benchmarks.bench_scaling startup

* ``lint``: the in-process lint of generated designs (benchmarks/gen.py, every installed
  rule), wall and CPU time, then the whole process (``archdesigner lint FILE``) under
  ``/usr/bin/time -v``: wall, CPU and peak resident memory.
* ``fix``: the whole process ``archdesigner lint FILE --fix`` (plus ``--unsafe-fixes`` when
  the command has it) on a fresh copy of the file for every run, beside a plain lint of the
  same file, and the ratio of the two.
* ``startup``: ``archdesigner --version`` and ``--help`` beside ``python -c pass``.

The exponent between two sizes is log(t2 / t1) / log(n2 / n1): 1 is linear. On a shared
machine read the CPU columns: wall time also counts the waits for a core.
"""

from __future__ import annotations

import argparse
import gc
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archdesigner.io import save_design
from archdesigner.lint import lint_design, load_rules
from benchmarks.common import Run, byte_compile, median_run, run_process
from benchmarks.gen import generate

EXE = str(Path(sys.executable).with_name("archdesigner"))


def exponent(n1: int, t1: float, n2: int, t2: float) -> float:
    """The growth exponent between two sizes (NaN for one size or a zero time)."""
    if n1 == n2 or t1 <= 0 or t2 <= 0:
        return math.nan
    return math.log(t2 / t1) / math.log(n2 / n1)


def show(label: str, run: Run) -> None:
    print(
        f"{label:<40} wall {run.wall:8.2f} s  cpu {run.cpu:8.2f} s  peak {run.peak_mb:6.0f} MB",
        flush=True,
    )


def in_process(sizes: list[int], repeat: int) -> dict[int, tuple[float, float]]:
    """Median (wall, CPU) seconds of one in-process lint of each generated design. The sizes
    take turns (1k, 10k, 50k, 1k, ...) so that a busy moment of a shared machine hits them
    all alike instead of skewing the exponent; each run starts after a full collection, as
    ``timeit`` does, so no run pays for the garbage of the one before."""
    designs = {n: generate(n, seed=1) for n in sizes}
    rules = load_rules()
    for design in designs.values():
        lint_design(design, rules=rules)  # warm-up: imports, caches
    walls: dict[int, list[float]] = {n: [] for n in sizes}
    cpus: dict[int, list[float]] = {n: [] for n in sizes}
    for _ in range(repeat):
        for n in sizes:
            gc.collect()
            w, c = time.perf_counter(), time.process_time()
            lint_design(designs[n], rules=rules)
            walls[n].append(time.perf_counter() - w)
            cpus[n].append(time.process_time() - c)
    return {n: (statistics.median(walls[n]), statistics.median(cpus[n])) for n in sizes}


def bench_lint(sizes: list[int], repeat: int, tmp: Path) -> None:
    print("# lint (in-process: every installed rule; whole process: default text output)")
    inner = in_process(sizes, repeat)
    for n in sizes:
        wall, cpu = inner[n]
        print(f"lint {n:>6} nodes in-process{'':14} wall {wall:8.3f} s  cpu {cpu:8.3f} s")
    for n in sizes:
        arch = tmp / f"g{n}.arch.json"
        save_design(generate(n, seed=1), arch)
        cmd = [EXE, "lint", str(arch), "--fail-on", "never", "-o", str(tmp / "out.txt")]
        show(
            f"lint {n:>6} nodes, whole process",
            median_run([run_process(cmd) for _ in range(repeat)]),
        )
    lo, hi = sizes[0], sizes[-1]
    if lo == hi:
        return  # one size: no exponent to tell
    for what, k in (("wall", 0), ("cpu", 1)):
        e = exponent(lo, inner[lo][k], hi, inner[hi][k])
        print(f"lint exponent {lo} -> {hi} nodes ({what}): {e:.2f}")


def fix_flags() -> list[str]:
    text = subprocess.run([EXE, "lint", "--help"], capture_output=True, text=True).stdout
    return ["--fix", "--unsafe-fixes"] if "--unsafe-fixes" in text else ["--fix"]


def bench_fix(sizes: list[int], repeat: int, tmp: Path) -> None:
    flags = fix_flags()
    print(f"# lint {' '.join(flags)} (whole process, a fresh copy per run) beside a plain lint")
    cpu: dict[int, float] = {}
    wall: dict[int, float] = {}
    for n in sizes:
        pristine, work = tmp / f"p{n}.arch.json", tmp / f"w{n}.arch.json"
        save_design(generate(n, seed=1), pristine)
        out = str(tmp / "out.txt")
        plain = [EXE, "lint", str(pristine), "--fail-on", "never", "-o", out]
        fixing = [EXE, "lint", str(work), *flags, "--fail-on", "never", "-o", out]
        plains, fixes = [], []
        for _ in range(repeat):
            plains.append(run_process(plain))
            shutil.copy(pristine, work)
            fixes.append(run_process(fixing))
        a, b = median_run(plains), median_run(fixes)
        cpu[n], wall[n] = b.cpu, b.wall
        show(f"lint {n:>6} nodes", a)
        show(f"lint {' '.join(flags)} {n:>6} nodes", b)
        print(f"{'':40} fix / lint: wall {b.wall / a.wall:.1f}x, cpu {b.cpu / a.cpu:.1f}x")
    lo, hi = sizes[0], sizes[-1]
    if lo == hi:
        return  # one size: no exponent to tell
    print(
        f"fix exponent {lo} -> {hi} nodes: wall {exponent(lo, wall[lo], hi, wall[hi]):.2f}, ",
        end="",
    )
    print(f"cpu {exponent(lo, cpu[lo], hi, cpu[hi]):.2f}")


def bench_startup(repeat: int) -> None:
    print("# start-up (whole process)")
    for label, cmd in (
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("archdesigner --version", [EXE, "--version"]),
        ("archdesigner --help", [EXE, "--help"]),
    ):
        show(label, median_run([run_process(cmd) for _ in range(repeat)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", nargs="?", choices=("lint", "fix", "startup", "all"), default="all")
    parser.add_argument("sizes", nargs="*", type=int)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    byte_compile("archdesigner", "archdesigner_security")  # as a pip install does
    with tempfile.TemporaryDirectory() as tmp:
        if args.what in ("startup", "all"):
            bench_startup(max(args.repeat, 5))
        if args.what in ("lint", "all"):
            bench_lint(args.sizes or [1_000, 10_000, 50_000], args.repeat, Path(tmp))
        if args.what in ("fix", "all"):
            bench_fix(args.sizes or [1_000, 10_000, 20_000], args.repeat, Path(tmp))


if __name__ == "__main__":
    main()
