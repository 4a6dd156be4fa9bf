"""Renders the review report of each example (and of any design given) and screenshots it in
headless Chromium, for docs/images and for a person to look at.

    .venv/bin/python tools/report_screenshots.py                  # the examples -> docs/images
    .venv/bin/python tools/report_screenshots.py d.arch.json -o /tmp/shots --dark

Each design gives ``report-<name>.png`` (the top of the page: summary and diagram) and
``report-<name>-tables.png`` (from the failure table on: failures and growth).
Needs Chromium (scripts/bootstrap.sh installs it) and Pillow (matplotlib's dependency).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from PIL import Image

from archdesigner.io import load_design
from archdesigner.report import build_review, write_html
from archdesigner.report.pdf import screenshot

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 1240
TALL = 6000


#: Hides the sections above the failure table: the second picture starts there.
TABLES_ONLY = "<style>header, #summary, #diagram { display: none; }</style></head>"


def _crop(full: Path, out: Path, height: int) -> None:
    """The top ``height`` pixels of ``full`` (less where the page ends first)."""
    image = Image.open(full).convert("RGB")
    picture = image.crop((0, 0, WIDTH, min(height, _content_bottom(image))))
    picture.quantize(colors=256).save(out, optimize=True)  # a third of the size, same look


def _content_bottom(image: Image.Image) -> int:
    """The last row that is not plain background."""
    px = image.load()
    assert px is not None
    background = px[5, image.height - 1]
    for y in range(image.height - 1, 0, -8):
        if any(px[x, y] != background for x in range(0, WIDTH, 16)):
            return min(image.height, y + 40)
    return image.height


def shoot(design_path: Path, out_dir: Path, dark: bool) -> list[Path]:
    design = load_design(design_path)
    review = build_review(design, path=design_path.name, content=design_path.read_bytes())
    html = write_html(review, design)
    name = design_path.name.removesuffix(".json").removesuffix(".arch")
    suffix = "-dark" if dark else ""
    top = out_dir / f"report-{name}{suffix}.png"
    tables = out_dir / f"report-{name}{suffix}-tables.png"
    with tempfile.TemporaryDirectory() as tmp:
        for text, out in ((html, top), (html.replace("</head>", TABLES_ONLY, 1), tables)):
            page = Path(tmp) / "page.html"
            page.write_text(text, encoding="utf-8")
            full = Path(tmp) / "full.png"
            screenshot(page, full, width=WIDTH, height=TALL, dark=dark)
            _crop(full, out, 1800)
    return [top, tables]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("designs", nargs="*", type=Path)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--dark", action="store_true", help="the page in dark mode")
    args = parser.parse_args()
    designs = args.designs or sorted((ROOT / "resources" / "examples").glob("*.arch.json"))
    args.output.mkdir(parents=True, exist_ok=True)
    for path in designs:
        for picture in shoot(path, args.output, args.dark):
            print(picture)


if __name__ == "__main__":
    main()
