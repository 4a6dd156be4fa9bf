"""A plugin file that fails to import is reported once, not once per plugin group."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_broken_plugin_file_is_reported_once_and_lint_still_runs(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "bad.py").write_text('raise RuntimeError("boom")\n')
    design = tmp_path / "d.arch.json"
    design.write_text(
        '{"format": "archdesigner.design", "version": 1, "nodes": [{"id": "a", "kind": "service"}]}'
    )
    out = subprocess.run(
        [sys.executable, "-m", "archdesigner", "lint", str(design), "--plugins", str(plugins)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    # the text report lists load warnings before the findings
    warnings = [line for line in (out.stdout + out.stderr).splitlines() if "boom" in line]
    assert len(warnings) == 1, out.stdout + out.stderr
    assert "bad.py" in warnings[0] and "failed to import: RuntimeError: boom" in warnings[0]
    assert "Traceback" not in out.stderr
