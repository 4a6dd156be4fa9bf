"""Mermaid flowchart export."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from archdesigner.export.mermaid import MermaidExporter, mermaid_text
from archdesigner.io import load_design
from archdesigner.model.design import Design

from .conftest import DESIGN_IDS, DESIGN_PATHS


def export(design: Design, **options: object) -> str:
    text = MermaidExporter().export(design, **options).data
    assert isinstance(text, str)
    return text


def test_groups_become_subgraphs_and_async_links_are_dashed(shop: Design) -> None:
    text = export(shop)
    lines = text.splitlines()
    assert lines[:4] == ["---", 'title: "Shop platform"', "---", "flowchart LR"]
    assert '    subgraph g_eu["eu-west-1"]' in lines
    assert '        subgraph g_dmz["DMZ"]' in lines  # nested inside the region
    assert '    n_orders -.->|"order placed"| n_events' in lines
    assert '    n_orders -->|"sql"| n_orders_db' in lines
    assert text.count("subgraph ") == text.count(" end\n") + text.count("\nend\n")
    # kinds get shapes: a database is a cylinder, a client a stadium
    assert '[("Orders DB<br/><small>PostgreSQL #183; x2</small>")]:::data' in text
    assert 'n_shoppers(["Shoppers<br/><small>browser</small>"]):::edge' in text


def test_every_name_is_encoded_so_it_cannot_break_the_syntax(hostile: Design) -> None:
    text = export(hostile)
    body = text.split("---\n", 2)[2]  # after the YAML front matter
    for line in body.splitlines()[1:]:
        stripped = line.strip()
        if stripped.startswith(("subgraph ", "classDef ")) or stripped == "end":
            continue
        # inside quotes only safe characters and entity codes remain
        for quoted in stripped.split('"')[1::2]:
            plain = re.sub(
                r"#\d+;", "", quoted.replace("<br/><small>", " ").replace("</small>", "")
            )
            assert not set(plain) & set('"<>|[]{}\\`;#&'), quoted
    assert "#34;hi#34;" in text and "#92;" in text and "#60;b#62;bold" in text
    assert "n_LB{{" in text and "n_lb[" in text  # 'LB' and 'lb' stay two nodes


def test_mermaid_text_keeps_letters_and_encodes_the_rest() -> None:
    assert mermaid_text("Orders API (v2)") == "Orders API (v2)"
    assert mermaid_text('a "b" <c>') == "a #34;b#34; #60;c#62;"
    assert mermaid_text("ünï 中文") == "ünï 中文"
    assert mermaid_text("x\ny") == "x y"


def test_direction_option_and_large_design_note() -> None:
    design = Design.model_validate(
        {"format": "archdesigner.design", "version": 1,
         "nodes": [{"id": f"n{i}", "kind": "service"} for i in range(30)],
         "links": [{"id": f"l{i}-{j}", "source": f"n{i}", "target": f"n{j}"}
                   for i in range(30) for j in range(30) if i != j]}
    )  # fmt: skip
    result = MermaidExporter().export(design, direction="TB")
    assert isinstance(result.data, str) and "\nflowchart TB\n" in "\n" + result.data
    assert any("at most 500" in line for line in result.report)


MERMAID_DIR = os.environ.get("ARCHDESIGNER_MERMAID_CHECK")
CHECK_JS = """
import { JSDOM } from 'jsdom';
import fs from 'fs';
const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window; globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });
let bad = 0;
for (const f of process.argv.slice(2)) {
  try { await mermaid.parse(fs.readFileSync(f, 'utf8')); }
  catch (e) { bad++; console.log(f, String(e.message || e)); }
}
process.exit(bad ? 1 : 0);
"""


@pytest.mark.skipif(
    not MERMAID_DIR or shutil.which("node") is None,
    reason="set ARCHDESIGNER_MERMAID_CHECK to a folder with 'npm install mermaid jsdom' done",
)
@pytest.mark.parametrize("path", DESIGN_PATHS, ids=DESIGN_IDS)
def test_mermaid_itself_parses_the_output(path: Path) -> None:
    assert MERMAID_DIR is not None
    folder = Path(MERMAID_DIR)
    script = folder / "archdesigner-check.mjs"
    script.write_text(CHECK_JS, encoding="utf-8")
    out = folder / f"{path.name}.mmd"
    out.write_text(export(load_design(path)), encoding="utf-8")
    proc = subprocess.run(
        ["node", str(script), str(out)], capture_output=True, text=True, cwd=folder, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
