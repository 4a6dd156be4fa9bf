#!/usr/bin/env python3
"""Renders the app icon (resources/icons/archdesigner.svg) into the PNG sizes desktops use.

Writes a freedesktop icon theme tree, ready to copy under ``$PREFIX/share/icons``:

    OUT/hicolor/16x16/apps/dev.archdesigner.ArchDesigner.png
    ...
    OUT/hicolor/512x512/apps/dev.archdesigner.ArchDesigner.png
    OUT/hicolor/scalable/apps/dev.archdesigner.ArchDesigner.svg

The PNGs are build products (packaging/build_bundle.sh and `make icons` run this); nothing
rendered is committed. Uses resvg (the resvg-py dependency), so no display or Qt is needed.

    python packaging/gen_icons.py [--svg FILE] [--out DIR] [--sizes 16,32,...]
"""

from __future__ import annotations

import argparse
import shutil
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "dev.archdesigner.ArchDesigner"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
DEFAULT_SVG = ROOT / "resources" / "icons" / "archdesigner.svg"
DEFAULT_OUT = ROOT / "packaging" / "build" / "icons"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def render_icons(svg: Path, out: Path, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    """Writes one PNG per size plus the scalable SVG; returns the files written."""
    import resvg_py

    svg_text = svg.read_text(encoding="utf-8")
    written = []
    for size in sizes:
        data = bytes(resvg_py.svg_to_bytes(svg_string=svg_text, width=size, height=size))
        if png_size(data) != (size, size):
            raise ValueError(f"{svg}: rendered {png_size(data)} instead of {size}x{size}")
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    scalable = out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    written.append(scalable)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Render the app icon into a hicolor icon tree.")
    ap.add_argument("--svg", type=Path, default=DEFAULT_SVG, help="the icon (default: %(default)s)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated sizes")
    args = ap.parse_args(argv)
    try:
        sizes = tuple(int(s) for s in args.sizes.split(",") if s.strip())
    except ValueError:
        print(f"gen_icons: --sizes must be numbers, got {args.sizes!r}", file=sys.stderr)
        return 2
    if not args.svg.is_file():
        print(f"gen_icons: {args.svg}: no such file", file=sys.stderr)
        return 2
    try:
        files = render_icons(args.svg, args.out, sizes)
    except ValueError as exc:
        print(f"gen_icons: {args.svg}: {exc}", file=sys.stderr)
        return 2
    print(f"gen_icons: wrote {len(files)} files under {args.out / 'hicolor'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
