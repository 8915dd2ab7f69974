"""Untrusted template work (checking or rendering a custom template) stopped from outside the render.

The sandbox (sandbox.py) counts steps and sizes; what it cannot see — a single operation in C that runs
for minutes or allocates gigabytes — is stopped here. `call` runs a function in a child process that is
killed at a wall-clock deadline and limited in CPU time (RLIMIT_CPU) and address space (RLIMIT_AS) where
the platform has them. A `bulk` worker already is such a process: `enter_worker` marks it, and `limits`
then applies the same limits around each render in it, undone afterwards (the worker also reads
workbooks and may start LibreOffice, which must not inherit them).
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ..errors import NianbaoError

try:
    import resource
except ImportError:  # pragma: no cover - Windows has no resource limits: the deadline still holds
    resource = None  # type: ignore[assignment]  # the module is optional

MEMORY_BYTES = 1 << 30  # address space a check or render may add to the process (1 GiB)
GRACE_SECONDS = 2.0  # starting the child and preparing the template, on top of the render's own deadline
T = TypeVar("T")

_isolated = False  # this process is a child started by `call`: run the work here, it is already limited
_worker = False  # this process is a `bulk` worker: run the work here under `limits`


class Stopped(NianbaoError):
    """The child process was killed (deadline, CPU or memory limit) or died without an answer."""


def isolated() -> bool:
    """Whether this process already is limited (a child of `call`, or a marked worker)."""
    return _isolated or _worker


def enter_worker() -> None:
    """Mark this process as a `bulk` worker: untrusted renders run here, under `limits`."""
    global _worker
    _worker = True


def call(function: Callable[..., T], *args: Any, seconds: float) -> T:
    """`function(*args)` in a child process killed after `seconds` (plus a grace for starting it), with
    CPU and memory limits; its exception is raised here. Raises Stopped when it gives no answer."""
    if isolated():
        return function(*args)
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, function, args, seconds), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds + GRACE_SECONDS):
            raise Stopped(f"运行超过 {seconds:g} 秒，已强制停止")
        status, value = receiver.recv()
    except (EOFError, OSError) as exc:
        child.join(1)
        raise Stopped(f"进程异常结束（{_ending(child.exitcode)}），已停止") from exc
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if status == "error":
        raise value
    return value  # type: ignore[no-any-return]  # what function returned, through the pipe


def _context() -> Any:
    """fork where it is safe (Linux, no other threads: fast, nothing to import); else a fresh interpreter."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork" if threading.active_count() == 1 else "forkserver")
    return multiprocessing.get_context("spawn")


def _child(sender: Any, function: Callable[..., Any], args: tuple[Any, ...], seconds: float) -> None:
    global _isolated
    _isolated = True
    _limit_cpu(seconds + GRACE_SECONDS, permanent=True)
    _limit_memory(permanent=True)
    try:
        answer: tuple[str, Any] = ("ok", function(*args))
    except BaseException as exc:  # every failure goes back to the parent, which decides what it means
        answer = ("error", exc)
    try:
        sender.send(answer)
    except Exception as exc:  # an answer that cannot be pickled
        sender.send(("error", NianbaoError(f"{type(answer[1]).__name__}: {answer[1]}（{exc}）")))
    sender.close()


def _ending(exitcode: int | None) -> str:
    """Why a child ended, in Chinese."""
    signals = {-24: "CPU 时间超过上限", -9: "被强制结束（可能内存不足）", -11: "崩溃"}
    return signals.get(exitcode or 0, f"退出状态 {exitcode}")


@contextlib.contextmanager
def limits(seconds: float) -> Iterator[None]:
    """CPU time and address space limited for the duration (in a `bulk` worker), then restored."""
    if resource is None:
        yield
        return
    cpu = resource.getrlimit(resource.RLIMIT_CPU)
    memory = resource.getrlimit(resource.RLIMIT_AS)
    _limit_cpu(seconds + GRACE_SECONDS, permanent=False)
    _limit_memory(permanent=False)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CPU, cpu)
            resource.setrlimit(resource.RLIMIT_AS, memory)


def _limit_cpu(seconds: float, permanent: bool) -> None:
    """At `seconds` more CPU time the kernel sends SIGXCPU, which ends the process (without a core file)."""
    if resource is None:
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY and soft >= hard:
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1 if permanent else hard))


def _limit_memory(permanent: bool) -> None:
    """The address space may grow by MEMORY_BYTES; beyond that an allocation fails (MemoryError)."""
    size = _address_space()
    if resource is None or size is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = size + MEMORY_BYTES
    if hard != resource.RLIM_INFINITY and soft >= hard:
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (soft, soft if permanent else hard))


def _address_space() -> int | None:
    """This process's current address space in bytes (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
