"""Small helpers shared by the benchmark scripts: medians of repeated timings."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


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
