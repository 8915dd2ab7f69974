"""Several inputs of one unit (the newest is taken, and why), and last year's inputs indexed by unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ..check.load import read_report
from ..errors import NianbaoError
from ..formats.json_document import dumps
from .roster import Roster, Unit, group_by_unit, make_roster
from .workers import Failure, Supervisor, die_with_parent

T = TypeVar("T")
SECONDS = 300.0  # reading one of last year's inputs (a long published PDF among them)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def newest(items: Sequence[T], date_of: Callable[[T], dt.date | None], path_of: Callable[[T], Path]) -> T:
    """Of several inputs of one unit, the one with the latest 成文日期, then the latest file time."""
    return max(items, key=lambda item: (date_of(item) or dt.date.min, _mtime(path_of(item))))


def why_newest(chosen: Path, chosen_date: dt.date | None, other: Path, other_date: dt.date | None) -> str:
    """Why `chosen` was taken over `other` (same unit), in Chinese."""
    if chosen_date != other_date and chosen_date is not None:
        shown = other_date.isoformat() if other_date else "未填"
        return f"成文日期 {chosen_date.isoformat()} 晚于 {shown}"
    return "成文日期相同，文件修改时间较晚"


@dataclass(frozen=True, slots=True)
class Seen:
    """An input read without its checks: which unit, which year, its 成文日期."""

    path: Path
    agency: str
    year: int | None
    date: dt.date | None
    document: str  # the report as JSON (a Report does not pickle): read once, whatever the file's format


def see(path: Path) -> Seen | str:
    """Read an input for its unit, year and date; the reason in Chinese when it cannot be read."""
    try:
        report = read_report(path)
    except NianbaoError as exc:
        return exc.message
    date = report["date"]
    return Seen(path, report.agency, report.year, date if isinstance(date, dt.date) else None, dumps(report))


@dataclass(frozen=True, slots=True)
class PreviousIndex:
    """Last year's inputs, one per unit: a roster of their names (`row` numbers `files` and `documents` from 1),
    their reports as JSON, and notes."""

    roster: Roster
    files: tuple[Path, ...]
    documents: tuple[str, ...]
    notes: tuple[str, ...]


def index_previous(paths: list[Path], jobs: int = 1) -> PreviousIndex:
    """Read last year's inputs (in worker processes when jobs > 1) and keep one per unit, the newest."""
    if jobs > 1 and len(paths) > 1:
        supervisor: Supervisor[Seen | str] = Supervisor(see, (), jobs, SECONDS, die_with_parent)
        results: list[Seen | str] = [
            item.reason if isinstance(item, Failure) else item for item in supervisor.run(paths)
        ]
    else:
        results = [see(path) for path in paths]
    notes = []
    named: list[Seen] = []
    for path, result in zip(paths, results, strict=True):
        if isinstance(result, str):
            notes.append(f"上年文件“{path.name}”无法读取，未用于核对：{result}")
        elif not result.agency.strip():
            notes.append(f"上年文件“{path.name}”没有机关名称，未用于核对")
        else:
            named.append(result)
    kept = []
    for seen in group_by_unit(named, lambda s: s.agency):
        chosen = newest(seen, lambda s: s.date, lambda s: s.path)
        for other in seen:
            if other is not chosen:
                reason = why_newest(chosen.path, chosen.date, other.path, other.date)
                notes.append(f"上年文件“{other.path.name}”与“{chosen.path.name}”是同一单位，用后者核对（{reason}）")
        kept.append(chosen)
    units = [Unit(seen.agency, row=index) for index, seen in enumerate(kept, start=1)]
    files, documents = tuple(seen.path for seen in kept), tuple(seen.document for seen in kept)
    return PreviousIndex(make_roster(units, "上年"), files, documents, tuple(notes))
