"""``archdesigner report``: formats, outputs and one-line errors."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archdesigner.cli import main

ROOT = Path(__file__).resolve().parents[2]
WEB_SHOP = ROOT / "resources" / "examples" / "web-shop.arch.json"


def test_html_report_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "review.html"
    assert main(["report", str(WEB_SHOP), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert hashlib.sha256(WEB_SHOP.read_bytes()).hexdigest() in page
    assert "Architecture review: Web shop" in page
    assert "wrote the html report" in capsys.readouterr().err


def test_json_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(WEB_SHOP), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1 and data["failure_table"] and data["findings"]
    assert main(["report", str(WEB_SHOP), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == data


def test_format_from_the_output_name(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert main(["report", str(WEB_SHOP), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == 1


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["report", "missing.arch.json"], "cannot read missing.arch.json"),
        (["report", str(WEB_SHOP), "--json", "--format", "pdf"], "contradict"),
        (["report", str(WEB_SHOP), "--format", "pdf"], "needs an output file"),
        (["report", str(WEB_SHOP), "-o", str(WEB_SHOP)], "is the input file"),
    ],
)
def test_errors_are_one_line(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_invalid_design_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.arch.json"
    bad.write_text('{"format": "archdesigner.design", "version": 1, "nodes": [{"id": 3}]}')
    assert main(["report", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert str(bad) in err and "Traceback" not in err


@pytest.mark.skipif(
    not any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")),
    reason="Chromium prints PDF reports (scripts/bootstrap.sh installs it)",
)
def test_pdf_report(tmp_path: Path) -> None:
    out = tmp_path / "review.pdf"
    assert main(["report", str(WEB_SHOP), "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 20_000


def test_pdf_without_a_browser_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ARCHDESIGNER_CHROMIUM", "no-such-browser-here")
    assert main(["report", str(WEB_SHOP), "-o", str(tmp_path / "r.pdf")]) == 2
    err = capsys.readouterr().err.strip()
    assert "apt-get install chromium" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "r.pdf").exists()


def test_only_the_report_imports_matplotlib(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom archdesigner.cli import main\n"
        f"main(['lint', {str(WEB_SHOP)!r}])\n"
        f"main(['export', {str(WEB_SHOP)!r}, '--to', 'dot', '-o', {str(tmp_path / 'x.dot')!r}])\n"
        "assert 'matplotlib' not in sys.modules, 'lint/export imported matplotlib'\n"
        f"main(['report', {str(WEB_SHOP)!r}, '-o', {str(tmp_path / 'r.html')!r}])\n"
        "assert 'matplotlib' in sys.modules\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
