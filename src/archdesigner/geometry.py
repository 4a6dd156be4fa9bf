"""Canvas geometry that the headless core and the app share: card and group-frame sizes, and
the frame an empty group stores. No Qt here, so lint fixes can place new components exactly
where the canvas will draw them."""

from __future__ import annotations

import math

#: A node's card on the canvas; ``position`` is the card's centre.
NODE_W = 180.0
NODE_H = 64.0
#: A group's frame: its members' cards and child frames, padded, with a header on top.
GROUP_PAD = 24.0
GROUP_HEADER = 26.0
#: A stored frame beyond the design format's coordinate bound is ignored (never drawn).
MAX_FRAME = 1e7


def stored_frame(properties: dict[str, object]) -> tuple[float, float, float, float] | None:
    """The frame an empty group keeps in ``properties["canvas"] = {"x", "y", "w", "h"}``
    (scene units: top-left corner and size), or None when absent or unusable."""
    geo = properties.get("canvas")
    if not isinstance(geo, dict):
        return None
    try:
        x, y, w, h = (float(geo[k]) for k in ("x", "y", "w", "h"))
    except (KeyError, TypeError, ValueError):
        return None
    if not all(math.isfinite(v) and abs(v) <= MAX_FRAME for v in (x, y, w, h)) or w <= 0 or h <= 0:
        return None
    return (x, y, w, h)
