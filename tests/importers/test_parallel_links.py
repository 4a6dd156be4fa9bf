"""Two links between the same pair of nodes survive export -> import."""

from __future__ import annotations

from pathlib import Path

from archdesigner.export import EXPORTERS
from archdesigner.importers import IMPORTERS
from archdesigner.model import Design, Link, Node


def test_parallel_links_come_back(tmp_path: Path) -> None:
    d = Design.empty("parallel")
    d.nodes = [
        Node(id="api", kind="service", image="acme/api:1"),
        Node(id="db", kind="database", technology="postgres"),
    ]
    d.links = [
        Link(id="reads", source="api", target="db", protocol="sql", label="reads"),
        Link(id="writes", source="api", target="db", protocol="sql", label="writes"),
    ]
    compose = next(e for e in EXPORTERS if e.id == "compose")
    out = tmp_path / "compose.yaml"
    out.write_bytes(compose.export(d).as_bytes())
    importer = next(i for i in IMPORTERS if i.id == "compose")
    back = importer.import_files([out]).design
    assert back.model_dump() == d.model_dump()
