"""From raw cell or JSON values to a Report: coercion per Kind, blanks, and the issues found on the way."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from .. import issues as it
from .. import schema
from ..formats.raw import Raw, RawInput
from ..formats.xlsx import CellError
from ..issues import Issue
from ..model import ExtraValue, Report, Section, Value
from ..numtext import is_number_text, normal_number_text, normalised_away

# XML 1.0 cannot hold these; Word would refuse the document.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# a title typed with the number the template adds anyway: （二） (二) 二、 2. 2、 （2）
TITLE_NUMBER = re.compile(
    r"\s*(?:[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．)）]|[（(]\d{1,2}[）)])\s*"
)
_INTEGER = re.compile(r"[+-]?\d+(?:\.0*)?")
_DATE_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
)


@dataclass(frozen=True, slots=True)
class Parsed:
    """The report read from an input, the issues found while reading, and where each path is."""

    report: Report
    issues: tuple[Issue, ...]
    invalid: frozenset[str]
    locations: Mapping[str, tuple[str | None, str | None]]
    places: Mapping[str, str] = dataclasses.field(default_factory=dict)  # published reports: path → place


COUNT_KINDS = (schema.Kind.COUNT, schema.Kind.TOTAL)


class Problem(Exception):
    """A raw value that cannot be coerced: which issue type and the facts for its message."""

    def __init__(self, issue_type: it.IssueType, **facts: Any) -> None:
        super().__init__(issue_type.code)
        self.issue_type = issue_type
        self.facts = facts


MAX_COUNT = 10**9  # no office receives a billion of anything; bigger is a slip (or an attack on the renderer)
MAX_AMOUNT = Decimal(10) ** 12  # 万元
FEE_PLACES = 6  # real reports print up to 6 decimal places of 万元


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def coerce_count(value: object, *, total: bool = False) -> int | None:
    """A whole number >= 0; blank is 0 (None for a total: not given)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None if total else 0
    if isinstance(value, CellError):
        raise Problem(it.CELL_ERROR, found=value)
    if isinstance(value, bool):
        raise Problem(it.NOT_INTEGER, found=_shown(value))
    number: object = value
    if isinstance(value, str):
        text = normal_number_text(value)
        if not _INTEGER.fullmatch(text):
            raise Problem(it.NOT_INTEGER, found=value)
        number = int(Decimal(text))
    if isinstance(number, (float, Decimal)):
        if not Decimal(str(number)).is_finite() or number != int(number):
            raise Problem(it.NOT_INTEGER, found=_shown(value))
        number = int(number)
    if not isinstance(number, int):
        raise Problem(it.NOT_INTEGER, found=_shown(value))
    if number < 0:
        raise Problem(it.NEGATIVE, found=number)
    if number > MAX_COUNT:
        raise Problem(it.OUT_OF_RANGE, found=_shown(value)[:30], limit=MAX_COUNT)
    return number


def coerce_amount(value: object) -> Decimal:
    """A decimal >= 0 in 万元, exactly as entered; blank is 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal(0)
    if isinstance(value, bool):
        raise Problem(it.BAD_AMOUNT, found=_shown(value))
    try:
        if isinstance(value, float):
            amount = Decimal(repr(value))
        elif isinstance(value, (int, Decimal)):
            amount = Decimal(value)
        elif isinstance(value, str):
            amount = Decimal(normal_number_text(value))
        else:
            raise Problem(it.BAD_AMOUNT, found=_shown(value))
    except InvalidOperation as exc:
        raise Problem(it.BAD_AMOUNT, found=value) from exc
    if not amount.is_finite():
        raise Problem(it.BAD_AMOUNT, found=_shown(value)[:30])
    if amount < 0:
        raise Problem(it.NEGATIVE, found=_shown(value))
    if amount > MAX_AMOUNT:
        raise Problem(it.OUT_OF_RANGE, found=_shown(value)[:30], limit=MAX_AMOUNT)
    if -amount.as_tuple().exponent > FEE_PLACES:  # type: ignore[operator]  # finite: the exponent is an int
        raise Problem(it.TOO_PRECISE, found=_shown(value)[:30], places=FEE_PLACES)
    return amount


def coerce_date(value: object) -> dt.date | None:
    """A date from a date cell, 2022-01-25, 2022/1/25 or 2022年1月25日; blank is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        for pattern in _DATE_PATTERNS:
            match = pattern.fullmatch(text)
            if match:
                try:
                    return dt.date(*(int(group) for group in match.groups()))
                except ValueError:
                    break
    raise Problem(it.BAD_DATE, found=_shown(value))


def coerce_year(value: object) -> int | None:
    """A year such as 2021 (also "2021年"); blank is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        text = normal_number_text(value).removesuffix("年") if isinstance(value, str) else value
        year = coerce_count(text)
    except Problem as exc:
        raise Problem(it.BAD_YEAR, found=_shown(value)) from exc
    if year is None or not 2000 <= year <= 2100:
        raise Problem(it.BAD_YEAR, found=_shown(value))
    return year


def coerce_text(value: object) -> str:
    """Text as typed, outer white space trimmed and line ends as \\n; numbers become text."""
    if value is None:
        return ""
    if isinstance(value, CellError):
        raise Problem(it.CELL_ERROR, found=value)
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise Problem(it.BAD_TEXT, found=type(value).__name__)
    text = _shown(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    bad = ILLEGAL_XML.search(text)
    if bad:
        raise Problem(it.ILLEGAL_CHARACTER, found=f"U+{ord(bad.group()):04X}", position=bad.start() + 1)
    return text


def coerce_choice(value: object, choices: tuple[str, ...]) -> str:
    """One of `choices` (spaces and full-width forms ignored); blank is ""."""
    text = coerce_text(value)
    if not text:
        return ""
    squeezed = "".join(unicodedata.normalize("NFKC", text).split())
    for choice in choices:
        if squeezed == "".join(unicodedata.normalize("NFKC", choice).split()):
            return choice
    raise Problem(it.BAD_CHOICE, found=text, choices="、".join(choices))


def coerce(kind: schema.Kind, value: object, choices: tuple[str, ...] = ()) -> Value:
    """Coerce a raw value to the Python value of a field of this kind; raises Problem."""
    if kind is schema.Kind.COUNT:
        return coerce_count(value)
    if kind is schema.Kind.TOTAL:
        return coerce_count(value, total=True)
    if kind is schema.Kind.AMOUNT:
        return coerce_amount(value)
    if kind is schema.Kind.DATE:
        return coerce_date(value)
    if kind is schema.Kind.YEAR:
        return coerce_year(value)
    if kind is schema.Kind.CHOICE:
        return coerce_choice(value, choices)
    return coerce_text(value)


def _issue(problem: Problem, path: str, raw: Raw) -> Issue:
    issue = problem.issue_type.at(path, **problem.facts).located(raw.sheet, raw.cell)
    return replace(issue, where=raw.where) if raw.where else issue


def parse(raw: RawInput) -> Parsed:
    """Coerce every raw value; a value that fails becomes an issue and None, never an exception."""
    found: list[Issue] = list(raw.issues)
    values: dict[str, Value] = {}
    invalid: set[str] = set(raw.skipped)
    locations: dict[str, tuple[str | None, str | None]] = {}
    for field in schema.FIELDS:
        item = raw.values.get(field.path, Raw(None))
        locations[field.path] = (item.sheet, item.cell)
        if field.path in raw.skipped:
            values[field.path] = None
            continue
        if field.kind in COUNT_KINDS and item.sheet is not None and is_number_text(item.value):
            # a spreadsheet's SUM skips a number stored as text: the totals beside it are wrong without showing it
            found.append(
                it.NUMBER_AS_TEXT.at(field.path, found=str(item.value).strip()[:30]).located(item.sheet, item.cell)
            )
            values[field.path] = None
            invalid.add(field.path)
            continue
        try:
            values[field.path] = coerce(field.kind, item.value, field.choices)
        except Problem as problem:
            found.append(_issue(problem, field.path, item))
            values[field.path] = None
            invalid.add(field.path)
            continue
        dropped = normalised_away(item.value)
        if dropped and field.kind in COUNT_KINDS:
            warning = it.NUMBER_NORMALISED.at(field.path, found=item.value, value=values[field.path], dropped=dropped)
            found.append(warning.located(item.sheet, item.cell))
    overview = _parse_overview(raw.overview, found, locations)
    extra = _parse_extra(raw.extra, found, locations)
    report = Report(MappingProxyType(values), overview, MappingProxyType(extra))
    places = {path: item.where for path, item in raw.values.items() if item.where}
    for index, pair in enumerate(raw.overview):
        places.update(
            {
                schema.overview_path(index, part): i.where
                for part, i in zip(("title", "text"), pair, strict=True)
                if i.where
            }
        )
    return Parsed(report, tuple(found), frozenset(invalid), MappingProxyType(locations), MappingProxyType(places))


def _parse_overview(
    rows: tuple[tuple[Raw, Raw], ...], found: list[Issue], locations: dict[str, tuple[str | None, str | None]]
) -> tuple[Section, ...]:
    sections: list[Section] = []
    for index, (title_raw, text_raw) in enumerate(rows):
        parts: list[str] = []
        for part, item in (("title", title_raw), ("text", text_raw)):
            path = schema.overview_path(index, part)
            locations[path] = (item.sheet, item.cell)
            try:
                parts.append(coerce_text(item.value))
            except Problem as problem:
                found.append(_issue(problem, path, item))
                parts.append("")
        title, text = parts
        number = TITLE_NUMBER.match(title)
        if number:
            title = title[number.end() :].strip()
            issue = it.TITLE_NUMBERED.at(schema.overview_path(index, "title"), found=number.group().strip())
            found.append(issue.located(title_raw.sheet, title_raw.cell))
        sections.append(Section(title, text))
    return tuple(sections)


def _parse_extra(
    rows: tuple[tuple[Raw, Raw], ...], found: list[Issue], locations: dict[str, tuple[str | None, str | None]]
) -> dict[str, ExtraValue]:
    extra: dict[str, ExtraValue] = {}
    first_seen: dict[str, str | None] = {}
    for key_raw, value_raw in rows:
        key = key_raw.value.strip() if isinstance(key_raw.value, str) else _shown(key_raw.value or "")
        path = f"extra.{key}"
        if not key:
            found.append(it.BAD_KEY.at(path, label="自定义字段").located(key_raw.sheet, key_raw.cell))
            continue
        if key in extra:
            first = first_seen[key]
            found.append(it.DUPLICATE_KEY.at(path, key=key, first=first).located(key_raw.sheet, key_raw.cell))
            continue
        locations[path] = (value_raw.sheet, value_raw.cell)
        first_seen[key] = key_raw.cell[1:] if key_raw.cell else path
        value = value_raw.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            extra[key] = int(value) if float(value).is_integer() else value
            continue
        try:
            extra[key] = coerce_text(value)
        except Problem as problem:
            found.append(_issue(problem, path, value_raw))
    return extra
