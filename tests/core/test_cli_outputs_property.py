"""A property of the whole command line: whatever the design and whatever the -o target
(a regular file, a symlink, a FIFO, the input itself, a file in a read-only folder), no
command destroys an input and none ends in a traceback."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archdesigner.cli import main
from archdesigner.io import save_design
from archdesigner.model import Design

from .strategies import designs

TARGETS = ["regular", "existing", "symlink", "dangling-symlink", "fifo", "same-as-input",
           "link-to-input", "read-only-dir", "directory"]  # fmt: skip
COMMANDS = [
    ["export", "{design}", "--to", "mermaid", "-o", "{out}"],
    ["export", "{design}", "--to", "dot", "-o", "{out}"],
    ["export", "{design}", "--to", "compose", "-o", "{out}"],
    ["lint", "{design}", "--fail-on", "never", "-o", "{out}"],
    ["lint", "{design}", "--format", "json", "-o", "{out}"],
    ["schema", "-o", "{out}"],
    ["import", "{compose}", "-o", "{out}", "-q"],
]


def _target(root: Path, kind: str, design: Path, compose: Path) -> Path:
    if kind == "regular":
        return root / "out.txt"
    if kind == "existing":
        (root / "old.txt").write_text("previous")
        return root / "old.txt"
    if kind == "symlink":
        (root / "real.txt").write_text("previous")
        (root / "link.txt").symlink_to(root / "real.txt")
        return root / "link.txt"
    if kind == "dangling-symlink":
        (root / "nowhere.txt").symlink_to(root / "missing.txt")
        return root / "nowhere.txt"
    if kind == "fifo":
        os.mkfifo(root / "pipe")
        return root / "pipe"
    if kind == "same-as-input":
        return design
    if kind == "link-to-input":
        (root / "alias").symlink_to(design)
        return root / "alias"
    if kind == "read-only-dir":
        ro = root / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        return ro / "out.txt"
    (root / "adir").mkdir()
    return root / "adir"


def _drain(fifo: Path) -> threading.Thread:
    def read() -> None:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # never blocks the test
        try:
            while True:  # until told to stop: EOF only means no writer opened it yet
                try:
                    if os.read(fd, 65536):
                        continue
                except BlockingIOError:
                    pass
                if stop.wait(0.01):
                    return
        finally:
            os.close(fd)

    stop = threading.Event()
    t = threading.Thread(target=read, daemon=True)
    t.stop = stop  # type: ignore[attr-defined]
    t.start()
    return t


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs(max_nodes=5), st.sampled_from(TARGETS), st.sampled_from(COMMANDS), st.booleans())
def test_no_output_target_destroys_an_input_or_tracebacks(
    design: Design, target: str, command: list[str], force: bool
) -> None:
    root = Path(tempfile.mkdtemp(prefix="cli-prop-"))
    try:
        src = root / "d.arch.json"
        save_design(design, src)
        compose = root / "compose.yaml"
        compose.write_text("services:\n  web:\n    image: nginx\n")
        inputs = {p: p.read_bytes() for p in (src, compose)}
        out = _target(root, target, src, compose)
        argv = [a.format(design=src, compose=compose, out=out) for a in command]
        if force and argv[0] in ("export", "lint"):
            argv.append("--force")
        reader = _drain(out) if target == "fifo" else None
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        finally:
            if reader is not None:
                reader.stop.set()  # type: ignore[attr-defined]
                reader.join(5)
        assert code in (0, 1, 2)
        overwritten = force and target in ("same-as-input", "link-to-input")
        for path, before in inputs.items():
            if overwritten and path == src:
                continue
            assert path.read_bytes() == before, f"{argv} changed the input {path.name}"
        if target == "fifo":
            assert stat.S_ISFIFO(os.lstat(out).st_mode)
        if target in ("symlink", "link-to-input", "dangling-symlink"):
            assert out.is_symlink()
        assert not list(root.glob(".*.tmp")), "a temporary file was left behind"
    finally:
        for ro in root.glob("ro"):
            ro.chmod(0o755)
        shutil.rmtree(root, ignore_errors=True)
