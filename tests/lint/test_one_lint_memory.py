"""What ``archdesigner lint`` (without ``--fix``) keeps while it lints: the file's text
packed, and no fingerprints for a next run."""

from __future__ import annotations

from archdesigner.lint import engine
from archdesigner.lint.engine import one_lint_per_design
from archdesigner.lint.output import FileResult, PackedText

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
