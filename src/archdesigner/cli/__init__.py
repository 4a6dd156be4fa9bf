"""The ``archdesigner`` command line. Headless: nothing here imports Qt.

Each subcommand is one module in :mod:`archdesigner.cli.commands` that defines ``NAME``,
``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``; adding a command is adding a
module. Command modules keep heavy imports inside ``run`` so that ``--help`` stays fast.

With no arguments, or with design files as arguments, the desktop app opens.
"""

from __future__ import annotations

import importlib
import os
import sys

from archdesigner import __version__

TYPE_CHECKING = False  # typing itself is not imported: it would cost --help a fifth
if TYPE_CHECKING:  # argparse is imported where a parser is built: ``--version`` needs none
    import argparse
    from collections.abc import Sequence
    from types import ModuleType

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """A problem to report as one line and exit status 2 (usage error or unreadable input)."""


def command_modules() -> list[ModuleType]:
    """The command modules, by name (a listing of the package folder: ``pkgutil`` would
    import ``inspect`` and more, a third of ``--version``'s start-up)."""
    from archdesigner.cli import commands

    names = set()
    for folder in commands.__path__:
        if os.path.isdir(folder):
            for entry in os.listdir(folder):
                stem, ext = os.path.splitext(entry)
                if ext in (".py", ".pyc") and not stem.startswith("_") and stem.isidentifier():
                    names.add(stem)
    if not names:  # a frozen bundle (modules in an archive): ask the import system
        import pkgutil

        names = {i.name for i in pkgutil.iter_modules(commands.__path__)}
        names = {name for name in names if not name.startswith("_")}
    return [importlib.import_module(f"archdesigner.cli.commands.{name}") for name in sorted(names)]


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand accepts."""
    import argparse

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--plugins",
        metavar="DIR",
        action="append",
        default=[],
        help="also load plugins from this folder (repeatable)",
    )
    return common


def build_parser(
    only: str | None = None, mods: Sequence[ModuleType] | None = None
) -> argparse.ArgumentParser:
    """The whole command line parser; with ``only``, the options of that one command alone
    (``main`` parses one command line: building every command's options cost most of
    ``--help``'s and ``--version``'s start-up). Nothing here imports the model."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="archdesigner",
        description=(
            "Design backend architectures and find where they will not scale or survive a "
            "failure. Run without a command (or with design files) to open the desktop app."
        ),
        epilog="Run 'archdesigner COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"archdesigner {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    common = common_options()
    for mod in command_modules() if mods is None else mods:
        p = sub.add_parser(
            mod.NAME,
            help=mod.HELP,
            description=getattr(mod, "DESCRIPTION", mod.HELP),
            parents=[common],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if only is None or only == mod.NAME:
            mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def _wants_app(argv: Sequence[str], names: set[str]) -> bool:
    return not argv or (argv[0] not in names and not argv[0].startswith("-"))


def main(argv: Sequence[str] | None = None) -> int:
    return _dispatch(argv)[0]


def _dispatch(argv: Sequence[str] | None) -> tuple[int, bool]:
    """:func:`main`: (the exit status, whether it was the desktop app's)."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in == ["--version"]:  # what argparse would print, without building a parser
        print(f"archdesigner {__version__}")
        return EXIT_OK, False
    mods = command_modules()
    names = {mod.NAME for mod in mods}
    if _wants_app(args_in, names):
        unknown = _unknown_command(args_in, names)
        if unknown:
            print(unknown, file=sys.stderr)
            return EXIT_USAGE, False
        return _open_app(args_in), True
    return _command(args_in, mods, names), False


def _command(args_in: list[str], mods: list[ModuleType], names: set[str]) -> int:
    parser = build_parser(args_in[0] if args_in[0] in names else "", mods)
    args = parser.parse_args(args_in)
    if not getattr(args, "_run", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        result: int = args._run(args)
    except CommandError as exc:
        print(f"archdesigner {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return result


def _unknown_command(argv: Sequence[str], names: set[str]) -> str | None:
    """The error for ``archdesigner WORD`` when WORD is neither a command nor a file."""
    import os

    if not argv or os.path.exists(argv[0]):
        return None
    import difflib

    word = argv[0]
    close = difflib.get_close_matches(word, sorted(names), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return (
        f"archdesigner: {word!r} is neither a command{hint} nor an existing design file; "
        "see 'archdesigner --help'"
    )


def _no_display() -> str | None:
    """On Linux without a display, the one line to print instead of letting Qt abort."""
    import os

    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "archdesigner: no display to open the desktop app on (DISPLAY and WAYLAND_DISPLAY are "
        "not set); to draw a design without one use 'archdesigner render FILE -o picture.png'"
    )


def _open_app(files: list[str]) -> int:
    headless = _no_display()
    if headless:
        print(headless, file=sys.stderr)
        return EXIT_USAGE
    try:
        from archdesigner.ui.app import run_app
    except ImportError as exc:
        print(
            "archdesigner: the desktop app needs PySide6 and Qt's runtime libraries "
            f"({exc}); the command line works without them, see 'archdesigner --help'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return run_app(files)


def run() -> None:
    """The ``archdesigner`` program: :func:`main`, then the end of the process."""
    code, app = _dispatch(None)
    if not app:
        _leave(code)
    sys.exit(code)


def _leave(code: int) -> None:
    """Ends a command's process at once, without freeing its objects one by one: after a
    lint of 10,000 nodes the interpreter's teardown (a last collection, then every node,
    link, finding and index freed) took 0.3-0.9 s, a sixth of the run. Everything a command
    writes is flushed first, and it leaves no worker running; when it does (or flushing
    fails) the process ends the usual way instead."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # the usual exit reports it
    mp = sys.modules.get("multiprocessing")
    if mp is not None and mp.active_children():
        return
    os._exit(code)


__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "CommandError", "build_parser", "main"]
