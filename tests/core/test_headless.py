"""The headless core never imports Qt: it must run on a CI server without PySide6."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import archdesigner

SRC = Path(archdesigner.__file__).resolve().parent

BLOCK_QT = textwrap.dedent(
    """
    import importlib.abc, sys

    class NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "PySide6" or name.startswith(("PySide6.", "shiboken6")):
                raise ImportError("PySide6 is blocked in this test")
            return None

    sys.meta_path.insert(0, NoQt())
    """
)


def headless_modules() -> list[str]:
    mods = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if "ui" in parts[1:2] or parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods.append(".".join(parts))
    return mods


def test_every_headless_module_imports_without_pyside6() -> None:
    mods = headless_modules()
    assert "archdesigner.model.design" in mods and "archdesigner.cli" in mods
    code = (
        BLOCK_QT
        + "\nimport importlib\n"
        + "".join(f"importlib.import_module({m!r})\n" for m in mods)
        + "assert not any(m.startswith('PySide6') for m in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]


def test_cli_commands_run_without_pyside6(tmp_path: Path) -> None:
    design = tmp_path / "d.arch.json"
    code = BLOCK_QT + textwrap.dedent(
        f"""
        from archdesigner.cli import main
        assert main(["new", {str(design)!r}]) == 0
        assert main(["validate", {str(design)!r}]) == 0
        assert main(["schema", "-o", {str(tmp_path / "s.json")!r}]) == 0
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]


def test_startup_does_not_import_networkx() -> None:
    """networkx takes 0.6 s to import: the CLI's start and the model must not pull it in."""
    code = (
        "import sys\nfrom archdesigner.cli import build_parser\nimport archdesigner.io\n"
        "build_parser()\nassert 'networkx' not in sys.modules, 'networkx imported at start-up'\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]


@pytest.mark.parametrize(
    "argv",
    [["--version"], ["--help"], ["lint", "--help"], ["export", "--help"], ["new", "--help"]],
)
def test_version_and_help_import_nothing_heavy(argv: list[str]) -> None:
    """``--version`` and ``--help`` build the parser without the model (pydantic), the
    linter, networkx, Qt or YAML: together they made ``--version`` take 0.4 s."""
    heavy = ["archdesigner.model", "archdesigner.lint", "pydantic", "networkx", "PySide6", "yaml"]
    if argv in (["--help"], ["lint", "--help"]):  # a few ms each: --help stays under 0.1 s
        heavy += ["typing", "pathlib", "json"]
    if argv == ["--version"]:  # printed before any parser is built
        heavy += ["argparse", "archdesigner.cli.commands"]
    code = (
        "import sys\nfrom archdesigner.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {heavy!r} if m in sys.modules], file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stderr.strip().splitlines()[-1] == "[]"
    assert "archdesigner" in out.stdout
