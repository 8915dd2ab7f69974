"""Adding up the tables of many reports of one year: the county-wide figures, column by column."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .. import schema
from ..check.load import load
from ..errors import NianbaoError
from ..issues import PROSE_CODES
from ..model import Report, Value, complete_values, make_report
from .previous import newest, why_newest
from .roster import group_by_unit


@dataclass(frozen=True, slots=True)
class Rollup:
    """The summed report (None if nothing could be added), its year, the units added up (input and report,
    in input order), those left out and why, and the choices made among several inputs of one unit."""

    report: Report | None
    year: int | None
    units: tuple[tuple[Path, Report], ...]
    left_out: tuple[tuple[Path, str], ...]
    choices: tuple[str, ...] = ()

    @property
    def included(self) -> tuple[Path, ...]:
        """The inputs added up."""
        return tuple(path for path, _ in self.units)


def roll_up(
    paths: Iterable[Path], agency: str, year: int | None = None, on_each: Callable[[Path], None] | None = None
) -> Rollup:
    """Read and check every input (`on_each` after each); add up the valid ones of one year, each unit once:
    of several inputs of one unit (the same normalised name, or a place name apart: roster.group_by_unit) the one with the latest 成文日期, then the
    latest file time, and the others left out saying so."""
    loaded: list[tuple[Path, Report]] = []
    left_out: list[tuple[Path, str]] = []
    for path in paths:
        try:
            checked = load(path)
        except NianbaoError as exc:
            left_out.append((path, exc.message))
            continue
        finally:
            if on_each is not None:
                on_each(path)
        errors = checked.result.errors
        if all(issue.code in PROSE_CODES for issue in errors):  # prose to fix, figures sound
            loaded.append((path, checked.report))
        else:
            left_out.append((path, f"有 {len(errors)} 个错误，如：{errors[0].message}"))
    chosen = choose_year((report.year for _, report in loaded), year)
    of_year: list[tuple[Path, Report]] = []
    for path, report in loaded:
        if report.year != chosen:
            left_out.append((path, f"年度为 {report.year}，不是 {chosen}"))
        else:
            of_year.append((path, report))
    kept: set[Path] = set()
    choices = []
    for group in group_by_unit(of_year, lambda unit: unit[1].agency):
        path, report = newest(group, lambda unit: _date(unit[1]), lambda unit: unit[0])
        kept.add(path)
        for other, other_report in group:
            if other != path:
                reason = why_newest(path, _date(report), other, _date(other_report))
                left_out.append((other, f"与“{path.name}”是同一单位（{report.agency}），计入了后者：{reason}"))
                choices.append(f"“{report.agency}”有 {len(group)} 份，计入“{path.name}”（{reason}）")
    included = tuple((path, report) for path, report in loaded if path in kept)
    total = add_up((report for _, report in included), agency) if included else None
    return Rollup(total, chosen, included, tuple(left_out), tuple(dict.fromkeys(choices)))


def _date(report: Report) -> dt.date | None:
    date = report["date"]
    return date if isinstance(date, dt.date) else None


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
