"""Every rule of format.md on a minimal report: codes and paths (table-driven)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from builders import valid_report

from generator.check.load import check_report
from generator.model import Report, with_totals


def codes(report: Report, previous: Report | None = None) -> list[tuple[str, str]]:
    return check_report(report, previous).flatten("code", "path")


def test_valid_report_passes() -> None:
    assert codes(valid_report()) == []


def test_all_zero_report_with_given_totals_passes() -> None:
    assert codes(with_totals(valid_report())) == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"requests.granted.natural_person": 1, "requests.new.natural_person": 1, "requests.new.total": 2},
            [("row-total", "requests.new.total")],  # one wrong total, one error: 勾稽 uses computed totals
        ),
        (
            {"requests.granted.research": 1, "requests.new.research": 1, "requests.total.research": 0},
            [("requests-total", "requests.total.research")],
        ),
        (
            {"requests.new.legal_service": 1},
            [("requests-balance", "requests.total.legal_service"), ("requests-balance", "requests.total.total")],
        ),
        ({"requests.carried_forward.natural_person": 1, "requests.carried_over.natural_person": 1}, []),
        ({"appeals.review.upheld": 2, "appeals.review.total": 1}, [("appeals-total", "appeals.review.total")]),
        ({"appeals.litigation_after_review.pending": 3}, []),
        ({"agency": ""}, [("required", "agency")]),
        ({"year": None}, [("required", "year")]),
        ({"date": None}, [("required", "date")]),
        ({"date": dt.date(2021, 12, 31)}, [("date-before-year-end", "date")]),
        ({"date": dt.date(2022, 2, 1)}, [("date-late", "date")]),  # a township: 31 January
        ({"date": dt.date(2022, 1, 31)}, []),
        ({"agency": "测试县人民政府", "date": dt.date(2022, 4, 1)}, [("date-late", "date")]),
        ({"agency": "测试县人民政府", "date": dt.date(2022, 3, 31)}, []),
        ({"agency": "测试县教育局", "date": dt.date(2022, 2, 1)}, [("date-late", "date")]),
        ({"agency": "测试县教育局", "date": dt.date(2022, 1, 31)}, []),
        ({"agency_type": "县级以上人民政府", "date": dt.date(2022, 3, 31)}, []),  # chosen type wins over the name
        ({"agency": "测试县人民政府", "agency_type": "政府部门", "date": dt.date(2022, 2, 1)}, [("date-late", "date")]),
        ({"problems": ""}, [("problems-empty", "problems")]),
        ({"problems": "无。"}, [("problems-empty", "problems")]),
        ({"other_matters": ""}, [("text-empty", "other_matters")]),
    ],
)
def test_rules(values: dict, expected: list[tuple[str, str]]) -> None:
    assert codes(valid_report(**values)) == expected


def test_row_total_message_lists_the_parts() -> None:
    result = check_report(
        valid_report(
            **{
                "requests.new.natural_person": 2,
                "requests.new.commercial": 1,
                "requests.new.total": 2,
                "requests.granted.natural_person": 2,
                "requests.granted.commercial": 1,
            }
        )
    )
    # one wrong total is one error: the 勾稽关系 is checked on the totals computed from the counts
    assert result.flatten("code", "path") == [("row-total", "requests.new.total")]
    assert result.issues[0].message == (
        "三、收到和处理申请 一、本年新收政府信息公开申请数量·总计（requests.new.total）："
        "填写 2，按本行各列合计应为 3（明细：自然人 2 + 商业企业 1，其余各项为 0）"
    )


def test_a_wrong_row_total_is_not_also_an_error_in_the_total_column() -> None:
    """A wrong J6 (row total of 新收) gives its row-total error and nothing at J29 or in the 勾稽关系."""
    report = valid_report(
        **{
            "requests.new.natural_person": 2,
            "requests.new.total": 5,
            "requests.granted.natural_person": 2,
            "requests.granted.total": 2,
            "requests.total.natural_person": 2,
            "requests.total.total": 2,
        }
    )
    assert codes(report) == [("row-total", "requests.new.total")]


@pytest.mark.parametrize(
    ("agency", "expected"),
    [
        ("新绛县三泉镇人民政府", "乡镇人民政府（街道办事处）"),
        ("某某乡人民政府", "乡镇人民政府（街道办事处）"),
        ("某区某某街道办事处", "乡镇人民政府（街道办事处）"),
        ("淮安市人民政府", "县级以上人民政府"),
        ("洪泽区人民政府", "县级以上人民政府"),
        ("沭阳县发展和改革局", "政府部门"),
        ("某县人民政府办公室", "政府部门"),
    ],
)
def test_agency_type_guessed_from_the_name(agency: str, expected: str) -> None:
    from generator.check.rules import guess_agency_type

    assert guess_agency_type(agency) == expected


def test_late_warning_says_which_rule_applied() -> None:
    guessed = check_report(valid_report(date=dt.date(2022, 2, 1))).issues[0].message
    assert "按名称推断为“乡镇人民政府（街道办事处）”" in guessed
    assert "1 月 31 日" in guessed
    chosen = check_report(valid_report(agency_type="政府部门", date=dt.date(2022, 2, 1))).issues[0].message
    assert "机关类型为“政府部门”" in chosen


def test_empty_overview_is_a_warning() -> None:
    report = valid_report()
    bare = Report(report.values, (), report.extra)
    assert codes(bare) == [("text-empty", "overview")]


def test_bad_part_does_not_cascade_into_sum_errors() -> None:
    from generator.check.load import check_parsed
    from generator.check.parse import Parsed

    report = valid_report(
        **{
            "requests.granted.natural_person": None,
            "requests.total.natural_person": 5,
            "requests.new.natural_person": 5,
        }
    )
    parsed = Parsed(report, (), frozenset({"requests.granted.natural_person"}), {})
    assert check_parsed(parsed).flatten("code") == []


@pytest.mark.parametrize(
    ("this", "last", "expected"),
    [
        (
            {
                "requests.carried_over.natural_person": 1,
                "requests.new.natural_person": 0,
                "requests.carried_forward.natural_person": 1,
            },
            {"requests.carried_forward.natural_person": 2},
            [
                ("carried-over-mismatch", "requests.carried_over.natural_person"),
                ("carried-over-mismatch", "requests.carried_over.total"),
            ],
        ),
        ({"proactive.rules.issued": 2, "proactive.rules.in_force": 5}, {"proactive.rules.in_force": 3}, []),
        (
            {"proactive.rules.issued": 2, "proactive.rules.in_force": 6},
            {"proactive.rules.in_force": 3},
            [("in-force-drift", "proactive.rules.in_force")],
        ),
        ({}, {"year": 2019}, [("previous-year", "year")]),
    ],
)
def test_previous_year_rules(this: dict, last: dict, expected: list) -> None:
    previous = valid_report(**{"year": 2020, "date": dt.date(2021, 1, 20), **last})
    assert codes(valid_report(**this), previous) == expected


def test_in_force_drift_is_only_a_warning() -> None:
    previous = valid_report(**{"year": 2020, "date": dt.date(2021, 1, 20), "proactive.normative_documents.in_force": 1})
    result = check_report(valid_report(), previous)
    assert result.ok
    assert result.flatten("code", "severity") == [("in-force-drift", schema_severity("in-force-drift"))]


def schema_severity(code: str) -> object:
    from generator.issues import ALL_TYPES

    return next(t.severity for t in ALL_TYPES if t.code == code)


def test_every_issue_type_is_documented_with_a_unique_code() -> None:
    from generator.issues import ALL_TYPES

    assert len({t.code for t in ALL_TYPES}) == len(ALL_TYPES)
    assert all(t.title and t.template for t in ALL_TYPES)
    assert all(re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", t.code) for t in ALL_TYPES)
