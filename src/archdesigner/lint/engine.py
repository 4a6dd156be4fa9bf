"""The lint engine: runs the selected rules over a design and returns a :class:`LintReport`.

One engine serves the command line and the app. Steps: load rules (built-ins and plugins),
resolve the configuration (the design's ``lint`` block plus the caller's arguments), run each
rule (built-ins in this thread, plugin rules isolated with a time limit), apply severity
overrides and ``lint_ignore`` suppressions, add MOD003 (unused suppressions) and MOD900
(crashed rules), compute each finding's impact (:mod:`archdesigner.lint.impact`),
fingerprint and sort.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from archdesigner.graph import DesignGraph
from archdesigner.io.load import gc_paused
from archdesigner.lint.api import (
    SEVERITIES,
    SEVERITY_RANK,
    Finding,
    Fix,
    LintContext,
    Severity,
    names,
)
from archdesigner.lint.flow import (
    DEFAULT_UTILIZATION_TARGET,
    LoadFlow,
    RequestFlow,
    flows,
    utilization_target,
)
from archdesigner.lint.impact import set_impacts
from archdesigner.lint.isolation import (
    Worker,
    process_isolation_available,
    run_in_process,
    run_with_time_limit,
    start_in_process,
)
from archdesigner.lint.registry import RegisteredRule, RuleSet, load_rules
from archdesigner.model.design import Design, Group, Link, Node
from archdesigner.model.edits import Compound, Edit, UpdateLink, UpdateNode
from archdesigner.plugins import PluginError

#: Seconds a plugin rule may run before it is stopped and reported as MOD900.
DEFAULT_TIME_LIMIT = 10.0
UNUSED = "MOD003"
CRASHED = "MOD900"


class LintConfigError(ValueError):
    """The design's ``lint`` block or the caller's settings are unusable. ``path`` is the
    JSON path of the problem (``lint.options.SCL005.max_depth``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass
class LintReport:
    """What a lint run found.

    ``findings`` are sorted by severity, impact (highest first), rule id and subject id
    (suppressed ones included, marked). ``errors`` are plugin load problems.
    ``utilization`` maps each node with a capacity to ``(offered_rps, capacity_rps)`` and
    ``utilization_target`` is the share of capacity the design wants to stay under (CAP002's
    ``max_utilization``). ``rules`` are the rules that ran. ``warnings`` are notes about the
    configuration (a selector that matches no rule).
    """

    findings: list[Finding] = field(default_factory=list)
    errors: list[PluginError] = field(default_factory=list)
    utilization: dict[str, tuple[float, float]] = field(default_factory=dict)
    utilization_target: float = DEFAULT_UTILIZATION_TARGET
    #: display names of the nodes and groups whose name differs from their id
    labels: dict[str, str] = field(default_factory=dict)
    #: each link as ``source → target`` (display names), for the text output
    link_labels: Mapping[str, str] = field(default_factory=dict)
    rules: list[RegisteredRule] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: the run's shared results (analyses, the fix guard, the placer), which the fixes not
    #: built yet read when they are built
    run_state: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def release(self) -> None:
        """Lets the linted design go, for a report that is only written out (``archdesigner
        lint`` without ``--fix``): fixes not built yet keep their description and
        applicability but can no longer be built (:meth:`Fix.release`), the run's shared
        results are dropped (they hold the design and its graph, in cycles the command
        line's paused collector would never break), and link labels are kept for the
        links the findings name. At 50,000 nodes the design is ~250 MB of the memory that
        the output (locating every finding in the file's text) would add to."""
        for f in self.findings:
            if f.fix is not None:
                f.fix.release()
        labels = self.link_labels
        self.link_labels = {
            f.subject: labels[f.subject]
            for f in self.findings
            if f.subject_type == "link" and f.subject in labels
        }
        self.run_state.clear()

    @property
    def active(self) -> list[Finding]:
        """The findings that are not suppressed."""
        return [f for f in self.findings if not f.suppressed]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed]

    def counts(self) -> dict[str, int]:
        """Unsuppressed findings per severity."""
        out: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
        for f in self.active:
            out[f.severity] += 1
        return out

    def reaches(self, fail_on: str) -> bool:
        """True when an unsuppressed finding is at least as severe as ``fail_on``."""
        if fail_on not in SEVERITY_RANK:
            return False
        worst = SEVERITY_RANK[fail_on]
        return any(SEVERITY_RANK[f.severity] <= worst for f in self.active)


# --- selection -------------------------------------------------------------------------------


def _norm(refs: Iterable[str] | None) -> list[str] | None:
    if refs is None:
        return None
    return [r.strip().upper() for r in refs if r.strip()]


def _match_len(refs: Sequence[str], rule_id: str) -> int:
    best = -1
    for ref in refs:
        if ref == "ALL":
            best = max(best, 0)
        elif rule_id.startswith(ref):
            best = max(best, len(ref))
    return best


def is_selected(rule_id: str, select: Sequence[str] | None, ignore: Sequence[str]) -> bool:
    """Ruff-like prefix selection: the most specific matching selector wins; between a
    ``select`` and an ``ignore`` selector of the same length, ``ignore`` wins. ``select``
    None selects every rule; ``ALL`` matches every rule."""
    chosen = 0 if select is None else _match_len(select, rule_id)
    if chosen < 0:
        return False
    return _match_len(ignore, rule_id) < chosen or _match_len(ignore, rule_id) < 0


def unmatched_selectors(refs: Iterable[str], rule_ids: Iterable[str]) -> list[str]:
    """Selectors that match no rule id (typos, missing plugins)."""
    ids = list(rule_ids)
    return [r for r in _norm(refs) or [] if r != "ALL" and not any(i.startswith(r) for i in ids)]


def _severity_for(rule_id: str, default: Severity, overrides: Mapping[str, str]) -> Severity:
    best, chosen = -1, default
    for ref, sev in overrides.items():
        key = ref.upper()
        if rule_id.startswith(key) and len(key) > best and sev in SEVERITIES:
            best, chosen = len(key), sev
    return chosen


def _options_for(reg: RegisteredRule, given: Mapping[str, Any] | None) -> dict[str, Any]:
    rule = reg.rule
    out: dict[str, Any] = {name: opt.default for name, opt in rule.options.items()}
    for name, value in (given or {}).items():
        path = f"lint.options.{rule.id}.{name}"
        if name not in rule.options:
            known = ", ".join(sorted(rule.options)) or "none"
            raise LintConfigError(path, f"{rule.id} has no option {name!r} (options: {known})")
        try:
            out[name] = rule.options[name].check(value)
        except ValueError as exc:
            raise LintConfigError(path, str(exc)) from None
    return out


# --- running ----------------------------------------------------------------------------------


def _fingerprint(f: Finding) -> str:
    what = (f.rule_id, f.subject_type, f.subject, f.key)
    fp = _FINGERPRINTS.get(what)
    if fp is None:
        fp = hashlib.sha256("\0".join(what).encode("utf-8")).hexdigest()[:20]
        if _KEEP_FINGERPRINTS.get():
            if len(_FINGERPRINTS) >= _FINGERPRINTS_KEPT:
                _FINGERPRINTS.clear()
            _FINGERPRINTS[what] = fp
    return fp


#: Fingerprints computed before (lints of one design in a row, as ``--fix`` and the app
#: run them, mostly report the same subjects), up to this many of them.
_FINGERPRINTS: dict[tuple[str, str, str, str], str] = {}
_FINGERPRINTS_KEPT = 200_000
_KEEP_FINGERPRINTS: ContextVar[bool] = ContextVar("lint_keep_fingerprints", default=True)


@contextmanager
def one_lint_per_design() -> Iterator[None]:
    """While open, lint runs keep no fingerprints for the next run: each design is linted
    once (``archdesigner lint`` without ``--fix``), so a kept fingerprint would only take
    memory (at 50,000 nodes, 8 MB at the moment the run needs the most)."""
    token = _KEEP_FINGERPRINTS.set(False)
    try:
        yield
    finally:
        _KEEP_FINGERPRINTS.reset(token)


def _crash(reg: RegisteredRule, severity: Severity, what: str, details: str) -> Finding:
    rule = reg.rule
    plugin = "the built-in rules" if reg.builtin else f"plugin {reg.source}"
    return Finding(
        rule_id=CRASHED,
        name="rule-crashed",
        severity=severity,
        message=f"Rule {rule.id} ({rule.name}) of {plugin} {what}; its findings are missing "
        "from this report. The other rules ran and the design is untouched.",
        subject=rule.id,
        subject_type="rule",
        evidence={"rule": rule.id, "plugin": reg.source, "error": details},
        key=rule.id,
    )


def _import_crash(error: PluginError, severity: Severity) -> Finding:
    """MOD900 for a rule plugin that hung or ended the process while importing: its rules
    are unknown, so the subject is the plugin itself."""
    why = error.message.removeprefix("failed to import: ").removesuffix("; not loaded")
    return Finding(
        rule_id=CRASHED,
        name="rule-crashed",
        severity=severity,
        message=f"The rules of plugin {error.plugin} did not load: it {why}; their findings "
        "are missing from this report. The other rules ran and the design is untouched.",
        subject=error.plugin,
        subject_type="rule",
        evidence={"plugin": error.plugin, "error": error.message},
        key=error.plugin,
    )


def builtin_edit(edit: Any) -> bool:
    """True for an edit of a built-in class (and a Compound of only such edits): a plugin's
    own Edit subclass could do anything to the design, so its fixes are refused."""
    if type(edit).__module__ != Compound.__module__ or not isinstance(edit, Edit):
        return False
    if isinstance(edit, Compound):
        return all(builtin_edit(e) for e in edit.edits)
    return True


def _checked(findings: Any, reg: RegisteredRule, graph: DesignGraph) -> tuple[list[Finding], str]:
    """The rule's findings, or an error text when it returned something unusable."""
    found = list(findings or ())
    ids: dict[str, Any] = {"node": graph.nodes, "link": graph.links, "group": graph.groups}
    out: list[Finding] = []
    for f in found:
        if type(f) is not Finding:  # a subclass, or not a finding: the careful way
            return _checked_one_by_one(found, reg, ids)
        known = ids.get(f.subject_type)
        fix = f.fix
        if known is None or f.subject not in known or (fix is not None and type(fix) is not Fix):
            return _checked_one_by_one(found, reg, ids)
        if fix is not None and not builtin_edit(fix.edit):
            return _checked_one_by_one(found, reg, ids)
        out.append(
            Finding(
                reg.rule.id,
                reg.rule.name,
                f.severity,
                f.message,
                f.subject,
                f.subject_type,
                [str(r) for r in f.related],
                f.evidence,
                fix,
                f.fingerprint,
                f.suppressed,
                f.key,
                reg.source,
                f.impact,
            )
        )
    try:  # every finding's evidence in one encoder pass (an encoder per finding costs more)
        json.dumps([f.evidence for f in out], allow_nan=False)
    except (TypeError, ValueError):
        return _checked_one_by_one(found, reg, ids)
    return out, ""


def _checked_one_by_one(
    findings: list[Any], reg: RegisteredRule, ids: dict[str, Any]
) -> tuple[list[Finding], str]:
    """:func:`_checked` finding by finding: the first problem in the rule's order wins."""
    out: list[Finding] = []
    for f in findings:
        if not isinstance(f, Finding):
            return [], f"returned a {type(f).__name__} instead of a Finding"
        known = ids.get(f.subject_type)
        if known is None or f.subject not in known:
            return [], f"returned a finding about an unknown {f.subject_type} {f.subject!r}"
        fix = f.fix
        if fix is not None and not isinstance(fix, Fix):
            fix = None
        if fix is not None and not builtin_edit(fix.edit):
            return [], (
                f"offered a fix with its own edit class {type(fix.edit).__name__}; fixes may "
                "only use the built-in edits of archdesigner.model.edits"
            )
        try:
            json.dumps(f.evidence, allow_nan=False)
        except (TypeError, ValueError):
            return [], f"returned evidence that is not JSON for {f.subject_type} {f.subject!r}"
        out.append(
            replace(
                f,
                rule_id=reg.rule.id,
                name=reg.rule.name,
                source=reg.source,
                fix=fix,
                related=[str(r) for r in f.related],
            )
        )
    return out, ""


_FOCUS: ContextVar[frozenset[str] | None] = ContextVar("lint_focus", default=None)

#: How third-party rules run: "process" (a worker process per rule: hard time and memory
#: limits; the default where fork exists) or "thread" (in this process, time limit only).
ISOLATIONS = ("process", "thread")
_ISOLATION: ContextVar[str] = ContextVar(
    "lint_isolation", default="process" if process_isolation_available() else "thread"
)


@contextmanager
def isolation(mode: str) -> Iterator[None]:
    """While open, plugin rules run with this isolation (``--isolation``)."""
    if mode not in ISOLATIONS:
        raise ValueError(f"isolation must be one of {', '.join(ISOLATIONS)}, not {mode!r}")
    if mode == "process" and not process_isolation_available():
        mode = "thread"
    token = _ISOLATION.set(mode)
    try:
        yield
    finally:
        _ISOLATION.reset(token)


@contextmanager
def focused(rule_ids: Iterable[str]) -> Iterator[None]:
    """While open, :func:`lint_design` runs only these rules (of those it would run). The
    ``--fix`` loop re-lints only the rules that still had fixes to give between two whole
    lints (see :mod:`archdesigner.lint.fixing`)."""
    token = _FOCUS.set(frozenset(rule_ids))
    try:
        yield
    finally:
        _FOCUS.reset(token)


def lint_design(
    design: Design,
    *,
    plugin_dirs: Sequence[str | Path] = (),
    load_factor: float = 1.0,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    severity_overrides: Mapping[str, str] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    rules: RuleSet | None = None,
) -> LintReport:
    """Lints ``design`` and returns the report. The design is not changed.

    ``select`` replaces the design's ``lint.select``; ``ignore`` and ``severity_overrides``
    add to the design's ``lint.ignore`` and ``lint.severity``. ``rules`` reuses an already
    loaded :class:`RuleSet` (the app loads plugins once); otherwise rules are discovered
    from entry points, the user's plugin folder and ``plugin_dirs``. Raises
    :class:`LintConfigError` for unusable options.
    """
    if not (isinstance(load_factor, int | float) and math.isfinite(load_factor)):
        raise LintConfigError("load factor", f"expected a number, got {load_factor!r}")
    if load_factor < 0:
        raise LintConfigError("load factor", f"must be >= 0, got {load_factor:g}")
    ruleset = rules if rules is not None else load_rules(plugin_dirs)
    report = LintReport(errors=list(ruleset.errors))
    cfg = design.lint
    sel = _norm(select) if select is not None else _norm(cfg.select)
    ign = (_norm(cfg.ignore) or []) + (_norm(ignore) or [])
    all_ids = [r.rule.id for r in ruleset.rules]
    for where, refs in (("lint.select", cfg.select or []), ("lint.ignore", cfg.ignore)):
        for ref in unmatched_selectors(refs, all_ids):
            report.warnings.append(f"{where}: {ref!r} matches no installed rule")
    overrides: dict[str, str] = dict(cfg.severity)
    overrides.update(severity_overrides or {})
    chosen = [r for r in ruleset.rules if is_selected(r.rule.id, sel, ign)]
    focus = _FOCUS.get()
    if focus is not None:
        chosen = [r for r in chosen if r.rule.id in focus]
    by_id = ruleset.by_id()
    for rid in cfg.options:
        if rid not in by_id:
            report.warnings.append(f"lint.options: no installed rule {rid!r}; ignored")
    options = {r.rule.id: _options_for(r, cfg.options.get(r.rule.id)) for r in chosen}
    severity: dict[str, Severity] = {
        r.rule.id: _severity_for(r.rule.id, r.rule.severity, overrides) for r in ruleset.rules
    }
    report.rules = chosen

    with gc_paused():
        return _run(
            design,
            report,
            chosen,
            options,
            severity,
            all_ids,
            load_factor=load_factor,
            time_limit=time_limit,
        )


def private_copy(design: Design) -> Design:
    """A deep copy of ``design`` for plugin rules, which may change it at will.

    Made object by object rather than in one ``model_validate(model_dump())`` call: that
    one call holds the interpreter lock for its whole length (0.2-0.45 s at 10,000 nodes),
    so the app's UI thread could not run while a plugin's copy was made in the lint
    worker. Between the small calls here other threads get their turn.
    """
    top = design.model_dump(exclude={"nodes", "links", "groups"})
    private = Design.model_validate(
        {**top, "nodes": [], "links": [], "groups": []},
        context={"skip_reference_check": True},
    )
    private.nodes = [Node.model_validate(n.model_dump()) for n in design.nodes]
    private.links = [Link.model_validate(link.model_dump()) for link in design.links]
    private.groups = [Group.model_validate(g.model_dump()) for g in design.groups]
    return private


def as_linted(design: Design) -> Design:
    """The design as this run lints it, for its graph: the same nodes, links and groups in
    lists of its own. Fixes are built lazily, while ``--fix`` applies the fixes before them
    to the design, and may read graph indexes no rule read during the run: those are then
    computed from these lists, so they describe the design the findings came from, never a
    half-fixed one (edits replace items; they never change one in place)."""
    return design.model_copy(
        update={
            "nodes": list(design.nodes),
            "links": list(design.links),
            "groups": list(design.groups),
        }
    )


def _run(
    design: Design,
    report: LintReport,
    chosen: list[RegisteredRule],
    options: dict[str, dict[str, Any]],
    severity: dict[str, Severity],
    all_ids: list[str],
    *,
    load_factor: float,
    time_limit: float,
) -> LintReport:
    graph = DesignGraph(as_linted(design))
    shared: dict[str, Any] = report.run_state
    findings: list[Finding] = []
    crashes: list[Finding] = []
    plugin_copies: dict[str, _PluginCopy] = {}
    crash_severity = severity.get(CRASHED, "error")
    workers = _early_workers(chosen, design, graph, options, load_factor)
    try:
        for reg in chosen:
            rid = reg.rule.id
            if rid in (UNUSED, CRASHED):
                continue
            if reg.builtin:
                ctx = LintContext(
                    design, graph, reg.rule, options[rid], load_factor=load_factor, shared=shared
                )
                got, crash = _run_builtin(reg, ctx, crash_severity)
            else:
                got, crash = _run_plugin(
                    reg,
                    design,
                    graph,
                    options[rid],
                    plugin_copies,
                    crash_severity,
                    load_factor=load_factor,
                    time_limit=time_limit,
                    worker=workers.pop(rid, None),
                )
            findings.extend(got)
            if crash is not None:
                crashes.append(crash)
    finally:
        for worker in workers.values():  # left unread by an exception
            worker.close()

    chosen_ids = {r.rule.id for r in chosen}
    findings = _suppress(design, findings, chosen_ids, all_ids, severity.get(UNUSED, "info"))
    if CRASHED in chosen_ids:
        crashes.extend(_import_crash(e, crash_severity) for e in report.errors if e.crashed)
        report.errors = [e for e in report.errors if not e.crashed]
        findings.extend(crashes)
    else:
        for c in crashes:
            report.warnings.append(c.message)
    set_impacts(findings, graph, _flows(graph, load_factor, shared)[1])
    report.findings = _ordered(findings, severity)
    report.utilization = _utilization(graph, load_factor, shared)
    report.utilization_target = utilization_target(design)
    _set_labels(report, design, graph)
    return report


def _set_labels(report: LintReport, design: Design, graph: DesignGraph) -> None:
    """The display names outputs show beside ids: named nodes and groups, and each link as
    'source -> target' by its ends' labels (worked out when read, from the design as
    linted: an output shows a few of them)."""
    report.labels = {n.id: n.name for n in design.nodes if n.name and n.name != n.id}
    report.labels.update({g.id: g.name for g in design.groups if g.name and g.name != g.id})
    report.link_labels = LinkLabels(graph.links, graph.nodes)


class LinkLabels(Mapping[str, str]):
    """Each link id -> ``source → target`` by the labels of its ends (the id of an end
    that is not a node), for the links of ``links``; ``nodes`` names the ends."""

    def __init__(self, links: Mapping[str, Link], nodes: Mapping[str, Node]) -> None:
        self._links = links
        self._nodes = nodes

    def __getitem__(self, link_id: str) -> str:
        link = self._links[link_id]
        return f"{self._label(link.source)} → {self._label(link.target)}"

    def _label(self, node_id: str) -> str:
        node = self._nodes.get(node_id)
        return node.label if node is not None else node_id

    def __iter__(self) -> Iterator[str]:
        return iter(self._links)

    def __len__(self) -> int:
        return len(self._links)


#: A plugin's own copy of the design, its graph and its shared per-run results.
_PluginCopy = tuple[Design, DesignGraph, dict[str, Any]]


def _run_builtin(
    reg: RegisteredRule, ctx: LintContext, crash_severity: Severity
) -> tuple[list[Finding], Finding | None]:
    """A built-in rule runs on the design itself; its findings are trusted as they are."""
    try:
        return list(reg.rule.check(ctx)), None
    except Exception as exc:  # a bug in a built-in rule must not stop the others
        problem = f"raised {type(exc).__name__}: {exc}"
        return [], _crash(reg, crash_severity, problem, problem)


def _plugin_check(
    reg: RegisteredRule,
    copy_of: Callable[[], _PluginCopy],
    options: dict[str, Any],
    load_factor: float,
    *,
    checked: bool = False,
) -> Callable[[], Any]:
    """What runs a plugin rule (in a worker process or thread): its check on the copy of
    the design ``copy_of`` gives, with the rule's fixes built. With ``checked`` (a worker
    process) it returns :func:`_checked` of the findings, done there too: the process only
    sends back findings it has checked, so this one need not go through them again (the
    copy it checked against is this process's design, forked)."""

    def run() -> Any:
        copy = copy_of()
        ctx = LintContext(
            copy[0],
            copy[1],
            reg.rule,
            options,
            load_factor=load_factor,
            shared=copy[2],
            source=reg.source,
        )
        found = list(reg.rule.check(ctx))
        for f in found:  # build plugin fixes here, inside the time limit
            if isinstance(f, Finding) and isinstance(f.fix, Fix):
                f.fix.edit  # noqa: B018
        return _checked(found, reg, copy[1]) if checked else found

    return run


#: Plugin rules whose worker processes start before the built-in rules run, so that they
#: run beside them (on another core); any further ones start when their turn comes.
EARLY_WORKERS = 4


def _early_workers(
    chosen: list[RegisteredRule],
    design: Design,
    graph: DesignGraph,
    options: dict[str, dict[str, Any]],
    load_factor: float,
) -> dict[str, Worker]:
    """With process isolation: the first plugin rules' workers, started now (each forks a
    copy of this process, design included). Their answers are read in the rules' turn."""
    if _ISOLATION.get() != "process":
        return {}
    out: dict[str, Worker] = {}
    for reg in chosen:
        rid = reg.rule.id
        if reg.builtin or rid in (UNUSED, CRASHED) or len(out) >= EARLY_WORKERS:
            continue
        check = _plugin_check(
            reg, lambda: (design, graph, {}), options[rid], load_factor, checked=True
        )
        out[rid] = start_in_process(check)
    return out


def _run_plugin(
    reg: RegisteredRule,
    design: Design,
    graph: DesignGraph,
    options: dict[str, Any],
    copies: dict[str, _PluginCopy],
    crash_severity: Severity,
    *,
    load_factor: float,
    time_limit: float,
    worker: Worker | None = None,
) -> tuple[list[Finding], Finding | None]:
    """A plugin rule runs on its plugin's private copy of the design, under a time limit;
    what it returns is checked before it is believed. ``worker``: the rule's worker process,
    already started."""

    def copy_of() -> _PluginCopy:
        copy = copies.get(reg.source)
        if copy is None:
            private = private_copy(design)
            copy = (private, DesignGraph(private), {})
            copies[reg.source] = copy
        return copy

    checked_there = worker is not None or _ISOLATION.get() == "process"
    if worker is not None:
        outcome = worker.outcome(time_limit)
    elif checked_there:  # the worker has its own copy of everything
        check = _plugin_check(reg, lambda: (design, graph, {}), options, load_factor, checked=True)
        outcome = run_in_process(check, time_limit)
    else:
        check = _plugin_check(reg, copy_of, options, load_factor)
        outcome = run_with_time_limit(check, time_limit, reg.rule.id)
    if outcome.timed_out:
        copies.pop(reg.source, None)  # the abandoned thread may still hold it
        what = f"ran past its time limit of {time_limit:g} s and was stopped"
        return [], _crash(reg, crash_severity, what, f"time limit of {time_limit:g} s exceeded")
    if outcome.error:
        what = outcome.error if outcome.error.startswith("ended") else f"raised {outcome.error}"
        return [], _crash(reg, crash_severity, what, outcome.details or what)
    got, problem = outcome.value if checked_there else _checked(outcome.value, reg, graph)
    return got, _crash(reg, crash_severity, problem, problem) if problem else None


def _ordered(findings: list[Finding], severity: dict[str, Severity]) -> list[Finding]:
    """Findings in report order (severity, impact, rule, subject), each with its effective
    severity and a fingerprint that is unique in the report."""
    findings.sort(
        key=lambda f: (
            SEVERITY_RANK[severity.get(f.rule_id, f.severity)],
            -round(f.impact, 6),
            f.rule_id,
            f.subject,
            f.key,
            f.message,
        )
    )
    seen: dict[str, int] = {}
    for f in findings:
        fp = _fingerprint(f)
        n = seen.get(fp, 0) + 1
        seen[fp] = n
        f.fingerprint = fp if n == 1 else f"{fp}-{n}"
        f.severity = severity.get(f.rule_id, f.severity)
    return findings


def _flows(
    graph: DesignGraph, load_factor: float, shared: dict[str, Any]
) -> tuple[LoadFlow, RequestFlow]:
    """The run's load and request flows: the ones the rules computed, else computed now."""
    key = f"flows:{load_factor!r}"
    if key not in shared:
        shared[key] = flows(graph, load_factor)
    result: tuple[LoadFlow, RequestFlow] = shared[key]
    return result


def _utilization(
    graph: DesignGraph, load_factor: float, shared: dict[str, Any]
) -> dict[str, tuple[float, float]]:
    if not any(n.capacity_rps is not None for n in graph.node_list):
        return {}
    lf = _flows(graph, load_factor, shared)[0]
    return {
        graph.ids[i]: (lf.offered[i], cap) for i, cap in enumerate(lf.capacity) if cap is not None
    }


# --- suppressions -------------------------------------------------------------------------------


def _matches(entry: str, rule_id: str) -> bool:
    return rule_id.startswith(entry.upper())


def _suppress(
    design: Design,
    findings: list[Finding],
    chosen: set[str],
    all_ids: list[str],
    unused_severity: Severity,
) -> list[Finding]:
    """Marks suppressed findings and adds MOD003 for each entry that suppressed nothing."""
    entries: dict[tuple[str, str], list[str]] = {}
    for node in design.nodes:
        if node.lint_ignore:
            entries[("node", node.id)] = node.lint_ignore
    for link in design.links:
        if link.lint_ignore:
            entries[("link", link.id)] = link.lint_ignore
    used: set[tuple[str, str, int]] = set()

    def mark(f: Finding) -> Finding:
        hit = False
        for k, entry in enumerate(entries.get((f.subject_type, f.subject), ())):
            if _matches(entry, f.rule_id):
                used.add((f.subject_type, f.subject, k))
                hit = True
        if hit:
            f.suppressed = True
        return f

    if not entries:  # nothing to suppress, and no entry to report unused
        return findings
    out = [mark(f) for f in findings]
    if UNUSED not in chosen:
        return out
    unused: list[Finding] = []
    for (stype, sid), refs in sorted(entries.items()):
        for k, entry in enumerate(refs):
            if (stype, sid, k) in used or _matches(entry, UNUSED):
                continue
            unused.append(_unused(design, stype, sid, refs, k, chosen, all_ids, unused_severity))
    marked = [mark(f) for f in unused]
    # an entry that silences MOD003 and silenced none of it is itself unused
    for (stype, sid), refs in sorted(entries.items()):
        for k, entry in enumerate(refs):
            if (stype, sid, k) in used or not _matches(entry, UNUSED):
                continue
            marked.append(
                mark(_unused(design, stype, sid, refs, k, chosen, all_ids, unused_severity))
            )
    return out + marked


def _unused(
    design: Design,
    stype: str,
    sid: str,
    refs: list[str],
    k: int,
    chosen: set[str],
    all_ids: list[str],
    severity: Severity,
) -> Finding:
    entry = refs[k]
    matching = [rid for rid in all_ids if _matches(entry, rid)]
    ran = [rid for rid in matching if rid in chosen]
    what = f"{stype} {sid}"
    if not matching:
        why = f"no installed rule id starts with {entry.upper()}"
    elif not ran:
        why = f"{names_of(matching)} did not run (not selected)"
    else:
        if len(ran) == 1:
            why = f"{ran[0]} found nothing on {what}"
        else:
            why = f"none of {names_of(ran)} found anything on {what}"
    rest = [r for j, r in enumerate(refs) if j != k]
    edit: UpdateNode | UpdateLink
    if stype == "node":
        edit = UpdateNode(sid, {"lint_ignore": rest}, f"Remove {entry} from lint_ignore")
    else:
        edit = UpdateLink(sid, {"lint_ignore": rest}, f"Remove {entry} from lint_ignore")
    fix = None
    if ran or not matching:
        fix = Fix(f"Remove {entry!r} from the lint_ignore of {what}", edit)
    return Finding(
        rule_id=UNUSED,
        name="unused-suppression",
        severity=severity,
        message=f"The lint_ignore entry {entry!r} on {what} suppressed nothing in this run: "
        f"{why}. Remove the entry.",
        subject=sid,
        subject_type="node" if stype == "node" else "link",
        evidence={"entry": entry, "matching_rules": matching, "rules_run": ran},
        fix=fix,
        key=f"{k}:{entry}",
    )


def names_of(ids: list[str]) -> str:
    return names(ids, 4)
