"""docs/cli.md is generated from the argparse parser and must not drift from it."""

from __future__ import annotations

import argparse
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from archdesigner.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = ROOT / "docs" / "cli.md"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_cli_docs", ROOT / "tools" / "gen_cli_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return _load_generator()


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("the parser has no subcommands")


def test_committed_cli_reference_matches_the_parser(gen: ModuleType) -> None:
    committed = CLI_DOC.read_text(encoding="utf-8") if CLI_DOC.is_file() else ""
    assert committed == gen.render(), (
        "docs/cli.md is out of date with the command line parser. Regenerate it with "
        "'make docs' (or '.venv/bin/python tools/gen_cli_docs.py') and commit it."
    )


def test_reference_documents_every_command_and_option(gen: ModuleType) -> None:
    text = gen.render()
    for name, sub in _subparsers().items():
        assert f"## archdesigner {name}\n" in text
        assert f"(#archdesigner-{name})" in text
        for action in sub._actions:
            if action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction):
                continue
            for opt in action.option_strings:
                assert f"`{opt}" in text, f"{name}: option {opt} missing from the reference"


def test_option_help_with_placeholders_and_choices_is_expanded(gen: ModuleType) -> None:
    parser = argparse.ArgumentParser(prog="archdesigner demo", description="Demo.\n  - one")
    parser.add_argument(
        "--level", choices=["a", "b"], default="a", help="pick (default %(default)s)"
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="inputs | pipes")
    lines = gen._command_section("demo", parser)
    text = "\n".join(lines)
    assert "archdesigner demo [options] [FILE ...]" in text
    assert "| `--level LEVEL` | pick (default a) (one of: `a`, `b`) | `a` |" in text
    assert "inputs \\| pipes" in text
    assert "Demo.\n\n```text\n- one\n```\n" in text  # indented lines keep their layout


def test_check_mode_reports_a_stale_file(gen: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "cli.md"
    out.write_text("# stale\n", encoding="utf-8")
    assert gen.main(["--check", "-o", str(out)]) == 1
    assert gen.main(["-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == gen.render()
    assert gen.main(["--check", "-o", str(out)]) == 0


# --- links in the user documentation ---------------------------------------------------------

LINKED_PAGES = [
    ROOT / "docs" / "index.md",
    ROOT / "docs" / "user-guide.md",
    ROOT / "docs" / "ci-integration.md",
    ROOT / "docs" / "cli.md",
    ROOT / "packaging" / "README.md",
]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors of a Markdown page, plus explicit <a id> anchors."""
    text = page.read_text(encoding="utf-8")
    found = set(re.findall(r'<a id="([^"]+)"', text))
    in_fence = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


@pytest.mark.parametrize("page", LINKED_PAGES, ids=[p.name for p in LINKED_PAGES])
def test_documentation_links_resolve(page: Path) -> None:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # a URL
        path_part, _, anchor = target.partition("#")
        dest = (page.parent / path_part).resolve() if path_part else page
        assert dest.exists(), f"{page.relative_to(ROOT)}: link to missing {target}"
        if anchor and dest.suffix == ".md":
            assert anchor in _anchors(dest), f"{page.relative_to(ROOT)}: no anchor {target}"
