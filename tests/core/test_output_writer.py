"""The one writer behind -o and --fix: devices and FIFOs in place, links kept, inputs never
overwritten without --force, write errors one line, stale temporaries cleaned."""

from __future__ import annotations

import os
import shutil
import stat
import threading
import time
from pathlib import Path

import pytest

from archdesigner.cli import main
from archdesigner.io import load_design, save_design
from archdesigner.model import Design

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "resources" / "examples" / "web-shop.arch.json"


def _design(tmp_path: Path, name: str = "d.arch.json") -> Path:
    path = tmp_path / name
    shutil.copyfile(EXAMPLE, path)
    return path


def _drain_fifo(path: Path, sink: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as fh:
            sink.append(fh.read())

    t = threading.Thread(target=read, daemon=True)
    t.start()
    return t


@pytest.mark.parametrize(
    "command",
    [
        ["export", "{design}", "--to", "mermaid", "-o", "{out}"],
        ["lint", "{design}", "-o", "{out}", "--fail-on", "never"],
        ["schema", "-o", "{out}"],
    ],
    ids=["export", "lint", "schema"],
)
def test_output_to_a_fifo_is_written_in_place_not_replaced(
    tmp_path: Path, command: list[str]
) -> None:
    design = _design(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain_fifo(fifo, got)
    argv = [a.format(design=design, out=fifo) for a in command]
    assert main(argv) == 0
    reader.join(10)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a regular file"
    assert got and got[0], "nothing reached the reader of the FIFO"


def test_output_to_a_device_is_written_in_place(tmp_path: Path) -> None:
    design = _design(tmp_path)
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    assert main(["export", str(design), "--to", "mermaid", "-o", str(link)]) == 0
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not list(Path("/dev").glob(".null.*.tmp"))


def test_output_through_a_symlink_updates_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    design = _design(tmp_path)
    real = tmp_path / "sub" / "real.mmd"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.mmd"
    link.symlink_to(real)
    assert main(["export", str(design), "--to", "mermaid", "-o", str(link)]) == 0
    assert link.is_symlink()
    assert real.read_text().find("flowchart") >= 0


def test_lint_fix_through_a_symlink_fixes_the_real_file_and_keeps_the_link(
    tmp_path: Path,
) -> None:
    real = _design(tmp_path, "real.arch.json")
    before = real.read_bytes()
    link = tmp_path / "link.arch.json"
    link.symlink_to(real)
    main(["lint", "--fix", "--fail-on", "never", str(link)])
    assert link.is_symlink(), "--fix replaced the symlink with a copy"
    assert real.read_bytes() != before, "the real file was not fixed"


@pytest.mark.parametrize(
    "command",
    [
        ["lint", "{design}", "-o", "{design}"],
        ["export", "{design}", "--to", "mermaid", "-o", "{design}"],
        ["render", "{design}", "-o", "{design}"],
    ],
    ids=["lint", "export", "render"],
)
def test_output_that_is_the_input_is_refused_without_force(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    design = _design(tmp_path)
    before = design.read_bytes()
    assert main([a.format(design=design) for a in command]) == 2
    err = capsys.readouterr().err
    assert "input file" in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert design.read_bytes() == before


@pytest.mark.parametrize(
    "command",
    [
        ["schema", "-o", "{other}"],
        ["export", "{design}", "--to", "mermaid", "-o", "{other}"],
        ["lint", "{design}", "-o", "{other}", "--fail-on", "never"],
    ],
    ids=["schema", "export", "lint"],
)
def test_output_over_another_design_is_refused_without_force(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    design, other = _design(tmp_path), _design(tmp_path, "other.arch.json")
    before = other.read_bytes()
    argv = [a.format(design=design, other=other) for a in command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "holds a design" in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert other.read_bytes() == before
    assert main([*argv, "--force"]) == 0
    assert other.read_bytes() != before


def test_output_that_is_the_input_through_a_link_is_refused(tmp_path: Path) -> None:
    design = _design(tmp_path)
    before = design.read_bytes()
    link = tmp_path / "alias.mmd"
    link.symlink_to(design)
    assert main(["export", str(design), "--to", "mermaid", "-o", str(link)]) == 2
    assert design.read_bytes() == before


def test_export_over_the_input_with_force_is_allowed(tmp_path: Path) -> None:
    design = _design(tmp_path)
    assert main(["export", str(design), "--to", "mermaid", "-o", str(design), "--force"]) == 0
    assert design.read_text().find("flowchart") >= 0


def test_import_over_its_compose_file_is_refused(tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx\n")
    before = compose.read_bytes()
    assert main(["import", str(compose), "-o", str(compose), "-q"]) == 2
    assert compose.read_bytes() == before


def test_import_refuses_to_overwrite_an_existing_design_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx\n")
    design = _design(tmp_path)
    before = design.read_bytes()
    assert main(["import", str(compose), "-o", str(design), "-q"]) == 2
    assert "exists; use --force" in capsys.readouterr().err
    assert design.read_bytes() == before
    assert main(["import", str(compose), "-o", str(design), "-q", "--force"]) == 0
    # the importer adds a users entry in front of the only service (issue 12)
    assert [n.id for n in load_design(design).nodes] == ["web", "users"]


def _fail_replace_for(monkeypatch: pytest.MonkeyPatch, victim: Path) -> None:
    real_replace = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).name == victim.name:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)


def test_fix_write_error_is_one_line_and_the_next_file_is_still_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [_design(tmp_path, name) for name in ("a.arch.json", "b.arch.json")]
    before = [f.read_bytes() for f in files]
    _fail_replace_for(monkeypatch, files[0])
    code = main(["lint", "--fix", "--fail-on", "never", "--format", "json", *map(str, files)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"cannot write {files[0]}: No space left on device" in err
    assert "Traceback" not in err
    assert files[0].read_bytes() == before[0]
    assert files[1].read_bytes() != before[1], "the second file was not fixed"
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("command", [["schema"], ["lint", "{design}"]], ids=["schema", "lint"])
def test_output_write_error_is_one_line_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    design = _design(tmp_path)
    out = tmp_path / "out.txt"
    out.write_text("previous")
    _fail_replace_for(monkeypatch, out)
    assert main([*(a.format(design=design) for a in command), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert out.read_text() == "previous"


def test_stale_temp_files_of_a_crashed_save_are_cleaned_at_the_next_save(tmp_path: Path) -> None:
    target = tmp_path / "d.arch.json"
    dead = tmp_path / ".d.arch.json.999999999-abcd.tmp"  # a pid that cannot be alive
    old = tmp_path / ".d.arch.json.x1y2z3.tmp"
    fresh_other = tmp_path / f".d.arch.json.{os.getppid()}-live.tmp"
    unrelated = tmp_path / ".other.arch.json.1-abcd.tmp"
    for f in (dead, old, fresh_other, unrelated):
        f.write_text("partial")
    past = time.time() - 3600
    os.utime(old, (past, past))
    save_design(Design.empty("d"), target)
    assert not dead.exists() and not old.exists()
    assert fresh_other.exists(), "a live process's temporary file was removed"
    assert unrelated.exists()
