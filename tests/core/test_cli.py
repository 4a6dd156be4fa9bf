"""The command line: validate, schema, new, --version, --help, and the app entry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from archdesigner import __version__
from archdesigner.cli import build_parser, main
from archdesigner.model.schema import design_schema, schema_text
from archdesigner.resources import template_names

ROOT = Path(__file__).resolve().parents[2]
NO_DISPLAY_VARS = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
EXAMPLES = sorted((ROOT / "resources" / "examples").rglob("*.arch.json"))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archdesigner", *args], capture_output=True, text=True, timeout=120
    )


def test_version_and_help_list_every_command() -> None:
    out = run_cli("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"archdesigner {__version__}"
    helptext = run_cli("--help").stdout
    parser = build_parser()
    names = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"validate", "schema", "new"} <= set(names)
    for name in names:
        assert name in helptext


def test_validate_accepts_examples_and_rejects_broken_files(tmp_path: Path) -> None:
    assert EXAMPLES, "the example designs are missing"
    ok = run_cli("validate", *map(str, EXAMPLES))
    assert ok.returncode == 0, ok.stderr
    bad = tmp_path / "bad.arch.json"
    bad.write_text('{"format": "archdesigner.design", "version": 1, "nodes": [{"id": "a"}]}')
    broken = tmp_path / "broken.arch.json"
    broken.write_text('{"format": ')
    out = run_cli("validate", str(bad), str(broken), str(EXAMPLES[0]))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert lines == [
        f"{bad}: nodes[0].kind: required field is missing",
        f"{broken}: line 1 column 12: not valid JSON: Expecting value",
    ]
    assert "Traceback" not in out.stderr


def test_validate_reports_every_problem_one_line_each(tmp_path: Path) -> None:
    f = tmp_path / "two.arch.json"
    f.write_text(
        json.dumps(
            {
                "format": "archdesigner.design",
                "version": 1,
                "nodes": [{"id": "a", "kind": "service"}, {"id": "a", "kind": "cache"}],
                "links": [{"id": "l", "source": "a", "target": "zz"}],
            }
        )
    )
    out = run_cli("validate", str(f))
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        f"{f}: nodes[1].id: duplicate node id 'a' (first used by nodes[0])",
        f"{f}: links[0].target: no node with id 'zz'",
    ]


def test_schema_command_prints_the_shipped_schema_and_it_validates_examples() -> None:
    out = run_cli("schema")
    assert out.returncode == 0
    schema = json.loads(out.stdout)
    shipped = ROOT / "resources" / "schema" / "design-v1.schema.json"
    assert shipped.read_text(encoding="utf-8") == schema_text(), (
        "resources/schema/design-v1.schema.json is stale: run "
        "'archdesigner schema -o resources/schema/design-v1.schema.json'"
    )
    validator = jsonschema.Draft202012Validator(schema)
    jsonschema.Draft202012Validator.check_schema(schema)
    for example in EXAMPLES:
        errors = list(validator.iter_errors(json.loads(example.read_text(encoding="utf-8"))))
        assert not errors, (example, errors[:1])
    bad = {"format": "archdesigner.design", "version": 1, "nodes": [{"id": "a b", "kind": "x"}]}
    assert list(validator.iter_errors(bad))
    assert design_schema()["properties"]["format"] == {"const": "archdesigner.design"}


def test_new_creates_valid_designs_and_refuses_to_overwrite(tmp_path: Path) -> None:
    empty = tmp_path / "mine.arch.json"
    assert main(["new", str(empty)]) == 0
    data = json.loads(empty.read_text(encoding="utf-8"))
    assert data == {"format": "archdesigner.design", "version": 1, "name": "mine"}
    assert main(["new", str(empty)]) == 2
    if EXAMPLES:
        # templates are the top-level examples (fixed/ holds variants that are not templates)
        template = next(p for p in EXAMPLES if p.parent.name == "examples").stem.split(".")[0]
        shop = tmp_path / f"{template}.arch.json"
        assert main(["new", str(shop), "--template", template, "--name", "My shop"]) == 0
        assert run_cli("validate", str(shop)).returncode == 0
        assert json.loads(shop.read_text(encoding="utf-8"))["name"] == "My shop"
    assert set(template_names()) >= {"web-shop", "media-streaming", "order-pipeline"}
    out = run_cli("new", str(tmp_path / "x.arch.json"), "--template", "nope")
    assert out.returncode == 2 and "no template 'nope'" in out.stderr


def test_unknown_option_is_a_usage_error() -> None:
    out = run_cli("validate", "--frobnicate", "x")
    assert out.returncode == 2 and "unrecognized arguments" in out.stderr


@pytest.mark.parametrize("args", [["validate"], ["schema", "--output"]])
def test_missing_arguments_exit_2(args: list[str]) -> None:
    assert run_cli(*args).returncode == 2


@pytest.mark.parametrize(("word", "hint"), [("lnt", "did you mean 'lint'?"), ("frobnicate", "")])
def test_unknown_subcommand_is_an_error_with_did_you_mean(
    word: str, hint: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([word]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"'{word}' is neither a command" in err and hint in err


def test_gui_without_a_display_says_so_in_one_line(tmp_path: Path) -> None:
    design = tmp_path / "d.arch.json"
    design.write_text('{"format": "archdesigner.design", "version": 1}\n')
    env = {k: v for k, v in os.environ.items() if k not in NO_DISPLAY_VARS}
    out = subprocess.run(
        [sys.executable, "-m", "archdesigner", str(design)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "archdesigner: no display to open the desktop app on (DISPLAY and WAYLAND_DISPLAY are "
        "not set); to draw a design without one use 'archdesigner render FILE -o picture.png'"
    ]
