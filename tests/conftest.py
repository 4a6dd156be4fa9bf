"""Test-wide set-up: Qt offscreen, and never the user's real plugin folder or settings."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep every test away from the user's real plugin folder, settings and autosave data.
_SANDBOX = Path(tempfile.mkdtemp(prefix="archdesigner-tests-"))
os.environ["ARCHDESIGNER_PLUGIN_DIR"] = str(_SANDBOX / "plugins")
os.environ["XDG_DATA_HOME"] = str(_SANDBOX / "data")
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "config")
os.environ["XDG_CACHE_HOME"] = str(_SANDBOX / "cache")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "resources" / "examples"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.arch.json"))


_UI_TESTS = Path(__file__).resolve().parent / "ui"
_QT_FIXTURES = {"qtbot", "qapp", "window"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every Qt test is marked ``gui``: the tests in tests/ui and any test that asks for a Qt
    fixture, so ``pytest -m "not gui"`` runs the headless suite without a display."""
    for item in items:
        in_ui = _UI_TESTS in Path(str(item.path)).parents
        fixtures = set(getattr(item, "fixturenames", ()))
        if in_ui or fixtures & _QT_FIXTURES:
            item.add_marker(pytest.mark.gui)
