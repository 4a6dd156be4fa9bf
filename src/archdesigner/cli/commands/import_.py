"""archdesigner import FILE... [--from compose|kubernetes] [--env-file F] [-o OUT]: turn compose
files or Kubernetes manifests (files, folders, ``-`` for standard input) into a design."""

from __future__ import annotations

import argparse
import os
import sys

TYPE_CHECKING = False  # typing is not imported at run time: --help stays fast
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path
    from typing import Any


NAME = "import"
HELP = "import docker-compose files or Kubernetes manifests into a design"
DESCRIPTION = (
    "Reads one or more files of another tool and writes a design. Several compose files are\n"
    "merged in order, as 'docker compose -f base.yaml -f override.yaml' does. Variables come\n"
    "from --env-file (or a .env beside the first file) and the environment.\n"
    "Kubernetes manifests: files, folders (every *.yaml/*.yml inside, recursively) and '-'\n"
    "for standard input ('helm template ... | archdesigner import -'). The format is told\n"
    "from the content (apiVersion/kind: kubernetes; services: compose); --from forces it.\n"
    "Configs and sources beside a compose file (build contexts, mounted files, folders named\n"
    "like a service) are read for the services they name (--no-scan, --scan DIR).\n"
    "Without -o the design JSON goes to stdout; the import report (kinds and why, entries,\n"
    "links by evidence, guesses) goes to stderr, and as JSON to --report FILE.\n"
    "Exit status: 0 on success, 2 when a file cannot be imported (one line naming the file\n"
    "and line)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="files or folders to import, in order ('-' reads standard input)",
    )
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
        help="the importer to use: compose, kubernetes or a plugin's (default: told from the "
        "content, else the file name, else compose)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print the report")
    parser.add_argument(
        "--report", metavar="FILE", help="also write the import report as JSON to this file"
    )
    scan = parser.add_mutually_exclusive_group()
    scan.add_argument(
        "--no-scan",
        action="store_true",
        help="do not read configs and sources beside the compose file for links",
    )
    scan.add_argument(
        "--scan",
        metavar="DIR",
        help="read configs and sources for links under DIR (default: the compose file's folder)",
    )


def _scan_options(importer: Any, args: argparse.Namespace) -> Any:
    from pathlib import Path

    from archdesigner.cli import CommandError

    with_options = getattr(importer, "with_options", None)
    if with_options is None:
        raise CommandError(f"importer {importer.id!r} does not scan sources (--scan/--no-scan)")
    if args.scan and not Path(args.scan).is_dir():
        raise CommandError(f"--scan {args.scan}: not a folder")
    scan = not args.no_scan and (bool(args.scan) or "-" not in args.files)
    return with_options(scan=scan, scan_root=Path(args.scan) if args.scan else None)


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from archdesigner.cli import CommandError
    from archdesigner.importers import ImportInputError, load_importers
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
    stdin = sys.stdin.read() if "-" in args.files else None
    try:
        importer = _choose(args, importers, stdin)
    except ImportInputError as exc:
        raise CommandError(str(exc)) from None
    if args.no_scan or args.scan or ("-" in args.files and hasattr(importer, "with_options")):
        importer = _scan_options(importer, args)  # standard input has no folder to scan
    try:
        env = _env(args.env_file, os.environ) if args.env_file else None
        if "-" in args.files and importer.id != "kubernetes":
            result = _import_stdin(importer, args.files, env, stdin or "")
        elif importer.id == "kubernetes" and "-" in args.files:
            result = importer.import_files([Path(f) for f in args.files], env=env, stdin=stdin)
        else:
            result = importer.import_files(_files(args.files, importer.id), env=env)
    except ImportInputError as exc:
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
    details = getattr(result, "details", None)
    if args.report and details is not None:
        try:
            check_output(args.report, [*args.files, *args.env_file])
            write_output(args.report, (json.dumps(details.as_json(), indent=2) + "\n").encode())
        except OutputError as exc:
            raise CommandError(str(exc)) from None
    if not args.quiet:
        grouped = details is not None and bool(details.nodes)
        for line in result.report:
            if not (grouped and line.startswith(("inferred link ", "node "))):
                print(line, file=sys.stderr)
        if grouped and details is not None:
            for line in details.text():
                print(line, file=sys.stderr)
        design = result.design
        summary = f"imported {len(design.nodes)} nodes, {len(design.links)} links"
        if args.output:
            summary += f" into {args.output}"
        print(summary, file=sys.stderr)
    return 0


def _env(env_files: list[str], environ: Mapping[str, str]) -> dict[str, str]:
    from pathlib import Path

    from archdesigner.importers.compose_yaml import read_env_file

    env: dict[str, str] = {}
    for env_file in env_files:
        env.update(read_env_file(Path(env_file), {**env, **environ}))
    env.update(environ)  # the shell wins over env files, as in Docker Compose
    return env


def _files(given: list[str], importer_id: str) -> list[Path]:
    """Folders become the YAML files inside them for the built-in importers."""
    from pathlib import Path

    from archdesigner.importers.kubernetes_read import manifest_files

    paths = [Path(f) for f in given]
    if importer_id in ("compose", "kubernetes"):
        return manifest_files(paths)
    return paths


def _choose(args: argparse.Namespace, importers: dict[str, Any], stdin: str | None) -> Any:
    from archdesigner.cli import CommandError
    from archdesigner.importers import importer_for

    if args.importer:
        importer = importers.get(args.importer)
        if importer is None:
            known = ", ".join(sorted(importers)) or "none"
            raise CommandError(f"no importer {args.importer!r} (known: {known})")
        return importer
    named = [f for f in args.files if f != "-"]
    files = _files(named, "kubernetes")
    stdin_text = [stdin] if stdin is not None else []
    importer = importer_for(files, importers, stdin_text) or importers.get("compose")
    if importer is None:
        raise CommandError("no importer is available")
    return importer


def _import_stdin(importer: Any, given: list[str], env: Any, stdin: str) -> Any:
    """Standard input for importers that read files: a temporary file named like a compose
    file; error messages name it ``<stdin>``."""
    import tempfile
    from pathlib import Path

    from archdesigner.importers import ImportInputError

    with tempfile.TemporaryDirectory(prefix="archdesigner-stdin-") as tmp:
        temp = Path(tmp) / "compose.yaml"
        temp.write_text(stdin, encoding="utf-8")
        paths = [temp if f == "-" else Path(f) for f in given]
        try:
            return importer.import_files(paths, env=env)
        except ImportInputError as exc:
            raise ImportInputError("<stdin>" if exc.file == str(temp) else exc.file, exc.message,
                               exc.line) from None  # fmt: skip
