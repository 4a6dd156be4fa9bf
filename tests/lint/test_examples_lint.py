"""The example designs tell their stories: each has findings, the fixed shop has none that
matter, and --fix repairs what is a graph edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archdesigner.io import load_design
from archdesigner.lint.fixing import apply_fixes

from .helpers import lint

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
PATHS = sorted(EXAMPLES.glob("*.arch.json"))


def test_there_are_examples_and_a_fixed_variant() -> None:
    assert len(PATHS) >= 3
    assert (EXAMPLES / "fixed" / "web-shop-fixed.arch.json").is_file()


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_each_example_has_findings(path: Path) -> None:
    report = lint(load_design(path))
    assert [f for f in report.active if f.severity in ("error", "warning")]


def test_the_fixed_web_shop_has_no_error_and_no_warning() -> None:
    report = lint(load_design(EXAMPLES / "fixed" / "web-shop-fixed.arch.json"))
    assert [(f.rule_id, f.subject) for f in report.active if f.severity != "info"] == []


def test_web_shop_story_more_traffic_overloads_services() -> None:
    shop = load_design(EXAMPLES / "web-shop.arch.json")
    assert not [f for f in lint(shop).active if f.rule_id == "CAP001"]
    overloaded = {f.subject for f in lint(shop, load_factor=2).active if f.rule_id == "CAP001"}
    assert "checkout" in overloaded


def test_fix_leaves_the_web_shop_without_fixable_errors(tmp_path: Path) -> None:
    target = tmp_path / "shop.arch.json"
    shutil.copy(EXAMPLES / "web-shop.arch.json", target)
    design = load_design(target)
    report, applied = apply_fixes(design, lint, unsafe=True)
    assert {f.rule_id for f in applied} >= {"SPF001", "SCL002", "RES004"}
    assert not [f for f in report.active if f.severity == "error"]
