"""Loading an input of any format and checking it: parse, rules, locations; returns values, not exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..formats.inputs import read_input
from ..formats.json_document import document_to_raw
from ..formats.sniff import InputFormat
from ..issues import CheckResult, Issue
from ..model import Report, totals
from . import rules, text_rules, text_sections
from .parse import Parsed, parse


@dataclass(frozen=True, slots=True)
class Checked:
    """An input read and checked: the report (totals as given) and the result of the checks."""

    report: Report
    result: CheckResult
    input_format: InputFormat
    previous: Report | None = None  # last year's report, when it was given


def check_parsed(parsed: Parsed, previous: Report | None = None) -> CheckResult:
    """Run every rule over a parsed input and attach workbook locations to the issues."""
    report, invalid = parsed.report, parsed.invalid
    this = totals(report.values)  # once per report: every rule reads the totals as given or from the parts
    last = totals(previous.values) if previous is not None else None
    found: list[Issue] = list(parsed.issues)
    found += rules.required_issues(report, invalid)
    found += rules.sum_issues(report.values, this.parts, invalid)
    found += rules.balance_issues(this.parts)
    found += rules.date_issues(report)
    found += rules.text_issues(report)
    found += rules.heading_issues(report)
    claims = list(text_rules.number_issues(report, this, last, _place_of(parsed)))
    found += claims
    if not claims:  # a number in the text already named against the zeros says the same, more precisely
        found += rules.empty_tables_issues(report)
    found += text_sections.fee_issues(report, this)
    if previous is not None and last is not None:
        found += rules.previous_issues(report, previous, this, last)
        found += text_sections.repeated_issues(report, previous)
    return CheckResult.of(_located(found, parsed))


def _place_of(parsed: Parsed) -> Callable[[str], str]:
    """Where a value sits in this input, for messages that cite the tables: a workbook cell, a place in a
    published report, or (JSON) its path — as an issue's own location is named."""

    def place(path: str) -> str:
        sheet, cell = parsed.locations.get(path, (None, None))
        if sheet and cell:
            return f"工作表“{sheet}”{cell}"
        return parsed.places.get(path) or path

    return place


def _located(found: Iterable[Issue], parsed: Parsed) -> Iterable[Issue]:
    for issue in found:
        if issue.sheet is None and issue.where is None and issue.path in parsed.places:
            yield replace(issue, where=parsed.places[issue.path])
        elif issue.sheet is None and issue.path in parsed.locations:
            sheet, cell = parsed.locations[issue.path]
            yield issue.located(sheet, cell)
        else:
            yield issue


def check_report(report: Report, previous: Report | None = None) -> CheckResult:
    """Check a report built in code (no input file, so no locations)."""
    return check_parsed(Parsed(report, (), frozenset(), {}), previous)


def load(path: Path, previous: Path | None = None) -> Checked:
    """Read and check an input file, and last year's report when given."""
    raw, input_format = read_input(path)
    last = read_report(previous) if previous else None
    parsed = parse(raw)
    return Checked(parsed.report, check_parsed(parsed, last), input_format, last)


def report_from_json(text: str) -> Report:
    """The report of a JSON document nianbao wrote (json_document.dumps): a report passed between processes."""
    return parse(document_to_raw(json.loads(text))).report


def read_report(path: Path) -> Report:
    """The report an input holds, read but not checked (last year's, a unit's for its name and date)."""
    return parse(read_input(path)[0]).report
