"""Live lint on a large design: does an edit ever freeze the UI, and how fast do findings follow?

.venv/bin/python -m benchmarks.bench_live_lint [--nodes 10000] [--edits 7]

Opens the generated design (benchmarks/gen.py) in the main window with live lint, waits for
the first lint, then makes edits through the editor (alternately changing a service's
replicas, which changes findings, and moving a node). For each edit it measures:

* the longest event-loop stall from the edit until its findings are on screen: a QTimer
  ticks every 5 ms and the largest gap between ticks is recorded, minus the 5 ms period
  (target < 100 ms);
* the time from the edit until the findings of the edited document are shown, including
  the quiet-time delay before lint starts (target < 2 s).

Prints the medians (and the worst edit) plus the time of the first lint after opening.
Edits start once the canvas has built its link drawings after opening (idle start-up work).
``--no-minimap`` hides the overview in the corner, ``--builtin-only`` leaves installed plugin
rules out, ``--no-lint`` measures the editor and canvas alone, ``--zoomed-out`` fits the
whole design in the view (its overview picture instead of cards). ``--where [MS]`` samples
the UI and lint threads and prints where they were during every stall over MS (default 60)
ms, with the garbage collections that ran then. docs/app-findings.md records the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.gen import generate

TICK_MS = 5


class StackSampler:
    """Samples the main thread's innermost project frames every millisecond (``--where``)."""

    def __init__(self) -> None:
        import threading

        self.main = threading.main_thread().ident
        self.samples: list[tuple[float, str]] = []
        self.collections: list[tuple[float, float, int, str]] = []
        self._gc_start = 0.0
        import gc

        gc.callbacks.append(self._gc)
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import sys
        import threading

        while self.running:
            frames = sys._current_frames()
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in frames.items():
                name = names.get(ident, "")
                if ident != self.main and not name.startswith("archdesigner"):
                    continue
                where: list[str] = []
                while frame is not None and len(where) < 3:
                    code = frame.f_code.co_filename
                    if ident != self.main or "archdesigner" in code or "benchmarks" in code:
                        short = code.rsplit("/", 1)[-1]
                        where.append(f"{short}:{frame.f_lineno} {frame.f_code.co_name}")
                    frame = frame.f_back
                label = "UI" if ident == self.main else "worker"
                self.samples.append((time.perf_counter(), f"{label}: " + " < ".join(where)))
            time.sleep(0.002)

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        import threading

        now = time.perf_counter()
        if phase == "start":
            self._gc_start = now
        elif now - self._gc_start > 0.003:
            thread = "UI" if threading.get_ident() == self.main else "worker"
            self.collections.append((now, now - self._gc_start, info["generation"], thread))

    def report(self, gap: float) -> None:
        import collections

        now = time.perf_counter()
        recent = [w for t, w in self.samples if t > now - gap / 1000 - 0.005]
        self.samples.clear()
        print(f"  stall {gap:.0f} ms, UI thread samples ({len(recent)}):")
        for t, length, gen, thread in self.collections:
            if t > now - gap / 1000 - 0.005:
                print(
                    f"    garbage collection of generation {gen} in the {thread} thread: "
                    f"{length * 1000:.0f} ms"
                )
        self.collections.clear()
        for where, n in collections.Counter(recent).most_common(8):
            print(f"    {n:4d}  {where or '(Qt, outside project code)'}")

    def stop(self) -> None:
        self.running = False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument(
        "--builtin-only",
        action="store_true",
        help="lint with the built-in rules only (no installed plugins)",
    )
    parser.add_argument(
        "--no-minimap",
        action="store_true",
        help="hide the canvas overview (minimap), which redraws the whole design after edits",
    )
    parser.add_argument(
        "--no-lint",
        action="store_true",
        help="baseline: the same edits with live lint switched off (the editor and canvas alone)",
    )
    parser.add_argument(
        "--zoomed-out",
        action="store_true",
        help="fit the whole design in the view (its overview picture instead of cards)",
    )
    parser.add_argument(
        "--where",
        nargs="?",
        type=float,
        const=60.0,
        default=None,
        metavar="MS",
        help="sample the UI thread's stack and print where it was during stalls over MS "
        "milliseconds (default 60)",
    )
    args = parser.parse_args()

    import tempfile
    from pathlib import Path

    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer

    from archdesigner.model.edits import MoveNodes, UpdateNode
    from archdesigner.ui.editor import Editor
    from archdesigner.ui.features import LiveOptions
    from archdesigner.ui.main_window import MainWindow
    from archdesigner.ui.render import ensure_app

    app = ensure_app()
    tmp = Path(tempfile.mkdtemp(prefix="bench-live-lint-"))
    design = generate(args.nodes, seed=1)
    print(f"# {len(design.nodes)} nodes, {len(design.links)} links")
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    rules = None
    if args.builtin_only:
        from archdesigner.lint import builtin_rules

        rules = builtin_rules()
    # the first lint run starts from the event loop, after the window is shown
    live = LiveOptions(autosave_dir=tmp / "autosave", rules=rules)
    window = MainWindow(Editor(design), settings, live=live)
    features = window.features
    assert features is not None
    window.resize(1600, 1000)
    if args.no_minimap:
        window.actions_["minimap"].setChecked(False)
        window.view.minimap.enabled_by_user = False
        window.view.minimap.place()
    window.show()
    start = time.perf_counter()
    plugins = sorted({r.source for r in features.lint.rules().rules} - {"built-in"})
    print(f"# rules from: built-in{''.join(', ' + p for p in plugins)}")
    lint = features.lint
    done: list[float] = []
    lint.report_ready.connect(lambda _o: done.append(time.perf_counter()))

    stall = {"max": 0.0}
    clock = QElapsedTimer()
    clock.start()
    last = {"t": clock.nsecsElapsed()}

    sampler = StackSampler() if args.where is not None else None

    def tick() -> None:
        now = clock.nsecsElapsed()
        gap = (now - last["t"]) / 1e6 - TICK_MS
        stall["max"] = max(stall["max"], gap)
        if sampler is not None and gap > args.where:
            sampler.report(gap)
        last["t"] = now

    ticker = QTimer()
    ticker.setInterval(TICK_MS)
    ticker.timeout.connect(tick)

    def wait_report(count: int, timeout: float = 120.0) -> None:
        end = time.perf_counter() + timeout
        while len(done) < count or lint.busy:
            app.processEvents()
            time.sleep(0.001)
            if time.perf_counter() > end:
                raise SystemExit("no lint result within the time limit")

    wait_report(1)
    # the canvas builds its link drawings while idle after opening (a startup cost, not an
    # edit's): edits are measured once that is done
    links = window.view.design_scene.links
    end = time.perf_counter() + 120
    while not links.warm and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    print(f"canvas link drawings built {time.perf_counter() - start:.2f} s after opening")
    if args.zoomed_out:
        window.view.fit_all()
        window.view.minimap.place()
        for _ in range(20):
            app.processEvents()
        shown = window.view.design_scene.overview
        print(f"# zoomed out to {window.view.zoom():.3f}: overview picture {shown}")
    if args.no_lint:
        lint.enabled = False
    report = lint.report
    assert report is not None
    first = done[0] - start
    print(
        f"first lint after opening: {first:.2f} s "
        f"({len(report.findings)} findings, last run {lint.outcome.seconds:.2f} s in the worker)"
        if lint.outcome
        else ""
    )
    services = [n.id for n in design.nodes if n.kind == "service"][: args.edits]
    stalls: list[float] = []
    latencies: list[float] = []
    runs: list[float] = []
    for k in range(args.edits):
        app.processEvents()
        before = len(done)
        editor = window.editor
        last["t"] = clock.nsecsElapsed()
        stall["max"] = 0.0
        ticker.start()
        t0 = time.perf_counter()
        if k % 2 == 0:
            nid = services[k % len(services)]
            node = editor.node(nid)
            assert node is not None
            editor.apply(UpdateNode(nid, {"replicas": 1 if node.replicas > 1 else 2}))
        else:
            node = editor.design.nodes[k * 37 % len(editor.design.nodes)]
            editor.apply(MoveNodes({node.id: (node.position.x + 40, node.position.y + 20)}, "Move"))
        if args.no_lint:
            end = time.perf_counter() + 1.0
            while time.perf_counter() < end:
                app.processEvents()
                time.sleep(0.001)
            done.append(time.perf_counter())
        else:
            wait_report(before + 1)
        latency = done[-1] - t0
        # let the results land on screen (panel, badges) before the stall window closes
        settle = time.perf_counter() + 0.05
        while time.perf_counter() < settle:
            app.processEvents()
        ticker.stop()
        stalls.append(stall["max"])
        latencies.append(latency)
        if lint.outcome is not None:
            runs.append(lint.outcome.seconds)
        print(
            f"edit {k + 1}: longest UI stall {stall['max']:6.1f} ms, findings shown after "
            f"{latency:5.2f} s (lint {runs[-1] if runs else 0:.2f} s in the worker)"
        )
    med_stall = statistics.median(stalls)
    med_lat = statistics.median(latencies)
    print(
        f"{'median longest UI stall per edit':<44} {med_stall:8.1f} ms  (worst {max(stalls):.1f}) "
        f"(target < 100 ms: {'ok' if max(stalls) < 100 else 'MISSED'})"
    )
    print(
        f"{'median edit -> findings shown':<44} {med_lat * 1000:8.0f} ms  "
        f"(worst {max(latencies) * 1000:.0f}) (target < 2000 ms: "
        f"{'ok' if max(latencies) < 2 else 'MISSED'})"
    )
    print(f"{'median lint run in the worker':<44} {statistics.median(runs) * 1000:8.0f} ms")
    if sampler is not None:
        sampler.stop()
    features.shutdown()
    window.editor.undo_stack.setClean()
    window.close()


if __name__ == "__main__":
    main()
