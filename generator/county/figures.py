"""A unit's key figures for the county's summary, the change against last year, and the deadline it met."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..check.rules import deadline
from ..model import Report, Value, complete_values

Figure = int | Decimal | None


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """A column of the summary: its heading and the values it adds up (paths of the JSON document)."""

    heading: str
    paths: tuple[str, ...]


KEY_FIGURES = (
    KeyFigure("主动公开制发", ("proactive.rules.issued", "proactive.normative_documents.issued")),
    KeyFigure("现行有效", ("proactive.rules.in_force", "proactive.normative_documents.in_force")),
    KeyFigure("新收申请", ("requests.new.total",)),
    KeyFigure("办结", ("requests.total.total",)),
    KeyFigure("结转下年", ("requests.carried_forward.total",)),
    KeyFigure("行政复议", ("appeals.review.total",)),
    KeyFigure("行政诉讼", ("appeals.litigation_direct.total", "appeals.litigation_after_review.total")),
    KeyFigure("收费（万元）", ("proactive.fees",)),
)
HIGH, LOW = Decimal(5), Decimal("0.2")  # the change a third-party checker flags: beyond ×5 or below ×0.2


def key_figures(report: Report) -> tuple[Figure, ...]:
    """The key figures of a report, in KEY_FIGURES order; None where a value could not be read."""
    values = complete_values(report.values)
    return tuple(_sum(values, figure.paths) for figure in KEY_FIGURES)


def _sum(values: Mapping[str, Value], paths: tuple[str, ...]) -> Figure:
    found = [values.get(path) for path in paths]
    if any(isinstance(value, bool) or not isinstance(value, int | Decimal) for value in found):
        return None
    numbers: list[int | Decimal] = [value for value in found if isinstance(value, int | Decimal)]
    return sum(numbers[1:], numbers[0]) if numbers else None


def change(now: Figure, before: Figure) -> float | None:
    """The change against last year as a fraction (0.25 = +25%); None when last year's figure is 0 or unknown."""
    if now is None or before is None or before == 0:
        return None
    return float((Decimal(now) - Decimal(before)) / Decimal(before))


def unusual(now: Figure, before: Figure) -> bool:
    """A change beyond ×5 or below ×0.2 of last year's figure (not when last year's was 0)."""
    if now is None or before is None or before == 0:
        return False
    ratio = Decimal(now) / Decimal(before)
    return ratio > HIGH or ratio < LOW


def unusual_changes(now: tuple[Figure, ...], before: tuple[Figure, ...]) -> tuple[str, ...]:
    """The key figures that changed beyond ×5 or below ×0.2, each as 新收申请 3→20（×6.7）."""
    return tuple(
        f"{figure.heading} {before_value}→{now_value}（×{Decimal(now_value) / Decimal(before_value):.2g}）"
        for figure, now_value, before_value in zip(KEY_FIGURES, now, before, strict=True)
        if now_value is not None and before_value is not None and unusual(now_value, before_value)
    )


def is_late(report: Report, agency_type: str = "") -> bool | None:
    """Whether the 成文日期 is after the legal deadline for the unit's type (None: no date or year)."""
    date, year = report["date"], report.year
    if not isinstance(date, dt.date) or year is None:
        return None
    limit, _ = deadline(report.agency, agency_type, year)
    return date > limit
