"""Golden tests of the grouped text output (the default of ``archdesigner lint``), read by a
person: the first screen must say what matters (see the note in each golden file's test).

Regenerate after an intended change with ``ARCHDESIGNER_REGOLD=1 pytest
tests/lint/test_grouped_golden.py`` and read the new file before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from archdesigner.cli import main
from archdesigner.importers.compose import ComposeImporter
from archdesigner.io import save_design

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "golden" / "lint"
EXAMPLES = ROOT / "resources" / "examples"
SYSTEMS = ROOT / "tests" / "data" / "systems"
BUILTIN = "SPF,SCL,CAP,RES,DAT,EDG,MOD"


def grouped(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The grouped output of ``path`` copied to ``tmp_path`` (so the golden file does not
    depend on where the repository is)."""
    target = tmp_path / path.name
    shutil.copy(path, target)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        # the built-in rules only: the golden file must not depend on installed plugins
        main(["lint", target.name, "--color", "never", "--select", BUILTIN])
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


def test_imported_pitstop_grouped_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # pitstop (tests/data/systems), imported with its true call graph and a users entry.
    # Read by a person, as an SRE would: the first screen says the system has no redundancy
    # at all: the top risks are the single points of failure on the path of every request
    # that matter most, the front door (webapp: every request stops with it), the message
    # broker (rabbitmq, 10 components fail with it) and the one SQL Server (8), then the
    # database six services share and the missing gateway, which weigh as much (not two
    # more single-instance APIs); below, ONE entry for the six single points of failure
    # instead of six, the
    # database the six services share, the missing front door, and the calls to the mail
    # server that no user request waits for. Nothing on the first screen is noise. (The
    # load balancers the four called services need are offered once the gateway and the
    # caches are in: a fix never lets a chain grow past SCL005's limit, and --fix lints
    # again after each pass.)
    design = (
        ComposeImporter()
        .import_files([SYSTEMS / "pitstop" / "src" / "docker-compose.yml"], env={})
        .design
    )
    (tmp_path / "src").mkdir()
    path = tmp_path / "src" / "pitstop.arch.json"
    save_design(design, path)
    text = grouped(path, tmp_path, capsys)
    lines = text.splitlines()
    assert lines[2].startswith("Top risks")
    top = [line.split()[2:4] for line in lines[3:8]]
    assert top == [
        ["SPF001", "webapp"],
        ["SPF001", "rabbitmq"],
        ["SPF001", "sqlserver"],
        ["DAT001", "Database"],
        ["EDG001", "Link"],
    ], lines[3:8]
    assert "error   SPF001 single-point-of-failure (6)" in text
    check("pitstop.txt", text)


def _all_sorted_top_risks(findings: list[Any], count: int) -> list[Any]:
    """top_risks ranking every error and warning (the reference: no pre-selection)."""
    from archdesigner.lint.output.grouped import ranked

    return ranked([f for f in findings if f.severity in ("error", "warning")], count)


@pytest.mark.parametrize("seed", range(60))
def test_top_risks_sorts_only_the_highest_impacts_with_the_same_result(seed: int) -> None:
    import random

    from archdesigner.lint.api import Finding
    from archdesigner.lint.output.grouped import top_risks

    rng = random.Random(seed)
    impacts = [
        rng.choice([0.0, 0.1, 0.25, 0.5, 1.0]) + rng.choice([0, 0, 1e-7, 3e-6]) for _ in range(8)
    ]
    findings = [
        Finding(
            rng.choice(["SPF001", "DAT001", "SCL001", "RES002"]),
            "x",
            rng.choice(["error", "warning", "info"]),
            "m",
            f"n{k}",
            "node",
            evidence={"front_door": rng.random() < 0.3, "failing_components": rng.randint(0, 5)},
            impact=rng.choice(impacts),
        )
        for k in range(rng.randint(0, 60))
    ]
    for count in (0, 1, 3, 10, 100):
        assert top_risks(findings, count) == _all_sorted_top_risks(findings, count)
