"""Exporter registration: built-ins through the entry point, plugins checked on the way in."""

from __future__ import annotations

from pathlib import Path

import pytest

from archdesigner.export import EXPORTERS, Exporter, guess_format, load_exporters
from archdesigner.export.registry import check_exporter

PLUGIN = """
from archdesigner.export.base import BaseExporter, ExportResult


class Csv(BaseExporter):
    id = "{ident}"
    name = "Node list"
    suffixes = (".nodes.csv",)

    def export(self, design, **options):
        return ExportResult("\\n".join(n.id for n in design.nodes), ["plugin says hi"])


EXPORTERS = [Csv()]
"""


def write_plugin(folder: Path, name: str, ident: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.py").write_text(PLUGIN.replace("{ident}", ident), encoding="utf-8")


def test_builtins_register_through_the_entry_point() -> None:
    exporters, errors = load_exporters(include_user_dir=False)
    assert errors == []
    assert list(exporters)[:6] == ["svg", "png", "pdf", "dot", "compose", "mermaid"]
    assert all(reg.plugin == "built-in" for reg in exporters.values())
    assert [e.id for e in EXPORTERS] == list(exporters)
    assert all(isinstance(e, Exporter) for e in EXPORTERS)


def test_a_folder_plugin_adds_a_format(tmp_path: Path) -> None:
    write_plugin(tmp_path, "nodes_csv", "nodes-csv")
    exporters, errors = load_exporters([tmp_path], include_user_dir=False)
    assert errors == []
    assert exporters["nodes-csv"].plugin.endswith("nodes_csv.py")
    assert guess_format("out/list.nodes.csv", exporters) == "nodes-csv"


def test_an_id_collision_is_refused_and_the_builtin_kept(tmp_path: Path) -> None:
    write_plugin(tmp_path, "evil_svg", "svg")
    exporters, errors = load_exporters([tmp_path], include_user_dir=False)
    assert exporters["svg"].plugin == "built-in"
    assert len(errors) == 1
    assert "'svg' is already registered by built-in" in str(errors[0])
    assert "evil_svg.py" in str(errors[0])


@pytest.mark.parametrize("ident", ["Bad Id", "", "1abc", "x" * 40, "sv/g"])
def test_a_bad_id_is_refused_with_a_clear_message(tmp_path: Path, ident: str) -> None:
    write_plugin(tmp_path, "bad", ident)
    exporters, errors = load_exporters([tmp_path], include_user_dir=False)
    assert ident not in exporters
    assert len(errors) == 1 and "is invalid" in errors[0].message


def test_a_broken_plugin_is_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise RuntimeError('kaput')\n", encoding="utf-8")
    write_plugin(tmp_path, "good", "good")
    exporters, errors = load_exporters([tmp_path], include_user_dir=False)
    assert "good" in exporters and "svg" in exporters
    assert len(errors) == 1
    assert "broken.py" in str(errors[0]) and "kaput" in str(errors[0])


def test_objects_that_break_the_protocol_are_refused() -> None:
    class NoExport:
        id = "x"
        name = "x"
        suffixes = ()
        options = ()

    assert "missing export" in check_exporter(NoExport())
    assert "is a class" in check_exporter(type(EXPORTERS[0]))
    assert check_exporter(EXPORTERS[0]) == ""

    class BadOptions(NoExport):
        options = ("layout",)

        def export(self, design: object) -> None: ...

    assert "ExportOption" in check_exporter(BadOptions())


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.svg", "svg"),
        ("A.PNG", "png"),
        ("x/y.pdf", "pdf"),
        ("d.dot", "dot"),
        ("d.gv", "dot"),
        ("d.mmd", "mermaid"),
        ("d.mermaid", "mermaid"),
        ("compose.yaml", "compose"),
        ("compose.yml", "compose"),
        ("docker-compose.yml", "compose"),
        ("docker-compose.yaml", "compose"),
        ("shop.compose.yaml", "compose"),
        ("notes.yaml", None),
        ("svg", None),
        ("design.txt", None),
    ],
)
def test_the_format_is_guessed_from_the_output_name(name: str, fmt: str | None) -> None:
    exporters, _ = load_exporters(include_user_dir=False)
    assert guess_format(name, exporters) == fmt


def test_export_file_guesses_the_format_and_writes(tmp_path: Path) -> None:
    from archdesigner.export import ExportError, export_file
    from archdesigner.io import load_design

    from .conftest import DATA

    design = load_design(DATA / "shop.arch.json")
    result = export_file(design, tmp_path / "docker-compose.yml")
    assert (tmp_path / "docker-compose.yml").read_bytes() == result.as_bytes()
    assert any("not exported" in line for line in result.report)
    export_file(design, tmp_path / "x.out", "mermaid", direction="TB")
    assert "flowchart TB" in (tmp_path / "x.out").read_text(encoding="utf-8")
    with pytest.raises(ExportError, match="cannot tell the export format"):
        export_file(design, tmp_path / "x.out")
    with pytest.raises(ExportError, match="unknown export format 'gif'"):
        export_file(design, tmp_path / "x.gif", "gif")
