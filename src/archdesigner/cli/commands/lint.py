"""archdesigner lint FILE...: find where designs will not scale or survive a failure."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from archdesigner.cli.options import positive_number

NAME = "lint"
HELP = "check designs for scalability and resilience problems"
DESCRIPTION = (
    "Runs the lint rules (see 'archdesigner rules') over each design file and prints the\n"
    "findings, sorted by severity, rule id and subject.\n\n"
    "Selection works by rule id or prefix, like ruff: --select SPF,SCL001 --ignore SCL001.\n"
    "The design's own 'lint' block (select, ignore, severity, options) applies as well;\n"
    "--select replaces its select list, --ignore adds to its ignore list.\n\n"
    "Exit status: 0 when no finding reaches --fail-on (default: error), 1 when one does,\n"
    "2 for a usage error or a design file that cannot be read or validated."
)


def _refs(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [part.strip() for v in values for part in v.split(",") if part.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="design files (*.arch.json)")
    parser.add_argument(
        "--format", choices=("text", "json", "sarif"), default="text", help="output format"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE")
    parser.add_argument(
        "--force", action="store_true", help="allow -o to be one of the design files"
    )
    parser.add_argument(
        "--select", action="append", metavar="RULES", help="only these rule ids or prefixes"
    )
    parser.add_argument(
        "--ignore", action="append", metavar="RULES", help="never these rule ids or prefixes"
    )
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "never"),
        default="error",
        help="exit 1 when a finding is at least this severe (default: error)",
    )
    parser.add_argument(
        "--load-factor",
        type=positive_number,
        default=1.0,
        metavar="X",
        help="multiply every entry's load by X (what if traffic grows tenfold: 10)",
    )
    parser.add_argument(
        "--fix", action="store_true", help="apply the automatic fixes and save the design"
    )
    parser.add_argument(
        "--show-suppressed", action="store_true", help="text format: list suppressed findings"
    )
    parser.add_argument(
        "--time-limit",
        type=positive_number,
        default=None,
        metavar="SECONDS",
        help="stop a plugin rule after this long (default: 10)",
    )
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="colour in text"
    )


def _use_color(args: argparse.Namespace) -> bool:
    if args.color != "auto":
        return bool(args.color == "always")
    if args.output or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def run(args: argparse.Namespace) -> int:
    from archdesigner.cli import CommandError
    from archdesigner.io import DesignError, dumps_design, loads_design
    from archdesigner.io.load import read_text
    from archdesigner.io.output import OutputError, check_output, write_output, write_output_text
    from archdesigner.lint import DEFAULT_TIME_LIMIT, LintConfigError, lint_design, load_rules
    from archdesigner.lint.engine import unmatched_selectors
    from archdesigner.lint.fixing import apply_fixes
    from archdesigner.lint.output import FileResult, render
    from archdesigner.model.design import Design

    if args.output:
        try:
            check_output(args.output, args.files, force=args.force)
        except OutputError as exc:
            raise CommandError(str(exc)) from None
    rules = load_rules(args.plugins)
    ids = [r.rule.id for r in rules.rules]
    select, ignore = _refs(args.select), _refs(args.ignore)
    if select == []:
        raise CommandError("--select: give at least one rule id or prefix ('archdesigner rules')")
    for flag, refs in (("--select", select), ("--ignore", ignore)):
        bad = unmatched_selectors(refs or [], ids)
        if bad:
            raise CommandError(f"{flag}: {bad[0]!r} matches no rule (see 'archdesigner rules')")
    kwargs: dict[str, Any] = {
        "rules": rules,
        "load_factor": args.load_factor,
        "select": select,
        "ignore": ignore,
        "time_limit": args.time_limit or DEFAULT_TIME_LIMIT,
    }
    results: list[FileResult] = []
    broken = False
    for file in args.files:
        try:
            text = read_text(Path(file))
            design = loads_design(text, file)
        except DesignError as exc:
            print(str(exc), file=sys.stderr)
            broken = True
            continue

        def lint(d: Design, file: str = file) -> Any:
            return lint_design(d, source_path=file, **kwargs)

        try:
            if args.fix:
                report, applied = apply_fixes(design, lint)
                fixed = [(f.rule_id, f.subject, f.fix.description) for f in applied if f.fix]
                if fixed:
                    text = dumps_design(design)
                    write_output(file, text.encode("utf-8"))
            else:
                report, fixed = lint(design), []
        except (LintConfigError, OutputError) as exc:
            print(f"{file}: {exc}" if isinstance(exc, LintConfigError) else exc, file=sys.stderr)
            broken = True
            continue
        if args.format != "text":
            for rid, subject, desc in fixed:
                print(f"{file}: fixed {rid} on {subject}: {desc}", file=sys.stderr)
            for e in report.errors:
                print(f"archdesigner lint: warning: {e}", file=sys.stderr)
        results.append(FileResult(file, text, report, fixed))
    out = render(args.format, results, color=_use_color(args), verbose=args.show_suppressed)
    if args.output:
        try:
            write_output_text(args.output, out)
        except OutputError as exc:
            print(f"archdesigner lint: {exc}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(out)
        sys.stdout.flush()
    if broken:
        return 2
    if args.fail_on != "never" and any(r.report.reaches(args.fail_on) for r in results):
        return 1
    return 0
