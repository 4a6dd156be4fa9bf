"""Applying the fixes of a report to a design (``archdesigner lint --fix``).

Fixes are applied pass by pass: lint, apply every fix whose edit touches nothing another fix
of the same pass touched, lint again, until no fix applies (at most ``max_passes``). A fix
that no longer fits (its link was replaced by an earlier fix) is skipped and reconsidered on
the next pass, against the new design.

Each pass applies its edits inside :func:`archdesigner.model.edits.indexed`, so an edit finds
its node or link by id instead of scanning the design: a pass over a 10,000-node design with
thousands of fixes stays linear.
"""

from __future__ import annotations

from collections.abc import Callable

from archdesigner.io.load import gc_paused
from archdesigner.lint.api import Finding
from archdesigner.lint.engine import LintReport
from archdesigner.model.design import Design
from archdesigner.model.edits import Edit, EditError, indexed


def _one_pass(
    design: Design, report: LintReport, applied: list[Finding], inverses: list[Edit] | None
) -> bool:
    busy: set[tuple[str, str]] = set()
    changed = False
    for f in report.active:
        if f.fix is None:
            continue
        try:  # a fix built lazily may find its link replaced by an earlier fix of this pass
            scope = f.fix.edit.touches() | {(f.subject_type, f.subject)}
        except EditError:
            continue
        if scope & busy:
            continue
        try:
            inverse = f.fix.edit.apply(design)
        except EditError:
            continue
        if inverses is not None:
            inverses.append(inverse)
        busy |= scope
        applied.append(f)
        changed = True
    return changed


def apply_fixes(
    design: Design,
    lint: Callable[[Design], LintReport],
    max_passes: int = 10,
    *,
    inverses: list[Edit] | None = None,
) -> tuple[LintReport, list[Finding]]:
    """Applies fixes until none applies; returns the final report and the fixed findings.

    When ``inverses`` is a list, the inverse edit of each applied fix is appended to it:
    applying them in reverse order restores the design exactly."""
    report = lint(design)
    applied: list[Finding] = []
    for _ in range(max_passes):
        with gc_paused(), indexed(design):  # a pass allocates much and frees little
            changed = _one_pass(design, report, applied, inverses)
        if not changed:
            break
        report = lint(design)
    return report, applied
