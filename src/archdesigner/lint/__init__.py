"""The linter: rules over a design, findings with fixes, and the rule API for plugins.

Public API::

    from archdesigner.lint import lint_design, Finding, LintReport, Fix
    report = lint_design(design, load_factor=2.0)
    for f in report.active:
        print(f.severity, f.rule_id, f.subject, f.message)

See docs/lint.md (configuration, formats, exit codes) and docs/plugins.md (writing rules).
"""

from archdesigner.lint.api import (
    RESERVED_PREFIXES,
    SEVERITIES,
    Finding,
    Fix,
    LintContext,
    Option,
    Rule,
    Severity,
    rule,
)
from archdesigner.lint.engine import (
    DEFAULT_TIME_LIMIT,
    LintConfigError,
    LintReport,
    is_selected,
    lint_design,
)
from archdesigner.lint.registry import RegisteredRule, RuleSet, builtin_rules, load_rules

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "RESERVED_PREFIXES",
    "SEVERITIES",
    "Finding",
    "Fix",
    "LintConfigError",
    "LintContext",
    "LintReport",
    "Option",
    "RegisteredRule",
    "Rule",
    "RuleSet",
    "Severity",
    "builtin_rules",
    "is_selected",
    "lint_design",
    "load_rules",
    "rule",
]
