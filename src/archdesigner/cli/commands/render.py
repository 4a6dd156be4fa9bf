"""archdesigner render FILE.arch.json -o shot.png: draw the canvas as the app shows it."""

from __future__ import annotations

import argparse
import os

NAME = "render"
HELP = "draw a design's canvas into a PNG, as the app shows it (no display needed)"
DESCRIPTION = (
    "Draws the design's canvas offscreen, fitted to the picture, exactly as the desktop app\n"
    "draws it: for documentation, tests, and seeing a design without a display."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the design file (*.arch.json)")
    parser.add_argument("-o", "--output", required=True, metavar="PNG", help="the picture to write")
    parser.add_argument("--width", type=int, default=1600, help="picture width in pixels (1600)")
    parser.add_argument("--height", type=int, default=1000, help="picture height in pixels (1000)")
    parser.add_argument(
        "--force", action="store_true", help="allow -o to be the design file itself"
    )
    parser.add_argument(
        "--theme", choices=("light", "dark"), default="light", help="colours (light)"
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from archdesigner.cli import CommandError
    from archdesigner.io import DesignError, load_design
    from archdesigner.io.output import OutputError, check_output, write_output

    if not (16 <= args.width <= 16384 and 16 <= args.height <= 16384):
        raise CommandError("--width and --height must be between 16 and 16384 pixels")
    try:
        check_output(args.output, [args.file], force=args.force)
        design = load_design(args.file)
    except (DesignError, OutputError) as exc:
        raise CommandError(str(exc)) from None
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from archdesigner.ui.render import render_png
    except ImportError as exc:
        raise CommandError(f"rendering needs PySide6 and Qt's libraries ({exc})") from None
    out = Path(args.output)
    try:
        payload = render_png(design, args.width, args.height, dark=args.theme == "dark")
        write_output(args.output, payload)
    except OutputError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot draw {args.file}: {exc.strerror or exc}") from None
    print(f"wrote {out} ({args.width}x{args.height}, {len(design.nodes)} nodes)")
    return 0
