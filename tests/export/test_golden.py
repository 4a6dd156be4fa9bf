"""Golden files: the exact output for the shop fixture, so every change to it is reviewed.

Regenerate after an intended change with ``ARCHDESIGNER_UPDATE_GOLDEN=1 pytest tests/export``
and read the diff before committing it.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from archdesigner.export.compose import ComposeExporter
from archdesigner.export.graphviz import build_dot
from archdesigner.export.mermaid import MermaidExporter
from archdesigner.model.design import Design

from .conftest import GOLDEN, load

UPDATE = os.environ.get("ARCHDESIGNER_UPDATE_GOLDEN") == "1"


def _compose(d: Design) -> str:
    return str(ComposeExporter().export(d).data)


def _mermaid(d: Design) -> str:
    return str(MermaidExporter().export(d).data)


def _dot(d: Design) -> str:
    return build_dot(d, icons="none").text  # icon paths differ per machine


def _dot_auto(d: Design) -> str:
    return build_dot(d, layout="auto", icons="none").text


CASES: dict[str, Callable[[Design], str]] = {
    "shop.compose.yaml": _compose,
    "shop.mmd": _mermaid,
    "shop.dot": _dot,
    "shop.auto.dot": _dot_auto,
    "hostile.compose.yaml": _compose,
    "hostile.mmd": _mermaid,
    "hostile.dot": _dot,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_the_golden_file(name: str) -> None:
    design = load(name.split(".", 1)[0])
    got = CASES[name](design)
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8", newline="\n")
    assert path.is_file(), f"missing {path}; run with ARCHDESIGNER_UPDATE_GOLDEN=1"
    assert got == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"
