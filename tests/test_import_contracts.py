"""The layer contracts of docs/ARCHITECTURE.md (pyproject.toml, [tool.importlinter]) hold for
the source tree and fail when a module imports across a layer the wrong way."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed"),
]


def run_contracts(src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def copy_of_the_package(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "archdesigner",
        src / "archdesigner",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return src


def add_import(module: Path, line: str) -> None:
    text = module.read_text(encoding="utf-8")
    head, sep, rest = text.partition("from __future__ import annotations\n")
    module.write_text(head + sep + line + "\n" + rest, encoding="utf-8")


def test_the_source_tree_keeps_every_contract(tmp_path: Path) -> None:
    result = run_contracts(copy_of_the_package(tmp_path), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("model/design.py", "import archdesigner.lint.api", "< cli < ui"),
        ("graph.py", "import archdesigner.layout", "< cli < ui"),  # layout sits above graph
        ("export/text.py", "import archdesigner.importers.base", "do not know each other"),
        ("lint/api.py", "import PySide6.QtCore", "never imports Qt"),
    ],
)
def test_a_wrong_import_breaks_a_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    src = copy_of_the_package(tmp_path)
    add_import(src / "archdesigner" / module, line)
    result = run_contracts(src, tmp_path)
    assert result.returncode != 0
    summary = " ".join(result.stdout.split("Broken contracts")[0].split())
    assert f"{contract} BROKEN" in summary or f"{contract} ... BROKEN" in summary, result.stdout
    offender = "archdesigner." + module.removesuffix(".py").replace("/", ".")
    assert offender in result.stdout  # the report names the module with the wrong import
