"""A PNG file from the uncompressed picture Graphviz draws with ``-Tbmp:cairo:gdk``.

Graphviz's ``-Tpng`` has cairo encode the picture with libpng's defaults: a filter chosen per
row by trying all five, then zlib at level 6. On a large drawing that is most of Graphviz's
time (a 1643 x 22832 px picture: ~1.7 s of 2.3 s). Here the same pixels (cairo draws them in
both cases; Graphviz's gdk device only hands them out as a 24-bit BMP) become an 8-bit
truecolour PNG with no row filter and a fast deflate: zlib-ng's level 2 (~0.1 s for that
picture, the file ~20% larger than libpng's), or the standard library's level 1 (~0.35 s)
where zlib-ng is not installed. Lossless either way: the decoded pixels are the BMP's.
"""

from __future__ import annotations

import mmap
import struct
import zlib
from typing import Any

#: image rows converted and compressed at a time (about 0.6 MB for a 1643 px wide picture)
ROWS_PER_CHUNK = 128

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class BmpError(ValueError):
    """The data is not the kind of BMP Graphviz's gdk device writes (24-bit, uncompressed)."""


def _deflater() -> Any:
    """A compressor with zlib's interface: zlib-ng's level 2 when installed (faster than the
    standard library's level 1, and smaller), else the standard library's level 1."""
    try:
        from zlib_ng import zlib_ng
    except ImportError:
        return zlib.compressobj(1)
    return zlib_ng.compressobj(2)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bmp_layout(data: bytes | mmap.mmap) -> tuple[int, int, int, int, bool]:
    """``(width, height, pixel offset, row stride, top_down)`` of a 24-bit uncompressed BMP;
    raises :class:`BmpError` for anything else."""
    if len(data) < 54 or data[:2] != b"BM":
        raise BmpError("not a BMP file")
    offset = struct.unpack_from("<I", data, 10)[0]
    header, width, height, planes, bits, compression = struct.unpack_from("<IiiHHI", data, 14)
    if header < 40 or planes != 1 or bits != 24 or compression != 0:
        raise BmpError(
            f"unsupported BMP (header {header}, {bits} bits per pixel, compression {compression})"
        )
    if width <= 0 or height == 0:
        raise BmpError(f"BMP of {width} x {height} pixels")
    stride = (width * 3 + 3) & ~3
    if offset < 54 or offset + stride * abs(height) > len(data):
        raise BmpError("BMP pixel data is cut short")
    return width, abs(height), offset, stride, height < 0


def png_from_bmp(data: bytes | mmap.mmap) -> bytes:
    """The PNG (8-bit RGB, no row filter) of a 24-bit uncompressed BMP.

    Raises :class:`BmpError` for another kind of file and ``ImportError`` without Pillow,
    which turns the BMP's bottom-up BGR rows into top-down RGB ones."""
    width, height, offset, stride, top_down = bmp_layout(data)

    with memoryview(data) as view:
        return _encode(view, width, height, offset, stride, top_down)


def _encode(
    view: memoryview, width: int, height: int, offset: int, stride: int, top_down: bool
) -> bytes:
    from PIL import Image

    row = width * 3
    line = row + 1  # a PNG row: filter type 0 (none), then the pixels
    deflate = _deflater()
    idat: list[bytes] = []
    rows = bytearray(ROWS_PER_CHUNK * line)  # the filter bytes stay 0
    done = 0
    while done < height:
        n = min(ROWS_PER_CHUNK, height - done)
        if top_down:
            first, orientation = done, 1
        else:  # the image's top row is the file's last
            first, orientation = height - done - n, -1
        block = view[offset + first * stride : offset + (first + n) * stride]
        # any buffer will do (Pillow's annotation names bytes); this one is not copied
        rgb = Image.frombuffer(
            "RGB",
            (width, n),
            block,  # type: ignore[arg-type]
            "raw",
            "BGR",
            stride,
            orientation,
        )
        pixels = memoryview(rgb.tobytes())
        out = memoryview(rows)
        for i in range(n):
            out[i * line + 1 : (i + 1) * line] = pixels[i * row : (i + 1) * row]
        idat.append(deflate.compress(out[: n * line]))
        done += n
    idat.append(deflate.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join(
        (
            PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            # a white background, as cairo's PNG writer says
            _chunk(b"bKGD", struct.pack(">HHH", 255, 255, 255)),
            _chunk(b"IDAT", b"".join(idat)),
            _chunk(b"IEND", b""),
        )
    )


__all__ = ["BmpError", "bmp_layout", "png_from_bmp"]
