"""The built-in rules of docs/lint-rules.md, one module per theme.

They register through the ``archdesigner.rules`` entry point (``builtin``), the same way as
plugin rules.
"""

from __future__ import annotations

from archdesigner.lint.api import Rule
from archdesigner.lint.rules import cap, dat, edg, mod, res, scl, spf

RULES: list[Rule] = [
    *spf.RULES,
    *scl.RULES,
    *cap.RULES,
    *res.RULES,
    *dat.RULES,
    *edg.RULES,
    *mod.RULES,
]

__all__ = ["RULES"]
