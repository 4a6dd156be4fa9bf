"""Where the shipped resources (icons, example designs) live, in a source tree or a wheel."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI parser lists templates at start-up: no model import here
    from archdesigner.model.design import Design


@cache
def resources_dir() -> Path:
    """``archdesigner/resources`` inside an installed wheel or a frozen bundle, else the
    top-level ``resources/`` folder of the source tree."""
    here = Path(__file__).resolve().parent
    candidates = [here / "resources", here.parent.parent / "resources"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / "archdesigner" / "resources")
    for cand in candidates:
        if (cand / "icons").is_dir():
            return cand
    return candidates[0]


def icons_dir() -> Path:
    return resources_dir() / "icons"


def icon_path(kind: str) -> Path:
    """The SVG icon of a kind; unknown kinds get the generic icon."""
    from archdesigner.model import catalog

    info = catalog.kind_info(kind)
    if info is not None:
        p = Path(info.icon)
        if p.is_absolute() and p.is_file():
            return p
        cand = icons_dir() / info.icon
        if cand.is_file():
            return cand
    return icons_dir() / "unknown.svg"


def docs_dirs() -> list[Path]:
    """Folders holding the project's documentation (``rules/<ID>.md``, ``lint-rules.md``):
    ``archdesigner/docs`` in a wheel or a frozen bundle, ``docs/`` in a source tree."""
    here = Path(__file__).resolve().parent
    out = [here.parent.parent / "docs", here / "docs"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        out.insert(0, Path(frozen) / "docs")
    return [p for p in out if p.is_dir()]


def rule_page(rule_id: str) -> str | None:
    """The Markdown page ``rules/<rule_id>.md`` from :func:`docs_dirs`, or None."""
    for folder in docs_dirs():
        page = folder / "rules" / f"{rule_id}.md"
        if page.is_file():
            try:
                return page.read_text(encoding="utf-8")
            except OSError:
                continue
    return None


def examples_dir() -> Path:
    return resources_dir() / "examples"


def example_paths() -> list[Path]:
    return sorted(examples_dir().glob("*.arch.json"))


def template_names() -> list[str]:
    return [p.name.removesuffix(".arch.json") for p in example_paths()]


def new_design(template: str, name: str = "") -> Design:
    """A new design: empty, or a copy of an example design under a new name."""
    from archdesigner.io import load_design
    from archdesigner.model.design import Design

    if template in ("", "empty"):
        return Design.empty(name)
    path = examples_dir() / f"{template}.arch.json"
    if not path.is_file():
        raise KeyError(
            f"no template {template!r}; choose one of: " + ", ".join(["empty", *template_names()])
        )
    design = load_design(path)
    if name:
        design.name = name
    return design
