"""archdesigner report FILE -o review.html: the architecture review report."""

from __future__ import annotations

import argparse
import sys

NAME = "report"
HELP = "write an architecture review report (HTML, PDF or JSON)"
DESCRIPTION = (
    "Writes one self-contained page for a design review: a summary with the top risks, the\n"
    "diagram with numbered findings, what fails with each component and zone, which component\n"
    "saturates first as traffic grows (1x to 100x), the findings grouped by rule, and a footer\n"
    "with the version, the file's SHA-256 and the lint configuration.\n\n"
    "  html  one file with inline SVG and CSS, no script: opens offline, prints on A4\n"
    "  pdf   the same page printed by headless Chromium (install the 'chromium' package)\n"
    "  json  the same data (failure table, saturation multipliers, findings) for tools\n\n"
    "Without --format the format comes from the output name (.html, .pdf, .json), else html.\n"
    "Without -o, html and json go to standard output.\n\n"
    "examples:\n"
    "  archdesigner report shop.arch.json -o review.html\n"
    "  archdesigner report shop.arch.json -o review.pdf\n"
    "  archdesigner report shop.arch.json --json > review.json"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the design (*.arch.json)")
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="output file (default or '-': stdout)"
    )
    parser.add_argument(
        "--format", choices=("html", "pdf", "json"), help="html (default), pdf or json"
    )
    parser.add_argument("--json", action="store_true", help="same as --format json")
    parser.add_argument(
        "--force", action="store_true", help="allow -o to be the input design itself"
    )


def _format(args: argparse.Namespace) -> str:
    from archdesigner.cli import CommandError

    if args.json:
        if args.format not in (None, "json"):
            raise CommandError(f"--json and --format {args.format} contradict each other")
        return "json"
    if args.format:
        return str(args.format)
    out = (args.output or "").lower()
    for suffix, fmt in ((".pdf", "pdf"), (".json", "json")):
        if out.endswith(suffix):
            return fmt
    return "html"


def _read(path: str) -> tuple[bytes, object]:
    from archdesigner.cli import CommandError
    from archdesigner.io import DesignError, loads_design

    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        design = loads_design(raw.decode("utf-8-sig"), path)
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not a UTF-8 text file") from None
    except DesignError as exc:
        raise CommandError(str(exc)) from None
    return raw, design


def _render(fmt: str, args: argparse.Namespace, raw: bytes, design: object) -> bytes:
    import json

    from archdesigner.cli import CommandError
    from archdesigner.lint import LintConfigError
    from archdesigner.model.design import Design
    from archdesigner.report import build_review, write_html, write_json, write_pdf
    from archdesigner.report.pdf import PdfError

    assert isinstance(design, Design)
    try:
        review = build_review(design, path=args.file, content=raw, plugin_dirs=args.plugins)
    except LintConfigError as exc:
        raise CommandError(f"{args.file}: {exc}") from None
    if fmt == "json":
        text = json.dumps(write_json(review), indent=2, ensure_ascii=False) + "\n"
        return text.encode("utf-8")
    if fmt == "pdf":
        try:
            return write_pdf(review, design)
        except PdfError as exc:
            raise CommandError(str(exc)) from None
    return write_html(review, design).encode("utf-8")


def run(args: argparse.Namespace) -> int:
    from archdesigner.cli import CommandError
    from archdesigner.io.output import STDOUT, OutputError, check_output, write_output

    fmt = _format(args)
    target = args.output or STDOUT
    if fmt == "pdf" and target == STDOUT:
        raise CommandError("a PDF report needs an output file: add -o review.pdf")
    try:
        check_output(target, [args.file], force=args.force)
    except OutputError as exc:
        raise CommandError(str(exc)) from None
    raw, design = _read(args.file)
    data = _render(fmt, args, raw, design)
    try:
        write_output(target, data)
    except OutputError as exc:
        raise CommandError(str(exc)) from None
    if target != STDOUT:
        print(f"{args.file}: wrote the {fmt} report to {target}", file=sys.stderr)
    return 0
