"""The generic plugin registry and the plugin API version every group shares."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from archdesigner.export.registry import load_exporters
from archdesigner.importers import load_importers
from archdesigner.lint.registry import load_rules
from archdesigner.plugins import PLUGIN_API_VERSION, load_kind_plugins
from archdesigner.plugins.registry import IdRule, Registry

EXPORTER = """
from archdesigner.export.base import BaseExporter, ExportResult

class Ids(BaseExporter):
    id = "ids"
    name = "Node ids"
    suffixes = (".ids",)

    def export(self, design, **options):
        return ExportResult(" ".join(n.id for n in design.nodes))

EXPORTERS = [Ids()]
"""


def plugin(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.py").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def test_a_plugin_for_the_current_api_or_none_declared_loads(tmp_path: Path) -> None:
    folder = plugin(tmp_path, "ids", f"ARCHDESIGNER_PLUGIN_API = {PLUGIN_API_VERSION}\n{EXPORTER}")
    found, errors = load_exporters([folder], include_user_dir=False)
    assert "ids" in found and errors == []
    folder = plugin(tmp_path, "ids", EXPORTER)
    found, errors = load_exporters([folder], include_user_dir=False)
    assert "ids" in found and errors == []


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        (PLUGIN_API_VERSION + 1, "provides plugin API 1; update archdesigner"),
        (0, "no longer supports"),
        ('"1"', "must be a whole number"),
    ],
)
def test_a_plugin_for_another_api_is_refused_in_every_group(
    tmp_path: Path, declared: object, message: str
) -> None:
    folder = plugin(tmp_path, "future", f"ARCHDESIGNER_PLUGIN_API = {declared}\n{EXPORTER}")
    found, errors = load_exporters([folder], include_user_dir=False)
    assert "ids" not in found
    assert len(errors) == 1 and message in errors[0].message and "future.py" in errors[0].plugin
    importers, errors = load_importers([folder], include_user_dir=False)
    assert "compose" in importers and any(message in e.message for e in errors)
    rules = load_rules([folder], include_user_dir=False)
    assert rules.rules and any(message in e.message for e in rules.errors)
    assert any(message in e.message for e in load_kind_plugins([folder]))


def test_registry_checks_ids_duplicates_and_keeps_the_source(tmp_path: Path) -> None:
    folder = plugin(
        tmp_path,
        "things",
        """
        class Thing:
            def __init__(self, id):
                self.id = id

        SHARED = Thing("shared")
        EXPORTERS = [Thing("one"), Thing("Bad Id"), Thing("one"), SHARED, SHARED]
        """,
    )
    rule = IdRule(re.compile(r"^[a-z]+$"), "id {id!r} is no good")
    registry: Registry[object] = Registry(
        "exporters",
        lambda obj, source: rule.problem(getattr(obj, "id", None)),
        lambda obj: str(obj.id),
        "id {id!r} is taken by {owner}",
    )
    accepted, errors = registry.load([folder], include_user_dir=False, include_entry_points=False)
    assert [r.obj.id for r in accepted] == ["one", "shared"]  # type: ignore[attr-defined]
    assert all(not r.builtin and r.source.endswith("things.py") for r in accepted)
    assert [e.message for e in errors] == [
        "id 'Bad Id' is no good",
        f"id 'one' is taken by {folder / 'things.py'}",
    ]
