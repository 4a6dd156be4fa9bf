"""archdesigner lint FILE...: find where designs will not scale or survive a failure."""

from __future__ import annotations

import argparse
import os
import sys

from archdesigner.cli.options import positive_number

TYPE_CHECKING = False  # typing is not imported at run time: --help stays fast
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

NAME = "lint"
HELP = "check designs for scalability and resilience problems"
DESCRIPTION = (
    "Runs the lint rules (see 'archdesigner rules') over each design file and prints the\n"
    "findings, sorted by severity, impact (the share of requests that touch the subject),\n"
    "rule id and subject. Text output starts with the top risks, then one block per rule.\n\n"
    "--fix applies the safe fixes (fields of existing components and links); add\n"
    "--unsafe-fixes for the ones that add, remove or reroute components. --diff shows what\n"
    "--fix would change without writing.\n\n"
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
        "--fix", action="store_true", help="apply the safe automatic fixes and save the design"
    )
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff: also apply the fixes that add, remove or reroute "
        "components and links",
    )
    parser.add_argument(
        "--diff",
        action="store_true",
        help="print what --fix would change as a unified diff of each design file; write "
        "nothing (exit 1 when there is a change)",
    )
    parser.add_argument(
        "--output-format",
        choices=("grouped", "full", "concise"),
        default="grouped",
        help="text format: grouped by rule with the top risks first (default), full (one "
        "entry per finding), concise (one line per finding: file:line: RULE message)",
    )
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="first run: write the findings' fingerprints to FILE; later runs: report (and "
        "fail on) only findings not in FILE",
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
        "--isolation",
        choices=("process", "thread"),
        default="process",
        help="run plugin rules in a worker process each, with hard time and memory limits "
        "(default), or in a thread of this process (faster, time limit only)",
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
    import gc

    # A lint run is short and keeps what it builds (designs, graphs, findings) until it
    # ends; the cyclic collector would walk those objects again and again (a quarter of the
    # run at 10,000 nodes). Reference counting still frees everything acyclic.
    gc.disable()
    from archdesigner.cli import CommandError
    from archdesigner.io.output import OutputError, check_output
    from archdesigner.lint import DEFAULT_TIME_LIMIT, load_rules
    from archdesigner.lint.engine import unmatched_selectors
    from archdesigner.lint.output import render_chunks

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
    from contextlib import nullcontext

    from archdesigner.lint.engine import isolation, one_lint_per_design

    once = nullcontext() if args.fix or args.diff else one_lint_per_design()
    with isolation(args.isolation), once:
        results, broken, diffs = _lint_files(args, kwargs)
    out: Iterable[str] = diffs  # the output, in pieces written as they are made
    if not args.diff:
        if args.baseline and not broken:
            _apply_baseline(args.baseline, results)
        out = render_chunks(
            args.format,
            results,
            color=_use_color(args),
            verbose=args.show_suppressed,
            style=args.output_format,
        )
    if not _write(args.output, out):
        return 2
    if broken:
        return 2
    if args.diff:
        return 1 if diffs else 0
    if args.fail_on != "never" and any(r.report.reaches(args.fail_on) for r in results):
        return 1
    return 0


def _write(output: str | None, out: Iterable[str]) -> bool:
    """Writes the output to ``-o FILE`` (in one atomic write) or standard output (block by
    block as it is made); False, with a message, when the file cannot be written."""
    from archdesigner.io.output import OutputError, write_output_text
    from archdesigner.lint.output import blocks

    if output:
        try:
            write_output_text(output, blocks(out))
        except OutputError as exc:
            print(f"archdesigner lint: {exc}", file=sys.stderr)
            return False
        return True
    for block in blocks(out):
        sys.stdout.write(block)
    sys.stdout.flush()
    return True


def _lint_files(
    args: argparse.Namespace, kwargs: dict[str, Any]
) -> tuple[list[Any], bool, list[str]]:
    """Lints (and with --fix / --diff fixes) each file: (results, whether a file could not
    be read or fixed, the unified diffs --diff prints)."""
    from pathlib import Path

    from archdesigner.io import DesignError, dumps_design, loads_design
    from archdesigner.io.load import read_text
    from archdesigner.io.output import OutputError, write_output
    from archdesigner.lint import LintConfigError, lint_design
    from archdesigner.lint.output import FileResult, PackedText
    from archdesigner.model.design import Design

    results: list[FileResult] = []
    diffs: list[str] = []
    broken = False
    fixing = args.fix or args.diff
    for file in args.files:
        try:
            text = read_text(Path(file))
            design = loads_design(text, file)
        except DesignError as exc:
            print(str(exc), file=sys.stderr)
            broken = True
            continue
        source: str | PackedText = text
        if not fixing:  # only the output reads the text again: keep it packed meanwhile
            source, text = PackedText(text), ""

        def lint(d: Design) -> Any:
            return lint_design(d, **kwargs)

        target = os.path.abspath(file)  # a rule that changes directory moves nothing
        try:
            fixed: list[tuple[str, str, str]] = []
            new_text = None
            if fixing:
                report, fixed, new_text = _fix(design, lint, args.unsafe_fixes, text, file)
            else:
                report = lint(design)
                if _locates_every_finding(args):  # that output needs the design's memory
                    report.release()
            if fixed:
                new_text = dumps_design(design) if new_text is None else new_text
                if args.diff:
                    diffs.append(_unified_diff(file, text, new_text))
                else:
                    write_output(target, new_text.encode("utf-8"))
                    source = new_text
        except (LintConfigError, OutputError) as exc:
            print(f"{file}: {exc}" if isinstance(exc, LintConfigError) else exc, file=sys.stderr)
            broken = True
            continue
        if args.fix and not args.diff and args.format == "text" and fixed:
            # one line per change, beside the findings: written at once (standard error is
            # line-buffered: 12,000 fixes were 12,000 writes)
            sys.stderr.write(
                "".join(
                    f"{file}: fixed {rid} on {subject}: {desc}\n" for rid, subject, desc in fixed
                )
            )
            sys.stderr.flush()
        if fixing:  # why the fixes stopped before converging, whatever the format
            from archdesigner.lint.fixing import NOTE

            for w in report.warnings:
                if w.startswith(NOTE):
                    print(f"{file}: {w}", file=sys.stderr)
        if args.format != "text":
            for e in report.errors:
                print(f"archdesigner lint: warning: {e}", file=sys.stderr)
        results.append(FileResult(file, source, report, [] if args.diff else fixed))
    return results, broken, diffs


def _locates_every_finding(args: argparse.Namespace) -> bool:
    """SARIF and the full and concise text give every finding its line in the file: a
    report only written out then lets its design go first (:meth:`LintReport.release`;
    at 50,000 nodes that keeps the run under 400 MiB, for 0.5 s of freeing that the
    grouped text and JSON, which stay lower anyway, do not pay)."""
    if args.format == "sarif":
        return True
    return args.format == "text" and args.output_format in ("full", "concise")


def _fix(
    design: Any, lint: Any, unsafe: bool, text: str, file: str
) -> tuple[Any, list[tuple[str, str, str]], str | None]:
    """Applies the fixes and re-validates the result: (report, the fixes applied, the fixed
    design's text or None). A fix that raises or leaves an invalid (or emptied) design is
    reported as MOD900 on the original design, and nothing is fixed."""
    from archdesigner.io import loads_design
    from archdesigner.io.load import gc_paused
    from archdesigner.lint.fixing import CheckAhead, FixFailed, apply_fixes

    nodes_before = len(design.nodes)
    new_text = None
    ahead = CheckAhead()  # checks the fixed design on another core while it is linted
    try:
        with gc_paused():  # one collection afterwards, not one between each step
            report, applied = apply_fixes(design, lint, unsafe=unsafe, on_change=ahead)
            if applied:
                new_text = ahead.result(design, nodes_before, applied)
            fixed = [(f.rule_id, f.subject, f.fix.description) for f in applied if f.fix]
    except FixFailed as exc:
        ahead.close()
        report = lint(loads_design(text, file))  # nothing is saved: lint what is on disk
        report.findings.insert(0, exc.finding)
        return report, [], None
    finally:
        ahead.close()
    return report, fixed, new_text


def _unified_diff(file: str, before: str, after: str) -> str:
    """What ``--fix`` would write to ``file``, as a unified diff (``a/FILE`` -> ``b/FILE``)."""
    import difflib
    from pathlib import Path

    name = Path(file).as_posix()
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    out = "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )
    return out


def _apply_baseline(path: str, results: list[Any]) -> None:
    """--baseline FILE: write the current findings' fingerprints to FILE when it does not
    exist yet (and report none of them); otherwise drop the findings it lists."""
    from pathlib import Path

    from archdesigner.cli import CommandError
    from archdesigner.lint.baseline import (
        BaselineError,
        apply_baseline,
        read_baseline,
        write_baseline,
    )

    base = Path(path)
    try:
        if not base.exists():
            count = write_baseline(base, results)
            print(
                f"archdesigner lint: wrote the baseline {path} with {count} findings; "
                "from now on only findings not in it are reported",
                file=sys.stderr,
            )
            known = read_baseline(base)
        else:
            known = read_baseline(base)
    except BaselineError as exc:
        raise CommandError(str(exc)) from None
    apply_baseline(base, known, results)
