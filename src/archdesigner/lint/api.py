"""The rule API: what a rule is, what it gets, and what it returns.

This module is the contract between the lint engine and every rule, built-in or plugin
(docs/plugins.md explains it with an example). A rule is a :class:`Rule`, most easily made
with the :func:`rule` decorator around a *check function*. The engine calls the check
function with a :class:`LintContext` and collects the :class:`Finding` objects it yields,
each made with :meth:`LintContext.finding`. A finding may carry a :class:`Fix`: a
description and a pure model edit (:mod:`archdesigner.model.edits`) that the app applies as
one undoable step and ``archdesigner lint --fix`` applies to the file.

Rules never change the design. The engine runs plugin rules on a private copy of the design,
in a worker thread with a time limit; a rule that raises or overruns becomes a MOD900
finding and every other rule still runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from archdesigner import wording
from archdesigner.model.design import Design, Group, Link, Node
from archdesigner.model.edits import Edit

if TYPE_CHECKING:
    from archdesigner.graph import DesignGraph

Severity = Literal["error", "warning", "info"]
SubjectType = Literal["node", "link", "group", "rule"]

#: Severities from the most to the least severe; findings sort in this order.
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
Applicability = Literal["safe", "unsafe"]
APPLICABILITIES: tuple[Applicability, ...] = ("safe", "unsafe")
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}

#: Rule ids: 2 to 8 capital letters (the prefix), then 3 or 4 digits, e.g. ``SEC001``.
RULE_ID_RE = re.compile(r"^[A-Z]{2,8}[0-9]{3,4}$")
#: Rule names: lower-case words joined by hyphens, e.g. ``single-point-of-failure``.
RULE_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
#: Prefixes that belong to the built-in rules; plugins must choose another one.
RESERVED_PREFIXES: tuple[str, ...] = ("SPF", "SCL", "CAP", "RES", "DAT", "EDG", "MOD")


class Fix:
    """An automatic fix: a sentence for people and the edit that does it.

    ``edit`` is built against the design the finding came from (edits address nodes and
    links by id). Apply it with ``fix.edit.apply(design)``, which returns the inverse edit.
    A rule may pass a function that builds the edit instead of the edit itself; it is called
    the first time ``edit`` is read (a large design has thousands of findings, and building
    every edit up front would cost more than the whole lint).

    ``applicability`` is ``"safe"`` for a fix that only changes fields of existing nodes and
    links, ``"unsafe"`` for one that adds, removes or reroutes them (docs/lint-rules.md).
    """

    __slots__ = ("_build", "_edit", "applicability", "description")

    def __init__(
        self,
        description: str,
        edit: Edit | Callable[[], Edit],
        *,
        applicability: Applicability = "safe",
    ) -> None:
        if applicability not in APPLICABILITIES:
            raise ValueError(f"fix applicability must be 'safe' or 'unsafe', not {applicability!r}")
        self.description = description
        self.applicability: Applicability = applicability
        self._edit: Edit | None = edit if isinstance(edit, Edit) else None
        self._build: Callable[[], Edit] | None = None if isinstance(edit, Edit) else edit

    @property
    def edit(self) -> Edit:
        if self._edit is None:
            assert self._build is not None
            self._edit = self._build()
            self._build = None
        return self._edit

    def release(self) -> None:
        """Drops the function that would build the edit, and with it what that function
        holds (the linted design, its graph), when the edit is not built yet: a report
        that is only written out lets its design go (:meth:`LintReport.release`). Reading
        :attr:`edit` afterwards raises; the description and applicability stay."""
        if self._build is not None:
            self._build = _released

    def __repr__(self) -> str:
        return f"Fix({self.description!r})"

    def __reduce_ex__(self, protocol: Any) -> Any:
        # pickled as a call of the constructor (a plugin rule's worker process sends its
        # findings back pickled: thousands of them), a subclass the usual way
        if type(self) is not Fix:
            return object.__reduce_ex__(self, protocol)
        edit = self._edit if self._edit is not None else self._build
        return (_fix, (self.description, edit, self.applicability))


def _released() -> Edit:
    raise RuntimeError(
        "this fix's edit was released with its lint report (LintReport.release): lint again "
        "to apply it"
    )


def _fix(description: str, edit: Edit | Callable[[], Edit], applicability: Applicability) -> Fix:
    return Fix(description, edit, applicability=applicability)


@dataclass(slots=True)
class Finding:
    """One problem a rule found (treat it as read-only; the engine fills in ``severity``
    overrides, ``fingerprint`` and ``suppressed``).

    ``subject`` is the id of the primary subject (a node, link or group id; for MOD900, the
    id of the rule that crashed). ``related`` names the other nodes the finding concerns.
    ``evidence`` is JSON-able data (numbers, paths, lists of ids) for tools. ``fingerprint``
    is stable across runs and layout changes (it depends on the rule, the subject and
    ``key``); ``suppressed`` is true when a ``lint_ignore`` entry of the subject matched.
    ``impact`` is the share of the entries' requests that touch the subject (0 to 1).
    """

    rule_id: str
    name: str
    severity: Severity
    message: str
    subject: str
    subject_type: SubjectType
    related: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    fix: Fix | None = None
    fingerprint: str = ""
    suppressed: bool = False
    #: tells two findings of one rule about one subject apart (part of the fingerprint)
    key: str = ""
    #: where the rule comes from: "built-in" or the plugin's name
    source: str = "built-in"
    #: share of the entries' requests that touch the subject, 0..1 (set by the engine;
    #: lint-rules.md v2, "impact")
    impact: float = 0.0

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def __reduce_ex__(self, protocol: Any) -> Any:
        # pickled as a call of the constructor with every field (a plugin rule's worker
        # process sends its findings back pickled: thousands of them), a subclass the
        # usual way
        if type(self) is not Finding:
            return object.__reduce_ex__(self, protocol)
        return (
            Finding,
            (
                self.rule_id,
                self.name,
                self.severity,
                self.message,
                self.subject,
                self.subject_type,
                self.related,
                self.evidence,
                self.fix,
                self.fingerprint,
                self.suppressed,
                self.key,
                self.source,
                self.impact,
            ),
        )


@dataclass(frozen=True)
class Option:
    """A rule option (a threshold users set in ``lint.options``), with its default."""

    default: int | float | bool | str
    description: str
    minimum: float | None = None
    maximum: float | None = None

    def check(self, value: Any) -> int | float | bool | str:
        """Returns ``value`` if it fits this option; raises ValueError saying what fits."""
        want = type(self.default)
        if want is bool:
            ok = isinstance(value, bool)
            what = "true or false"
        elif want is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
            what = "a whole number"
        elif want is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            what = "a number"
        else:
            ok = isinstance(value, str)
            what = "a string"
        if ok and isinstance(value, int | float) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                ok = False
            if self.maximum is not None and value > self.maximum:
                ok = False
        if not ok:
            bounds = []
            if self.minimum is not None:
                bounds.append(f">= {self.minimum:g}")
            if self.maximum is not None:
                bounds.append(f"<= {self.maximum:g}")
            rng = f" {' and '.join(bounds)}" if bounds and want in (int, float) else ""
            raise ValueError(f"expected {what}{rng}, got {value!r}")
        return float(value) if want is float else value


CheckFunction = Callable[["LintContext"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A lint rule.

    ``id`` (``SEC001``), ``name`` (``datastore-port-published``), default ``severity``, a one
    line ``summary``, the ``check`` function, its ``options`` (name -> :class:`Option`),
    whether it can offer fixes (``fixable``) and a ``help_uri`` for its documentation page.
    """

    id: str
    name: str
    severity: Severity
    summary: str
    check: CheckFunction
    options: Mapping[str, Option] = field(default_factory=dict)
    fixable: bool = False
    help_uri: str = ""


def rule(
    id: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    options: Mapping[str, Option] | None = None,
    fixable: bool = False,
    help_uri: str = "",
) -> Callable[[CheckFunction], Rule]:
    """Decorator that turns a check function into a :class:`Rule`::

    @rule("SEC001", "plain-text-across-zones", "warning", "http between zones")
    def plain_text(ctx: LintContext) -> Iterator[Finding]:
        for link in ctx.design.links:
            ...
            yield ctx.finding(link, f"link {link.id} ...")
    """

    def wrap(check: CheckFunction) -> Rule:
        return Rule(
            id=id,
            name=name,
            severity=severity,
            summary=summary,
            check=check,
            options=dict(options or {}),
            fixable=fixable,
            help_uri=help_uri,
        )

    return wrap


class LintContext:
    """What a check function gets: the design, its graph indexes, the rule's options.

    ``design`` must not be changed (plugin rules get a private copy anyway). ``graph`` is a
    :class:`archdesigner.graph.DesignGraph` whose cached indexes (entries, condensations,
    adjacency, failure masks) every rule of the run shares. ``options`` holds this rule's
    options, defaults filled in. ``load_factor`` multiplies every entry's load.
    """

    def __init__(
        self,
        design: Design,
        graph: DesignGraph,
        rule: Rule,
        options: Mapping[str, Any],
        *,
        load_factor: float = 1.0,
        shared: dict[str, Any] | None = None,
        source: str = "built-in",
    ) -> None:
        self.design = design
        self.graph = graph
        self.rule = rule
        self.options = dict(options)
        self.load_factor = load_factor
        self.source = source
        self._shared: dict[str, Any] = {} if shared is None else shared

    def shared(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value computed once per run and shared by every rule that asks for ``key``."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]

    @property
    def nodes(self) -> dict[str, Node]:
        return self.graph.nodes

    @property
    def links(self) -> dict[str, Link]:
        return self.graph.links

    def finding(
        self,
        subject: Node | Link | Group,
        message: str,
        *,
        related: Iterable[str] = (),
        evidence: Mapping[str, Any] | None = None,
        fix: Fix | None = None,
        key: str = "",
    ) -> Finding:
        """A finding of the current rule about ``subject`` (a node, link or group of
        ``ctx.design``). Severity, rule id and name come from the rule."""
        subject_type = _SUBJECT_TYPES.get(type(subject))
        if subject_type is None:
            if isinstance(subject, Node):
                subject_type = "node"
            elif isinstance(subject, Link):
                subject_type = "link"
            elif isinstance(subject, Group):
                subject_type = "group"
            else:
                raise TypeError(
                    "a finding's subject must be a Node, Link or Group, "
                    f"got {type(subject).__name__}"
                )
        sid = subject.id
        rule = self.rule
        return Finding(
            rule.id,
            rule.name,
            rule.severity,
            message,
            sid,
            subject_type,
            list(dict.fromkeys(r for r in related if r != sid)) if related else [],
            dict(evidence) if evidence else {},
            fix,
            "",
            False,
            key,
            self.source,
        )


_SUBJECT_TYPES: dict[type, SubjectType] = {Node: "node", Link: "link", Group: "group"}


def names(ids: Sequence[str], limit: int = 5) -> str:
    """``a``, ``a and b``, ``a, b and c``, ``a, b, c, d, e and 7 more``: for messages."""
    return wording.names(ids, limit)


def label(item: Node | Group) -> str:
    """How a message names a component or group: its name with the id in parentheses when
    the two differ (``Web shop (web)``), else the id."""
    name = item.name
    return f"{name} ({item.id})" if name and name != item.id else item.id


def verb(count: int, one: str, many: str) -> str:
    """The verb form for ``count`` subjects: ``verb(1, "fails", "fail")`` -> ``fails``."""
    return one if count == 1 else many


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 replica``, ``3 replicas``."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def number(value: float) -> str:
    """A load or capacity for a message: ``1100``, ``412.5``."""
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    return f"{value:.1f}"


__all__ = [
    "APPLICABILITIES",
    "RESERVED_PREFIXES",
    "RULE_ID_RE",
    "RULE_NAME_RE",
    "SEVERITIES",
    "SEVERITY_RANK",
    "Applicability",
    "CheckFunction",
    "Finding",
    "Fix",
    "LintContext",
    "Option",
    "Rule",
    "Severity",
    "SubjectType",
    "label",
    "names",
    "number",
    "plural",
    "rule",
    "verb",
]
