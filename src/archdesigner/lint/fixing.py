"""Applying the fixes of a report to a design (``archdesigner lint --fix``).

Fixes are applied pass by pass: each pass applies every fix that does not interact with a
fix applied before it in the same pass (so fixes that do not interact all land in one
pass): two fixes interact when they touch one node or link, unless both only set fields of
it and never one field to two values (:func:`footprint`). A fix that interacts, or no
longer fits (its link was replaced by an earlier fix), is skipped and reconsidered on the
next pass, against the new design.

After each of the first three passes the whole lint runs again (it most often offers
nothing more, and then it is the report). After a later pass only the rules that offered
a fix in the pass before are linted again (a fix can reveal the next problem of its own
rule: the next long chain, a second caller); when they offer nothing more that applies,
the whole lint runs. The loop ends when a whole lint offers no fix that applies: the
report returned is that lint. There is no pass cap while fixes keep applying; the loop
stops early only when a fix it already applied is offered again word for word (fixes that
undo each other), and says so in the report's ``warnings`` (:data:`NOTE`).

Each pass applies its edits inside :func:`archdesigner.model.edits.indexed`, so an edit
finds its node or link by id instead of scanning the design: a pass over a 10,000-node
design with thousands of fixes stays linear.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Mapping
from typing import Any

from archdesigner.io.load import gc_paused
from archdesigner.lint.api import Finding
from archdesigner.lint.engine import LintReport, focused
from archdesigner.lint.isolation import Worker
from archdesigner.model.design import Design
from archdesigner.model.edits import (
    Compound,
    Edit,
    EditError,
    Touch,
    UpdateLink,
    UpdateNode,
    indexed,
)

FixKey = tuple[str, str, str, str]  # rule, subject type, subject, fix description
#: How the report's notes of the fix loop begin: the loop stopped before a whole lint
#: offered no fix (``archdesigner lint --fix`` also prints them on stderr).
NOTE = "--fix"


class FixFailed(Exception):
    """Applying a fix went wrong (it raised, or left a design that is not valid): nothing
    may be saved. :attr:`finding` is the MOD900 finding that says so."""

    def __init__(self, rule_id: str, what: str) -> None:
        super().__init__(f"the fix of {rule_id} {what}")
        self.finding = Finding(
            rule_id="MOD900",
            name="rule-crashed",
            severity="error",
            message=f"The fix of rule {rule_id} {what}; no fix was saved and the file is "
            "untouched.",
            subject=rule_id,
            subject_type="rule",
            evidence={"rule": rule_id, "error": what},
            key=f"fix:{rule_id}",
        )


def check_fixed(design: Design, nodes_before: int, applied: list[Finding]) -> str:
    """Re-validates a fixed design before it may be saved (raises :class:`FixFailed`): it
    must write and read back as a valid design, and fixes never empty a design. Returns the
    design's canonical text (what is saved), so that it is written once."""
    _check_not_emptied(design, nodes_before, applied)
    kind, text = _read_back(design)
    if kind != "ok":
        raise FixFailed(_who(applied), f"left a design that is not valid ({text})")
    return text


def _who(applied: list[Finding]) -> str:
    return ", ".join(sorted({f.rule_id for f in applied}) or ["?"])


def _check_not_emptied(design: Design, nodes_before: int, applied: list[Finding]) -> None:
    if nodes_before and not design.nodes:
        raise FixFailed(_who(applied), "removed every component of the design")


def _read_back(design: Design, yielding: bool = False) -> tuple[str, str]:
    """``("ok", the design's text)`` when it writes and reads back as a valid design, else
    ``("invalid", why)``. ``yielding``: in a worker process beside the lint, at a lower
    priority, so that the lint and its plugin workers have the cores first (the check has
    the whole lint's time to finish)."""
    from archdesigner.io import DesignError, dumps_design, loads_design

    if yielding:
        with contextlib.suppress(OSError, AttributeError):
            os.nice(5)

    try:
        with gc_paused():  # reading back allocates much; nothing of it is cyclic garbage
            text = dumps_design(design)
            loads_design(text, compacted=False)  # read to check it, not kept
    except (DesignError, ValueError) as exc:
        return "invalid", str(exc)[:200]
    return "ok", text


class CheckAhead:
    """:func:`check_fixed`'s write and read-back, started in a worker process while the
    fix loop lints the design again (pass it as ``on_change`` to :func:`apply_fixes`).

    After a pass that changed the design, the lint that follows most often offers nothing
    more: the design is then final, and the worker (a fork: it has the design as it is) has
    been writing and reading it back on another core meanwhile. When a later pass changes
    the design again, that worker is dropped and a new one starts. Workers start from pass
    ``first_pass`` on (the lint after the first pass of a large design most often offers
    more fixes, and a worker then would only take a core from the lint). Without ``fork``,
    or when a worker fails, :meth:`result` checks in this process as :func:`check_fixed`.
    """

    def __init__(self, first_pass: int = 2) -> None:
        from archdesigner.lint.isolation import process_isolation_available

        self.first_pass = first_pass
        self.passes = 0
        self._enabled = process_isolation_available()
        self._worker: Worker | None = None

    def __call__(self, design: Design) -> None:
        """The design changed (a pass applied fixes): check it ahead."""
        from archdesigner.lint.isolation import start_in_process

        self.passes += 1
        self.close()
        if self._enabled and self.passes >= self.first_pass:
            self._worker = start_in_process(lambda: _read_back(design, yielding=True))

    def result(self, design: Design, nodes_before: int, applied: list[Finding]) -> str:
        """:func:`check_fixed` of ``design``: the worker's answer when one checked the design
        as it is now (the last change), else the check done here."""
        _check_not_emptied(design, nodes_before, applied)
        worker, self._worker = self._worker, None
        if worker is not None:
            outcome = worker.outcome(AHEAD_TIME_LIMIT)
            if not outcome.error and not outcome.timed_out:
                kind, text = outcome.value
                if kind != "ok":
                    raise FixFailed(_who(applied), f"left a design that is not valid ({text})")
                return str(text)
        return check_fixed(design, nodes_before, applied)

    def close(self) -> None:
        """Ends the worker, if one runs."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.close()


#: Seconds :meth:`CheckAhead.result` waits for its worker before checking here instead.
AHEAD_TIME_LIMIT = 600.0


def applicable(f: Finding, unsafe: bool) -> bool:
    """True when ``--fix`` applies the fix of ``f``: a safe fix always, an unsafe one only
    with ``--unsafe-fixes`` (``unsafe``)."""
    return f.fix is not None and (unsafe or f.fix.applicability == "safe")


#: What one fix writes, per item it touches: the fields it sets (name -> value) when it only
#: sets fields of an existing node or link, None when it adds, removes or renames the item
#: (or is an edit whose writes are not known field by field).
Footprint = dict[Touch, Mapping[str, Any] | None]


def footprint(edit: Edit) -> Footprint:
    """The items ``edit`` touches (:meth:`Edit.touches`) and, where it only sets fields,
    which fields to which values. Two fixes that only set fields of an item interact when
    they set one field to different values; setting the same value (two retry fixes zeroing
    one shared link) or different fields (a timeout and a new target) does not. Adding,
    removing or renaming an item interacts with any other fix that touches it. A fix that
    relies on a field keeping its value says so by setting it to that value. (The field
    maps may be the edits' own: read them, never change them.)"""
    out: Footprint = {}
    todo = [edit]
    while todo:
        part = todo.pop()
        if isinstance(part, Compound):
            todo.extend(reversed(part.edits))  # in order: a later change of a field wins
            continue
        item: Touch
        if isinstance(part, UpdateLink) and "id" not in part.changes:
            item = ("link", part.link_id)
        elif isinstance(part, UpdateNode) and "id" not in part.changes:
            item = ("node", part.node_id)
        else:
            for touched in part.touches():
                out[touched] = None
            continue
        if item not in out:
            out[item] = part.changes
        else:
            known = out[item]
            if known is not None:
                out[item] = {**known, **part.changes}
    return out


def _interacts(scope: Footprint, busy: Footprint) -> bool:
    """True when a fix of footprint ``scope`` interacts with the fixes already applied in
    this pass (their footprints merged in ``busy``)."""
    for item, fields in scope.items():
        if item not in busy:
            continue
        done = busy[item]
        if fields is None or done is None:
            return True
        for name, value in fields.items():
            if name in done and done[name] != value:
                return True
    return False


def _trimmed(edit: Edit, busy: Footprint) -> Edit:
    """``edit`` without the field changes an earlier fix of the pass already made (the
    same fields of the same item to the same values): retry fixes of many entries that
    share most of their links zero each link once. Undoing the pass in reverse order still
    restores every field (the earlier fix's inverse does)."""
    if not isinstance(edit, Compound):
        return edit
    parts = tuple(part for part in edit.edits if not _done_already(part, busy))
    return edit if len(parts) == len(edit.edits) else Compound(parts, edit.text)


def _done_already(edit: Edit, busy: Footprint) -> bool:
    if isinstance(edit, UpdateLink) and "id" not in edit.changes:
        known = busy.get(("link", edit.link_id))
    elif isinstance(edit, UpdateNode) and "id" not in edit.changes:
        known = busy.get(("node", edit.node_id))
    else:
        return False
    if not known:
        return False
    return all(name in known and known[name] == value for name, value in edit.changes.items())


def _one_pass(
    design: Design,
    report: LintReport,
    applied: list[Finding],
    inverses: list[Edit] | None,
    done: set[FixKey],
    unsafe: bool = False,
) -> tuple[set[str], list[FixKey]]:
    """Applies the fixes of ``report`` that do not interact (see :func:`footprint`).
    Returns the rules that offered a fix (applied, or left for the next pass) and the fixes
    offered again after being applied in an earlier pass (not applied again)."""
    busy: Footprint = {}
    used: set[int] = set()  # fixes shared by several findings are applied once
    offered: set[str] = set()
    again: list[FixKey] = []
    changed = False
    for f in report.active:
        if f.fix is None or not applicable(f, unsafe):
            continue
        key = (f.rule_id, f.subject_type, f.subject, f.fix.description)
        if key in done:
            again.append(key)
            continue
        offered.add(f.rule_id)
        if id(f.fix) in used:
            continue
        try:  # a fix built lazily may find its link replaced by an earlier fix of this pass
            scope = footprint(f.fix.edit)
        except EditError:
            continue
        except Exception as exc:
            raise FixFailed(f.rule_id, f"raised {type(exc).__name__}: {exc}"[:300]) from None
        if _interacts(scope, busy):
            continue
        try:
            inverse = _trimmed(f.fix.edit, busy).apply(design)
        except EditError:
            continue
        except Exception as exc:  # a broken fix: the design may be half changed, stop here
            raise FixFailed(f.rule_id, f"raised {type(exc).__name__}: {exc}"[:300]) from None
        if inverses is not None:
            inverses.append(inverse)
        for item, fields in scope.items():
            if item not in busy:
                busy[item] = fields
                continue
            known = busy[item]
            if fields is None or known is None:
                busy[item] = None
            elif any(name not in known for name in fields):
                busy[item] = {**known, **fields}
        used.add(id(f.fix))
        done.add(key)
        applied.append(f)
        changed = True
    return (offered if changed else set()), again


def apply_fixes(
    design: Design,
    lint: Callable[[Design], LintReport],
    max_passes: int | None = None,
    *,
    inverses: list[Edit] | None = None,
    unsafe: bool = False,
    on_change: Callable[[Design], None] | None = None,
) -> tuple[LintReport, list[Finding]]:
    """Applies fixes until a whole lint offers none that applies (see the module docs);
    returns that lint's report and the fixed findings. ``max_passes`` (None: no limit) ends
    the run early, with a warning in the report. Safe fixes only, unless ``unsafe``
    (``--unsafe-fixes``): then also the fixes that add, remove or reroute components.

    When ``inverses`` is a list, the inverse edit of each applied fix is appended to it:
    applying them in reverse order restores the design exactly. ``on_change`` is called
    with the design after each pass that changed it, before it is linted again (the last
    call sees the design as it is returned; see :class:`CheckAhead`).

    The cyclic garbage collector is paused for the run (lints and passes allocate much
    and free little; each collection would walk the whole design and its indexes again)
    and collects once every few passes, so that the reports of a long run do not pile up."""
    with gc_paused():
        return _fix_loop(design, lint, max_passes, inverses, unsafe, on_change)


#: Passes after which the whole lint runs again; later passes are followed by a lint of
#: the rules that offered fixes in them (and a whole lint when those offer nothing more).
#: A focused lint plus the whole one costs more than one whole lint after a pass that turns
#: out to be the last, and early passes most often are.
WHOLE_PASSES = 3

#: Passes between two collections of the garbage of earlier lint reports.
COLLECT_EVERY = 4


def _fix_loop(
    design: Design,
    lint: Callable[[Design], LintReport],
    max_passes: int | None,
    inverses: list[Edit] | None,
    unsafe: bool,
    on_change: Callable[[Design], None] | None,
) -> tuple[LintReport, list[Finding]]:
    report = lint(design)
    whole = True
    applied: list[Finding] = []
    done: set[FixKey] = set()
    passes = 0
    while True:
        if max_passes is not None and passes >= max_passes:
            report = report if whole else lint(design)
            report.warnings.append(f"{NOTE} stopped after {passes} passes, fixes still applying")
            break
        with indexed(design):
            offered, again = _one_pass(design, report, applied, inverses, done, unsafe)
        passes += 1
        if offered and on_change is not None:
            on_change(design)
        if passes % COLLECT_EVERY == 0:
            gc.collect()
        if offered and passes <= WHOLE_PASSES:  # most often nothing is left after them
            report = lint(design)
            whole = True
        elif offered:
            with focused(offered):
                report = lint(design)
            whole = False
        elif not whole:
            report = lint(design)
            whole = True
        else:
            for rule_id, _, subject, description in again:
                report.warnings.append(
                    f"{NOTE}: {rule_id} on {subject} was fixed once and is offered again "
                    f"({description}); not applied twice: fixes undo each other there"
                )
            break
    return report, applied
