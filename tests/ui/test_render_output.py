"""``archdesigner render`` writes its picture atomically: a failed write keeps the old one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from archdesigner.cli import main
from archdesigner.io import save_design
from archdesigner.model import Design, Node


def test_render_that_cannot_write_keeps_the_previous_picture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], qtbot: Any
) -> None:
    design = tmp_path / "d.arch.json"
    d = Design.empty("d")
    d.nodes.append(Node(id="api", kind="service"))
    save_design(d, design)
    png = tmp_path / "shot.png"
    png.write_bytes(b"previous picture")
    real_replace = os.replace

    def full_disk(src: Any, dst: Any) -> None:
        if Path(dst).name == png.name:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", full_disk)
    code = main(["render", str(design), "-o", str(png), "--width", "64", "--height", "64"])
    err = capsys.readouterr().err
    assert code == 2 and "No space left on device" in err and "Traceback" not in err
    assert png.read_bytes() == b"previous picture"
    assert not list(tmp_path.glob(".*.tmp"))
