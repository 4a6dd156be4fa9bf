"""Plugin rules: discovery from folders, validation at registration, and isolation."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from archdesigner.lint import lint_design, load_rules

from .helpers import make

HEADER = """
from archdesigner.lint import rule

"""

GOOD = (
    HEADER
    + """
@rule("ACME001", "no-team", "warning", "Every service names its owning team.")
def no_team(ctx):
    for node in ctx.design.nodes:
        if node.kind == "service" and not node.team:
            yield ctx.finding(node, f"{node.id} has no team")

RULES = [no_team]
"""
)

RAISES = (
    HEADER
    + """
@rule("BOOM001", "explodes", "warning", "Raises.")
def boom(ctx):
    raise RuntimeError("kaboom")
    yield

RULES = [boom]
"""
)

LOOPS = (
    HEADER
    + """
@rule("LOOP001", "spins", "warning", "Loops forever.")
def spin(ctx):
    n = 0
    while True:
        n += 1
    yield

RULES = [spin]
"""
)

MUTATES = (
    HEADER
    + """
@rule("MUT001", "mutates", "info", "Tries to change the design.")
def mutate(ctx):
    ctx.design.nodes.clear()
    return []

RULES = [mutate]
"""
)

BAD = (
    HEADER
    + """
def check(ctx):
    return []

RULES = [
    rule("SPF900", "mine", "error", "Reserved prefix.")(check),
    rule("bad-id", "mine", "error", "Bad id.")(check),
    rule("ACME001", "again", "error", "Same id as good.py.")(check),
    rule("ACME002", "Bad Name", "error", "Bad name.")(check),
    "not a rule",
]
"""
)


def folder(tmp_path: Path, **files: str) -> Path:
    d = tmp_path / "plugins"
    d.mkdir(exist_ok=True)
    for name, text in files.items():
        (d / f"{name}.py").write_text(textwrap.dedent(text))
    return d


def design() -> object:
    return make({"web": "client", "api": "service"}, [("web", "api")])


def test_folder_plugin_rules_register_and_fire(tmp_path: Path) -> None:
    d = folder(tmp_path, good=GOOD)
    rules = load_rules([d])
    assert {r.rule.id: r.source for r in rules.rules}["ACME001"] == str(d / "good.py")
    report = lint_design(design(), plugin_dirs=[d])
    acme = [f for f in report.active if f.rule_id == "ACME001"]
    assert [(f.subject, f.source) for f in acme] == [("api", str(d / "good.py"))]
    assert any(f.rule_id == "SPF001" for f in report.active)


def test_bad_rules_are_refused_with_clear_messages(tmp_path: Path) -> None:
    d = folder(tmp_path, good=GOOD, zbad=BAD)
    rules = load_rules([d])
    ids = {r.rule.id for r in rules.rules}
    assert "SPF900" not in ids and "ACME002" not in ids
    assert {r.rule.id: r.rule.name for r in rules.rules}["ACME001"] == "no-team"
    messages = [e.message for e in rules.errors]
    assert any("prefix SPF, which is reserved" in m for m in messages)
    assert any("rule id 'bad-id' is not valid" in m for m in messages)
    assert any("ACME001 is already defined by" in m and "good.py" in m for m in messages)
    assert any("name 'Bad Name'" in m for m in messages)
    assert any("got str" in m for m in messages)


def test_plugin_that_fails_to_import_is_reported_and_others_run(tmp_path: Path) -> None:
    d = folder(tmp_path, broken="import does_not_exist_anywhere\n", good=GOOD)
    report = lint_design(design(), plugin_dirs=[d])
    assert any("broken.py" in e.plugin and "failed to import" in e.message for e in report.errors)
    assert {"ACME001", "SPF001"} <= {f.rule_id for f in report.active}


def test_plugin_rule_that_raises_becomes_mod900(tmp_path: Path) -> None:
    d = folder(tmp_path, boom=RAISES, good=GOOD)
    report = lint_design(design(), plugin_dirs=[d])
    crash = [f for f in report.active if f.rule_id == "MOD900"]
    assert len(crash) == 1 and crash[0].subject == "BOOM001"
    assert crash[0].severity == "error" and crash[0].subject_type == "rule"
    assert "BOOM001" in crash[0].message and "boom.py" in crash[0].message
    assert "RuntimeError: kaboom" in crash[0].message
    assert {"ACME001", "SPF001"} <= {f.rule_id for f in report.active}


def test_plugin_rule_that_loops_forever_is_stopped(tmp_path: Path) -> None:
    d = folder(tmp_path, loop=LOOPS, good=GOOD)
    start = time.perf_counter()
    report = lint_design(design(), plugin_dirs=[d], time_limit=0.5)
    assert time.perf_counter() - start < 5
    crash = [f for f in report.active if f.rule_id == "MOD900"]
    assert [f.subject for f in crash] == ["LOOP001"]
    assert "time limit of 0.5 s" in crash[0].message
    assert {"ACME001", "SPF001"} <= {f.rule_id for f in report.active}
    deadline = time.time() + 5
    while time.time() < deadline and any(
        t.name == "archdesigner-rule-LOOP001" and t.is_alive() for t in threading.enumerate()
    ):
        time.sleep(0.05)
    assert not any(
        t.name == "archdesigner-rule-LOOP001" and t.is_alive() for t in threading.enumerate()
    )


def test_looping_plugin_does_not_keep_the_cli_alive(tmp_path: Path) -> None:
    d = folder(tmp_path, loop=LOOPS)
    f = tmp_path / "d.arch.json"
    f.write_text(
        '{"format": "archdesigner.design", "version": 1, "nodes": [{"id": "a", "kind": "service"}]}'
    )
    run = subprocess.run(
        [sys.executable, "-m", "archdesigner", "lint", str(f), "--plugins", str(d),
         "--time-limit", "0.5", "--format", "json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 1  # MOD900 is an error
    assert '"rule": "MOD900"' in run.stdout and '"subject": "LOOP001"' in run.stdout


def test_plugin_rules_get_a_private_copy_of_the_design(tmp_path: Path) -> None:
    d = folder(tmp_path, mut=MUTATES)
    dsg = design()
    dump = dsg.model_dump()
    report = lint_design(dsg, plugin_dirs=[d])
    assert dsg.model_dump() == dump
    assert any(f.rule_id == "SPF001" for f in report.active)


def test_rules_command_lists_folder_plugins(tmp_path: Path) -> None:
    d = folder(tmp_path, good=GOOD)
    run = subprocess.run(
        [sys.executable, "-m", "archdesigner", "rules", "--plugins", str(d)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(x for x in run.stdout.splitlines() if x.startswith("ACME001"))
    assert "warning" in line and "good.py" in line
    assert next(x for x in run.stdout.splitlines() if x.startswith("SPF001")).count("built-in")
