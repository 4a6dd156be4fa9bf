"""The example plugin's own tests (plugins/archdesigner-security/tests) run in the main
suite too, and the pip-installed plugin is discovered through its entry point."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from archdesigner.lint import load_rules

# The plugin is an optional, separately installed package: without it these tests are
# skipped, not failed.
pytest.importorskip(
    "archdesigner_security", reason="the archdesigner-security plugin is not installed"
)

ROOT = Path(__file__).resolve().parents[2]
_PATH = ROOT / "plugins" / "archdesigner-security" / "tests" / "test_security_rules.py"
_spec = importlib.util.spec_from_file_location("archdesigner_security_tests", _PATH)
assert _spec is not None and _spec.loader is not None
_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mod)
globals().update({k: v for k, v in vars(_mod).items() if k.startswith("test_")})


def test_installed_plugin_is_listed_and_fires_in_the_cli(tmp_path: Path) -> None:
    rules = load_rules()
    sources = {r.rule.id: r.source for r in rules.rules}
    assert sources["SEC001"] == "archdesigner-security:security"
    assert sources["SPF001"] == "built-in"
    exe = [sys.executable, "-m", "archdesigner"]
    listed = subprocess.run([*exe, "rules"], capture_output=True, text=True, check=True)
    assert any(
        line.startswith("SEC001") and "archdesigner-security" in line
        for line in listed.stdout.splitlines()
    )
    design = tmp_path / "d.arch.json"
    design.write_text(
        '{"format": "archdesigner.design", "version": 1,'
        ' "nodes": [{"id": "db", "kind": "database", "replicas": 2,'
        ' "env": {"API_TOKEN": "abc"}}]}'
    )
    out = subprocess.run(
        [*exe, "lint", str(design), "--select", "SEC"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "SEC002" in out.stdout and "API_TOKEN" in out.stdout
