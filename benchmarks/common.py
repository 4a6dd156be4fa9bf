"""Small helpers shared by the benchmark scripts: medians of repeated timings, and whole
processes measured by ``/usr/bin/time -v`` (wall, CPU, peak resident memory)."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


def median_seconds(
    fn: Callable[[], object],
    repeat: int = 5,
    warmup: int = 1,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Median of ``repeat`` timings by ``clock`` (wall time; ``time.process_time`` for the CPU
    time of this process, which a loaded machine disturbs less)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)


def report(label: str, seconds: float, target: float | None = None) -> None:
    verdict = ""
    if target is not None:
        verdict = f"  (target < {target:g} s: {'ok' if seconds < target else 'MISSED'})"
    print(f"{label:<48} {seconds * 1000:9.1f} ms{verdict}")


@dataclass(frozen=True)
class Run:
    """One whole process, measured by ``/usr/bin/time -v``."""

    wall: float  # seconds
    cpu: float  # user + system seconds
    peak_mb: float  # maximum resident set size, MB
    returncode: int


def run_process(cmd: Sequence[str], stdout: str | None = None, cwd: str | None = None) -> Run:
    """Runs ``cmd`` under ``/usr/bin/time -v`` (GNU time) and reads its wall time, CPU time
    and peak resident set size. ``stdout`` names a file for the command's output; ``cwd``
    the folder to run in."""
    out = open(stdout, "w") if stdout else subprocess.DEVNULL  # noqa: SIM115
    try:
        proc = subprocess.run(
            ["/usr/bin/time", "-v", *cmd], stdout=out, stderr=subprocess.PIPE, text=True, cwd=cwd
        )
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
    stats: dict[str, str] = {}
    for line in proc.stderr.splitlines():
        key, sep, value = line.strip().rpartition(": ")
        if sep:
            stats[key] = value
    wall = stats.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", "0:0")
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    cpu = float(stats.get("User time (seconds)", 0)) + float(stats.get("System time (seconds)", 0))
    peak = float(stats.get("Maximum resident set size (kbytes)", 0)) / 1024
    return Run(seconds, cpu, peak, proc.returncode)


def median_run(runs: Sequence[Run]) -> Run:
    """Median of each measure over the runs (the return code of the last)."""
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        statistics.median(r.peak_mb for r in runs),
        runs[-1].returncode,
    )


def byte_compile(*packages: str) -> None:
    """Writes the bytecode of these packages (``__pycache__``), as ``pip install`` does for a
    regular install. An editable install run under ``PYTHONDONTWRITEBYTECODE`` compiles every
    module on every start instead (0.1-0.2 s of each whole process here), which the peers a
    benchmark compares with, installed by pip, never pay."""
    import compileall
    import importlib.util
    from pathlib import Path

    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin is not None:
            compileall.compile_dir(Path(spec.origin).parent, quiet=2)
