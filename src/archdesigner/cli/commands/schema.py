"""archdesigner schema: print the JSON Schema of the design format."""

from __future__ import annotations

import argparse
import sys

NAME = "schema"
HELP = "print the JSON Schema of the design file format"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument(
        "-f", "--force", action="store_true", help="write over FILE even when it holds a design"
    )


def run(args: argparse.Namespace) -> int:
    from archdesigner.model.schema import schema_text

    text = schema_text()
    if args.output:
        from archdesigner.cli import CommandError
        from archdesigner.io.output import OutputError, check_output, write_output_text

        try:
            check_output(args.output, force=args.force)
            write_output_text(args.output, text)
        except OutputError as exc:
            raise CommandError(str(exc)) from None
    else:
        sys.stdout.write(text)
    return 0
