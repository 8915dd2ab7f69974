"""Property tests: random valid reports round-trip through JSON and the workbook and pass check."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import normal, valid_reports

from generator import schema
from generator.check.load import check_report, load
from generator.formats.json_document import dumps
from generator.formats.workbook_writer import write_workbook
from generator.model import Report, with_values

SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextlib.contextmanager
def scratch(name: str) -> Iterator[Path]:
    """A file path in a folder that is removed after the example: hypothesis runs many per test."""
    with tempfile.TemporaryDirectory(prefix="nianbao-prop-") as folder:
        yield Path(folder) / name


@given(valid_reports())
@settings(max_examples=60, deadline=None)
def test_json_round_trip_is_identity_and_passes(report: Report) -> None:
    with scratch("r.json") as path:
        path.write_text(dumps(report), encoding="utf-8")
        checked = load(path)
        assert checked.result.ok, checked.result.flatten("code", "path")
        assert normal(checked.report) == normal(report)
        assert json.loads(dumps(checked.report)) == json.loads(dumps(report))


@given(valid_reports())
@SLOW
def test_workbook_round_trip_is_identity_and_passes(report: Report) -> None:
    with scratch("r.xlsx") as path:
        write_workbook(path, report)
        checked = load(path)
        assert checked.result.ok, checked.result.flatten("code", "path")
        assert normal(checked.report) == normal(report)


def _affected(path: str) -> set[str]:
    """The paths whose checks may fire when the value at `path` changes."""
    near = {path}
    grown = True
    while grown:  # every total that holds the value, directly or through another total
        before = len(near)
        near |= {rule.total for rule in schema.SUM_RULES if near & {rule.total, *rule.parts}}
        grown = len(near) > before
    # the 勾稽关系 runs on totals computed from the counts: a count of a row it uses moves its column and 总计
    for rule in schema.BALANCE_RULES:
        if near & {*rule.left, *rule.right, *_column_parts(rule)}:
            near.add(rule.right[0])
    return near


def _column_parts(rule: schema.BalanceRule) -> set[str]:
    total = next(r for r in schema.SUM_RULES if r.total == rule.right[0] and r.code == "requests-total")
    return set(total.parts)


# Fields that take part in a sum or in the 勾稽关系 (the others have no arithmetic to break).
NUMERIC = sorted(
    {p for rule in schema.SUM_RULES for p in (rule.total, *rule.parts)}
    | {p for rule in schema.BALANCE_RULES for p in rule.left + rule.right},
    key=schema.FIELD_INDEX.__getitem__,
)


@given(valid_reports(give_totals=True), st.sampled_from(NUMERIC), st.integers(1, 5))
@settings(max_examples=200, deadline=None)
def test_single_change_is_reported_at_that_cell_or_the_sums_it_breaks(report: Report, path: str, delta: int) -> None:
    changed = with_values(report, **{path: report[path] + delta})  # type: ignore[operator]
    result = check_report(changed)
    assert not result.ok
    assert {issue.path for issue in result.errors} <= _affected(path)


@given(valid_reports(give_totals=True), st.sampled_from(NUMERIC), st.integers(1, 5))
@SLOW
def test_single_cell_change_in_workbook_names_that_cell_or_its_sums(report: Report, path: str, delta: int) -> None:
    """The workbook's totals are live formulas: a changed count moves them along, so only a change that breaks
    the 勾稽关系 (a count of 三's rows) or one typed over a total is an error — named at that cell or its sums."""
    with scratch("r.xlsx") as file:
        write_workbook(file, report)
        field = schema.BY_PATH[path]
        book = openpyxl.load_workbook(file)
        book[field.sheet][field.cell] = report[path] + delta  # type: ignore[operator]
        book.save(file)
        result = load(file).result
        cells = {schema.BY_PATH[p].cell for p in _affected(path)}
        if path in schema.TOTAL_PATHS or path.startswith("requests."):
            assert not result.ok
        assert {(issue.sheet, issue.cell) for issue in result.errors} <= {(field.sheet, c) for c in cells}
