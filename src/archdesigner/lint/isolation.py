"""Running a plugin rule so that it cannot take the run down with it.

The rule runs in a daemon worker thread. If it is still running when its time limit ends,
an exception is raised inside it (which stops a loop written in Python); if even that does
not end it, the thread is abandoned: being a daemon thread, it does not keep the process
alive, and it only holds a private copy of the design.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any


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


#: Megabytes a plugin rule may allocate in its worker process (``--isolation process``).
DEFAULT_MEMORY_MB = 2048


def process_isolation_available() -> bool:
    """Worker processes need ``fork`` (the rule and the design are inherited, not sent)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _limit_memory(megabytes: int) -> None:
    """In the worker: at most ``megabytes`` more address space than it started with."""
    try:
        import resource

        with open("/proc/self/statm") as fh:
            used = int(fh.read().split()[0]) * resource.getpagesize()
        limit = used + megabytes * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass  # no /proc or no RLIMIT_AS (macOS): the time limit still holds


class Worker:
    """A function running in a forked worker process (:func:`start_in_process`); read its
    :meth:`outcome` once."""

    def __init__(self, proc: Any, recv: Any, started: float, spool: IO[bytes] | None) -> None:
        self._proc = proc
        self._recv = recv
        self._started = started
        self._spool = spool

    def _answer(self) -> tuple[str, Any, str]:
        """The worker's (kind, value, details), pickled: the pipe says how many bytes of
        the spool file hold them (or, without a spool file, carries them itself)."""
        if self._spool is None:  # no spool file could be made: the answer came by pipe
            data = self._recv.recv_bytes()
        else:
            size = self._recv.recv()
            data = os.pread(self._spool.fileno(), size, 0)
            if len(data) != size:
                raise EOFError("the worker's answer is cut short")
        answer: tuple[str, Any, str] = pickle.loads(data)
        return answer

    def outcome(self, time_limit: float) -> Outcome:
        """The worker's answer, waiting until ``time_limit`` seconds after it started at
        most; a worker without an answer by then is killed (whatever it is doing: even C
        code holding the interpreter lock). One that ended without an answer (``os._exit``,
        a crash) is an error."""
        import time

        outcome = Outcome()
        recv, proc = self._recv, self._proc
        try:
            left = max(0.0, self._started + time_limit - time.monotonic())
            if not recv.poll(left):
                outcome.timed_out = True
                return outcome
            try:
                kind, value, details = self._answer()
            except (EOFError, OSError, pickle.UnpicklingError):
                proc.join(1)
                outcome.error = f"ended its worker process (exit code {proc.exitcode})"
                return outcome
            if kind == "ok":
                outcome.value = value
            else:
                outcome.error, outcome.details = str(value), details
            return outcome
        finally:
            self.close()

    def close(self) -> None:
        """Ends the worker (killed when still running) and frees its pipe."""
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()
        self._recv.close()
        if self._spool is not None:
            self._spool.close()


def start_in_process(fn: Callable[[], Any], memory_mb: int = DEFAULT_MEMORY_MB) -> Worker:
    """Starts ``fn()`` in a forked worker process with a memory limit; it runs while this
    process goes on (read the answer with :meth:`Worker.outcome`).

    The worker writes its answer (pickled) to a spool file and ends at once; the pipe
    carries only its length. Sent through the pipe, an answer larger than the pipe's buffer
    (thousands of findings, a design's text) would keep the worker waiting until this
    process reads it, and while a forked worker lives, every page this process writes to
    is copied first (copy-on-write): a lint of 10,000 nodes beside a waiting worker ran
    ~0.2 s longer."""
    import multiprocessing
    import tempfile
    import time

    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    try:
        spool: IO[bytes] | None = tempfile.TemporaryFile()  # noqa: SIM115 (the Worker closes it)
    except OSError:  # no writable temporary folder: the answer goes through the pipe
        spool = None

    def child() -> None:
        recv.close()
        _limit_memory(memory_mb)
        try:
            payload: tuple[str, Any, str] = ("ok", fn(), "")
        except BaseException as exc:  # a plugin may raise anything
            text = f"{type(exc).__name__}: {exc}".splitlines()[0][:300] or type(exc).__name__
            payload = ("error", text, traceback.format_exc())
        try:
            data = pickle.dumps(payload, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an answer that cannot be pickled
            reason = f"returned what cannot be sent back ({exc})"[:300]
            data = pickle.dumps(("error", reason, ""), pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):  # OSError: the parent no longer listens
            if spool is None:
                send.send_bytes(data)
            else:
                _write_all(spool.fileno(), data)
                send.send(len(data))
            send.close()
        os._exit(0)

    proc = ctx.Process(target=child, daemon=True)
    started = time.monotonic()
    proc.start()
    send.close()
    return Worker(proc, recv, started, spool)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def run_in_process(
    fn: Callable[[], Any], time_limit: float, memory_mb: int = DEFAULT_MEMORY_MB
) -> Outcome:
    """Runs ``fn()`` in a forked worker process with a hard time limit (the process is
    killed, whatever it is doing: even C code holding the interpreter lock) and a memory
    limit. A worker that ends without an answer (``os._exit``, a crash) is an error."""
    return start_in_process(fn, memory_mb).outcome(time_limit)
