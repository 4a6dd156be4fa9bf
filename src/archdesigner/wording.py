"""How messages list things: the one "a, b and 3 more" helper of the linter, the exporters'
reports, the review report and the app."""

from __future__ import annotations

from collections.abc import Iterable


def names(ids: Iterable[str], limit: int = 5, *, and_last: bool = True) -> str:
    """``a``, ``a and b``, ``a, b and c``, ``a, b, c, d, e and 7 more``.

    At most ``limit`` items are shown; the rest are counted. With ``and_last`` false, the
    shown items are all joined by commas (``a, b, c``), as in lists of ids in reports.
    """
    items = list(ids)
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if not and_last or len(items) <= 1:
        return ", ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
