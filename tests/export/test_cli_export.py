"""archdesigner export: formats, guessing, stdout versus files, errors as one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from archdesigner.cli import main

from .conftest import DATA

SHOP = str(DATA / "shop.arch.json")


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "archdesigner", *args],
        capture_output=True,
        timeout=180,
        cwd=cwd,
        check=False,
    )


def test_text_formats_go_to_stdout_and_reports_to_stderr() -> None:
    out = run_cli("export", SHOP, "--to", "compose")
    assert out.returncode == 0, out.stderr
    data = yaml.safe_load(out.stdout)
    assert "orders" in data["services"]
    err = out.stderr.decode()
    assert f"{SHOP}: note: not exported (client" in err
    assert "services:" not in err
    mermaid = run_cli("export", SHOP, "--to", "mermaid")
    assert mermaid.stdout.decode().splitlines()[3] == "flowchart LR"


@pytest.mark.parametrize(
    ("name", "magic"),
    [
        ("d.svg", b"<?xml"),
        ("d.png", b"\x89PNG"),
        ("d.pdf", b"%PDF-"),
        ("d.gv", b"// "),
        ("d.mmd", b"---"),
        ("docker-compose.yml", b"# docker-compose draft"),
        ("shop.compose.yaml", b"# docker-compose draft"),
    ],
)
def test_the_format_is_guessed_from_the_output_name(
    tmp_path: Path, name: str, magic: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / name
    assert main(["export", SHOP, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(magic)
    assert capsys.readouterr().out == ""  # nothing on stdout when writing a file


def test_binary_formats_need_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", SHOP, "--to", "png"]) == 2
    assert "format 'png' is binary: give an output file with -o" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x.txt"], "cannot tell the format from 'x.txt'; add --to"),
        ([], "give --to FORMAT or an output file"),
        (["--to", "visio"], "unknown format 'visio'; choose one of: svg, png"),
        (["--to", "compose", "--layout", "auto"], "--layout does not apply to format 'compose'"),
        (["--to", "svg", "-O", "nope=1"], "format 'svg' has no option 'nope'"),
        (["--to", "svg", "-O", "layout=sideways"], "option layout: expected one of keep, auto"),
        (["--to", "png", "-O", "dpi=high"], "option dpi: expected a number"),
        (["--to", "svg", "-O", "layout"], "-O expects NAME=VALUE"),
    ],
)
def test_usage_errors_are_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", SHOP, *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_broken_design_names_the_file_and_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.arch.json"
    bad.write_text('{"format": "archdesigner.design", "version": 1, "nodes": [{"id": "a"}]}')
    assert main(["export", str(bad), "--to", "dot"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"archdesigner export: {bad}: nodes[0].kind: required field is missing"


def test_layout_findings_and_options_reach_the_exporter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", SHOP, "--to", "dot", "--layout", "auto"]) == 0
    assert 'rankdir="LR"' in capsys.readouterr().out
    out = tmp_path / "review.svg"
    assert main(["export", SHOP, "-o", str(out), "--findings", "--load-factor", "3"]) == 0
    assert "outlined red" in out.read_text(encoding="utf-8")
    assert main(["export", SHOP, "--to", "mermaid", "-O", "direction=TB"]) == 0
    assert "flowchart TB" in capsys.readouterr().out


def test_list_shows_formats_with_their_plugin(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--list"]) == 0
    out = capsys.readouterr().out
    assert "compose    Docker Compose draft" in out and "(built-in)" in out
    assert "-O layout=keep (keep|auto)" in out


def test_a_plugin_format_is_usable_and_a_broken_plugin_only_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "ids.py").write_text(
        "from archdesigner.export.base import BaseExporter, ExportResult\n"
        "class Ids(BaseExporter):\n"
        "    id = 'ids'\n    name = 'Node ids'\n    suffixes = ('.ids',)\n"
        "    def export(self, design, **options):\n"
        "        return ExportResult(' '.join(n.id for n in design.nodes) + '\\n', ['fine'])\n"
        "EXPORTERS = [Ids()]\n",
        encoding="utf-8",
    )
    (plugins / "broken.py").write_text("import no_such_module\n", encoding="utf-8")
    assert main(["export", SHOP, "-o", str(tmp_path / "x.ids"), "--plugins", str(plugins)]) == 0
    assert (tmp_path / "x.ids").read_text().startswith("shoppers cdn lb")
    err = capsys.readouterr().err
    assert "warning: plugin" in err and "broken.py" in err and "no_such_module" in err
    assert "note: fine" in err


def test_missing_graphviz_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["export", SHOP, "-o", str(tmp_path / "x.svg")]) == 2
    err = capsys.readouterr().err.strip()
    assert "Graphviz's 'neato' program was not found on PATH; install Graphviz" in err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "x.svg").exists()
