"""Bounded input: finite numbers, coordinates and frames within +/-1e7, valid Unicode, option
values checked at the command line, grids and bands bounded by the number of items."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from archdesigner.cli import main
from archdesigner.io import DesignError, dumps_design, loads_design
from archdesigner.model import Design, Group, Node, Position

HEAD = '{"format": "archdesigner.design", "version": 1,\n "nodes": [\n'


def _node(extra: str) -> str:
    return HEAD + '  {"id": "a", "kind": "service", ' + extra + "}\n]}\n"


@pytest.mark.parametrize(
    ("field", "token"),
    [
        ('"load_rps": Infinity', "Infinity"),
        ('"load_rps": -Infinity', "-Infinity"),
        ('"position": {"x": NaN, "y": 0}', "NaN"),
        ('"capacity_rps": 1e999', "1e999"),
    ],
)
def test_nan_and_infinity_are_rejected_at_parse_with_line_and_column(
    field: str, token: str
) -> None:
    text = _node(field)
    column = text.splitlines()[2].index(token) + 1
    with pytest.raises(DesignError) as err:
        loads_design(text, "d.arch.json")
    assert str(err.value) == (
        f"d.arch.json: line 3 column {column}: {token} is not a finite number; "
        "design numbers must be"
    )


def test_nan_in_a_string_is_just_text() -> None:
    design = loads_design(_node('"name": "NaN Infinity 1e999"'))
    assert design.nodes[0].name == "NaN Infinity 1e999"


def test_nan_is_never_written() -> None:
    design = Design.empty("x")
    design.nodes.append(
        Node(id="a", kind="service", position=Position.model_construct(x=float("nan"), y=0.0))
    )
    with pytest.raises(ValueError):
        dumps_design(design)


def test_nan_built_in_code_is_rejected_by_the_model() -> None:
    with pytest.raises(ValueError):
        Node(id="a", kind="service", load_rps=float("inf"))


@pytest.mark.parametrize("value", ["1e12", "-1e12", "10000000.5"])
def test_coordinates_beyond_1e7_are_rejected(value: str) -> None:
    with pytest.raises(DesignError) as err:
        loads_design(_node(f'"position": {{"x": 0, "y": {value}}}'), "d.arch.json")
    assert "nodes[0].position.y" in str(err.value)


def test_coordinates_at_the_bound_are_accepted() -> None:
    design = loads_design(_node('"position": {"x": -1e7, "y": 10000000}'))
    assert design.nodes[0].position == Position(x=-1e7, y=1e7)


def test_an_empty_group_frame_beyond_1e7_is_rejected() -> None:
    text = json.dumps(
        {
            "format": "archdesigner.design",
            "version": 1,
            "groups": [{"id": "g", "properties": {"canvas": {"x": 0, "y": 0, "w": 9, "h": 2e12}}}],
        }
    )
    with pytest.raises(DesignError) as err:
        loads_design(text, "d.arch.json")
    assert "groups[0]" in str(err.value) and "properties.canvas.h" in str(err.value)


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "x\\ud83dy"])
def test_a_lone_surrogate_is_rejected_with_line_and_column(escape: str) -> None:
    with pytest.raises(DesignError) as err:
        loads_design(_node(f'"name": "{escape}"'), "d.arch.json")
    assert str(err.value).startswith("d.arch.json: line 3 column ")
    assert "not valid Unicode" in str(err.value)


def test_a_surrogate_pair_and_an_escaped_backslash_are_accepted() -> None:
    design = loads_design(_node('"name": "\\ud83d\\ude00 \\\\ud800"'))
    assert design.nodes[0].name == "\U0001f600 \\ud800"


def test_fix_placement_with_a_tall_frame_is_bounded_by_items(tmp_path: Path) -> None:
    from archdesigner.lint.placement import Placer

    design = Design.empty("tall")
    design.groups.append(
        Group(id="g", properties={"canvas": {"x": 0, "y": -5e6, "w": 400, "h": 1e7}})
    )
    design.nodes += [
        Node(id="a", kind="service", group="g", position=Position(x=100, y=-9.9e6)),
        Node(id="b", kind="service", group="g", position=Position(x=100, y=9.9e6)),
    ]
    start = time.perf_counter()
    placer = Placer(design)
    placer.place((100, 0), "g")
    placer.place((5000, 5e6), None)
    assert time.perf_counter() - start < 2.0
    assert sum(len(v) for v in placer.bands.values()) < 1000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-O", "timeout=nan"], "option timeout: expected a finite number, got 'nan'"),
        (["-O", "timeout=0"], "option timeout: expected a number from 0.1 to 86400, got 0"),
        (["-O", "dpi=-1"], "option dpi: expected a number from 0 to 2400, got -1"),
        (["--findings", "--load-factor", "0"], "--load-factor: expected a number from"),
    ],
)
def test_export_option_values_are_validated_at_the_command_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    design = tmp_path / "d.arch.json"
    design.write_text(_node('"name": "x"'))
    start = time.perf_counter()
    assert main(["export", str(design), "--to", "png", "-o", str(tmp_path / "x.png"), *args]) == 2
    assert time.perf_counter() - start < 5
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("command", ["export", "lint"])
def test_load_factor_nan_is_a_usage_error(
    command: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    design = tmp_path / "d.arch.json"
    design.write_text(_node('"name": "x"'))
    extra = ["--to", "svg", "--findings"] if command == "export" else []
    with pytest.raises(SystemExit) as exc:
        main([command, str(design), *extra, "--load-factor", "nan"])
    assert exc.value.code == 2
    assert "expected a finite number, got 'nan'" in capsys.readouterr().err


def test_lint_select_empty_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    design = tmp_path / "d.arch.json"
    design.write_text(_node('"name": "x"'))
    assert main(["lint", str(design), "--select", ""]) == 2
    assert "--select: give at least one rule id" in capsys.readouterr().err
