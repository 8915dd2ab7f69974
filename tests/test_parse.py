"""Coercion of raw values, one Kind at a time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from generator.check.parse import Problem, coerce_amount, coerce_count, coerce_date, coerce_text, coerce_year


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (3, 3),
        (3.0, 3),
        ("3", 3),
        (" 3 ", 3),
        ("３", 3),
        ("1,200", 1200),
        (None, 0),
        ("", 0),
        ("  ", 0),
        (Decimal("4.0"), 4),
    ],
)
def test_counts_accepted(raw: object, expected: int) -> None:
    assert coerce_count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("两件", "not-integer"),
        (-1, "negative"),
        ("-1", "negative"),
        (2.5, "not-integer"),
        ("2.5", "not-integer"),
        ("#REF!", "not-integer"),
        (True, "not-integer"),
        ("无", "not-integer"),
        ("-", "not-integer"),
        (float("nan"), "not-integer"),
    ],
)
def test_counts_refused(raw: object, code: str) -> None:
    with pytest.raises(Problem) as caught:
        coerce_count(raw)
    assert caught.value.issue_type.code == code


def test_blank_total_means_not_given() -> None:
    assert coerce_count(None, total=True) is None
    assert coerce_count("", total=True) is None
    assert coerce_count(0, total=True) == 0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0, Decimal(0)),
        (24252.311082, Decimal("24252.311082")),
        ("1.5", Decimal("1.5")),
        (None, Decimal(0)),
        (Decimal("0.000001"), Decimal("0.000001")),
        ("１２.５", Decimal("12.5")),
    ],
)
def test_amounts_kept_exactly(raw: object, expected: Decimal) -> None:
    assert coerce_amount(raw) == expected
    assert str(coerce_amount(raw)) == str(expected)


@pytest.mark.parametrize(
    ("raw", "code"), [(-0.5, "negative"), ("abc", "bad-amount"), (True, "bad-amount"), ("inf", "bad-amount")]
)
def test_amounts_refused(raw: object, code: str) -> None:
    with pytest.raises(Problem) as caught:
        coerce_amount(raw)
    assert caught.value.issue_type.code == code


@pytest.mark.parametrize(
    "raw",
    [
        dt.date(2022, 1, 25),
        dt.datetime(2022, 1, 25, 0, 0),
        "2022-01-25",
        "2022/1/25",
        "2022年1月25日",
        " 2022-1-25 ",
        "２０２２年１月２５日",
    ],
)
def test_dates_accepted(raw: object) -> None:
    assert coerce_date(raw) == dt.date(2022, 1, 25)


@pytest.mark.parametrize("raw", ["2022-02-30", "明年", "25/01/2022", 44586, True])
def test_dates_refused(raw: object) -> None:
    with pytest.raises(Problem) as caught:
        coerce_date(raw)
    assert caught.value.issue_type.code == "bad-date"


@pytest.mark.parametrize(
    ("raw", "expected"), [(2021, 2021), ("2021", 2021), ("2021年", 2021), (2021.0, 2021), (None, None)]
)
def test_years(raw: object, expected: int | None) -> None:
    assert coerce_year(raw) == expected


@pytest.mark.parametrize("raw", ["二〇二一", 21, "2021.5", True, 3000])
def test_years_refused(raw: object) -> None:
    with pytest.raises(Problem) as caught:
        coerce_year(raw)
    assert caught.value.issue_type.code == "bad-year"


def test_text_kept_as_typed_with_line_ends_normalised() -> None:
    assert coerce_text("  a & <b> {{ c }} 😀\r\n第二段  ") == "a & <b> {{ c }} 😀\n第二段"
    assert coerce_text(None) == ""


def test_text_with_control_character_is_refused_with_position() -> None:
    with pytest.raises(Problem) as caught:
        coerce_text("ab\x07c")
    assert caught.value.issue_type.code == "illegal-character"
    assert caught.value.facts == {"found": "U+0007", "position": 3}
