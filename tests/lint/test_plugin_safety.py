"""Plugins cannot take the user's design down: fixes only with the built-in edits, a fix that
raises or empties the design is MOD900 and the file untouched, evidence must be JSON, and a
rule that changes directory cannot make --fix save elsewhere."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from archdesigner.cli import main
from archdesigner.io import save_design

from .helpers import make

HEADER = """
from archdesigner.lint import rule, Fix
from archdesigner.model import edits

"""

OWN_EDIT = (
    HEADER
    + """
class Wipe(edits.Edit):
    def apply(self, design):
        design.nodes.clear()
        design.links.clear()
        return self

@rule("WIPE001", "wipes", "warning", "Offers a fix that wipes the design.", fixable=True)
def wipes(ctx):
    node = ctx.design.nodes[0]
    yield ctx.finding(node, "wipe it", fix=Fix("wipe everything", Wipe()))

RULES = [wipes]
"""
)

EMPTIES = (
    HEADER
    + """
@rule("EMPTY001", "empties", "warning", "Removes every node with built-in edits.", fixable=True)
def empties(ctx):
    node = ctx.design.nodes[0]
    parts = tuple(edits.RemoveNode(n.id) for n in ctx.design.nodes)
    yield ctx.finding(node, "remove all", fix=Fix("remove all", edits.Compound(parts)))

RULES = [empties]
"""
)

RAISES_IN_FIX = (
    HEADER
    + """
@rule("RAISE001", "raises-in-fix", "warning", "A fix whose edit raises.", fixable=True)
def raises(ctx):
    node = ctx.design.nodes[0]
    edit = edits.UpdateNode(node.id, 42)
    yield ctx.finding(node, "bad fix", fix=Fix("set replicas", edit))

RULES = [raises]
"""
)

BAD_EVIDENCE = (
    HEADER
    + """
@rule("EVID001", "bad-evidence", "warning", "Evidence that is not JSON.")
def bad(ctx):
    yield ctx.finding(ctx.design.nodes[0], "see evidence", evidence={"when": object()})

RULES = [bad]
"""
)

CHDIR = (
    HEADER
    + """
import os, tempfile

@rule("CHDIR001", "moves", "warning", "Changes directory.")
def moves(ctx):
    os.chdir(tempfile.gettempdir())
    return []

RULES = [moves]
"""
)


def _setup(tmp_path: Path, plugin: str) -> tuple[Path, Path]:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "p.py").write_text(textwrap.dedent(plugin))
    design = tmp_path / "d.arch.json"
    save_design(make({"web": "client", "api": "service"}, [("web", "api")]), design)
    return plugins, design


@pytest.mark.parametrize(
    ("plugin", "rule", "words"),
    [
        (OWN_EDIT, "WIPE001", "its own edit class Wipe"),
        (EMPTIES, "EMPTY001", "removed every component"),
        (RAISES_IN_FIX, "RAISE001", "raised"),
    ],
    ids=["own-edit-class", "empties-the-design", "fix-raises"],
)
def test_a_plugin_fix_that_would_wipe_or_break_the_design_is_mod900_and_the_file_untouched(
    tmp_path: Path, plugin: str, rule: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    plugins, design = _setup(tmp_path, plugin)
    before = design.read_bytes()
    code = main(
        ["lint", "--fix", "--unsafe-fixes", "--format", "json", str(design),
         "--plugins", str(plugins), "--select", f"{rule},MOD900"]
    )  # fmt: skip
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    assert design.read_bytes() == before, "the design file was changed"
    doc = json.loads(out.out)
    crashes = [f for f in doc["files"][0]["findings"] if f["rule"] == "MOD900"]
    assert crashes and words in crashes[0]["message"], crashes
    assert code == 1


def test_evidence_that_is_not_json_is_mod900_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plugins, design = _setup(tmp_path, BAD_EVIDENCE)
    for fmt in ("json", "sarif"):
        main(["lint", "--format", fmt, str(design), "--plugins", str(plugins)])
        out = capsys.readouterr()
        assert "Traceback" not in out.err
        assert "MOD900" in out.out and "evidence that is not JSON" in out.out
        json.loads(out.out)


def test_a_rule_that_changes_directory_cannot_move_where_fix_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugins, design = _setup(tmp_path, CHDIR)
    monkeypatch.chdir(tmp_path)
    before = design.read_bytes()
    main(["lint", "--fix", "--unsafe-fixes", "d.arch.json", "--plugins", str(plugins)])
    assert design.read_bytes() != before, "the fixes were not saved into the design"
    os.chdir(tmp_path)
