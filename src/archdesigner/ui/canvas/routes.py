"""Link routes for the canvas, computed off the UI thread.

A worker thread owns one :class:`archdesigner.routing.Router` (the one the Graphviz export
uses). The scene sends it what changed in the document (cards placed or moved, links added
or removed) and it routes again only the links those changes touch, a few pairs at a time,
checking for newer changes between batches. Finished routes come back through a queue that
the UI thread empties on a timer, a few milliseconds' worth per tick, so the canvas never
waits: links are drawn straight until their route arrives.

Each result carries the centres of the two cards it was computed for; a route whose cards
have moved since is stale and ignored (a newer one is on its way).
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, QTimer

from archdesigner.routing import Box, BoxIndex, Point, Router, flatten, label_spots, overlaps

#: the link styles of View > Link Style (straight: no routing)
STYLES = ("orthogonal", "spline", "straight")
#: designs larger than this are not routed (links straight; see docs/app-canvas.md)
ROUTE_LIMIT = 5000
#: average width of a character of a link label (10 px font), for placing labels here
LABEL_CHAR = 6.0
#: pairs routed between two looks at newer changes
BATCH = 24
#: longest stretch of the UI thread spent taking in finished routes per timer tick
APPLY_SLICE = 0.004
APPLY_BATCH = 8
#: the canvas redraws what new routes cover at most this often (seconds)
FLUSH_EVERY = 0.5

#: (link id, (source centre, target centre), drawn points, label centre) -- points empty:
#: no route; label None: the canvas places it
Result = tuple[str, tuple[Point, Point], list[Point], Point | None]
#: what the UI thread tells about a link: its two ends and its label's text
Ends = tuple[str, str, str]


class RouteService(QObject):
    """Routes links in a worker thread; ``deliver(results)`` runs on the UI thread."""

    def __init__(self, deliver: Callable[[list[Result]], None], flush: Callable[[], None]) -> None:
        super().__init__()
        self._deliver = deliver
        self._flush = flush
        self._flushed = 0.0
        self._inbox: queue.Queue[tuple[str, Any] | None] = queue.Queue()
        self._outbox: queue.Queue[tuple[int, list[Result]]] = queue.Queue()
        self._generation = 0
        self._busy = threading.Event()
        # the thread holds the queues, never this QObject: a QObject whose last reference
        # went with the thread's end would be destroyed on that thread, taking Qt's lock
        # and then the interpreter's while the UI thread, holding the interpreter's, waits
        # for Qt's in a connect() (a deadlock, seen when a window closed as another opened)
        worker = _Worker(self._inbox, self._outbox, self._busy)
        self._thread = threading.Thread(target=worker.run, name="link-router", daemon=True)
        self._thread.start()
        self._timer = QTimer(self)
        self._timer.setInterval(15)
        self._timer.timeout.connect(self._collect)
        self._pending: list[Result] = []

    # --- UI thread -----------------------------------------------------------------------
    def reset(
        self,
        boxes: Mapping[str, Box],
        links: Mapping[str, Ends],
        style: str,
        label_char: float = LABEL_CHAR,
    ) -> None:
        """Everything anew (a document was opened, or labels changed size:
        ``label_char`` is the average width of a label's character)."""
        self._generation += 1
        self._pending.clear()
        self._send("reset", (self._generation, dict(boxes), dict(links), style, label_char))

    def boxes(self, changed: Mapping[str, Box | None]) -> None:
        if changed:
            self._send("boxes", dict(changed))

    def links(self, changed: Mapping[str, Ends | None]) -> None:
        if changed:
            self._send("links", dict(changed))

    def style(self, style: str) -> None:
        self._send("style", style)

    def busy(self) -> bool:
        """Whether routes are still being computed or waiting to be taken in."""
        return (
            self._busy.is_set()
            or not self._inbox.empty()
            or not self._outbox.empty()
            or bool(self._pending)
        )

    def stop(self) -> None:
        self._timer.stop()
        self._inbox.put(None)

    def _send(self, kind: str, data: Any) -> None:
        self._busy.set()
        self._inbox.put((kind, data))
        if not self._timer.isActive():
            self._timer.start()

    def _collect(self) -> None:
        start = time.perf_counter()
        while True:
            try:
                gen, results = self._outbox.get_nowait()
            except queue.Empty:
                break
            if gen == self._generation:
                self._pending.extend(results)
        while self._pending and time.perf_counter() - start < APPLY_SLICE:
            batch, self._pending = self._pending[:APPLY_BATCH], self._pending[APPLY_BATCH:]
            self._deliver(batch)
        done = not self.busy()
        if done or start - self._flushed > FLUSH_EVERY:
            self._flush()  # one repaint for many routes
            self._flushed = time.perf_counter()
        if done:
            self._timer.stop()


class _Worker:
    """The router's side (worker thread): takes the UI thread's messages from ``inbox``,
    puts finished routes in ``outbox``; ``busy`` is set while it has work."""

    def __init__(
        self,
        inbox: queue.Queue[tuple[str, Any] | None],
        outbox: queue.Queue[tuple[int, list[Result]]],
        busy: threading.Event,
    ) -> None:
        self._inbox = inbox
        self._outbox = outbox
        self._busy = busy

    def run(self) -> None:
        # the UI thread gets the interpreter lock back within 1 ms, not Python's 5 ms
        sys.setswitchinterval(0.001)
        router = Router({})
        labels = _Labels()
        style = "orthogonal"
        gen = 0
        dirty: set[str] = set()
        while True:
            if not dirty:
                self._busy.clear()
                if not self._inbox.empty():
                    self._busy.set()
                message = self._inbox.get()
                self._busy.set()
            else:
                try:
                    message = self._inbox.get_nowait()
                except queue.Empty:
                    message = ("", None)
            if message is None:
                return
            kind, data = message
            if kind == "reset":
                gen, boxes, links, style, char = data
                router = Router(boxes, ((lid, s, t) for lid, (s, t, _x) in links.items()))
                labels = _Labels({lid: text for lid, (_s, _t, text) in links.items()}, char)
                dirty = set(router.links)
            elif kind:
                style, extra = _apply(router, labels, kind, data, style)
                dirty |= extra
            if dirty:
                dirty = self.route_some(router, labels, dirty, style, gen)

    def route_some(
        self, router: Router, labels: _Labels, dirty: set[str], style: str, gen: int
    ) -> set[str]:
        """Routes a batch of the dirty links' pairs; returns the links still to do."""
        todo: list[str] = []
        pairs: set[tuple[str, str]] = set()
        for lid in list(dirty):
            ends = router.links.get(lid)
            if ends is None:
                dirty.discard(lid)
                continue
            pair = (ends[0], ends[1]) if ends[0] <= ends[1] else (ends[1], ends[0])
            if pair not in pairs:
                if len(pairs) >= BATCH:
                    break
                pairs.add(pair)
            todo.append(lid)
            dirty.discard(lid)
        for pair in pairs:
            router.route(router.by_pair.get(pair, [])[:1])
            time.sleep(0)  # lets the UI thread take the interpreter lock at once
        out: list[Result] = []
        for pair in pairs:
            for lid in router.by_pair.get(pair, []):
                dirty.discard(lid)
                out.append((*_result(router, lid, style), labels.place(router, lid)))
        self._outbox.put((gen, out))
        return dirty


def _apply(
    router: Router, labels: _Labels, kind: str, data: Any, style: str
) -> tuple[str, set[str]]:
    """Takes in one message from the UI thread; returns the style and the links to route."""
    dirty: set[str] = set()
    if kind == "boxes":
        for nid, box in data.items():
            dirty |= router.move(nid, box)
    elif kind == "links":
        for lid, ends in data.items():
            labels.placed.put(lid, None)
            if ends is None:
                labels.texts.pop(lid, None)
                dirty |= router.remove_link(lid)
            else:
                labels.texts[lid] = ends[2]
                dirty |= router.set_link(lid, ends[0], ends[1])
    elif kind == "style":
        style = data
        dirty = set(router.links)
    return style, dirty


class _Labels:
    """Where link labels go (worker thread): on their route, clear of the cards and of the
    labels placed before (see routing.place_labels). A label whose spot holds one of the
    same text already (links sharing a trunk, "http" twice) is not placed again."""

    def __init__(self, texts: dict[str, str] | None = None, char: float = LABEL_CHAR) -> None:
        self.texts = texts or {}
        self.char = char
        self.placed = BoxIndex({})

    def place(self, router: Router, lid: str) -> Point | None:
        self.placed.put(lid, None)
        text, pts = self.texts.get(lid), router.routes.get(lid)
        if not text or not pts or len(pts) < 2:
            return None
        w, h = len(text) * self.char + 10.0, 16.0 * self.char / LABEL_CHAR
        for x, y in label_spots(pts, w, h):
            r = (x - w / 2 - 2, y - h / 2 - 1, x + w / 2 + 2, y + h / 2 + 1)
            if any(overlaps(r, router.index.rects[n]) for n in router.index.near(r)):
                continue
            taken = [n for n in self.placed.near(r) if overlaps(r, self.placed.rects[n])]
            if any(self.texts.get(n) == text for n in taken):
                return None  # a trunk shared with a link of the same label: shown once
            if taken:
                continue
            self.placed.put(lid, (x, y, w + 4, h + 2))
            return (x, y)
        return None


def _result(router: Router, lid: str, style: str) -> tuple[str, tuple[Point, Point], list[Point]]:
    source, target = router.links[lid]
    a = router.index.boxes.get(source)
    b = router.index.boxes.get(target)
    key = ((a[0], a[1]) if a else (0.0, 0.0), (b[0], b[1]) if b else (0.0, 0.0))
    if style == "straight" or not router.routes.get(lid):
        return (lid, key, [])
    return (lid, key, flatten(router.drawn(lid, style), 6 if style == "spline" else 2))
