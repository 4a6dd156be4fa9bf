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
    assert [n["id"] for n in data["nodes"]] == ["nc", "redis", "db"]
    assert "inferred link nc -> redis from environment REDIS_HOST=redis" in out.stderr
    assert out.stderr.strip().endswith("imported 3 nodes, 2 links")


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
    assert [n["id"] for n in json.loads(out.stdout)["nodes"]] == ["web", "api", "db", "mailhog"]


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
