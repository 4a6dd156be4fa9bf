"""Running a helper program (Graphviz) so that it never outlives its use.

:func:`run_contained` starts the program in a process group of its own and kills the whole
group when it runs past its time, when the caller's ``cancelled()`` says so, when the caller
is interrupted, and (Linux, on request) when the calling process dies. The Graphviz exporter
and the auto-layout both run ``dot`` through it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable


class Cancelled(Exception):
    """The caller's ``cancelled()`` said True while the program ran; it was killed."""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the kernel kills the child when the process that started it dies."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_contained(
    args: list[str],
    stdin: bytes,
    timeout: float,
    *,
    cancelled: Callable[[], bool] | None = None,
    die_with_parent: bool = False,
    env: dict[str, str] | None = None,
) -> tuple[int, bytes, bytes]:
    """``(returncode, stdout, stderr)`` of ``args`` fed ``stdin``.

    Raises :class:`subprocess.TimeoutExpired` past ``timeout`` seconds and :class:`Cancelled`
    when ``cancelled()`` (asked every 50 ms) says True; ``OSError`` when the program cannot
    start. ``die_with_parent`` asks Linux to kill the program with the calling process (it
    runs code in the child before ``exec``: only for callers without other threads that
    might hold locks). ``env``: the program's environment (default: this process's)."""
    posix = os.name == "posix"
    preexec = _die_with_parent if die_with_parent and sys.platform.startswith("linux") else None
    with subprocess.Popen(
        args,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=posix,
        preexec_fn=preexec,
        env=env,
    ) as proc:
        try:
            if cancelled is None:
                out, err = proc.communicate(stdin, timeout=timeout)
            else:
                out, err = _communicate_polling(proc, stdin, timeout, cancelled)
        finally:
            if proc.poll() is None:
                kill_group(proc)
    return proc.returncode, out, err


def _communicate_polling(
    proc: subprocess.Popen[bytes], stdin: bytes, timeout: float, cancelled: Callable[[], bool]
) -> tuple[bytes, bytes]:
    deadline = time.monotonic() + timeout
    data: bytes | None = stdin
    while True:
        try:
            return proc.communicate(data, timeout=0.05)
        except subprocess.TimeoutExpired:
            data = None  # already sent; communicate() goes on reading
            if cancelled():
                raise Cancelled() from None
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(proc.args, timeout) from None


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kills ``proc`` and everything it started (its process group on POSIX), then reaps it."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except OSError:
        pass
    proc.wait()


__all__ = ["Cancelled", "kill_group", "run_contained"]
