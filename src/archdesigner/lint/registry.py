"""Finding and validating rules: built-ins and plugins through one mechanism.

:func:`load_rules` asks :func:`archdesigner.plugins.discover` for every ``archdesigner.rules``
contribution (the built-ins come through the ``builtin`` entry point like any plugin), checks
each one (a :class:`Rule`, a valid id, a name, a severity, no reserved prefix unless
built-in, no id taken by another rule) and refuses bad ones with a one-line message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from archdesigner.lint.api import (
    RESERVED_PREFIXES,
    RULE_ID_RE,
    RULE_NAME_RE,
    SEVERITIES,
    Option,
    Rule,
)
from archdesigner.plugins import BUILTIN, PluginError
from archdesigner.plugins.registry import IdRule, Registered, Registry

ID_RULE = IdRule(
    RULE_ID_RE,
    "rule id {id!r} is not valid: use 2 to 8 capital letters and 3 or 4 digits, e.g. SEC001",
)


@dataclass(frozen=True)
class RegisteredRule(Registered[Rule]):
    """A rule and where it comes from (``built-in`` or the plugin's name)."""

    @property
    def rule(self) -> Rule:
        return self.obj


@dataclass
class RuleSet:
    """Every accepted rule, sorted by id, and the problems met while loading plugins."""

    rules: list[RegisteredRule] = field(default_factory=list)
    errors: list[PluginError] = field(default_factory=list)

    def by_id(self) -> dict[str, RegisteredRule]:
        return {r.rule.id: r for r in self.rules}


def rule_problem(obj: object, source: str) -> str:
    """Why ``obj`` cannot be registered as a rule of ``source``, or "" when it can."""
    if not isinstance(obj, Rule):
        return (
            f"RULES entries must be archdesigner.lint.Rule objects (made with the @rule "
            f"decorator), got {type(obj).__name__}"
        )
    problem = ID_RULE.problem(obj.id)
    if problem:
        return problem
    prefix = obj.id.rstrip("0123456789")
    if source != BUILTIN:
        for reserved in RESERVED_PREFIXES:
            if prefix.startswith(reserved):
                return (
                    f"rule id {obj.id} uses the prefix {reserved}, which is reserved for "
                    f"built-in rules ({', '.join(RESERVED_PREFIXES)}); choose another prefix"
                )
    if not isinstance(obj.name, str) or not RULE_NAME_RE.match(obj.name):
        return f"rule {obj.id}: name {obj.name!r} must be lower-case words joined by hyphens"
    if obj.severity not in SEVERITIES:
        return f"rule {obj.id}: severity {obj.severity!r} must be one of {', '.join(SEVERITIES)}"
    if not callable(obj.check):
        return f"rule {obj.id}: check is not callable"
    if not isinstance(obj.summary, str) or not obj.summary.strip():
        return f"rule {obj.id}: summary must be a non-empty string"
    if not isinstance(obj.options, Mapping) or not all(
        isinstance(k, str) and isinstance(v, Option) for k, v in obj.options.items()
    ):
        return f"rule {obj.id}: options must map option names to archdesigner.lint.Option"
    return ""


REGISTRY: Registry[Rule] = Registry(
    "rules",
    rule_problem,
    duplicate="rule id {id} is already defined by {owner}; this rule is skipped",
)


def load_rules(
    plugin_dirs: Sequence[str | Path] = (),
    *,
    include_user_dir: bool = True,
    include_entry_points: bool = True,
    load_kinds: bool = True,
) -> RuleSet:
    """Discovers and validates every rule. Never raises: problems go to ``errors``.

    With ``load_kinds`` the kinds that plugins add are registered in the catalog as well
    (MOD002 must know them).
    """
    accepted, errors = REGISTRY.load(
        plugin_dirs, include_user_dir=include_user_dir, include_entry_points=include_entry_points
    )
    out = RuleSet(errors=errors)
    if load_kinds:
        from archdesigner.plugins import load_kind_plugins, merge_errors

        out.errors = merge_errors(out.errors, load_kind_plugins(plugin_dirs))
    out.rules = sorted((RegisteredRule(r.obj, r.source) for r in accepted), key=lambda r: r.rule.id)
    return out


def builtin_rules() -> RuleSet:
    """Only the built-in rules (no discovery)."""
    from archdesigner.lint.rules import RULES

    return RuleSet([RegisteredRule(r, BUILTIN) for r in sorted(RULES, key=lambda r: r.id)])
