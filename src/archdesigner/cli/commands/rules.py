"""archdesigner rules: list every lint rule, built-in and from plugins."""

from __future__ import annotations

import argparse
import sys

NAME = "rules"
HELP = "list the lint rules: id, name, default severity, source"
DESCRIPTION = (
    "Lists every lint rule that 'archdesigner lint' would run: the built-in rules and those\n"
    "of installed plugins and plugin folders (--plugins DIR), with each rule's default\n"
    "severity and where it comes from. Plugins that failed to load are reported too."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    import json

    from archdesigner.lint import load_rules

    rules = load_rules(args.plugins)
    if args.format == "json":
        doc = {
            "version": 1,
            "rules": [
                {
                    "id": r.rule.id,
                    "name": r.rule.name,
                    "severity": r.rule.severity,
                    "source": r.source,
                    "summary": r.rule.summary,
                    "fixable": r.rule.fixable,
                    "options": {k: o.default for k, o in r.rule.options.items()},
                }
                for r in rules.rules
            ],
            "plugin_errors": [{"plugin": e.plugin, "message": e.message} for e in rules.errors],
        }
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return 0
    w_name = max((len(r.rule.name) for r in rules.rules), default=4)
    w_src = max((len(r.source) for r in rules.rules), default=6)
    print(f"{'ID':<8} {'NAME':<{w_name}} {'SEVERITY':<8} {'SOURCE':<{w_src}} SUMMARY")
    for r in rules.rules:
        fixable = " [fix]" if r.rule.fixable else ""
        print(
            f"{r.rule.id:<8} {r.rule.name:<{w_name}} {r.rule.severity:<8} "
            f"{r.source:<{w_src}} {r.rule.summary}{fixable}"
        )
    for e in rules.errors:
        print(f"warning: {e}", file=sys.stderr)
    return 0
