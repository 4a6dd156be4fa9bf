"""PNG diagrams: Graphviz's cairo draws the picture, archdesigner encodes it (png_encode).

Checked by Pillow's PNG decoder (and zlib for the row filters), and against the PNG Graphviz
writes itself (``-Tpng:cairo:cairo``) for the same drawing: the same size and pixels."""

from __future__ import annotations

import io
import os
import random
import shutil
import struct
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from archdesigner.export import graphviz, png_encode
from archdesigner.export.graphviz import PngExporter, build_dot, render
from archdesigner.io import load_design

from .conftest import ROOT

needs_graphviz = pytest.mark.skipif(shutil.which("neato") is None, reason="needs Graphviz")
WEB_SHOP = ROOT / "resources" / "examples" / "web-shop.arch.json"


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The PNG's chunks, each CRC checked."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    out, at = [], 8
    while at < len(png):
        (n,) = struct.unpack_from(">I", png, at)
        kind, body = png[at + 4 : at + 8], png[at + 8 : at + 8 + n]
        (crc,) = struct.unpack_from(">I", png, at + 8 + n)
        assert crc == zlib.crc32(kind + body), kind
        out.append((kind, body))
        at += 12 + n
    assert out[0][0] == b"IHDR" and out[-1][0] == b"IEND"
    return out


def filter_types(png: bytes) -> set[int]:
    """The row filter types of an 8-bit RGB or RGBA PNG."""
    parts = chunks(png)
    width, height, _depth, colour_type = struct.unpack(">IIBB", parts[0][1][:10])
    raw = zlib.decompress(b"".join(body for kind, body in parts if kind == b"IDAT"))
    line = width * (4 if colour_type == 6 else 3) + 1
    assert len(raw) == line * height
    return {raw[y * line] for y in range(height)}


def assert_truecolour(png: bytes) -> Image.Image:
    """An 8-bit RGB PNG without palette that Pillow decodes; returns the decoded image."""
    parts = chunks(png)
    _w, _h, depth, colour_type, _c, _f, interlace = struct.unpack(">IIBBBBB", parts[0][1])
    assert (depth, colour_type, interlace) == (8, 2, 0)
    assert b"PLTE" not in {kind for kind, _ in parts}
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.mode == "RGB"
    return image


def noise_rgb(width: int, height: int, seed: int) -> Image.Image:
    rnd = random.Random(seed)
    return Image.frombytes("RGB", (width, height), rnd.randbytes(width * height * 3))


def bmp_of(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "BMP")  # 24-bit, rows bottom up, each padded to 4 bytes
    return out.getvalue()


def top_down(bmp: bytes) -> bytes:
    """The same picture as a top-down BMP (negative height, rows reversed)."""
    offset = struct.unpack_from("<I", bmp, 10)[0]
    width, height = struct.unpack_from("<ii", bmp, 18)
    stride = (width * 3 + 3) & ~3
    rows = [bmp[offset + y * stride : offset + (y + 1) * stride] for y in range(height)]
    head = bytearray(bmp[:offset])
    struct.pack_into("<i", head, 22, -height)
    return bytes(head) + b"".join(reversed(rows))


# --- the encoder on its own -------------------------------------------------------------------


@pytest.mark.parametrize("size", [(1, 1), (7, 300), (64, 129), (5, png_encode.ROWS_PER_CHUNK)])
def test_a_bmp_becomes_a_png_of_the_same_pixels(size: tuple[int, int]) -> None:
    # odd widths pad the BMP's rows; more rows than one chunk cross chunk boundaries
    picture = noise_rgb(*size, seed=sum(size))
    bmp = bmp_of(picture)
    for source in (bmp, top_down(bmp)):
        png = png_encode.png_from_bmp(source)
        decoded = assert_truecolour(png)
        assert decoded.size == size
        assert decoded.tobytes() == picture.tobytes()
        assert filter_types(png) == {0}


def test_without_zlib_ng_the_standard_librarys_zlib_encodes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    picture = noise_rgb(33, 200, seed=3)
    fast = png_encode.png_from_bmp(bmp_of(picture))
    monkeypatch.setitem(sys.modules, "zlib_ng", None)  # import fails
    plain = png_encode.png_from_bmp(bmp_of(picture))
    assert assert_truecolour(plain).tobytes() == picture.tobytes()
    assert assert_truecolour(fast).tobytes() == picture.tobytes()


def test_other_files_are_refused() -> None:
    rgba = io.BytesIO()
    Image.new("RGBA", (4, 4)).save(rgba, "BMP")  # 32 bits per pixel
    bmp = bmp_of(noise_rgb(9, 9, seed=1))
    for data, why in (
        (b"", "not a BMP"),
        (b"\x89PNG\r\n\x1a\n" + bytes(60), "not a BMP"),
        (rgba.getvalue(), "32 bits per pixel"),
        (bmp[:-40], "cut short"),
    ):
        with pytest.raises(png_encode.BmpError, match=why):
            png_encode.png_from_bmp(data)


# --- through Graphviz -------------------------------------------------------------------------


def raw_device_available() -> bool:
    program = graphviz.find_program("neato")
    doc = graphviz.DotDocument("digraph { a }", "neato", [])
    code, _out, err = graphviz._run(doc, graphviz.RAW_DEVICE, 30.0, 72.0)
    return code == 0 and program not in graphviz._NO_RAW_DEVICE and b"not recognized" not in err


def require_raw_device() -> None:
    """CI installs Graphviz's gdk plugin (scripts/bootstrap.sh): there its absence fails."""
    if not raw_device_available():
        if os.environ.get("CI"):
            pytest.fail(f"Graphviz lacks {graphviz.RAW_DEVICE} (libgvc6-plugins-gtk)")
        pytest.skip(f"Graphviz lacks {graphviz.RAW_DEVICE} (Debian: libgvc6-plugins-gtk)")


def formats_run(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The -T formats Graphviz is run with from now on."""
    seen: list[str] = []
    real = graphviz._run

    def spy(doc: Any, fmt: str, *args: Any, **kwargs: Any) -> tuple[int, bytes, bytes]:
        seen.append(fmt)
        return real(doc, fmt, *args, **kwargs)

    monkeypatch.setattr(graphviz, "_run", spy)
    return seen


def graphviz_png(path: Path, dpi: float = graphviz.PNG_DPI) -> Image.Image:
    """What Graphviz's own PNG writer makes of the exporter's drawing, on white.

    cairo writes RGBA when any pixel is not opaque: Graphviz's white background often
    stops short of the last pixel column (alpha 229 there); the gdk device drops alpha."""
    doc = build_dot(load_design(path), icons="png")
    png = render(doc, "png:cairo:cairo", dpi=dpi)
    assert filter_types(png) != {0}  # libpng's adaptive filters: it is the other encoder
    return on_white(png)


def on_white(png: bytes) -> Image.Image:
    chunks(png)
    image = Image.open(io.BytesIO(png))
    assert image.mode in ("RGB", "RGBA")
    if image.mode == "RGBA":
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image)
    return image.convert("RGB")


def assert_same_picture(ours: Image.Image, theirs: Image.Image) -> None:
    """Both are cairo's drawing: nothing beyond antialiasing noise may differ (a pixel in a
    thousand by more than 8 levels in a channel)."""
    assert ours.size == theirs.size
    r, g, b = ImageChops.difference(ours, theirs).split()
    worst = ImageChops.lighter(ImageChops.lighter(r, g), b).histogram()
    off = sum(worst[9:])
    assert off <= ours.size[0] * ours.size[1] // 1000, f"{off} pixels differ"


@needs_graphviz
@pytest.mark.parametrize("dpi", [0.0, 144.0])
def test_a_png_export_is_graphvizs_picture_encoded_here(
    monkeypatch: pytest.MonkeyPatch, dpi: float
) -> None:
    require_raw_device()
    seen = formats_run(monkeypatch)
    result = PngExporter().export(load_design(WEB_SHOP), dpi=dpi)
    assert seen == [graphviz.RAW_DEVICE]
    png = bytes(result.data)  # type: ignore[arg-type]
    assert filter_types(png) == {0}
    assert_same_picture(assert_truecolour(png), graphviz_png(WEB_SHOP, dpi or graphviz.PNG_DPI))


@needs_graphviz
def test_without_the_gdk_plugin_graphviz_writes_the_png(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graphviz, "RAW_DEVICE", "bmp:nosuch:renderer")
    monkeypatch.setattr(graphviz, "_NO_RAW_DEVICE", set())
    seen = formats_run(monkeypatch)
    design = load_design(WEB_SHOP)
    first = PngExporter().export(design)
    assert seen == ["bmp:nosuch:renderer", "png"]
    assert {graphviz.find_program("neato")} == graphviz._NO_RAW_DEVICE
    assert not [line for line in first.report if "gdk plugin" in line]  # a small picture
    monkeypatch.setattr(graphviz, "SLOW_PNG_PIXELS", 1000)
    second = PngExporter().export(design)
    assert seen == ["bmp:nosuch:renderer", "png", "png"]  # asked once per process
    (note,) = [line for line in second.report if "gdk plugin" in line]
    assert "apt-get install libgvc6-plugins-gtk" in note
    for result in (first, second):
        png = bytes(result.data)  # type: ignore[arg-type]
        assert_same_picture(on_white(png), graphviz_png(WEB_SHOP))


@needs_graphviz
def test_without_pillow_graphviz_writes_the_png(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = formats_run(monkeypatch)
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "PIL", None)  # import fails
        png = bytes(PngExporter().export(load_design(WEB_SHOP)).data)  # type: ignore[arg-type]
    assert seen == ["png"]
    assert_same_picture(on_white(png), graphviz_png(WEB_SHOP))


@needs_graphviz
def test_a_picture_of_too_many_pixels_is_left_to_graphviz(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    require_raw_device()
    design = load_design(WEB_SHOP)
    pixels = build_dot(design).pixels(graphviz.PNG_DPI)
    ours = assert_truecolour(bytes(PngExporter().export(design).data))  # type: ignore[arg-type]
    # the estimate is close to the picture Graphviz draws
    assert 0.8 < pixels / (ours.size[0] * ours.size[1]) < 1.25
    monkeypatch.setattr(graphviz, "RAW_MAX_PIXELS", int(pixels) - 1)
    seen = formats_run(monkeypatch)
    theirs = PngExporter().export(design).data
    assert seen == ["png"]
    assert_same_picture(ours, on_white(bytes(theirs)))  # type: ignore[arg-type]
