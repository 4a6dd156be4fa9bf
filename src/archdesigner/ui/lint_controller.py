"""Live lint: a debounced lint run after every edit, off the UI thread.

After each change of the document the controller restarts a short single-shot timer. When it
fires, it takes a snapshot of the design and lints the snapshot in a worker thread; the UI
keeps running. A result that arrives after the document changed again is stale: it is
dropped and the newest document is linted instead, so the findings shown always belong to
the design on screen (never to an older one).

The snapshot is cheap: model edits never change a node, link or group in place, they put a
new object in its place (the editor relies on the same rule to find what changed). Copying
the three lists and the top-level fields is therefore a consistent picture of the document
(microseconds, where ``model_copy(deep=True)`` of 10,000 nodes takes about two seconds).

The worker thread gets the snapshot and plain values, never the controller: its answer
comes back in a future that the UI thread polls. A QObject whose last reference went with a
worker's task would be released on that thread (see ``canvas/routes.py`` for the deadlock
that caused), and a signal emitted from there needs the QObject alive.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from archdesigner.lint import (
    Finding,
    LintConfigError,
    LintReport,
    RuleSet,
    lint_design,
    load_rules,
)
from archdesigner.model.design import Design
from archdesigner.ui.editor import Editor

#: Milliseconds of quiet after an edit before lint runs (small and large designs).
DELAY_MS = 250
DELAY_LARGE_MS = 400
LARGE = 2000
#: Seconds a thread may hold the interpreter before another gets its turn (CPython's default
#: is 5 ms). The canvas paints through many short calls into Qt, each of which hands the
#: interpreter to the lint thread and then waits for it back: at 5 ms a 50 ms repaint took
#: 90-330 ms while lint ran; at 0.5 ms, 56-59 ms (measured here, 2,000 nodes).
SWITCH_INTERVAL = 0.0005


def snapshot(design: Design) -> Design:
    """A consistent copy of ``design`` that later edits do not change (see module doc)."""
    return Design.model_construct(
        format=design.format,
        version=design.version,
        name=design.name,
        description=design.description,
        nodes=list(design.nodes),
        links=list(design.links),
        groups=list(design.groups),
        lint=design.lint,
        properties=dict(design.properties),
    )


@dataclass
class LintOutcome:
    """One finished run: the report (or the configuration problem) and its timing.

    The worker also groups the active findings by subject and works out which subjects'
    findings differ from the outcome on screen, so the UI thread only touches those.
    """

    generation: int
    load_factor: float
    report: LintReport | None
    error: str
    seconds: float
    by_subject: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)
    signatures: dict[tuple[str, str], tuple[tuple[str, str, str], ...]] = field(
        default_factory=dict
    )
    changed: set[tuple[str, str]] = field(default_factory=set)


def group_findings(
    report: LintReport | None, previous: LintOutcome | None
) -> tuple[
    dict[tuple[str, str], list[Finding]],
    dict[tuple[str, str], tuple[tuple[str, str, str], ...]],
    set[tuple[str, str]],
]:
    """Active findings by (subject type, subject), their signatures, and the subjects whose
    findings changed since ``previous``."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    if report is not None:
        for f in report.findings:
            if not f.suppressed:
                groups.setdefault((f.subject_type, f.subject), []).append(f)
    sigs: dict[tuple[str, str], tuple[tuple[str, str, str], ...]] = {
        k: tuple((f.rule_id, str(f.severity), f.message) for f in v) for k, v in groups.items()
    }
    old = previous.signatures if previous is not None else {}
    changed = {k for k, sig in sigs.items() if old.get(k) != sig}
    changed.update(k for k in old if k not in sigs)
    return groups, sigs, changed


#: Milliseconds between two looks at a running lint's answer (UI thread).
POLL_MS = 10


class RuleSource:
    """The rules in use (built-ins and plugins), loaded once, by whichever thread asks first."""

    def __init__(self, rules: RuleSet | None, plugin_dirs: Sequence[str | Path]) -> None:
        self.plugin_dirs = list(plugin_dirs)
        self._rules = rules
        self._lock = threading.Lock()

    def get(self) -> RuleSet:
        with self._lock:
            if self._rules is None:
                self._rules = load_rules(self.plugin_dirs)
            return self._rules


def run_lint(
    design: Design,
    generation: int,
    factor: float,
    rules: RuleSource,
    previous: LintOutcome | None,
    freeze_gc: bool,
) -> tuple[LintOutcome, bool]:
    """One run (worker thread): the outcome, diffed against ``previous`` (the one on screen
    when the run started), and whether it froze the collector's objects."""
    start = time.perf_counter()
    report: LintReport | None = None
    error = ""
    # With the collector paused, everything a large run allocates piles up in the
    # youngest generation; the first collection afterwards would walk all of it while
    # holding the interpreter lock (50-70 ms at 10,000 nodes, a UI stall). Freezing
    # before re-enabling hands those objects to the permanent generation instead.
    pause = freeze_gc and gc.isenabled()
    if pause:
        gc.disable()
    try:
        report = lint_design(design, rules=rules.get(), load_factor=factor)
    except LintConfigError as exc:
        error = f"Lint settings: {exc}"
    except Exception as exc:  # never let a lint bug take the editor down
        error = f"Lint failed: {type(exc).__name__}: {exc}"
    finally:
        if pause:
            gc.freeze()
            gc.enable()
    seconds = time.perf_counter() - start
    groups, sigs, changed = group_findings(report, previous)
    outcome = LintOutcome(generation, factor, report, error, seconds, groups, sigs, changed)
    return outcome, pause


class LintController(QObject):
    """Runs lint after edits and publishes the newest report.

    ``report_ready`` carries the :class:`LintOutcome` of a run that matches the current
    document; ``busy_changed`` tells whether a run is in progress (for the status bar).
    """

    report_ready = Signal(object)
    busy_changed = Signal(bool)

    def __init__(
        self,
        editor: Editor,
        *,
        rules: RuleSet | None = None,
        plugin_dirs: Sequence[str | Path] = (),
        delay_ms: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.editor = editor
        self.plugin_dirs = list(plugin_dirs)
        self._rules = RuleSource(rules, plugin_dirs)
        self._delay = delay_ms
        self._load_factor = 1.0
        self.generation = 0
        self.outcome: LintOutcome | None = None
        self.enabled = True
        self.freeze_gc = len(editor.design.nodes) > LARGE
        #: this controller froze objects out of the collector's way (see _on_finished)
        self._froze = False
        self._running = False
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archdesigner-lint")
        self._future: Future[tuple[LintOutcome, bool]] | None = None
        self._base: LintOutcome | None = None  # the outcome on screen when the run started
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._start)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._collect)
        if sys.getswitchinterval() > SWITCH_INTERVAL:
            sys.setswitchinterval(SWITCH_INTERVAL)
        editor.document_changed.connect(self.schedule)
        self.schedule()

    # --- public ------------------------------------------------------------------------------
    @property
    def report(self) -> LintReport | None:
        return self.outcome.report if self.outcome is not None else None

    @property
    def load_factor(self) -> float:
        return self._load_factor

    def set_load_factor(self, factor: float) -> None:
        if factor == self._load_factor:
            return
        self._load_factor = float(factor)
        self.schedule(80)

    def rules(self) -> RuleSet:
        """The rules in use (built-ins and plugins), loaded once."""
        return self._rules.get()

    def schedule(self, delay_ms: int | None = None) -> None:
        """(Re)starts the quiet-time timer; the document is linted when it fires."""
        self.generation += 1
        if not self.enabled:
            return
        if delay_ms is None:
            delay_ms = self._delay
        if delay_ms is None:
            delay_ms = DELAY_LARGE_MS if len(self.editor.design.nodes) > LARGE else DELAY_MS
        self._timer.start(delay_ms)

    def forget_shown(self) -> None:
        """The views were cleared (a new document): the next result is shown in full."""
        self.outcome = None
        self.freeze_gc = len(self.editor.design.nodes) > LARGE
        if self._froze:
            # the old document may be garbage now: back under the collector (the canvas
            # freezes the new one's objects again once it has built them)
            self._froze = False
            gc.unfreeze()

    def lint_now(self) -> None:
        self._timer.stop()
        self._start()

    @property
    def busy(self) -> bool:
        return self._running or self._timer.isActive()

    def shutdown(self) -> None:
        self._timer.stop()
        self._poll.stop()
        self.enabled = False
        self._future = None
        self._pool.shutdown(wait=False, cancel_futures=True)

    # --- running -----------------------------------------------------------------------------
    def _start(self) -> None:
        if not self.enabled:
            return
        if self._running:
            return  # _on_finished starts the next run for the newest document
        self._running = True
        self.busy_changed.emit(True)
        gen, factor = self.generation, self._load_factor
        design = snapshot(self.editor.design)
        # plain values only (see the module docs); the outcome on screen is what it diffs
        # against (set on this thread before the run starts)
        self._base = self.outcome
        self._future = self._pool.submit(
            run_lint, design, gen, factor, self._rules, self.outcome, self.freeze_gc
        )
        self._poll.start()

    def _collect(self) -> None:
        future = self._future
        if future is None:
            self._poll.stop()
            return
        if not future.done():
            return
        self._future = None
        self._poll.stop()
        try:
            outcome, froze = future.result()
        except Exception as exc:  # run_lint catches lint errors; this is a bug beyond them
            error = f"Lint failed: {type(exc).__name__}: {exc}"
            outcome, froze = (
                LintOutcome(self.generation, self._load_factor, None, error, 0.0),
                False,
            )
        if froze:
            self._froze = True
        if self.outcome is not self._base:  # the views were cleared meanwhile: diff again
            outcome.by_subject, outcome.signatures, outcome.changed = group_findings(
                outcome.report, self.outcome
            )
        self._on_finished(outcome)

    def _on_finished(self, outcome: LintOutcome) -> None:
        self._running = False
        stale = outcome.generation != self.generation
        if stale:
            # the document (or the load factor) changed while linting: lint the newest one
            if not self._timer.isActive():
                self._start()
            if not self._running:
                self.busy_changed.emit(self.busy)
            return
        self.outcome = outcome
        self.busy_changed.emit(self.busy)
        self.report_ready.emit(outcome)
        if self.freeze_gc:
            # Everything alive now (the document, the canvas, this report) lives long: move
            # it out of the collector's way. A full collection walks every tracked object
            # while holding the interpreter lock (0.1-0.2 s at 10,000 nodes), whichever
            # thread triggers it; afterwards it only walks what was made since.
            gc.freeze()
            self._froze = True


__all__ = ["LintController", "LintOutcome", "RuleSource", "run_lint", "snapshot"]
