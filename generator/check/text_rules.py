"""The prose against the tables: numbers stated in the texts, 五 and 六, and (with --previous) 同比 and repetition.

A clear claim that no reading of the tables supports is an error (text-number-mismatch); a claim the
words narrow or blur (代表, 网上, 约, a count of people, 公开 for 制发) is at most a warning.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from .. import issues as it
from .. import schema
from ..chinese import num
from ..issues import Issue
from ..model import Report, Totals, Value, texts
from . import text_facts as tf
from .text_scan import Claim, claims

_QUOTE_BEFORE, _QUOTE_AFTER = 14, 8
_SENTENCE_END = "。！？!?\n"


def number_issues(
    report: Report, this: Totals, last: Totals | None = None, place: Callable[[str], str] | None = None
) -> Iterator[Issue]:
    """Every number in the texts that the tables contradict (with last year's `Totals` also 同比 and last year's
    figures). `place` says where a table value sits in the input (a workbook cell, a page of a report); by
    default the cell of the standard workbook."""
    tables = _Tables(report.year, this, last, place)
    requests = {
        schema.overview_path(i, "text") for i, section in enumerate(report.overview) if "依申请" in section.title
    }
    for path, text in texts(report):
        for claim in claims(text, tf.REQUESTS if path in requests else ""):
            issue = _judge(claim, text, path, tables)
            if issue is not None:
                yield issue


class _Tables:
    """The values a claim is checked against: this year's and last year's, totals as given and as computed."""

    def __init__(self, year: int | None, this: Totals, last: Totals | None, place: Callable[[str], str] | None) -> None:
        self.place = place
        self.year = year
        self.this = _both_ways(this)
        self.last = _both_ways(last) if last is not None else None

    def values_for(self, claim: Claim) -> tuple[tuple[Mapping[str, Value], ...] | None, str]:
        """The values of the year the claim speaks of, and how to name them; None when not known."""
        if claim.last_year or (claim.year is not None and self.year is not None and claim.year == self.year - 1):
            return self.last, "上年报告中"
        if claim.year is not None and self.year is not None and claim.year != self.year:
            return None, ""
        return self.this, "表中"


def _both_ways(totals: Totals) -> tuple[Mapping[str, Value], ...]:
    """The values with omitted totals computed, and (where they differ) with every total computed from its parts.

    A printed total that disagrees with its parts is an error of its own; the prose may follow either.
    """
    return (totals.given, totals.parts) if totals.parts != totals.given else (totals.given,)


def _judge(claim: Claim, text: str, path: str, tables: _Tables) -> Issue | None:
    if claim.change:
        return _judge_change(claim, text, path, tables)
    values, where = tables.values_for(claim)
    if values is None:
        return None
    per_part = [_part_options(domain, measure, claim.column) for domain, measure in claim.parts]
    if not claim.named:  # 行政诉讼4件，其中维持2件: 维持 counts within the 4, not within one group
        per_part = [
            [option for option in options if not option[2] or domain != tf.LITIGATION]
            for options, (domain, _) in zip(per_part, claim.parts, strict=True)
        ]
    if any(not options for options in per_part):
        return None
    sums = _sums(per_part)
    if not any(_known(claim, options, values) for options in (sums, *per_part)):
        return None
    if claim.applicants:
        known = _known(claim, sums, values)
        if not known or claim.stated <= max(known):
            return None
        why = "文中是申请人数，申请件数不应少于申请人数"
        return _uncertain(claim, text, path, sums, values[0], (where, tables.place), why)
    if _supported(claim, per_part, sums, values):
        return None
    shown = sums if claim.combine != "each" or len(per_part) == 1 else _first_unsupported(claim, per_part, values)
    why = _why(claim)
    if why:
        return _uncertain(claim, text, path, shown, values[0], (where, tables.place), why)
    return it.TEXT_NUMBER_MISMATCH.at(
        path,
        quote=quote(text, claim.start, claim.end),
        stated=_stated(text, claim),
        expected=_expected(shown, values[0], where, tables.place),
    )


Option = tuple[str, tuple[str, ...], bool]  # label, paths (summed), loose


def _part_options(domain: str, measure: str, column: str) -> list[Option]:
    return [(fact.label, fact.paths, fact.loose) for fact in tf.readings(domain, measure, column)]


def _sums(per_part: list[list[Option]]) -> list[Option]:
    """One option per combination of readings: the parts of a listed claim (予以公开和部分公开共 59 件) added up."""
    if len(per_part) == 1:
        return per_part[0]
    return [
        (
            "与".join(label for label, _, _ in combo) + "之和",
            tuple(p for _, paths, _ in combo for p in paths),
            any(loose for _, _, loose in combo),
        )
        for combo in itertools.product(*per_part)
    ]


def _known(claim: Claim, options: list[Option], tables: tuple[Mapping[str, Value], ...]) -> list[int | Decimal]:
    """The table values of the options that may excuse this claim (loose readings only a nonzero one)."""
    return [value for _, paths, loose in options if not loose or claim.stated != 0 for value in _values(paths, tables)]


def _supported(
    claim: Claim, per_part: list[list[Option]], sums: list[Option], tables: tuple[Mapping[str, Value], ...]
) -> bool:
    """A reading agrees: the sum of the listed parts (共), each part alone (均), or either when the words do not say."""
    if claim.combine not in ("each", "respectively") and any(
        _agrees(claim, value) for value in _known(claim, sums, tables)
    ):
        return True
    if len(per_part) > 1 and claim.combine == "respectively":
        return any(any(_agrees(claim, value) for value in _known(claim, options, tables)) for options in per_part)
    if len(per_part) > 1 and claim.combine != "sum":
        return all(any(_agrees(claim, value) for value in _known(claim, options, tables)) for options in per_part)
    return False


def _first_unsupported(
    claim: Claim, per_part: list[list[Option]], tables: tuple[Mapping[str, Value], ...]
) -> list[Option]:
    for options in per_part:
        if not any(_agrees(claim, value) for value in _known(claim, options, tables)):
            return options
    return per_part[0]


def _values(paths: tuple[str, ...], tables: tuple[Mapping[str, Value], ...]) -> list[int | Decimal]:
    found = [tf.fact_value(tf.Fact("", paths), values) for values in tables]
    return [value for value in dict.fromkeys(found) if value is not None]


def _agrees(claim: Claim, value: int | Decimal) -> bool:
    """Does the table value support the stated number, given the claim's unit and any approximation?"""
    stated = claim.stated
    actual = Decimal(value) / tf.MONEY_FACTORS[claim.unit] if claim.unit in tf.MONEY_FACTORS else Decimal(value)
    if claim.approx == "above":
        return stated <= actual < stated + _magnitude(stated)
    if claim.approx == "about":
        return abs(actual - stated) <= max(stated / 10, Decimal(1))
    if claim.approx == "below":
        return actual < stated
    return _rounded_to(actual, stated)


def _rounded_to(actual: Decimal, stated: Decimal) -> bool:
    """24252.311082 万元 written 24252.31 or 24252, 2.4252 亿元 written 2.4: rounded or cut to the places written."""
    exponent = stated.as_tuple().exponent
    places = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    try:
        return stated in (actual.quantize(places, ROUND_HALF_UP), actual.quantize(places, ROUND_DOWN))
    except InvalidOperation:  # more digits than a Decimal holds: not the number written
        return False


def _magnitude(number: Decimal) -> Decimal:
    """10 for 30, 100 for 5500, 1000 for 3000: the step an approximate number is rounded to."""
    whole = int(number)
    zeros = len(str(whole)) - len(str(whole).rstrip("0")) if whole else 0
    return Decimal(10) ** max(zeros, 1)


_MEASURE_REASONS = {
    "published": "文中说的是公开或发布的件数，表中是本年制发件数和现行有效件数",
    "applied": "文中说的是受理或申请的件数，表中是本年处理决定数量",
}


def _why(claim: Claim) -> str:
    if claim.approx:
        return "文中是约数"
    if claim.qualified in _MEASURE_REASONS:
        return _MEASURE_REASONS[claim.qualified]
    if claim.qualified:
        return f"文中有“{claim.qualified}”，说的可能只是其中一部分"
    return ""


def _uncertain(
    claim: Claim,
    text: str,
    path: str,
    options: list[Option],
    values: Mapping[str, Value],
    where: tuple[str, Callable[[str], str] | None],
    why: str,
) -> Issue:
    return it.TEXT_NUMBER_UNCERTAIN.at(
        path,
        quote=quote(text, claim.start, claim.end),
        stated=_stated(text, claim),
        expected=_expected(options, values, *where),
        why=why,
    )


def _expected(
    options: list[Option], values: Mapping[str, Value], where: str, place: Callable[[str], str] | None = None
) -> str:
    """表中本年新收为 95（工作表“三、依申请公开”J6）: the strict readings, each with its cells."""
    shown = [option for option in options if not option[2]] or options
    parts: list[str] = []
    seen: set[int | Decimal | None] = set()
    for label, paths, _ in shown:
        value = tf.fact_value(tf.Fact(label, paths), values)
        if value in seen or len(parts) == 2:
            continue
        seen.add(value)
        parts.append(f"{label}为 {num(value)}（{tf.cells(paths, place)}）")
    return where + "，".join(parts)


def _stated(text: str, claim: Claim) -> str:
    return re.sub(r"\s+", "", text[claim.start : claim.end])


def quote(text: str, start: int, end: int) -> str:
    """The words around a number, at most ~30 characters, within its sentence; … where cut."""
    left_edge = max(0, start - _QUOTE_BEFORE)
    before = text[left_edge:start]
    cut = max((before.rfind(mark) for mark in _SENTENCE_END), default=-1)
    if cut >= 0:
        before, left_edge = before[cut + 1 :], left_edge + cut + 1
    after = text[end : end + _QUOTE_AFTER]
    stops = [after.find(mark) for mark in _SENTENCE_END if mark in after]
    if stops:
        after = after[: min(stops) + 1]
    head = "…" if left_edge > 0 and text[left_edge - 1] not in _SENTENCE_END else ""
    before = before.lstrip("，、；：,;: ") if head else before
    tail = "…" if end + len(after) < len(text) and not (after and after[-1] in _SENTENCE_END) else ""
    return (head + before + text[start:end] + after + tail).replace("\n", "").strip()


# --- against last year: 同比 -----------------------------------------------------------------
def _judge_change(claim: Claim, text: str, path: str, tables: _Tables) -> Issue | None:
    """同比增长 20%, 比上年减少 3 件: checked when last year's report is given."""
    if tables.last is None or len(claim.parts) != 1 or claim.unit == "个百分点":
        return None
    domain, measure = claim.parts[0]
    facts = [fact for fact in tf.readings(domain, measure, claim.column) if not fact.loose]
    computed: list[tuple[tf.Fact, int | Decimal, int | Decimal]] = []
    for fact in facts:
        now = tf.fact_value(fact, tables.this[0])
        before = tf.fact_value(fact, tables.last[0])
        if now is None or before is None or (claim.unit == "%" and before == 0):
            continue
        computed.append((fact, now, before))
        if _change_agrees(claim, Decimal(now), Decimal(before)):
            return None
    if not computed:
        return None
    fact, now, before = computed[0]
    change = Decimal(now) - Decimal(before)
    if claim.unit == "%":
        described = f"{'增长' if change >= 0 else '下降'} {num(round(abs(change) / Decimal(before) * 100, 1))}%"
    else:
        described = f"{'增加' if change >= 0 else '减少'} {num(abs(change))} 件"
    expected = f"按{fact.label}本年 {num(now)}（{tf.cells(fact.paths, tables.place)}）、上年报告 {num(before)} 计算为{described}"
    issue_type = it.TEXT_NUMBER_UNCERTAIN if claim.qualified or claim.approx else it.TEXT_NUMBER_MISMATCH
    facts_text = {"quote": quote(text, claim.start, claim.end), "stated": _stated(text, claim), "expected": expected}
    if issue_type is it.TEXT_NUMBER_UNCERTAIN:
        facts_text["why"] = _why(claim) or "文中说明了范围"
    return issue_type.at(path, **facts_text)


def _change_agrees(claim: Claim, now: Decimal, before: Decimal) -> bool:
    signed = claim.stated * claim.change
    if claim.unit == "%":
        percent = (now - before) / before * 100
        exponent = claim.stated.as_tuple().exponent
        tolerance = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
        return abs(percent - signed) < tolerance
    return now - before == signed
