"""archdesigner validate FILE...: check design files against the format."""

from __future__ import annotations

import argparse
import sys

NAME = "validate"
HELP = "check design files; exit 0 when all are valid, 2 when one is not"
DESCRIPTION = (
    "Checks each design file against the design format (types, ranges, ids, references).\n"
    "Prints one line per problem, naming the file and the JSON path. Exit status: 0 when every\n"
    "file is valid, 2 when one is not."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="design files (*.arch.json)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print problems only")


def run(args: argparse.Namespace) -> int:
    from archdesigner.io import DesignError, load_design

    bad = 0
    for file in args.files:
        try:
            design = load_design(file)
        except DesignError as exc:
            bad += 1
            for line in exc.lines():
                print(line, file=sys.stderr)
            continue
        if not args.quiet:
            print(f"{file}: valid ({len(design.nodes)} nodes, {len(design.links)} links)")
    return 2 if bad else 0
