"""Autosave and crash recovery: unsaved work goes to the data folder (never to the user's
file), is removed after Save or a clean close, and is offered again after a crash."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from archdesigner.io import loads_design, save_design
from archdesigner.model import Design
from archdesigner.ui.autosave import find_recoverable

from .live_helpers import app_window, draw_three_tier

__all__ = ["app_window"]  # the fixture


def test_unsaved_work_is_written_after_idle_time_and_removed_on_save(
    qtbot: Any, app_window: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "autosave"
    window = app_window(autosave_dir=folder, autosave_idle_ms=100)
    autosave = window.features.autosave
    draw_three_tier(window)
    qtbot.waitUntil(lambda: autosave.writes >= 1, timeout=2000)
    saved = loads_design(autosave.design_file.read_text(encoding="utf-8"))
    assert saved.model_dump() == window.editor.design.model_dump()
    meta = json.loads(autosave.meta_file.read_text(encoding="utf-8"))
    assert meta["pid"] == os.getpid()
    assert find_recoverable(folder) == []  # our own session is alive: nothing to offer
    target = tmp_path / "mine.arch.json"
    window.dialogs.save_answer = str(target)
    assert window.files.save()
    assert not autosave.design_file.exists() and not autosave.meta_file.exists()
    # after the save, a new edit is autosaved again, and undoing back to the saved state
    # removes it
    window.view.add_node("cache")
    qtbot.waitUntil(lambda: autosave.writes >= 2, timeout=2000)
    assert autosave.design_file.exists()
    window.editor.undo()
    assert not autosave.design_file.exists()


def test_a_write_in_flight_does_not_bring_a_removed_autosave_back(
    qtbot: Any, app_window: Any, tmp_path: Path
) -> None:
    window = app_window(autosave_dir=tmp_path / "a", autosave_idle_ms=60_000)
    autosave = window.features.autosave
    draw_three_tier(window)
    for _ in range(20):  # writes queued in the worker, then the work is saved
        autosave.write()
    autosave.remove()
    autosave.wait()
    assert not autosave.design_file.exists() and not autosave.meta_file.exists()


def test_clean_close_removes_the_autosave(qtbot: Any, app_window: Any, tmp_path: Path) -> None:
    window = app_window(autosave_dir=tmp_path / "a", autosave_idle_ms=50)
    autosave = window.features.autosave
    draw_three_tier(window)
    qtbot.waitUntil(lambda: autosave.design_file.exists(), timeout=2000)
    window.dialogs.answer = "cancel"
    window.close()
    assert window.isVisible()
    qtbot.wait(20)
    assert autosave.design_file.exists()  # cancelled: the work is still protected
    window.dialogs.answer = "discard"
    window.close()
    qtbot.waitUntil(lambda: not autosave.design_file.exists(), timeout=1000)


def test_recoverable_lists_only_ended_sessions(tmp_path: Path) -> None:
    folder = tmp_path / "autosave"
    folder.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    for name, pid in (("gone", int(dead.stdout)), ("alive", os.getpid())):
        save_design(Design.empty(name), folder / f"{name}.arch.json")
        meta = {"pid": pid, "path": "", "name": name, "saved_at": time.time()}
        (folder / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (folder / "junk.meta.json").write_text("{not json", encoding="utf-8")
    found = find_recoverable(folder)
    assert [r.name for r in found] == ["gone"]


EDIT_SCRIPT = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QPointF, QTimer
from PySide6.QtWidgets import QApplication
from archdesigner.model.edits import AddLink, UpdateNode
from archdesigner.ui import operations as ops
from archdesigner.ui.app import run_app
from archdesigner.ui.main_window import MainWindow
from archdesigner.ui.render import ensure_app

app = ensure_app()
out = Path(sys.argv[2])

def window():
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))

def edit():
    w = window()
    a = w.view.add_node("client", QPointF(0, 0))
    b = w.view.add_node("service", QPointF(300, 0))
    w.editor.apply(AddLink(ops.new_link(w.editor.design, a, b)))
    w.editor.apply(UpdateNode(b, {"replicas": 3, "name": "Orders API"}))
    poll()

def poll():
    w = window()
    if w.features.autosave.writes:
        out.write_text(json.dumps(w.editor.design.model_dump(mode="json")))
        print("AUTOSAVED", flush=True)
        return
    QTimer.singleShot(50, poll)

QTimer.singleShot(200, edit)
run_app([sys.argv[1]])
"""

RESTORE_SCRIPT = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from archdesigner.ui.app import run_app
from archdesigner.ui.main_window import MainWindow
from archdesigner.ui.render import ensure_app

app = ensure_app()
out = Path(sys.argv[1])
seen = {}

def answer():
    box = QApplication.activeModalWidget()
    if not isinstance(box, QMessageBox):
        QTimer.singleShot(50, answer)
        return
    seen["offer"] = box.text() + "\\n" + box.informativeText()
    restore = next(b for b in box.buttons() if b.text() == "Restore")
    QTimer.singleShot(100, dump)
    restore.click()

def dump():
    w = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
    result = {
        "offer": seen.get("offer", ""),
        "design": w.editor.design.model_dump(mode="json"),
        "path": str(w.editor.path),
        "dirty": w.editor.dirty,
    }
    out.write_text(json.dumps(result))
    w.editor.undo_stack.setClean()
    app.quit()

QTimer.singleShot(0, answer)
sys.exit(run_app([]))
"""


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_app_offers_and_restores_the_exact_document(tmp_path: Path) -> None:
    env = dict(os.environ)
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["QT_QPA_PLATFORM"] = "offscreen"
    mine = tmp_path / "mine.arch.json"
    save_design(Design.empty("mine"), mine)
    original_text = mine.read_text(encoding="utf-8")
    before = tmp_path / "before.json"
    errors = tmp_path / "stderr.txt"
    with (
        errors.open("w") as err,
        subprocess.Popen(
            [sys.executable, "-c", EDIT_SCRIPT, str(mine), str(before)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        ) as proc,
    ):
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()  # blocks until the autosave was written
            assert line.strip() == "AUTOSAVED", errors.read_text()
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert mine.read_text(encoding="utf-8") == original_text  # the user's file is untouched
    result_file = tmp_path / "after.json"
    done = subprocess.run(
        [sys.executable, "-c", RESTORE_SCRIPT, str(result_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(result_file.read_text(encoding="utf-8"))
    assert "closed without saving" in result["offer"]
    assert str(mine) in result["offer"]
    assert result["design"] == json.loads(before.read_text(encoding="utf-8"))
    assert result["path"] == str(mine) and result["dirty"]
    assert mine.read_text(encoding="utf-8") == original_text
    # restored and then closed cleanly: nothing is offered a second time
    assert find_recoverable(tmp_path / "data" / "archdesigner" / "autosave") == []


def test_a_failed_write_is_told_in_the_status_bar(
    qtbot: Any, app_window: Any, tmp_path: Path
) -> None:
    """The autosave folder cannot be made (a file has its name): the window says so, naming
    the file, and the work stays in the window."""
    blocked = tmp_path / "autosave"
    blocked.write_text("not a folder", encoding="utf-8")
    window = app_window(autosave_dir=blocked, autosave_idle_ms=50)
    autosave = window.features.autosave
    draw_three_tier(window)
    qtbot.waitUntil(lambda: bool(autosave.last_error), timeout=3000)
    autosave.wait()
    message = window.statusBar().currentMessage()
    assert message.startswith("Autosave failed: ") and str(autosave.design_file) in message
    assert autosave.writes == 0 and window.editor.dirty
