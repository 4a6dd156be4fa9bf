"""Kind icons in the forms Graphviz can read.

Graphviz's SVG renderer reads SVG icons (it needs an XML declaration to recognise them); its
cairo renderers (PNG, PDF) read only bitmaps, so the SVG icons are rasterized once with resvg
and kept in the user's cache folder, named by a hash of the icon so an edited icon is redone.
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
from functools import cache
from pathlib import Path

from archdesigner.io import atomic_write_bytes

#: Pixel size of rasterized icons (drawn at 24-28 pt, so about 4x for crisp PNG and PDF).
RASTER_PX = 112


@cache
def cache_dir() -> Path:
    """A writable folder for converted icons (the user's cache, else a temporary folder)."""
    from platformdirs import user_cache_path

    for cand in (user_cache_path("archdesigner", appauthor=False) / "icons", None):
        folder = cand if cand is not None else Path(tempfile.mkdtemp(prefix="archdesigner-icons-"))
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".probe"
            probe.write_bytes(b"")
            probe.unlink()
            return folder
        except OSError:
            continue
    raise OSError("no writable folder for icons")  # pragma: no cover - mkdtemp always works


def icon_file(kind: str) -> Path | None:
    """The kind's SVG icon (the generic one for unknown kinds), or None when none is installed."""
    from archdesigner.resources import icon_path

    path = icon_path(kind)
    return path if path.is_file() else None


@cache
def _svg_bytes(path: Path, mtime: float) -> bytes:
    return path.read_bytes()


def icon_svg_bytes(kind: str) -> bytes | None:
    path = icon_file(kind)
    if path is None:
        return None
    try:
        return _svg_bytes(path, path.stat().st_mtime)
    except OSError:
        return None


def _cached(name: str, payload: bytes) -> Path:
    target = cache_dir() / name
    if not target.is_file():
        atomic_write_bytes(target, payload)
    return target


def graphviz_svg_icon(kind: str) -> Path | None:
    """An SVG icon file Graphviz recognises (with an XML declaration)."""
    data = icon_svg_bytes(kind)
    if data is None:
        return None
    if data.lstrip().startswith(b"<?xml"):
        path = icon_file(kind)
        return path
    digest = hashlib.sha1(data).hexdigest()[:16]
    return _cached(f"{digest}.svg", b'<?xml version="1.0" encoding="UTF-8"?>\n' + data)


@cache
def _raster_available() -> bool:
    try:
        import resvg_py  # noqa: F401
    except ImportError:
        return False
    return True


def graphviz_png_icon(kind: str) -> Path | None:
    """A PNG rendering of the kind's icon for Graphviz's cairo renderers, or None when the
    icon or the rasterizer (resvg-py) is missing."""
    data = icon_svg_bytes(kind)
    if data is None or not _raster_available():
        return None
    digest = hashlib.sha1(data).hexdigest()[:16]
    target = cache_dir() / f"{digest}-{RASTER_PX}.png"
    if target.is_file():
        return target
    import resvg_py

    try:
        png = resvg_py.svg_to_bytes(
            svg_string=data.decode("utf-8"),
            width=RASTER_PX,
            height=RASTER_PX,
            skip_system_fonts=True,
        )
    except (ValueError, UnicodeDecodeError):
        return None
    return _cached(target.name, bytes(png))


def svg_data_uri(kind: str) -> str | None:
    data = icon_svg_bytes(kind)
    if data is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
