"""Autosaves are private (folder 0700, files 0600) and one instance never offers or deletes
the autosave of another live instance (an OS lock per session, not only its process id)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from archdesigner.io import save_design
from archdesigner.model import Design
from archdesigner.ui.autosave import find_recoverable

from .live_helpers import app_window, draw_three_tier

__all__ = ["app_window"]  # the fixture

HOLD_LOCK = """
import fcntl, sys, time
fh = open(sys.argv[1], "a+b")
fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
print("LOCKED", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_autosave_of_a_design_is_private_folder_0700_files_0600(
    qtbot: Any, app_window: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "autosave"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    window = app_window(autosave_dir=folder, autosave_idle_ms=50)
    autosave = window.features.autosave
    draw_three_tier(window)
    qtbot.waitUntil(lambda: autosave.writes >= 1, timeout=3000)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert autosave.design_file.stat().st_mode & 0o777 == 0o600
    assert autosave.meta_file.stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(sys.platform == "win32", reason="uses fcntl in the helper process")
def test_autosave_of_a_live_instance_is_never_offered_or_deleted(tmp_path: Path) -> None:
    folder = tmp_path / "autosave"
    folder.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    # the other instance's process id looks dead (reused, or another machine's), but it
    # still holds its session lock
    save_design(Design.empty("theirs"), folder / "s1.arch.json")
    meta = {"pid": int(dead.stdout), "path": "", "name": "theirs", "saved_at": time.time()}
    (folder / "s1.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(folder / "s1.lock")],
        stdout=subprocess.PIPE, text=True,
    ) as holder:  # fmt: skip
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "LOCKED"
            assert find_recoverable(folder) == []
        finally:
            holder.kill()
            holder.wait()
    found = find_recoverable(folder)  # the instance ended: its lock went with it
    assert [r.name for r in found] == ["theirs"]
    found[0].discard()
    assert not list(folder.iterdir())
