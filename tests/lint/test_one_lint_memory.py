"""What ``archdesigner lint`` keeps in memory: without ``--fix`` the file's text packed and
no fingerprints for a next run; the JSON and SARIF outputs written in pieces."""

from __future__ import annotations

from pathlib import Path

import pytest

from archdesigner.io import dumps_design
from archdesigner.io.output import OutputError, write_output_text
from archdesigner.lint import engine
from archdesigner.lint.engine import one_lint_per_design
from archdesigner.lint.output import FileResult, PackedText, blocks, render, render_chunks

from .helpers import lint, make


def test_packed_text_unpacks_to_the_same_text_across_chunks() -> None:
    text = '{\n  "name": "caf\u00e9 \u2192 \U0001f600"\n}\n' * 100_000  # several chunks
    assert len(text) > 2 * PackedText.CHUNK
    packed = PackedText(text)
    assert packed.unpacked() == text
    assert PackedText("").unpacked() == ""


def test_a_file_result_reads_its_text_packed_or_not() -> None:
    report = lint(make({"web": "client"}))
    assert FileResult("a", "plain", report).source() == "plain"
    assert FileResult("a", PackedText("packed"), report).source() == "packed"


def test_fingerprints_are_kept_for_the_next_run_only_outside_one_lint_per_design() -> None:
    design = make({"web": "client", "api": "service"}, [("web", "api")])
    engine._FINGERPRINTS.clear()
    with one_lint_per_design():
        once = lint(design)
    assert engine._FINGERPRINTS == {}
    again = lint(design)
    assert engine._FINGERPRINTS
    assert [f.fingerprint for f in once.findings] == [f.fingerprint for f in again.findings]


def test_outputs_in_pieces_join_to_the_whole_output(tmp_path: Path) -> None:
    design = make(
        {"web": "client", "api": ("service", {"replicas": 2}), "db": "database"},
        [("web", "api"), ("api", "db")],
    )
    results = [FileResult("a.arch.json", PackedText(dumps_design(design)), lint(design))]
    for fmt, style in (("json", ""), ("sarif", ""), ("text", "grouped"), ("text", "concise")):
        whole = render(fmt, results, style=style or "grouped")
        pieces = list(render_chunks(fmt, results, style=style or "grouped"))
        assert "".join(pieces) == whole
        if fmt != "text":  # the encoder's pieces, never one string
            assert len(pieces) > 10
        assert "".join(blocks(pieces, size=100)) == whole
        assert all(len(b) < 100 + max(map(len, pieces)) for b in blocks(pieces, size=100))
    out = tmp_path / "out.json"
    write_output_text(out, blocks(render_chunks("json", results), size=50))
    assert out.read_text(encoding="utf-8") == render("json", results)
    with pytest.raises(OutputError, match="not valid Unicode"):
        write_output_text(tmp_path / "bad.txt", iter(["fine", "\ud800"]))


def test_full_and_concise_text_come_line_by_line() -> None:
    design = make({"web": "client", "api": "service", "db": "database"}, [("web", "api")])
    results = [FileResult("a.arch.json", dumps_design(design), lint(design))]
    for style in ("full", "concise"):
        pieces = list(render_chunks("text", results, style=style))
        assert "".join(pieces) == render("text", results, style=style)
        assert len(pieces) > 3 and all(p.count("\n") == 1 and p.endswith("\n") for p in pieces)


def test_a_released_report_lets_its_design_go_and_keeps_what_outputs_show() -> None:
    """Without --fix the command line releases the report before writing it: the design
    (held by unbuilt fixes and the run's shared state, partly in cycles) is freed by
    reference counting alone, while the findings, fix descriptions and link labels stay."""
    import gc

    from archdesigner.model.design import Node

    gc.collect()
    gc.disable()  # as the command line runs: only reference counting frees
    try:
        design = make(
            {"web": "client", "a": "service", "b": "service", "api-7d1f": "service"},
            [("web", "a"), ("a", "api-7d1f"), ("b", "api-7d1f"), ("web", "b")],
        )
        report = lint(design)
        fixes = [f.fix for f in report.findings if f.fix is not None]
        lazy = [fx for fx in fixes if fx.applicability == "unsafe"]
        assert lazy  # SPF001 on api-7d1f: 2 replicas behind ONE new load balancer, built late
        links = {f.subject for f in report.findings if f.subject_type == "link"}
        shown = {s: report.link_labels[s] for s in links}
        report.release()
        del design
        assert not [o for o in gc.get_objects() if type(o) is Node and o.id == "api-7d1f"]
        assert dict(report.link_labels) == shown
        assert all(fx.description for fx in fixes)
        with pytest.raises(RuntimeError, match="released"):
            lazy[0].edit  # noqa: B018
    finally:
        gc.enable()
