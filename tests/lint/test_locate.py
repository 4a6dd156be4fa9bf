"""Source locations: the one-scan reader of canonical files agrees with the tokenizer."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from archdesigner.io.save import dumps_design
from archdesigner.lint.output.locate import _canonical_id_lines, _tokenized_id_lines, id_lines
from archdesigner.model import Design, Group, Link, Node

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "resources" / "examples").glob("*.json"))


def sample(n: int = 30) -> Design:
    d = Design.empty()
    d.groups = [Group(id="zone-a", kind="zone")]
    d.nodes = [
        Node(id=f"n{i}", kind="service", group="zone-a" if i % 2 else None) for i in range(n)
    ]
    d.nodes.append(Node(id="db", kind="database"))
    d.links = [Link(id=f"l{i}", source=f"n{i}", target=f"n{i + 1}") for i in range(n - 1)]
    return d


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_canonical_scan_matches_the_tokenizer_on_the_examples(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = _canonical_id_lines(text)
    assert found is not None and found == _tokenized_id_lines(text)
    assert id_lines(text.encode("utf-8")) == found  # a packed file is scanned as bytes


def test_escaped_ids_and_lines_are_exact() -> None:
    text = dumps_design(sample()).replace('"id": "db"', '"id": "d\\u0062"')
    text = text.replace('"id": "n1"', '"id": "n1é"')  # not ASCII: other bytes than chars
    found = _canonical_id_lines(text)
    assert found is not None and found == _tokenized_id_lines(text)
    assert _canonical_id_lines(text.encode("utf-8")) == found and ("node", "n1é") in found
    lines = text.split("\n")
    for (kind, ident), line in found.items():
        assert json.loads("{" + lines[line - 1].strip().rstrip(",") + "}") == {"id": ident}, kind
    assert ("node", "db") in found and ("group", "zone-a") in found


@pytest.mark.parametrize("indent", [None, 4, "\t"])
def test_other_layouts_fall_back_to_the_tokenizer(indent: int | str | None) -> None:
    text = json.dumps(json.loads(dumps_design(sample())), indent=indent)
    assert _canonical_id_lines(text) is None and _canonical_id_lines(text.encode()) is None
    assert id_lines(text) == _tokenized_id_lines(text) and len(id_lines(text)) == 61
    assert id_lines(text.encode()) == id_lines(text)


def test_an_element_whose_id_is_not_where_the_writer_puts_it_falls_back() -> None:
    data = json.loads(dumps_design(sample(3)))
    data["nodes"][1] = {"kind": "service", "meta": {"id": "n1"}}
    text = json.dumps(data, indent=2)
    assert _canonical_id_lines(text) is None
    assert id_lines(text) == _tokenized_id_lines(text) and ("node", "n1") not in id_lines(text)
    data["nodes"][1] = {"kind": "service", "meta": {"id": "x"}, "id": "n1"}  # any key order
    text = json.dumps(data, indent=2)
    assert _canonical_id_lines(text) == _tokenized_id_lines(text)


def test_one_scan_is_fast_at_ten_thousand_nodes() -> None:
    text = dumps_design(sample(10_000))
    start = time.process_time()
    found = id_lines(text)
    assert len(found) == 10_000 + 9_999 + 2
    assert time.process_time() - start < 0.25  # ~0.03 s here; the tokenizer took ~1 s
