"""Running a plugin rule so that it cannot take the run down with it.

The rule runs in a daemon worker thread. If it is still running when its time limit ends,
an exception is raised inside it (which stops a loop written in Python); if even that does
not end it, the thread is abandoned: being a daemon thread, it does not keep the process
alive, and it only holds a private copy of the design.
"""

from __future__ import annotations

import ctypes
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class RuleTimeout(BaseException):
    """Raised inside a rule's thread when its time limit is over."""


@dataclass
class Outcome:
    value: Any = None
    error: str = ""  # one line: "ValueError: ..."
    details: str = ""  # the traceback
    timed_out: bool = False


def _raise_in(thread: threading.Thread) -> None:
    ident = thread.ident
    if ident is None:
        return
    set_async = ctypes.pythonapi.PyThreadState_SetAsyncExc
    set_async(ctypes.c_ulong(ident), ctypes.py_object(RuleTimeout))


def run_with_time_limit(fn: Callable[[], Any], time_limit: float, name: str) -> Outcome:
    """Runs ``fn()`` in a daemon thread for at most ``time_limit`` seconds."""
    outcome = Outcome()
    finished = threading.Event()

    def target() -> None:
        try:
            try:
                outcome.value = fn()
            except RuleTimeout:
                outcome.timed_out = True
            except BaseException as exc:  # a plugin may raise anything
                text = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
                outcome.error = text or type(exc).__name__
                outcome.details = traceback.format_exc()
            finally:
                finished.set()
        except BaseException:  # the timeout arrived while reporting: nothing left to do
            finished.set()

    thread = threading.Thread(target=target, name=f"archdesigner-rule-{name}", daemon=True)
    thread.start()
    if not finished.wait(time_limit):
        outcome.timed_out = True
        _raise_in(thread)
        finished.wait(0.2)
        outcome.value = None
    return outcome
