"""The report as frozen values: every schema field by path, the overview sub-sections and custom fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from . import schema
from .chinese import plain_number

Value = int | Decimal | str | dt.date | None
ExtraValue = str | int | float


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered sub-section of 一、总体情况."""

    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Report:
    """The data of one annual report (年报). Totals may be None: not given, to be computed."""

    values: Mapping[str, Value]
    overview: tuple[Section, ...] = ()
    extra: Mapping[str, ExtraValue] = field(default_factory=lambda: MappingProxyType({}))

    def __getitem__(self, path: str) -> Value:
        return self.values[path]

    @property
    def agency(self) -> str:
        """机关全称."""
        return str(self.values.get("agency") or "")

    @property
    def year(self) -> int | None:
        """报告年度."""
        year = self.values.get("year")
        return year if isinstance(year, int) else None


def make_report(
    values: Mapping[str, Value], overview: tuple[Section, ...] = (), extra: Mapping[str, ExtraValue] | None = None
) -> Report:
    """A report from values by path; fields not given are blank (counts 0, totals not given)."""
    full = {f.path: _blank(f.kind) for f in schema.FIELDS}
    full.update(values)
    return Report(MappingProxyType(full), tuple(overview), MappingProxyType(dict(extra or {})))


def texts(report: Report) -> Iterator[tuple[str, str]]:
    """(path, text) of every text of the report, in document order: the opening (when written), 一's
    sub-sections, 五, 六, then the custom fields that hold text. Callers leave out what their rule does not read."""
    opening = report.values.get("opening")
    if opening:
        yield "opening", str(opening)
    for index, section in enumerate(report.overview):
        yield schema.overview_path(index, "text"), section.text
    for path in ("problems", "other_matters"):
        yield path, str(report.values.get(path) or "")
    for key, value in report.extra.items():
        if isinstance(value, str):
            yield f"extra.{key}", value


def blank_report() -> Report:
    """The report of the blank workbook: nothing filled in, the five usual overview sub-sections."""
    return make_report({}, tuple(Section(title, "") for title in schema.DEFAULT_OVERVIEW_TITLES))


def with_values(report: Report, **updates: Value) -> Report:
    """The report with some values replaced."""
    return Report(MappingProxyType({**report.values, **updates}), report.overview, report.extra)


def _blank(kind: schema.Kind) -> Value:
    if kind is schema.Kind.COUNT:
        return 0
    if kind is schema.Kind.AMOUNT:
        return Decimal(0)
    if kind in (schema.Kind.LINE, schema.Kind.TEXT, schema.Kind.CHOICE):
        return ""
    return None


def counts(values: Mapping[str, Value], paths: Iterable[str]) -> list[int] | None:
    """The counts at `paths`, or None when any of them is not a whole number (blank total, bad cell)."""
    found = [values.get(path) for path in paths]
    whole = [value for value in found if isinstance(value, int)]
    return whole if len(whole) == len(found) else None


def complete_values(values: Mapping[str, Value]) -> dict[str, Value]:
    """The values with every total that was not given computed from its parts (None if a part is)."""
    done = dict(values)
    for rule in schema.SUM_RULES:
        if done.get(rule.total) is None:
            parts = counts(done, rule.parts)
            if parts is not None:
                done[rule.total] = sum(parts)
    return done


def from_parts(values: Mapping[str, Value]) -> dict[str, Value]:
    """The values with every total computed from the counts alone, whatever total was given."""
    return complete_values({path: None if path in schema.TOTAL_PATHS else value for path, value in values.items()})


@dataclass(frozen=True, slots=True)
class Totals:
    """A report's values both ways the checks need them: totals as given (omitted ones computed) and every
    total computed from its parts. Worked out once per check and passed to every rule."""

    given: Mapping[str, Value]
    parts: Mapping[str, Value]


def totals(values: Mapping[str, Value]) -> Totals:
    """The values with totals as given (`complete_values`) and with totals from the parts (`from_parts`)."""
    return Totals(MappingProxyType(complete_values(values)), MappingProxyType(from_parts(values)))


def with_totals(report: Report) -> Report:
    """The report with every omitted total computed."""
    return Report(MappingProxyType(complete_values(report.values)), report.overview, report.extra)


def json_value(value: Value) -> Any:
    """A value as it appears in the JSON document."""
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_document(report: Report) -> dict[str, Any]:
    """The contract's JSON document, totals filled, keys in the contract's order."""
    values = complete_values(report.values)
    document: dict[str, Any] = {"format": schema.FORMAT_VERSION}
    document.update(schema.nest((f.path, json_value(values[f.path])) for f in schema.FIELDS))
    document["overview"] = [{"title": s.title, "text": s.text} for s in report.overview]
    document["extra"] = dict(report.extra)
    return _reorder(document)


def _reorder(document: dict[str, Any]) -> dict[str, Any]:
    """Keys in the contract's order; the optional keys of the second version only where they hold a value,
    so that a document without them is exactly what the first version wrote."""
    return {
        key: document[key]
        for key in schema.TOP_LEVEL_KEYS
        if key not in schema.OPTIONAL_KEYS or document[key] not in ("", None)
    }
