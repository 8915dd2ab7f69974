"""Adding up the tables of many reports of one year: the county-wide figures, column by column."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .. import schema
from ..check.load import load
from ..errors import NianbaoError
from ..issues import PROSE_CODES
from ..model import Report, Value, complete_values, make_report


@dataclass(frozen=True, slots=True)
class Rollup:
    """The summed report (None if nothing could be added), its year, the inputs added up, those left out and why."""

    report: Report | None
    year: int | None
    included: tuple[Path, ...]
    left_out: tuple[tuple[Path, str], ...]


def roll_up(paths: Iterable[Path], agency: str, year: int | None = None) -> Rollup:
    """Read and check every input; add up the valid ones of one year, each agency once."""
    loaded: list[tuple[Path, Report]] = []
    left_out: list[tuple[Path, str]] = []
    for path in paths:
        try:
            checked = load(path)
        except NianbaoError as exc:
            left_out.append((path, exc.message))
            continue
        if all(issue.code in PROSE_CODES for issue in checked.result.errors):  # prose to fix, figures sound
            loaded.append((path, checked.report))
        else:
            left_out.append((path, f"有 {len(checked.result.errors)} 个错误"))
    chosen = choose_year((report.year for _, report in loaded), year)
    included: list[tuple[Path, Report]] = []
    first_of: dict[str, Path] = {}
    for path, report in loaded:
        if report.year != chosen:
            left_out.append((path, f"年度为 {report.year}，不是 {chosen}"))
        elif report.agency in first_of:
            left_out.append((path, f"与“{first_of[report.agency].name}”是同一机关，只计入一次"))
        else:
            first_of[report.agency] = path
            included.append((path, report))
    total = add_up((report for _, report in included), agency) if included else None
    return Rollup(total, chosen, tuple(path for path, _ in included), tuple(left_out))


def add_up(reports: Iterable[Report], agency: str) -> Report:
    """One report whose every count and total is the sum over `reports` (fees too); texts empty."""
    reports = list(reports)
    values: dict[str, Value] = {"agency": agency}
    completed = [complete_values(report.values) for report in reports]
    for field in schema.FIELDS:
        if field.kind in (schema.Kind.COUNT, schema.Kind.TOTAL):
            values[field.path] = sum(_count(v[field.path]) for v in completed)
        elif field.kind is schema.Kind.AMOUNT:
            values[field.path] = sum((_amount(v[field.path]) for v in completed), Decimal(0))
    years = {report.year for report in reports}
    values["year"] = years.pop() if len(years) == 1 else None
    dates = [report["date"] for report in reports if isinstance(report["date"], dt.date)]
    values["date"] = max(dates) if dates else None
    return make_report(values)


def _count(value: Value) -> int:
    return value if isinstance(value, int) else 0


def _amount(value: Value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(0)


def choose_year(years: Iterable[int | None], wanted: int | None) -> int | None:
    """The year to add up: the one asked for, else the most common one."""
    if wanted is not None:
        return wanted
    counts = Counter(year for year in years if year is not None)
    return counts.most_common(1)[0][0] if counts else None
