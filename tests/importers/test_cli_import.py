"""archdesigner import: stdout, -o, --env-file, the report on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from archdesigner.io import load_design

from .helpers import CORPUS, FIXTURES


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "archdesigner", "import", *args],
        capture_output=True, text=True, timeout=120, env=full_env,
    )  # fmt: skip


def test_design_json_on_stdout_report_on_stderr() -> None:
    out = run_cli(str(CORPUS / "nextcloud-redis-mariadb.yaml"))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["format"] == "archdesigner.design"
    assert [n["id"] for n in data["nodes"]] == ["nc", "redis", "db", "users"]
    # the report groups nodes by kind (with why) and links by evidence
    assert "nodes by kind (and why):" in out.stderr
    assert "    db: image mariadb:10.5 (rule" in out.stderr
    assert "  users -> nc: publishes port 80" in out.stderr
    assert "  environment: 2\n    nc -> redis  [services.nc.environment: REDIS_HOST=redis]" in (
        out.stderr
    )
    assert out.stderr.strip().endswith("imported 4 nodes, 3 links")


def test_report_file_no_scan_and_scan_dir(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "web").mkdir(parents=True)
    (project / "compose.yaml").write_text(
        "services:\n  web:\n    build: ./web\n    ports: ['8080:80']\n"
        "  api:\n    image: acme/api:1\n  db:\n    image: postgres:16\n"
    )
    (project / "web" / "Dockerfile").write_text("FROM node:20 AS b\nFROM nginx:1.27\n")
    (project / "web" / "nginx.conf").write_text("location / { proxy_pass http://api:8080; }\n")
    other = tmp_path / "other"
    (other / "api").mkdir(parents=True)
    (other / "api" / "settings.yml").write_text("database:\n  host: db\n")
    report = tmp_path / "report.json"
    compose = str(project / "compose.yaml")
    out = run_cli(compose, "--report", str(report), "-q")
    assert out.returncode == 0, out.stderr
    data = json.loads(report.read_text())
    assert data["nodes_by_kind"]["load_balancer"][0]["why"] == "web/Dockerfile:2 FROM nginx:1.27"
    proxy = data["links_by_evidence"]["proxy"]
    assert [(x["source"], x["target"]) for x in proxy] == [("web", "api")]
    assert proxy[0]["evidence"][0]["where"] == "web/nginx.conf:1"
    assert data["entries"]["targets"] == [{"target": "web", "why": "publishes port 80"}]
    plain = json.loads(run_cli(compose, "--no-scan", "-q").stdout)
    assert {(x["source"], x["target"]) for x in plain["links"]} == {("users", "web")}
    assert {n["id"]: n["kind"] for n in plain["nodes"]}["web"] == "service"
    elsewhere = json.loads(run_cli(compose, "--scan", str(other), "-q").stdout)
    assert ("api", "db") in {(x["source"], x["target"]) for x in elsewhere["links"]}
    bad = run_cli(compose, "--scan", str(tmp_path / "missing"))
    assert bad.returncode == 2 and "not a folder" in bad.stderr


def test_output_file_env_file_and_several_files(tmp_path: Path) -> None:
    target = tmp_path / "out.arch.json"
    out = run_cli(
        str(FIXTURES / "interpolation.yaml"), "--env-file", str(FIXTURES / "interpolation.env"),
        "-o", str(target), env={"TAG": "from-shell"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
    design = load_design(target)
    app = design.node_map()["app"]
    assert app.image == "docker.io/acme/app:from-shell"  # the shell wins over the env file
    assert app.replicas == 4
    out = run_cli(str(FIXTURES / "override-base.yaml"), str(FIXTURES / "override-dev.yaml"), "-q")
    assert out.returncode == 0 and out.stderr == ""
    nodes = [n["id"] for n in json.loads(out.stdout)["nodes"]]
    assert nodes == ["web", "api", "db", "mailhog", "users"]


def test_dot_env_beside_the_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: acme/app:${TAG}\n")
    (tmp_path / ".env").write_text("TAG=7\n")
    out = run_cli(str(tmp_path / "compose.yaml"))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["nodes"][0]["image"] == "acme/app:7"
    assert f"read variables from {tmp_path / '.env'}" in out.stderr


def test_unknown_importer_and_plugin_folder(tmp_path: Path) -> None:
    out = run_cli(str(CORPUS / "flask.yaml"), "--from", "helm")
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "archdesigner import: no importer 'helm' (known: compose, kubernetes)"
    )
    out = run_cli(str(CORPUS / "flask.yaml"), "--from", "kubernetes")
    assert out.returncode == 2
    assert out.stderr.strip().endswith("flask.yaml: no Kubernetes object (apiVersion and kind)")
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "bad.py").write_text("import nowhere_to_be_found\n")
    out = run_cli(str(CORPUS / "flask.yaml"), "--plugins", str(plugins))
    assert out.returncode == 0
    assert "warning: plugin" in out.stderr and "nowhere_to_be_found" in out.stderr
