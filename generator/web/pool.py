"""A bounded pool of worker processes: the event loop never checks or builds, and never waits without end.

Requests queue for a fixed number of processes (one per core by default); when too many already wait the
request is turned away at once (Busy, HTTP 503) rather than piling up memory. A worker retires after a
number of jobs so the server's memory stays flat; one that dies (a crash, the kernel's memory killer) is
replaced and only its own request fails.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from ..errors import NianbaoError
from . import work

T = TypeVar("T")
JOBS_PER_WORKER = 500  # then the process is replaced: what a job leaks does not pile up
WAITING_PER_WORKER = 32


class Busy(NianbaoError):
    """Too many requests are waiting for a worker."""


class WorkFailed(NianbaoError):
    """The worker did not answer in time, or died."""


def _warm() -> int:
    return os.getpid()


class WorkPool:
    """Worker processes behind an asyncio-side bound on the jobs waiting for them."""

    def __init__(self, workers: int, waiting: int | None = None) -> None:
        self.workers = max(1, workers)
        self.capacity = self.workers + (WAITING_PER_WORKER * self.workers if waiting is None else waiting)
        self.in_flight = 0
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers,
            mp_context=_context(),
            initializer=work.init_worker,
            max_tasks_per_child=JOBS_PER_WORKER,
        )

    def warm(self) -> None:
        """Start the workers now (importing the library takes a moment), not on the first request."""
        for _ in range(self.workers):
            self._executor.submit(_warm)

    async def run(self, function: Callable[..., T], *args: Any, seconds: float = 120) -> T:
        """`function(*args)` in a worker; Busy when the queue is full, WorkFailed on a timeout or a dead worker."""
        if self.in_flight >= self.capacity:
            raise Busy("服务器正忙，请稍后再试。")
        self.in_flight += 1
        executor = self._executor
        try:
            future = asyncio.get_running_loop().run_in_executor(executor, function, *args)
            return await asyncio.wait_for(future, seconds)
        except TimeoutError as exc:
            raise WorkFailed(f"处理超过 {seconds:g} 秒，已放弃。") from exc
        except BrokenProcessPool as exc:
            self._replace(executor)
            raise WorkFailed("处理这个文件的进程意外结束（可能文件过于复杂或内存不足），请稍后再试。") from exc
        finally:
            self.in_flight -= 1

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A broken executor refuses all work: start a new one (once, however many jobs noticed)."""
        if broken is self._executor:
            self._executor = self._start()
            broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers (jobs still queued are dropped)."""
        self._executor.shutdown(wait=True, cancel_futures=True)


def _context() -> Any:
    """Workers from a fresh interpreter (the server has threads: forking it is unsafe); forkserver on Linux
    starts each one quickly from a process that already imported the library."""
    if sys.platform.startswith("linux"):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["generator.web.work"])
        return context
    return multiprocessing.get_context("spawn")
