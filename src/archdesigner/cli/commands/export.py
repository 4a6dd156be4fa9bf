"""archdesigner export FILE --to FORMAT [-o OUT]: diagrams, compose drafts, Mermaid."""

from __future__ import annotations

import argparse
import math
import sys

from archdesigner.cli.options import finite_number

TYPE_CHECKING = False  # typing is not imported at run time: --help stays fast
if TYPE_CHECKING:
    from typing import Any

NAME = "export"
HELP = "export a design to Graphviz (dot, svg, png, pdf), docker-compose, Kubernetes or Mermaid"
DESCRIPTION = (
    "Exports a design to another format:\n"
    "  dot, svg, png, pdf  diagrams drawn by Graphviz (needs the 'dot' program for svg/png/pdf)\n"
    "  compose             a docker-compose draft (Compose Specification)\n"
    "  kubernetes          a Kubernetes draft: -o k8s/ writes one file per component and a\n"
    "                      kustomization.yaml, -o all.yaml one multi-document stream\n"
    "  mermaid             a Mermaid flowchart for Markdown (GitHub, GitLab)\n"
    "Plugins may add formats (see --list). Without --to the format is guessed from the output\n"
    "name (.svg, .png, .pdf, .dot/.gv, .mmd/.mermaid, compose.yaml, docker-compose.yml,\n"
    "*.compose.yaml). Without -o, text formats go to standard output; binary ones need -o.\n"
    "What could not be mapped is reported on standard error.\n\n"
    "examples:\n"
    "  archdesigner export shop.arch.json -o shop.svg\n"
    "  archdesigner export shop.arch.json -o review.png --findings\n"
    "  archdesigner export shop.arch.json --to compose > compose.yaml\n"
    "  archdesigner export shop.arch.json --to kubernetes -o k8s/\n"
    "  archdesigner export shop.arch.json --to mermaid"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", metavar="FILE", help="the design (*.arch.json)")
    parser.add_argument(
        "--to",
        metavar="FORMAT",
        help="dot, svg, png, pdf, compose, kubernetes, mermaid (or a plugin's)",
    )
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="output file (default or '-': stdout)"
    )
    parser.add_argument(
        "--force", action="store_true", help="allow -o to be the input design itself"
    )
    parser.add_argument(
        "--layout",
        choices=("keep", "auto"),
        help="diagrams: keep the drawn positions (default) or let Graphviz lay out",
    )
    parser.add_argument(
        "--findings",
        action="store_true",
        help="diagrams: outline nodes with lint errors (red) and warnings (amber), with a legend",
    )
    parser.add_argument(
        "--load-factor",
        type=finite_number,
        metavar="F",
        help="with --findings: multiply every load by F before linting (default 1.0)",
    )
    parser.add_argument(
        "-O",
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an exporter option (see --list), e.g. -O dpi=150 or -O direction=TB",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the available formats and their options"
    )


def _convert(value: str, kind: type, name: str) -> Any:
    from archdesigner.cli import CommandError

    if kind is bool:
        low = value.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
        raise CommandError(f"option {name}: expected true or false, got {value!r}")
    if kind in (int, float):
        try:
            number = kind(value)
        except ValueError:
            raise CommandError(f"option {name}: expected a number, got {value!r}") from None
        if not math.isfinite(number):
            raise CommandError(f"option {name}: expected a finite number, got {value!r}")
        return number
    return value


def _in_range(opt: Any, value: Any, label: str) -> None:
    from archdesigner.cli import CommandError

    if not isinstance(value, int | float) or isinstance(value, bool):
        return
    low, high = getattr(opt, "low", None), getattr(opt, "high", None)
    if (low is not None and value < low) or (high is not None and value > high):
        raise CommandError(f"{label}: expected a number from {low:g} to {high:g}, got {value:g}")


def _options(args: argparse.Namespace, exporter: Any) -> dict[str, Any]:
    from archdesigner.cli import CommandError

    declared = {o.name: o for o in exporter.options}
    given: dict[str, Any] = {}
    for item in args.option:
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not name:
            raise CommandError(f"-O expects NAME=VALUE, got {item!r}")
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise CommandError(f"format {exporter.id!r} has no option {name!r} (options: {known})")
        opt = declared[name]
        converted = _convert(value, opt.type, name)
        if opt.choices and str(converted) not in opt.choices:
            raise CommandError(
                f"option {name}: expected one of {', '.join(opt.choices)}, got {value!r}"
            )
        _in_range(opt, converted, f"option {name}")
        given[name] = converted
    flags = {"layout": args.layout, "findings": args.findings or None}
    flags["load_factor"] = args.load_factor
    for name, value in flags.items():
        if value is None:
            continue
        flag = "--" + name.replace("_", "-")
        if name not in declared:
            raise CommandError(f"{flag} does not apply to format {exporter.id!r}")
        _in_range(declared[name], value, flag)
        given[name] = value
    return given


def _list(exporters: dict[str, Any]) -> None:
    for ident, reg in exporters.items():
        exp = reg.exporter
        suffixes = " ".join(exp.suffixes)
        print(f"{ident:10} {exp.name} [{suffixes}] ({reg.plugin})")
        for opt in exp.options:
            choices = f" ({'|'.join(opt.choices)})" if opt.choices else ""
            print(f"{'':12}-O {opt.name}={opt.default!s}{choices}: {opt.help}")


def run(args: argparse.Namespace) -> int:
    from archdesigner.cli import CommandError
    from archdesigner.export import ExportError, guess_format, load_exporters
    from archdesigner.io import DesignError, load_design
    from archdesigner.io.output import OutputError, check_output, write_output

    exporters, errors = load_exporters(args.plugins)
    for err in errors:
        print(f"archdesigner export: warning: {err}", file=sys.stderr)
    if args.list:
        _list(exporters)
        return 0
    if not args.file:
        raise CommandError("give the design FILE to export (or --list)")
    fmt = args.to
    if fmt is None:
        if not args.output:
            raise CommandError("give --to FORMAT or an output file with -o to guess it from")
        fmt = guess_format(args.output, exporters)
        if fmt is None:
            raise CommandError(
                f"cannot tell the format from {args.output!r}; add --to ({', '.join(exporters)})"
            )
    if fmt not in exporters:
        raise CommandError(f"unknown format {fmt!r}; choose one of: {', '.join(exporters)}")
    reg = exporters[fmt]
    options = _options(args, reg.exporter)
    if reg.plugin == "built-in" and options.get("findings"):
        options["plugin_dirs"] = list(args.plugins)  # lint rule plugins for the overlay
    try:
        if args.output:
            check_output(args.output, [args.file], force=args.force)
        design = load_design(args.file)
    except (DesignError, OutputError) as exc:
        raise CommandError(str(exc)) from None
    try:
        result = reg.exporter.export(design, **options)
    except ExportError as exc:
        raise CommandError(f"{args.file}: {exc}") from None
    except Exception as exc:
        if reg.plugin == "built-in":
            raise
        raise CommandError(
            f"exporter {fmt!r} from plugin {reg.plugin} failed: {type(exc).__name__}: {exc}"
        ) from None
    if args.output and _is_folder(args.output):
        _write_folder(args.output, result, fmt)
    elif args.output:
        try:
            write_output(args.output, result.as_bytes())
        except OutputError as exc:
            raise CommandError(str(exc)) from None
    elif isinstance(result.data, str):
        sys.stdout.flush()
        sys.stdout.buffer.write(result.as_bytes())
        sys.stdout.buffer.flush()
    else:
        raise CommandError(f"format {fmt!r} is binary: give an output file with -o")
    for line in result.report:
        print(f"{args.file}: note: {line}", file=sys.stderr)
    return 0


def _is_folder(output: str) -> bool:
    """``-o k8s/`` (a trailing separator) or an existing folder: write one file per part."""
    import os

    return output.endswith(("/", os.sep)) or os.path.isdir(output)


def _write_folder(output: str, result: Any, fmt: str) -> None:
    from pathlib import Path

    from archdesigner.cli import CommandError
    from archdesigner.io.output import OutputError, write_output

    if not result.files:
        raise CommandError(f"format {fmt!r} writes one file: give a file name to -o, not a folder")
    folder = Path(output)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
    try:
        for name, text in result.files.items():
            write_output(folder / name, text.encode("utf-8"))
    except OutputError as exc:
        raise CommandError(str(exc)) from None
