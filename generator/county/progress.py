"""How far a run over many inputs has come: count, rate and the file at hand, as one line for a terminal."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

NAME_WIDTH = 40  # characters of the current file's name shown


@dataclass(slots=True)
class Progress:
    """A run's progress: call `advance` as each input is done; `line` says where it stands."""

    total: int
    label: str = "处理中"
    done: int = 0
    started: float = field(default_factory=time.monotonic)

    def advance(self) -> None:
        """One more input done."""
        self.done += 1

    def line(self, current: str = "") -> str:
        """生成中 120/1000（12%）  45.3 份/秒  a.xlsx"""
        elapsed = max(time.monotonic() - self.started, 1e-6)
        share = f"（{100 * self.done // self.total}%）" if self.total else ""
        name = current if len(current) <= NAME_WIDTH else "…" + current[-(NAME_WIDTH - 1) :]
        return f"{self.label} {self.done}/{self.total}{share}  {self.done / elapsed:.1f} 份/秒  {name}".rstrip()
