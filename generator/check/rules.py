"""The checks of format.md as pure functions over a Report; they speak in JSON paths, never in cells."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping

from .. import issues as it
from .. import schema
from ..chinese import cn_date
from ..issues import Issue
from ..model import Report, Totals, Value, counts, texts

_SUM_TYPES = {"row-total": it.ROW_TOTAL, "requests-total": it.REQUESTS_TOTAL, "appeals-total": it.APPEALS_TOTAL}


def _part_label(rule: schema.SumRule, path: str) -> str:
    label = schema.BY_PATH[path].short_label
    row, _, column = label.rpartition("·")
    return column if rule.code in ("row-total", "appeals-total") else row


def describe_parts(rule: schema.SumRule, values: Mapping[str, Value]) -> str:
    """The non-zero parts of a sum with their labels, so a clerk finds the wrong cell unaided."""
    shown = [f"{_part_label(rule, part)} {values[part]}" for part in rule.parts if values[part]]
    if not shown:
        return "各项均为 0"
    rest = "，其余各项为 0" if len(shown) < len(rule.parts) else ""
    return " + ".join(shown) + rest


def sum_issues(
    given: Mapping[str, Value], values: Mapping[str, Value], invalid: frozenset[str] = frozenset()
) -> Iterator[Issue]:
    """R2, R3 and 四's totals: every given total equals the sum of its parts (skipped if a part is bad).

    The parts are taken as computed from the counts (`values`: `Totals.parts`), never as given: one wrong total
    is one error, at itself, not a second one at the total it is part of."""
    reported: set[str] = set()  # J29 is both a row total and a column sum: one error for it
    for rule in schema.SUM_RULES:
        found = given.get(rule.total)
        if found is None or rule.total in invalid or rule.total in reported:
            continue
        parts = counts(values, rule.parts)
        if parts is None:
            continue
        expected = sum(parts)
        if found != expected:
            reported.add(rule.total)
            yield _SUM_TYPES[rule.code].at(
                rule.total, found=found, expected=expected, parts=describe_parts(rule, values)
            )


def balance_issues(values: Mapping[str, Value]) -> Iterator[Issue]:
    """R1, the 勾稽关系: per column, 一 + 二 = 三(七)总计 + 四, on totals computed from the counts (`Totals.parts`:
    a wrong total given is its own sum error, not also a balance error)."""
    for rule in schema.BALANCE_RULES:
        numbers = counts(values, (*rule.left, *rule.right))
        if numbers is None:
            continue
        new, carried_over, total, carried_forward = numbers
        left, right = new + carried_over, total + carried_forward
        if left != right:
            label = f"三、收到和处理申请 勾稽关系·{schema.column_label(rule.column)}"
            yield it.REQUESTS_BALANCE.at(
                rule.right[0],
                label=label,
                new=new,
                carried_over=carried_over,
                left=left,
                total=total,
                carried_forward=carried_forward,
                right=right,
            )


def required_issues(report: Report, invalid: frozenset[str]) -> Iterator[Issue]:
    """机关全称, 报告年度 and 成文日期 are present."""
    for field in schema.FIELDS:
        if field.required and field.path not in invalid and report[field.path] in (None, ""):
            yield it.REQUIRED.at(field.path)


TOWNSHIP, GOVERNMENT, DEPARTMENT, OTHER_BODY = schema.AGENCY_TYPES
_TOWNSHIP_NAME = re.compile(r"(乡|镇|苏木|街道)(人民政府|政府)$|街道办事处$|街道办$")
_GOVERNMENT_NAME = re.compile(r"(人民政府|政府)$")


def guess_agency_type(agency: str) -> str:
    """机关类型 from the name: …乡/镇/街道 人民政府 or 街道办事处 → township level; other 人民政府 → county level
    or higher; anything else → a department."""
    name = "".join(agency.split())
    if _TOWNSHIP_NAME.search(name):
        return TOWNSHIP
    if _GOVERNMENT_NAME.search(name):
        return GOVERNMENT
    return DEPARTMENT


def deadline(agency: str, agency_type: str, year: int) -> tuple[dt.date, str]:
    """The publication deadline and the rule that set it: county-level and higher 人民政府 by 31 March
    (条例第四十九条); departments and, in most provinces, 乡镇/街道 by 31 January."""
    chosen = agency_type or guess_agency_type(agency)
    limit = dt.date(year + 1, 3, 31) if chosen == GOVERNMENT else dt.date(year + 1, 1, 31)
    if agency_type:
        basis = f"机关类型为“{chosen}”，应在次年 {limit.month} 月 {limit.day} 日前公布"
    else:
        basis = (
            f"未填机关类型，按名称推断为“{chosen}”，应在次年 {limit.month} 月 {limit.day} 日前公布；"
            "推断不对时请在“基本信息”中选择机关类型"
        )
    return limit, basis


def date_issues(report: Report) -> Iterator[Issue]:
    """成文日期 falls after the year's end (error) and not after the legal deadline (warning)."""
    date, year = report["date"], report.year
    if not isinstance(date, dt.date) or year is None:
        return
    shown = cn_date(date)
    if date <= dt.date(year, 12, 31):
        yield it.DATE_BEFORE_YEAR_END.at("date", found=shown, year=year)
        return
    agency_type = report["agency_type"]
    limit, basis = deadline(report.agency, agency_type if isinstance(agency_type, str) else "", year)
    if date > limit:
        yield it.DATE_LATE.at("date", found=shown, deadline=cn_date(limit), basis=basis)


def text_issues(report: Report) -> Iterator[Issue]:
    """A section of text left empty is worth a warning; an empty 五 is an error (the format requires it)."""
    if not any(section.text for section in report.overview):
        yield it.TEXT_EMPTY.at("overview", label=schema.HEADINGS[0], hint="")
    for index, section in enumerate(report.overview):
        if section.title and not section.text:
            yield it.TEXT_EMPTY.at(schema.overview_path(index, "text"), hint=f"（小节“{section.title}”）")
    problems = str(report["problems"] or "")
    if says_nothing(problems):
        yield it.PROBLEMS_EMPTY.at("problems", hint=f"（只写了“{problems.strip()}”）" if problems.strip() else "")
    if report["other_matters"] == "":
        yield it.TEXT_EMPTY.at("other_matters", hint="；没有其他事项时可写“无”")


def says_nothing(text: str) -> bool:
    """Blank, or only 无 / 暂无 / 没有: 五 must name problems and improvements, so this is empty too."""
    return re.sub(r"[\s。\uff0e.、，,；;！!]", "", text) in ("", "无", "暂无", "没有", "无。")


_HEADING1 = re.compile(r"[一二三四五六七八九十]{1,2}、")


def heading_line(text: str) -> int | None:
    """The number (from 1, blank lines not counted) of the first line that starts like a level-1 heading."""
    for number, line in enumerate((line.strip() for line in text.split("\n") if line.strip()), start=1):
        if _HEADING1.match(line):
            return number
    return None


def heading_issues(report: Report) -> Iterator[Issue]:
    """A line inside a text that starts like a level-1 heading (三、…): the template gives those. Custom fields
    are left out: a custom template places them where it likes, a heading among them is its business."""
    for path, text in texts(report):
        if path.startswith("extra."):
            continue
        number = heading_line(text)
        if number is not None:
            line = [line.strip() for line in text.split("\n") if line.strip()][number - 1]
            yield it.TEXT_HEADING1.at(path, line=number, found=line[:12])


_FIGURE_IN_TEXT = re.compile(
    r"(申请|复议|诉讼|许可|处罚|强制|规章|规范性文件)[^。；;\n]{0,14}?([1-9]\d*|[一二两三四五六七八九十百千]+)\s*(件|个|次|项|份|宗|起|人|名)"
)


def empty_tables_issues(report: Report) -> Iterator[Issue]:
    """Tables 二, 三 and 四 all zero while a text states a number of applications or decisions."""
    numbers = [report[field.path] for field in schema.FIELDS if field.kind is schema.Kind.COUNT]
    if any(numbers) or any(value is None for value in numbers):
        return
    for path, text in texts(report):
        match = _FIGURE_IN_TEXT.search(text)
        if match:
            yield it.TABLES_EMPTY.at(path, found=match.group()[:30])
            return


def previous_issues(report: Report, previous: Report, totals: Totals, last_totals: Totals) -> Iterator[Issue]:
    """Against last year's report: 上年结转 (error) and 现行有效件数 continuity (warning)."""
    if report.year is not None and previous.year is not None and previous.year != report.year - 1:
        yield it.PREVIOUS_YEAR.at("year", label="上年报告", found=previous.year, expected=report.year - 1)
    this, last = totals.given, last_totals.given
    for column, _ in schema.APPLICANT_COLUMNS:
        found, expected = this[f"requests.carried_over.{column}"], last[f"requests.carried_forward.{column}"]
        if isinstance(found, int) and isinstance(expected, int) and found != expected:
            yield it.CARRIED_OVER_MISMATCH.at(f"requests.carried_over.{column}", found=found, expected=expected)
    for key, _ in schema.DOC_ROWS:
        base = f"proactive.{key}."
        numbers = counts(this, (base + "in_force", base + "issued", base + "repealed"))
        before = last[base + "in_force"]
        if numbers is None or not isinstance(before, int):
            continue
        in_force, issued, repealed = numbers
        expected = before + issued - repealed
        if in_force != expected:
            yield it.IN_FORCE_DRIFT.at(
                base + "in_force", found=in_force, previous=before, issued=issued, repealed=repealed, expected=expected
            )
