"""Golden tests of the grouped text output (the default of ``archdesigner lint``), read by a
person: the first screen must say what matters (see the note in each golden file's test).

Regenerate after an intended change with ``ARCHDESIGNER_REGOLD=1 pytest
tests/lint/test_grouped_golden.py`` and read the new file before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from archdesigner.cli import main

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "golden" / "lint"
EXAMPLES = ROOT / "resources" / "examples"


def grouped(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The grouped output of ``path`` copied to ``tmp_path`` (so the golden file does not
    depend on where the repository is)."""
    target = tmp_path / path.name
    shutil.copy(path, target)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        main(["lint", target.name, "--color", "never"])
    finally:
        os.chdir(cwd)
    return capsys.readouterr().out


def check(name: str, text: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("ARCHDESIGNER_REGOLD"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def test_web_shop_example_grouped_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Read by a person (an SRE's eye): the first screen names the stateful cart running 3
    # replicas (23% of requests) and the single Shop DB before the warnings; every line
    # names components by their label with the id beside it, and the fixes say which flag
    # applies them.
    text = grouped(EXAMPLES / "web-shop.arch.json", tmp_path, capsys)
    lines = text.splitlines()
    assert lines[2].startswith("Top risks")
    assert "SCL002  Cart (cart) is stateful" in lines[3]
    check("web-shop.txt", text)


def test_media_streaming_example_grouped_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = grouped(EXAMPLES / "media-streaming.arch.json", tmp_path, capsys)
    assert text.splitlines()[2].startswith("Top risks")
    check("media-streaming.txt", text)
