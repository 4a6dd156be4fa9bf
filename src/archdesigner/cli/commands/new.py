"""archdesigner new NAME.arch.json [--template NAME]: start a design."""

from __future__ import annotations

import argparse

NAME = "new"
HELP = "create a design file, empty or from a template"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from archdesigner.resources import template_names

    parser.add_argument("file", metavar="FILE", help="the design file to create (*.arch.json)")
    parser.add_argument(
        "-t",
        "--template",
        default="empty",
        help="start from a template: " + ", ".join(["empty", *template_names()]),
    )
    parser.add_argument("--name", help="the design's title (default: from the file name)")
    parser.add_argument("-f", "--force", action="store_true", help="overwrite an existing file")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from archdesigner.cli import CommandError
    from archdesigner.io import DesignError, save_design
    from archdesigner.resources import new_design

    path = Path(args.file)
    if path.exists() and not args.force:
        raise CommandError(f"{path} exists; use --force to overwrite it")
    title = args.name or path.name.removesuffix(".json").removesuffix(".arch")
    try:
        design = new_design(args.template, title)
    except KeyError as exc:
        raise CommandError(str(exc.args[0])) from None
    except DesignError as exc:
        raise CommandError(str(exc)) from None
    try:
        save_design(design, path)
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"created {path} ({len(design.nodes)} nodes, {len(design.links)} links)")
    return 0
