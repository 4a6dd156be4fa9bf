"""Third-party rules run in a worker process by default (--isolation process): a rule that
holds the interpreter lock, allocates without bound or calls os._exit is a MOD900 within its
limits, and the run goes on."""

from __future__ import annotations

import json
import sys
import textwrap
import time
from pathlib import Path

import pytest

from archdesigner.cli import main
from archdesigner.io import save_design
from archdesigner.lint.isolation import process_isolation_available

from .helpers import make

pytestmark = pytest.mark.skipif(
    not process_isolation_available() or not sys.platform.startswith("linux"),
    reason="worker processes need fork; the memory limit needs Linux",
)

HEADER = "from archdesigner.lint import rule\n"

GIL = (
    HEADER
    + """
import re

@rule("GIL001", "holds-the-gil", "warning", "A catastrophic regular expression.")
def gil(ctx):
    re.match(r"(a+)+$", "a" * 64 + "b")
    return []

RULES = [gil]
"""
)

MEMORY = (
    HEADER
    + """
@rule("MEM001", "allocates", "warning", "Allocates ten gigabytes.")
def allocates(ctx):
    blob = bytearray(10 * 1024 ** 3)
    return [blob]

RULES = [allocates]
"""
)

EXITS = (
    HEADER
    + """
import os

@rule("EXIT001", "exits", "warning", "Ends the process.")
def exits(ctx):
    os._exit(3)

RULES = [exits]
"""
)

GOOD = (
    HEADER
    + """
@rule("GOOD001", "names", "warning", "Every service has a name.")
def names(ctx):
    for node in ctx.design.nodes:
        if not node.name:
            yield ctx.finding(node, f"{node.id} has no name")

RULES = [names]
"""
)


def _lint(tmp_path: Path, plugin: str, *extra: str) -> tuple[int, dict[str, object], float]:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "bad.py").write_text(textwrap.dedent(plugin))
    (plugins / "good.py").write_text(textwrap.dedent(GOOD))
    design = tmp_path / "d.arch.json"
    save_design(make({"web": "client", "api": "service"}, [("web", "api")]), design)
    start = time.monotonic()
    code = main(["lint", "--format", "json", "--plugins", str(plugins), str(design), *extra])
    return code, {}, time.monotonic() - start


@pytest.mark.parametrize(
    ("plugin", "rule", "words", "limit"),
    [
        (GIL, "GIL001", "ran past its time limit of 1 s", ["--time-limit", "1"]),
        (MEMORY, "MEM001", "raised MemoryError", []),
        (EXITS, "EXIT001", "ended its worker process (exit code 3)", []),
    ],
    ids=["holds-the-gil", "allocates-10-GB", "os-exit"],
)
def test_a_rule_that_defeats_threads_is_mod900_within_its_limits(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    plugin: str,
    rule: str,
    words: str,
    limit: list[str],
) -> None:
    code, _, took = _lint(tmp_path, plugin, *limit)
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    doc = json.loads(out.out)
    findings = doc["files"][0]["findings"]  # type: ignore[index]
    crashes = [f for f in findings if f["rule"] == "MOD900" and f["subject"] == rule]
    assert crashes and words in crashes[0]["message"], [f["message"] for f in findings]
    assert any(f["rule"] == "GOOD001" for f in findings), "the other plugin's rule did not run"
    assert took < 1 + 2 + 8  # the limit plus 2 s, plus the built-in lint and start-up
    assert code == 1


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("import time\ntime.sleep(60)\n", "hung while importing (more than 1 s)"),
        ("import os\nos._exit(5)\n", "ended the process while importing (exit status 5)"),
    ],
    ids=["sleeps-at-import", "os-exit-at-import"],
)
def test_a_plugin_that_hangs_or_exits_at_import_is_reported_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, words: str
) -> None:
    import archdesigner.plugins as plugins_mod
    from archdesigner.lint import load_rules

    monkeypatch.setattr(plugins_mod, "IMPORT_TIME_LIMIT", 1.0)
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "bad.py").write_text(code)
    (folder / "good.py").write_text(textwrap.dedent(GOOD))
    start = time.monotonic()
    rules = load_rules([folder])
    assert time.monotonic() - start < 1 + 2
    assert any(words in e.message for e in rules.errors), [e.message for e in rules.errors]
    assert "GOOD001" in {r.rule.id for r in rules.rules}


def test_a_rule_plugin_that_hangs_at_import_is_mod900_in_the_lint_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archdesigner.plugins as plugins_mod
    from archdesigner.lint import lint_design, load_rules

    monkeypatch.setattr(plugins_mod, "IMPORT_TIME_LIMIT", 1.0)
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "hangs.py").write_text("import time\ntime.sleep(60)\n")
    (folder / "good.py").write_text(textwrap.dedent(GOOD))
    design = make({"a": "service", "db": "database"}, [("a", "db")])
    report = lint_design(design, rules=load_rules([folder]))
    crashes = [f for f in report.findings if f.rule_id == "MOD900"]
    assert len(crashes) == 1 and crashes[0].severity == "error"
    assert crashes[0].subject == str(folder / "hangs.py")
    assert "hung while importing" in crashes[0].message
    assert not any("hangs.py" in e.plugin for e in report.errors)  # reported once, as MOD900
    assert any(f.rule_id == "GOOD001" for f in report.findings)
    # deselected MOD900: the plugin problem stays a load error, as for any broken plugin
    quiet = lint_design(design, rules=load_rules([folder]), ignore=["MOD900"])
    assert not any(f.rule_id == "MOD900" for f in quiet.findings)
    assert any("hangs.py" in e.plugin for e in quiet.errors)


def test_a_worker_with_a_large_answer_ends_before_it_is_read() -> None:
    """A worker does not wait, forked beside the run, until the run reads its answer: it
    writes a pipe-buffer-sized answer many times over to its spool file and ends."""
    from archdesigner.lint.isolation import start_in_process

    answer = ["x" * 1000] * 5000  # ~5 MB pickled, the pipe holds 64 KB
    worker = start_in_process(lambda: answer)
    deadline = time.monotonic() + 30
    while worker._proc.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not worker._proc.is_alive()
    assert worker.outcome(30).value == answer


def test_without_a_temporary_folder_the_answer_comes_by_pipe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tempfile

    from archdesigner.lint.isolation import start_in_process

    def no_folder() -> None:
        raise FileNotFoundError("no usable temporary directory")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_folder)
    answer = list(range(100_000))
    assert start_in_process(lambda: answer).outcome(30).value == answer
    failed = start_in_process(lambda: 1 / 0).outcome(30)
    assert failed.error.startswith("ZeroDivisionError")
