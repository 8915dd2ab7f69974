"""Worker processes for a batch that no single input can stop: a worker that dies or overruns is replaced.

`ProcessPoolExecutor` alone fails the whole batch when one worker dies (a crash in C code, a memory limit,
SIGKILL) and waits forever for one that hangs. Here each input is one task, a few per worker in flight so
that no worker idles while results are written; tasks are taken in order, so the oldest `jobs` of them are
the ones running and only their time counts. An input over its wall-clock limit has its pool killed and
its neighbours resubmitted; when a worker dies, the inputs it may have held are run again one at a time,
so only the one that kills a worker gets the failure. Results come back in input order.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

R = TypeVar("R")
POLL_SECONDS = 0.5
AHEAD = 4  # tasks in flight per worker: enough that no worker waits for the next while results are written
_requested: list[int] = []  # the signal that asked the batch to stop (set by the handler, read by the loop)


class Interrupted(Exception):
    """Ctrl-C or SIGTERM stopped the batch, at a safe point between two inputs."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """While inside, Ctrl-C and SIGTERM only ask the batch to stop; it stops at the next safe point (never
    inside the pool's own locks, which an exception raised from a signal handler could leave held)."""

    def ask(number: int, _frame: object) -> None:
        _requested.append(number)

    _requested.clear()
    previous = {number: signal.signal(number, ask) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        _requested.clear()


def check_stop() -> None:
    """Raise Interrupted when a stop was asked for."""
    if _requested:
        raise Interrupted(_requested[0])


@dataclass(frozen=True, slots=True)
class Failure:
    """Why an input has no result: it overran its limit, or the worker running it died."""

    path: Path
    reason: str


@dataclass(slots=True)
class _Running(Generic[R]):
    index: int
    started: float


def _in_progress(running: dict[Future[R], _Running[R]], jobs: int) -> list[_Running[R]]:
    """The `jobs` tasks the workers hold now; the clock of those still waiting restarts at every poll.

    The pool takes tasks in the order they were submitted (a dict keeps that order and the sort is stable), so a
    waiting task's time starts, within one poll, when a worker takes it.
    """
    tasks = sorted(running.values(), key=lambda task: task.started)
    now = time.monotonic()
    for task in tasks[jobs:]:
        task.started = now
    return tasks[:jobs]


class Supervisor(Generic[R]):
    """Runs `work(path, *args)` for every path in worker processes; yields results or Failures in order."""

    def __init__(
        self,
        work: Callable[..., R],
        args: tuple[Any, ...],
        jobs: int,
        seconds: float,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        self.work, self.args, self.jobs, self.seconds = work, args, max(1, jobs), seconds
        self.initializer, self.initargs = initializer, initargs
        self.pool: ProcessPoolExecutor | None = None

    def run(self, paths: list[Path]) -> Iterator[R | Failure]:
        """Every path's result (or Failure), in the order of `paths`."""
        done: dict[int, R | Failure] = {}
        queue = list(range(len(paths)))[::-1]  # popped from the end: in order
        running: dict[Future[R], _Running[R]] = {}
        following = 0
        try:
            while following < len(paths):
                check_stop()
                broken = self._fill(paths, queue, running)
                finished, _ = wait(running, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                broken += self._collect(finished, running, done)
                overrun = [
                    task for task in _in_progress(running, self.jobs) if time.monotonic() - task.started > self.seconds
                ]
                if overrun:
                    for task in overrun:
                        done[task.index] = Failure(paths[task.index], f"处理超过 {self.seconds:g} 秒，已强制停止")
                    queue += [t.index for t in running.values() if t.index not in done]
                    running.clear()
                    self._kill()
                elif broken:
                    suspects = sorted({*broken, *(task.index for task in running.values())} - {-1})
                    running.clear()
                    self._kill()
                    for index in suspects:
                        done[index] = self._alone(paths[index])
                while following in done:
                    yield done.pop(following)
                    following += 1
        finally:
            self._kill()

    def _fill(self, paths: list[Path], queue: list[int], running: dict[Future[R], _Running[R]]) -> list[int]:
        """Give every idle worker the next input; a pool found broken on the way is reported (empty list: fine)."""
        while queue and len(running) < self.jobs * AHEAD:
            index = queue.pop()
            try:
                future = self._pool().submit(self.work, paths[index], *self.args)
            except BrokenProcessPool:
                queue.append(index)
                return [task.index for task in running.values()] or [-1]
            running[future] = _Running(index, time.monotonic())
        return []

    def _collect(
        self, finished: set[Future[R]], running: dict[Future[R], _Running[R]], done: dict[int, R | Failure]
    ) -> list[int]:
        """Store the results of finished tasks; the indexes of those whose worker died."""
        broken = []
        for future in finished:
            task = running.pop(future)
            try:
                done[task.index] = future.result()
            except BrokenProcessPool:
                broken.append(task.index)
        return broken

    def _alone(self, path: Path) -> R | Failure:
        """One input in a pool of its own: whether it is the one that kills its worker."""
        pool = ProcessPoolExecutor(1, initializer=self.initializer, initargs=self.initargs)
        try:
            return pool.submit(self.work, path, *self.args).result(timeout=self.seconds)
        except BrokenProcessPool:
            return Failure(path, "处理这个文件时工作进程异常退出（可能超出内存或 CPU 限制），已跳过")
        except TimeoutError:
            return Failure(path, f"处理超过 {self.seconds:g} 秒，已强制停止")
        finally:
            _terminate(pool)

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.jobs, initializer=self.initializer, initargs=self.initargs)
        return self.pool

    def _kill(self) -> None:
        if self.pool is not None:
            _terminate(self.pool)
            self.pool = None


def die_with_parent() -> None:
    """On Linux, have the kernel stop this worker when the bulk process dies (even by SIGKILL): no orphans.
    Ctrl-C reaches the whole process group: the parent alone handles it (it stops the workers), so a worker
    never prints a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: its workers killed, nothing waited for."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # the executor has no public kill
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(5)
