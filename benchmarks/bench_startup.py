"""Start-up of the desktop app with the web shop example (target: window shown < 1.5 s).

.venv/bin/python -m benchmarks.bench_startup [--repeat 5] [FILE]

Each run is a fresh interpreter (offscreen) that imports the app, builds the main window as
``run_app`` does (with the features installed on it), opens the file, shows the window and
paints it once, then prints the time since the interpreter started and whether
networkx was imported (it must not be at start-up).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import time, sys, json
t0 = time.perf_counter()
from pathlib import Path
from archdesigner.ui.render import ensure_app
app = ensure_app()
from PySide6.QtCore import QSettings
from archdesigner.ui.main_window import MainWindow
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
try:  # as run_app() builds it: live lint, autosave, ...
    from archdesigner.ui.features import LiveOptions
    window = MainWindow(settings=settings, live=LiveOptions())
except ImportError:
    window = MainWindow(settings=settings)
window.show()
window.files.load(Path(sys.argv[1]))
app.processEvents()
window.view.viewport().repaint()
shown = time.perf_counter() - t0
print(json.dumps({"shown": shown, "networkx": "networkx" in sys.modules}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "file", nargs="?", default=str(ROOT / "resources/examples/web-shop.arch.json")
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    settings = Path("/tmp") / f"archdesigner-bench-{os.getpid()}.ini"
    results = []
    for _ in range(args.repeat):
        start = __import__("time").perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, args.file, str(settings)],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        wall = __import__("time").perf_counter() - start
        data = json.loads(out.stdout.strip().splitlines()[-1])
        results.append((data["shown"], wall, data["networkx"]))
    settings.unlink(missing_ok=True)
    shown = statistics.median(r[0] for r in results)
    wall = statistics.median(r[1] for r in results)
    verdict = "ok" if shown < 1.5 else "MISSED"
    print(f"{Path(args.file).name}: window shown and painted, median of {args.repeat}")
    print(f"  in-process (imports + window)   {shown * 1000:7.0f} ms  (target < 1.5 s: {verdict})")
    print(f"  wall clock incl. interpreter    {wall * 1000:7.0f} ms")
    print(f"  networkx imported at start-up:  {any(r[2] for r in results)}")


if __name__ == "__main__":
    main()
