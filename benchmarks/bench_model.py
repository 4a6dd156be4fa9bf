"""Load and save of a 10,000-node, 20,000-link design (issue target: each under 1 s).

.venv/bin/python -m benchmarks.bench_model [--nodes 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from archdesigner.io import load_design, save_design
from benchmarks.common import median_seconds, report
from benchmarks.gen import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, nargs="*", default=[1000, 10000, 20000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.nodes:
            design = generate(n)
            path = Path(tmp) / f"g{n}.arch.json"
            save_design(design, path)
            size = path.stat().st_size / 1e6
            print(f"{n} nodes, {len(design.links)} links, {size:.1f} MB")
            target = 1.0 if n == 10000 else None
            report(
                f"  load + validate ({n})",
                median_seconds(lambda p=path: load_design(p), args.repeat),
                target,
            )
            report(
                f"  save ({n})",
                median_seconds(lambda d=design, p=path: save_design(d, p), args.repeat),
                target,
            )


if __name__ == "__main__":
    main()
