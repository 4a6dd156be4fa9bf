"""archdesigner lint: formats, exit codes, --fix, colour, SARIF validity and locations."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from archdesigner.cli import main
from archdesigner.io import load_design, save_design
from archdesigner.model.edits import MoveNodes

DATA = Path(__file__).resolve().parents[1] / "data"
CONF = DATA / "conformance" / "one-of-each.arch.json"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["lint", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def design(tmp_path: Path) -> Path:
    target = tmp_path / "shop.arch.json"
    shutil.copy(CONF, target)
    return target


def test_exit_codes_follow_fail_on(design: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(design)], capsys)[0] == 1
    assert run([str(design), "--select", "DAT"], capsys)[0] == 0
    assert run([str(design), "--select", "DAT", "--fail-on", "warning"], capsys)[0] == 1
    assert run([str(design), "--select", "MOD001", "--fail-on", "warning"], capsys)[0] == 0
    assert run([str(design), "--select", "MOD001", "--fail-on", "info"], capsys)[0] == 1
    assert run([str(design), "--fail-on", "never"], capsys)[0] == 0


def test_unreadable_or_broken_files_exit_2_with_the_loaders_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run([str(tmp_path / "missing.arch.json")], capsys)
    assert code == 2 and err.strip() == f"{tmp_path / 'missing.arch.json'}: no such file"
    broken = tmp_path / "broken.arch.json"
    broken.write_text('{"format": "archdesigner.design", "version": 1, "nodes": [{"id": 3}]}')
    code, _, err = run([str(broken)], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert err.startswith(f"{broken}: nodes[0]")


def test_usage_errors_exit_2(design: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(design), "--select", "XYZ"], capsys)
    assert code == 2 and "'XYZ' matches no rule" in err
    with pytest.raises(SystemExit) as exc:
        main(["lint", str(design), "--load-factor", "-1"])
    assert exc.value.code == 2
    capsys.readouterr()


def test_bad_lint_options_exit_2_naming_file_and_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = load_design(CONF)
    d.lint.options = {"SCL005": {"max_depth": 0}}
    f = tmp_path / "d.arch.json"
    save_design(d, f)
    code, _, err = run([str(f)], capsys)
    assert code == 2
    assert err.strip() == f"{f}: lint.options.SCL005.max_depth: expected a whole number >= 1, got 0"


def test_json_is_versioned_documented_and_stable(
    design: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, first, _ = run([str(design), "--format", "json"], capsys)
    _, second, _ = run([str(design), "--format", "json"], capsys)
    assert first == second
    doc = json.loads(first)
    assert doc["version"] == 1 and doc["tool"]["name"] == "archdesigner"
    entry = doc["files"][0]
    assert entry["file"] == str(design)
    assert entry["summary"] == {
        "error": 7, "warning": 14, "info": 5, "suppressed": 0, "fixable": 17,
    }  # fmt: skip
    f = entry["findings"][0]
    assert list(f) == [
        "rule", "name", "severity", "subject", "subject_type", "message", "impact", "related",
        "evidence", "fix", "fingerprint", "suppressed", "source",
    ]  # fmt: skip
    assert (f["rule"], f["subject"], f["impact"], f["fix"]) == (
        "CAP001",
        "search-api",  # before catalog: more requests touch it (0.694 > 0.611)
        0.694,
        {
            "description": "Set replicas of search-api to 2, and route ops and recommend to "
            "it through the load balancer search-api-lb",
            "applicability": "unsafe",
        },
    )


def test_sarif_validates_and_locates_each_result_on_its_id_line(
    design: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = json.loads((DATA / "schemas" / "sarif-schema-2.1.0.json").read_text())
    validator = jsonschema.Draft4Validator(schema)
    for rewrite in (False, True):  # as written by hand ("id" last in links), then canonical
        if rewrite:
            d = load_design(design)
            d.nodes[7].lint_ignore = ["SPF001"]  # ledger: one suppressed result
            save_design(d, design)
        _, out, _ = run([str(design), "--format", "sarif"], capsys)
        doc = json.loads(out)
        validator.validate(doc)
        lines = design.read_text().splitlines()
        results = doc["runs"][0]["results"]
        assert len(results) == (25 if rewrite else 26)
        assert all(r["rank"] == round(100 * r["properties"]["impact"]) for r in results)
        for r in results:
            subject = r["properties"]["subject"]
            line = lines[r["locations"][0]["physicalLocation"]["region"]["startLine"] - 1]
            assert line.strip() in (f'"id": "{subject}",', f'"id": "{subject}"')
    ledger = [r for r in results if r["ruleId"] == "SPF001" and "ledger" in r["message"]["text"]]
    assert ledger[0]["suppressions"][0]["kind"] == "inSource"
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_json_and_sarif_of_several_files_keep_each_files_findings(
    design: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Findings are written as the encoder reaches them, file after file: each file's
    JSON lists its own (an empty list as ``[]``) and each SARIF result points at its own
    file and line."""
    quiet = tmp_path / "quiet.arch.json"
    subprocess.run(
        [sys.executable, "-m", "archdesigner", "new", str(quiet)], check=True, capture_output=True
    )
    _, out, _ = run([str(design), str(quiet), "--format", "json", "--fail-on", "never"], capsys)
    files = json.loads(out)["files"]
    assert [len(f["findings"]) for f in files] == [26, 0]
    assert '"findings": []' in out
    _, out, _ = run([str(quiet), str(design), "--format", "sarif", "--fail-on", "never"], capsys)
    results = json.loads(out)["runs"][0]["results"]
    assert len(results) == 26
    lines = design.read_text().splitlines()
    for r in results:
        where = r["locations"][0]["physicalLocation"]
        assert where["artifactLocation"]["index"] == 1
        line = lines[where["region"]["startLine"] - 1].strip()
        assert line.startswith(f'"id": "{r["properties"]["subject"]}"')


def test_sarif_fingerprints_do_not_change_with_the_layout(
    design: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def prints() -> dict[str, str]:
        _, out, _ = run([str(design), "--format", "sarif"], capsys)
        rs = json.loads(out)["runs"][0]["results"]
        return {r["message"]["text"][:40]: r["partialFingerprints"] for r in rs}

    before = prints()
    d = load_design(design)
    MoveNodes({n.id: (n.position.x + 333, n.position.y - 90) for n in d.nodes}).apply(d)
    save_design(d, design)
    assert prints() == before


def test_text_output_is_grouped_with_summary_and_no_colour_when_piped(
    design: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = load_design(design)
    d.nodes[7].lint_ignore = ["SPF001", "RES002"]
    save_design(d, design)
    _code, out, _ = run([str(design)], capsys)
    assert "\033[" not in out
    assert out.splitlines()[0] == str(design)
    assert out.rstrip().endswith(
        "Found 25 findings in 1 file: 6 errors, 14 warnings, 5 info "
        "(1 suppressed; 9 fixable with --fix; 8 more with --fix --unsafe-fixes)."
    )
    assert "[suppressed]" not in out
    _, verbose, _ = run([str(design), "--show-suppressed"], capsys)
    assert "[suppressed]" in verbose
    _, colour, _ = run([str(design), "--color", "always"], capsys)
    assert "\033[31m" in colour


def test_no_color_env_and_tty(design: Path) -> None:
    script = (
        "import pty, os, sys\n"
        "pid, fd = pty.fork()\n"
        "if pid == 0:\n"
        "    os.execv(sys.executable, [sys.executable, '-m', 'archdesigner', 'lint',"
        f" {str(design)!r}, '--select', 'SPF001'])\n"
        "out = b''\n"
        "while True:\n"
        "    try:\n"
        "        chunk = os.read(fd, 4096)\n"
        "    except OSError:\n"
        "        break\n"
        "    if not chunk:\n"
        "        break\n"
        "    out += chunk\n"
        "os.waitpid(pid, 0)\n"
        "sys.stdout.write(repr(out))\n"
    )
    import os

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    tty = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert "\\x1b[31m" in tty.stdout
    env["NO_COLOR"] = "1"
    plain = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert "SPF001" in plain.stdout and "\\x1b[" not in plain.stdout


def test_fix_applies_fixes_saves_atomically_and_reports(
    design: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([str(design), "--fix"], capsys)
    # text mode: one line per change on stderr, none in the findings
    line = f"{design}: fixed RES004 on cart-mail: Set circuit_breaker of link cart-mail to true"
    assert line in err.splitlines() and "fixed" not in out
    fixed = load_design(design)  # still a valid design, with safe fixes only
    assert fixed.node_map()["ledger"].replicas == 1  # its fix needs a load balancer
    assert len(fixed.nodes) == len(load_design(CONF).nodes)
    assert not list(design.parent.glob(".*.tmp"))
    run([str(design), "--fix", "--unsafe-fixes"], capsys)
    assert load_design(design).node_map()["ledger"].replicas >= 2
    code, out, err = run([str(design), "--format", "json", "--fix"], capsys)
    assert err == ""  # JSON carries what was fixed; nothing on stderr
    remaining = json.loads(out)["files"][0]
    assert remaining["summary"]["fixable"] == 0 and remaining["fixed"] == []
    assert {f["rule"] for f in remaining["findings"]} <= {
        "EDG002", "RES001", "DAT001", "DAT002", "SPF002", "MOD001", "SCL005",
    }  # fmt: skip
    assert code == 1  # EDG002 and RES001 have no automatic fix


def test_output_file(design: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.sarif"
    code, out, _ = run([str(design), "--format", "sarif", "-o", str(target)], capsys)
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"


def test_the_program_leaves_with_everything_written(
    design: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The program ends without tearing its objects down (``cli._leave``): what it prints
    (to a pipe, so buffered) and the file ``--fix`` writes must still be whole, and its
    exit status kept."""
    expected_code, expected, _ = run([str(design), "--format", "json"], capsys)
    program = [sys.executable, "-m", "archdesigner", "lint", str(design)]
    done = subprocess.run([*program, "--format", "json"], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (expected_code, expected) == (1, expected)
    assert json.loads(done.stdout)["files"][0]["findings"]
    fixed = subprocess.run([*program, "--fix"], capture_output=True, text=True)
    assert "fixed CAP001 on catalog" in fixed.stderr and fixed.stdout.rstrip().endswith(".")
    load_design(design)  # the fixed file is whole
    again = subprocess.run([*program, "--fix", "--format", "json"], capture_output=True)
    assert b"fixed" not in again.stderr and json.loads(again.stdout)
