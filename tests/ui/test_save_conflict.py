"""Two windows on one file: a Save never silently overwrites what the other saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archdesigner.io import load_design, save_design
from archdesigner.model.edits import UpdateDesign


def _two_windows(make_window: Any, tmp_path: Path) -> tuple[Any, Any, Path]:
    a, b = make_window(), make_window()
    path = tmp_path / "shared.arch.json"
    save_design(a.editor.design, path)
    assert a.files.open(path) and b.files.open(path)
    a.editor.apply(UpdateDesign({"name": "saved by A"}))
    assert a.files.save()
    b.editor.apply(UpdateDesign({"name": "saved by B"}))
    return a, b, path


def _rename(window: Any, name: str) -> None:
    window.editor.apply(UpdateDesign({"name": name}))


def test_two_windows_on_one_file_ask_before_overwriting(make_window: Any, tmp_path: Path) -> None:
    _, b, path = _two_windows(make_window, tmp_path)
    b.dialogs.conflict_answer = "cancel"
    assert not b.files.save()
    assert b.dialogs.conflicts == ["shared.arch.json"]
    assert load_design(path).name == "saved by A"
    assert b.editor.dirty


@pytest.mark.parametrize(
    ("answer", "kept"), [("overwrite", "saved by B"), ("reload", "saved by A")]
)
def test_save_conflict_overwrite_or_reload(
    make_window: Any, tmp_path: Path, answer: str, kept: str
) -> None:
    _, b, path = _two_windows(make_window, tmp_path)
    b.dialogs.conflict_answer = answer
    b.files.save()
    assert load_design(path).name == kept
    assert b.editor.design.name == kept


def test_save_conflict_save_as_keeps_both(make_window: Any, tmp_path: Path) -> None:
    _, b, path = _two_windows(make_window, tmp_path)
    b.dialogs.conflict_answer = "save_as"
    b.dialogs.save_answer = str(tmp_path / "mine.arch.json")
    assert b.files.save()
    assert load_design(path).name == "saved by A"
    assert load_design(tmp_path / "mine.arch.json").name == "saved by B"


def test_saving_twice_from_one_window_asks_nothing(make_window: Any, tmp_path: Path) -> None:
    a = make_window()
    path = tmp_path / "mine.arch.json"
    save_design(a.editor.design, path)
    assert a.files.open(path)
    for name in ("one", "two"):
        _rename(a, name)
        assert a.files.save()
    assert a.dialogs.conflicts == [] and load_design(path).name == "two"
