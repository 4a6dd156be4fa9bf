"""Applying the fixes of a report to a design (``archdesigner lint --fix``).

Fixes are applied pass by pass: lint, apply every fix whose edit touches nothing another fix
of the same pass touched, lint again, until no fix applies (at most ``max_passes``). A fix
that no longer fits (its link was replaced by an earlier fix) is skipped and reconsidered on
the next pass, against the new design.
"""

from __future__ import annotations

from collections.abc import Callable

from archdesigner.lint.api import Finding
from archdesigner.lint.engine import LintReport
from archdesigner.model.design import Design
from archdesigner.model.edits import (
    AddLink,
    AddNode,
    Compound,
    Edit,
    EditError,
    RemoveLink,
    RemoveNode,
    UpdateLink,
    UpdateNode,
)


def touched(edit: Edit) -> set[tuple[str, str]]:
    """The nodes and links an edit changes, as ``("node"|"link", id)``."""
    if isinstance(edit, Compound):
        out: set[tuple[str, str]] = set()
        for child in edit.edits:
            out |= touched(child)
        return out
    if isinstance(edit, UpdateNode | RemoveNode):
        return {("node", edit.node_id)}
    if isinstance(edit, AddNode):
        return {("node", edit.node.id)}
    if isinstance(edit, UpdateLink | RemoveLink):
        return {("link", edit.link_id)}
    if isinstance(edit, AddLink):
        return {("link", edit.link.id)}
    return {("design", type(edit).__name__)}


def apply_fixes(
    design: Design,
    lint: Callable[[Design], LintReport],
    max_passes: int = 10,
) -> tuple[LintReport, list[Finding]]:
    """Applies fixes until none applies; returns the final report and the fixed findings."""
    report = lint(design)
    applied: list[Finding] = []
    for _ in range(max_passes):
        busy: set[tuple[str, str]] = set()
        changed = False
        for f in report.active:
            if f.fix is None:
                continue
            scope = touched(f.fix.edit) | {(f.subject_type, f.subject)}
            if scope & busy:
                continue
            try:
                f.fix.edit.apply(design)
            except EditError:
                continue
            busy |= scope
            applied.append(f)
            changed = True
        if not changed:
            break
        report = lint(design)
    return report, applied
