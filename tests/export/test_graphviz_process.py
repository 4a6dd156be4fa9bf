"""Graphviz runs in its own process group and never outlives the export that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "resources" / "examples" / "web-shop.arch.json"


def _fake_graphviz(folder: Path, pidfile: Path, *, helper: bool = False) -> None:
    """``dot`` and ``neato`` that record their pid and then hang (with ``helper``, the hanging
    process is a child of theirs, as a layout helper would be)."""
    folder.mkdir()
    body = (
        f"sleep 60 &\necho $! > {pidfile}\nwait\n" if helper else
        f"echo $$ > {pidfile}\nexec sleep 60\n"
    )  # fmt: skip
    for name in ("dot", "neato"):
        prog = folder / name
        prog.write_text("#!/bin/sh\n" + body)
        prog.chmod(0o755)


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def _wait_for(check: object, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
def test_graphviz_is_killed_when_the_export_is_killed(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    _fake_graphviz(tmp_path / "bin", pidfile)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    export = subprocess.Popen(
        [sys.executable, "-m", "archdesigner", "export", str(EXAMPLE), "-o", f"{tmp_path}/x.svg"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(), 60)
        child = int(pidfile.read_text())
        assert os.getpgid(child) != os.getpgid(export.pid), "Graphviz shares our process group"
        export.send_signal(signal.SIGKILL)
        export.wait(10)
        assert _wait_for(lambda: _gone(child), 5), "Graphviz outlived the killed export"
    finally:
        export.kill()
        export.wait()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
def test_graphviz_past_its_timeout_is_killed_with_its_whole_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    _fake_graphviz(tmp_path / "bin", pidfile, helper=True)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run(
        [sys.executable, "-m", "archdesigner", "export", str(EXAMPLE), "--to", "svg",
         "-O", "timeout=1"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == 2 and "did not finish within 1 s" in out.stderr
    assert _wait_for(lambda: _gone(int(pidfile.read_text())), 5), "a Graphviz helper survived"
