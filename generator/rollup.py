"""Adding up the tables of many reports of one year: the county-wide figures, column by column."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from . import schema
from .model import Report, Value, complete_values, make_report


@dataclass(frozen=True, slots=True)
class Rollup:
    """The summed report, the inputs added up, and those left out with the reason."""

    report: Report
    included: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]


def add_up(reports: Iterable[Report], agency: str) -> Report:
    """One report whose every count and total is the sum over `reports` (fees too); texts empty."""
    reports = list(reports)
    values: dict[str, Value] = {"agency": agency}
    completed = [complete_values(report.values) for report in reports]
    for field in schema.FIELDS:
        if field.kind in (schema.Kind.COUNT, schema.Kind.TOTAL):
            values[field.path] = sum(_count(v[field.path]) for v in completed)
        elif field.kind is schema.Kind.AMOUNT:
            values[field.path] = sum((Decimal(v[field.path] or 0) for v in completed), Decimal(0))  # type: ignore[arg-type]
    years = {report.year for report in reports}
    values["year"] = years.pop() if len(years) == 1 else None
    dates = [report["date"] for report in reports if isinstance(report["date"], dt.date)]
    values["date"] = max(dates) if dates else None
    return make_report(values)


def _count(value: Value) -> int:
    return value if isinstance(value, int) else 0


def choose_year(years: Iterable[int | None], wanted: int | None) -> int | None:
    """The year to add up: the one asked for, else the most common one."""
    if wanted is not None:
        return wanted
    counts = Counter(year for year in years if year is not None)
    return counts.most_common(1)[0][0] if counts else None
