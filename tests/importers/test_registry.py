"""Importer discovery: built-ins through the entry point, plugins checked at registration."""

from __future__ import annotations

from pathlib import Path

import pytest

from archdesigner.importers import (
    IMPORTERS,
    ComposeImporter,
    KubernetesImporter,
    importer_for,
    load_importers,
)
from archdesigner.importers.base import Importer
from archdesigner.importers.image_rules import image_rules, infer, unregister_image_rules

from .helpers import import_compose

PLUGIN = """
from pathlib import Path
from archdesigner.importers.base import BaseImporter, ImportResult
from archdesigner.importers.image_rules import ImageRule
from archdesigner.model.design import Design, Node


class Listing(BaseImporter):
    id = "listing"
    name = "One service per line"
    patterns = ("*.services",)

    def import_files(self, paths, *, env=None):
        design = Design.empty("listing")
        for line in Path(paths[0]).read_text().split():
            design.nodes.append(Node(id=line, kind="service"))
        return ImportResult(design, ["read " + str(len(design.nodes)) + " services"])


class NotAnImporter:
    id = "broken"


class BadId(Listing):
    id = "Bad Id!"


class Duplicate(Listing):
    id = "compose"


IMPORTERS = [
    Listing(), NotAnImporter(), BadId(), Duplicate(), Listing,
    ImageRule(r"acme-ledger", "database", "ledgerdb", "sql"),
    ImageRule(r"acme-bogus", "no_such_kind"),
]
"""


@pytest.fixture
def plugin_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "listing_plugin.py").write_text(PLUGIN)
    (folder / "broken_plugin.py").write_text("raise RuntimeError('this plugin is broken')\n")
    return folder


def test_builtin_list_and_protocol() -> None:
    assert [type(i) for i in IMPORTERS] == [ComposeImporter, KubernetesImporter]
    assert isinstance(IMPORTERS[0], Importer)
    importers, errors = load_importers(include_user_dir=False)
    assert errors == []
    assert list(importers) == ["compose", "kubernetes"]
    assert isinstance(IMPORTERS[1], Importer)
    assert importer_for(["docker-compose.override.yml"], importers) is importers["compose"]
    assert importer_for(["kustomization.yaml"], importers) is importers["kubernetes"]
    assert importer_for(["compose.yaml"], importers) is importers["compose"]
    assert importer_for(["notes.txt"], importers) is None


def test_plugins_are_checked_at_registration(plugin_dir: Path, tmp_path: Path) -> None:
    try:
        importers, errors = load_importers([plugin_dir], include_user_dir=False)
        assert list(importers) == ["compose", "kubernetes", "listing"]
        messages = [str(e) for e in errors]
        assert len(messages) == 6, messages
        text = "\n".join(messages)
        assert "broken_plugin.py (archdesigner.importers): failed to import: RuntimeError: this " \
               "plugin is broken" in text  # fmt: skip
        assert "NotAnImporter is not an importer (missing name, patterns)" in text
        assert "importer id 'Bad Id!' is not valid" in text
        assert (
            "importer id 'compose' is already registered by built-in; this one is skipped" in text
        )
        assert "Listing is a class; register an instance of it" in text
        assert "image rule 'acme-bogus' names unknown kind 'no_such_kind'" in text
        # the plugin importer works
        listing = tmp_path / "shop.services"
        listing.write_text("api\nworker\n")
        result = importers["listing"].import_files([listing])
        assert [n.id for n in result.design.nodes] == ["api", "worker"]
        # the plugin image rule is used by the compose importer, before the built-ins
        assert image_rules()[0].pattern == "acme-ledger"
        assert infer("registry.acme.example/acme-ledger:2", "x").kind == "database"
        compose = tmp_path / "compose.yaml"
        compose.write_text(
            "services:\n  app:\n    image: ghcr.io/acme/app\n    environment:\n"
            "      LEDGER_HOST: ledger\n  ledger:\n    image: acme-ledger:2\n"
        )
        design = import_compose(compose).design
        nodes = design.node_map()
        assert (nodes["ledger"].kind, nodes["ledger"].technology) == ("database", "ledgerdb")
        assert design.links[0].protocol == "sql"
        # loading twice registers nothing twice
        load_importers([plugin_dir], include_user_dir=False)
        assert [r.pattern for r in image_rules()].count("acme-ledger") == 1
    finally:
        unregister_image_rules()
    assert infer("acme-ledger:2", "x").kind == "service"


def test_catalog_presets_added_by_plugins_are_recognised() -> None:
    from archdesigner.model import catalog

    preset = catalog.TechnologyPreset(
        "tigerbeetle", ("database",), "TigerBeetle", "ghcr.io/tigerbeetle/tigerbeetle:0.16",
        source="test",
    )  # fmt: skip
    catalog.register_technology(preset)
    try:
        guess = infer("ghcr.io/tigerbeetle/tigerbeetle:0.15", "ledger")
        assert (guess.kind, guess.technology) == ("database", "tigerbeetle")
    finally:
        catalog._TECHNOLOGIES.pop("tigerbeetle")
