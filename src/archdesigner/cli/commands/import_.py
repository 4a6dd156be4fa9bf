"""archdesigner import FILE... [--env-file F] [-o OUT]: turn compose files into a design."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "import"
HELP = "import docker-compose files (or another importer's files) into a design"
DESCRIPTION = (
    "Reads one or more files of another tool and writes a design. Several compose files are\n"
    "merged in order, as 'docker compose -f base.yaml -f override.yaml' does. Variables come\n"
    "from --env-file (or a .env beside the first file) and the environment.\n"
    "Without -o the design JSON goes to stdout; the import report (inferred links, renamed\n"
    "services, guesses) always goes to stderr. Exit status: 0 on success, 2 when a file\n"
    "cannot be imported (one line naming the file and line)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to import, in order")
    parser.add_argument(
        "--env-file",
        metavar="FILE",
        action="append",
        default=[],
        help="read variables for ${VAR} interpolation from this file (repeatable)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the design here")
    parser.add_argument(
        "-f", "--force", action="store_true", help="overwrite an existing file given with -o"
    )
    parser.add_argument(
        "--from",
        dest="importer",
        metavar="ID",
        help="the importer to use (default: chosen by file name, else 'compose')",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print the report")


def run(args: argparse.Namespace) -> int:
    import os

    from archdesigner.cli import CommandError
    from archdesigner.importers import ImportError_, importer_for, load_importers
    from archdesigner.importers.compose_yaml import read_env_file
    from archdesigner.io import dumps_design
    from archdesigner.io.load import MAX_FILE_BYTES
    from archdesigner.io.output import OutputError, check_output, write_output
    from archdesigner.plugins import load_kind_plugins, merge_errors

    if args.output:
        try:
            check_output(
                args.output, [*args.files, *args.env_file], force=args.force, refuse_existing=True
            )
        except OutputError as exc:
            raise CommandError(str(exc)) from None
    kind_errors = load_kind_plugins(args.plugins)
    importers, errors = load_importers(args.plugins)
    problems = merge_errors(kind_errors, errors)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if args.importer:
        importer = importers.get(args.importer)
        if importer is None:
            known = ", ".join(sorted(importers)) or "none"
            raise CommandError(f"no importer {args.importer!r} (known: {known})")
    else:
        importer = importer_for(args.files, importers) or importers.get("compose")
        if importer is None:
            raise CommandError("no importer is available")
    env: dict[str, str] | None = None
    try:
        if args.env_file:
            env = {}
            for env_file in args.env_file:
                env.update(read_env_file(Path(env_file), {**env, **os.environ}))
            env.update(os.environ)  # the shell wins over env files, as in Docker Compose
        result = importer.import_files([Path(f) for f in args.files], env=env)
    except ImportError_ as exc:
        raise CommandError(str(exc)) from None
    except Exception as exc:  # a plugin importer's bug must not end in a traceback
        where = ", ".join(args.files)
        raise CommandError(
            f"{where}: importer {importer.id!r} failed: {type(exc).__name__}: {exc}"
        ) from None
    try:
        payload = dumps_design(result.design).encode("utf-8")
    except (UnicodeEncodeError, ValueError) as exc:
        why = "text that is not valid Unicode" if isinstance(exc, UnicodeError) else str(exc)
        raise CommandError(f"{', '.join(args.files)}: cannot write the design: {why}") from None
    if len(payload) > MAX_FILE_BYTES:
        raise CommandError(
            f"{', '.join(args.files)}: the design would be {len(payload) / 1e6:.0f} MB; design "
            f"files are limited to {MAX_FILE_BYTES // (1024 * 1024)} MiB, nothing was written"
        )
    try:
        write_output(args.output or "-", payload)
    except OutputError as exc:
        raise CommandError(str(exc)) from None
    if not args.quiet:
        for line in result.report:
            print(line, file=sys.stderr)
        design = result.design
        summary = f"imported {len(design.nodes)} nodes, {len(design.links)} links"
        if args.output:
            summary += f" into {args.output}"
        print(summary, file=sys.stderr)
    return 0
