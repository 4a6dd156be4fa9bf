"""archdesigner lint: --diff, --unsafe-fixes, idempotent --fix, the text styles (grouped,
full, concise) and --baseline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from archdesigner.cli import main
from archdesigner.io import load_design

DATA = Path(__file__).resolve().parents[1] / "data"
CONF = DATA / "conformance" / "one-of-each.arch.json"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(["lint", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def design(tmp_path: Path) -> Path:
    target = tmp_path / "shop.arch.json"
    shutil.copy(CONF, target)
    return target


def test_diff_prints_what_fix_would_write_and_writes_nothing(
    design: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = design.read_bytes()
    code, diff, err = run([str(design), "--diff"], capsys)
    assert design.read_bytes() == before and code == 1 and err == ""
    assert diff.startswith(f"--- a/{design.as_posix()}\n+++ b/{design.as_posix()}\n@@ ")
    assert '+      "circuit_breaker": true' in diff
    assert "ledger-lb" not in diff  # structural fixes need --unsafe-fixes
    _, unsafe, _ = run([str(design), "--diff", "--unsafe-fixes"], capsys)
    assert '+      "id": "ledger-lb"' in unsafe or '"ledger-lb"' in unsafe
    run([str(design), "--fix", "--unsafe-fixes"], capsys)
    fixed = design.read_text()
    # the diff is exactly the change --fix made: apply it by hand and compare
    assert _patched(before.decode(), unsafe) == fixed
    code, nothing, _ = run([str(design), "--diff", "--unsafe-fixes"], capsys)
    assert (code, nothing) == (0, "")


def _patched(text: str, diff: str) -> str:
    """Applies a unified diff of one file (no fuzz)."""
    src = text.splitlines(keepends=True)
    out: list[str] = []
    pos = 0
    lines = diff.splitlines(keepends=True)[2:]
    k = 0
    while k < len(lines):
        head = lines[k]
        assert head.startswith("@@ ")
        start = int(head.split()[1].split(",")[0][1:]) - 1
        start = max(start, 0)
        out.extend(src[pos:start])
        pos = start
        k += 1
        while k < len(lines) and not lines[k].startswith("@@ "):
            line = lines[k]
            if line.startswith(" "):
                out.append(src[pos])
                pos += 1
            elif line.startswith("-"):
                pos += 1
            elif line.startswith("+"):
                out.append(line[1:])
            k += 1
    out.extend(src[pos:])
    return "".join(out)


def test_fix_twice_changes_nothing_the_second_time(
    design: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for flags in (["--fix"], ["--fix", "--unsafe-fixes"]):
        run([str(design), *flags], capsys)
        once = design.read_bytes()
        _, _, err = run([str(design), *flags], capsys)
        assert design.read_bytes() == once and "fixed" not in err


def test_safe_fix_adds_no_component_and_unsafe_fixes_do(
    design: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    count = len(load_design(design).nodes)
    run([str(design), "--fix"], capsys)
    assert len(load_design(design).nodes) == count
    run([str(design), "--fix", "--unsafe-fixes"], capsys)
    old = {n.id for n in load_design(CONF).nodes}
    added = sorted((n.kind, n.id) for n in load_design(design).nodes if n.id not in old)
    assert ("load_balancer", "ledger-lb") in added and ("cache", "cart-state") in added


def test_concise_is_one_line_per_finding_with_file_and_line(
    design: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run([str(design), "--output-format", "concise"], capsys)
    lines = out.splitlines()
    assert len(lines) == 27  # 26 findings and the summary
    first = lines[0]
    assert first.startswith(f"{design}:") and " CAP001 search-api is overloaded" in first
    assert all(line.split(":")[1].isdigit() for line in lines[:-1])


def test_full_keeps_one_entry_per_finding_with_impact(
    design: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run([str(design), "--output-format", "full"], capsys)
    assert "  error   CAP001 overloaded  node search-api  impact 69%" in out
    assert out.count("\n  error   ") == 7


def test_grouped_is_the_default_with_top_risks_first(
    design: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run([str(design)], capsys)
    lines = out.splitlines()
    assert lines[2].startswith("Top risks")
    top = lines[3:8]
    assert all(line.split()[1] in ("error", "warning") for line in top)
    impacts = [int(line.split()[0].rstrip("%")) for line in top]
    assert impacts == sorted(impacts, reverse=True)
    assert "2 components run as a single instance on the path of up to 69% of requests:" in out


def test_baseline_written_first_then_only_new_findings_fail(
    design: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "lint-baseline.json"
    code, out, err = run([str(design), "--baseline", str(base), "--format", "json"], capsys)
    assert code == 0 and "wrote the baseline" in err
    assert json.loads(out)["files"][0]["summary"]["error"] == 0
    doc = json.loads(base.read_text())
    assert doc["format"] == "archdesigner.lint-baseline" and doc["version"] == 1
    assert len(doc["files"]["shop.arch.json"]) == 26
    code, out, _ = run([str(design), "--baseline", str(base)], capsys)
    assert code == 0 and "26 in the baseline" in out
    # a new single point of failure is reported and fails the run
    d = json.loads(design.read_text())
    d["nodes"].append({"id": "fresh", "kind": "service"})
    d["links"].append({"id": "gw-fresh", "source": "gateway", "target": "fresh", "timeout_ms": 9})
    design.write_text(json.dumps(d))
    code, out, _ = run([str(design), "--baseline", str(base), "--output-format", "concise"], capsys)
    assert code == 1
    assert [line.split()[1] for line in out.splitlines()[:-1]] == ["SPF001"]
    assert ": SPF001 fresh" in out


def test_a_broken_baseline_is_one_clear_line(
    design: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "b.json"
    base.write_text("[1, 2")
    code, out, err = run([str(design), "--baseline", str(base)], capsys)
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and str(base) in err and "not a baseline" in err


def test_diff_goes_to_the_output_file_when_asked(
    design: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "fix.diff"
    code, out, _ = run([str(design), "--diff", "-o", str(target)], capsys)
    assert code == 1 and out == ""
    assert target.read_text().startswith(f"--- a/{design.as_posix()}")


def test_fix_says_on_stderr_why_it_stopped_before_converging(
    design: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from archdesigner.lint import fixing

    real = fixing.apply_fixes

    def undoing(*args: object, **kwargs: object) -> object:
        report, applied = real(*args, **kwargs)  # type: ignore[arg-type]
        report.warnings.append(f"{fixing.NOTE}: X001 on api was fixed once and is offered again")
        return report, applied

    monkeypatch.setattr(fixing, "apply_fixes", undoing)
    for fmt in ("text", "json"):
        _, _, err = run([str(design), "--fix", "--format", fmt, "-o", str(design) + ".out"], capsys)
        assert f"{design}: --fix: X001 on api was fixed once and is offered again" in err, fmt
    _, _, err = run([str(design), "--format", "json"], capsys)  # a plain lint has no such note
    assert "--fix" not in err
