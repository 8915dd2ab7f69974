"""Dates and numbers as a Chinese report prints them: 2022年1月25日, 两, 十二, 二〇二一, 24252.311082."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

_DIGITS = "〇一二三四五六七八九"
_NUMERALS = "零一二三四五六七八九"


def cn_date(value: Any) -> str:
    """2022-01-25 → 2022年1月25日 (Arabic numerals, no zero padding)."""
    date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return f"{date.year}年{date.month}月{date.day}日"


def num(value: Any) -> str:
    """A count or a 万元 amount as printed: whole numbers plain, decimals exactly, never 1e-06."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        text = format(Decimal(repr(value)) if isinstance(value, float) else value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def cn_year(value: Any) -> str:
    """2021 → 二〇二一."""
    return "".join(_DIGITS[int(digit)] for digit in str(int(value)))


def cn_number(value: Any) -> str:
    """Small counts in Chinese numerals: 2 → 两, 12 → 十二, 105 → 一百零五 (up to 9999)."""
    number = int(value)
    if number == 2:
        return "两"
    if not 0 <= number < 10000:
        return str(number)
    if number < 10:
        return _NUMERALS[number]
    text = ""
    zero = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, unit_value)
        if digit:
            text += ("零" if zero and text else "") + _NUMERALS[digit] + unit
            zero = False
        elif text:
            zero = True
    return text[1:] if text.startswith("一十") else text


def cn_ordinal(value: Any) -> str:
    """1 → 一, 12 → 十二: the numbering of （一）（二）…."""
    number = int(value)
    return "二" if number == 2 else cn_number(number)


def plain_number(value: Decimal) -> int | float:
    """A Decimal as the plain number JSON and spreadsheets hold: whole numbers as int."""
    return int(value) if value == value.to_integral_value() else float(value)


_DIGIT_VALUES = {
    "零": 0,
    "\u3007": 0,
    "○": 0,
    "O": 0,  # Latin and full-width O typed for the zero (二O二一年), common in published reports
    "\uff2f": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL = "[零〇○一二两三四五六七八九十百千万亿]+"
CN_DIGITS = "".join(_DIGIT_VALUES)  # every character read as a digit, for a character class


def parse_cn_number(text: str) -> int | None:
    """七十五 → 75, 两 → 2, 一百零五 → 105, 三千一百一十九 → 3119, 二〇二一 → 2021; None if not one number.

    Runs of bare digits are read positionally only with a zero among them (二〇二一): 三五 and 一两 are
    ranges ("three or five"), not 35 and 12.
    """
    if not text or any(
        char not in _DIGIT_VALUES and char not in _SMALL_UNITS and char not in _LARGE_UNITS for char in text
    ):
        return None
    if all(char in _DIGIT_VALUES for char in text):
        if len(text) > 1 and not any(_DIGIT_VALUES[char] == 0 for char in text):
            return None
        return parse_cn_year(text)
    total, section, digit = 0, 0, None
    for char in text:
        if char in _DIGIT_VALUES:
            if digit is not None and _DIGIT_VALUES[char] and digit:
                return None  # two digits in a row inside a unit numeral: 五五十
            digit = _DIGIT_VALUES[char]
        elif char in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[char]
            digit = None
        else:
            section += digit or 0
            if section == 0:
                return None
            total = (total + section) * _LARGE_UNITS[char]
            section, digit = 0, None
    return total + section + (digit or 0)


def parse_cn_year(text: str) -> int | None:
    """二〇二一 → 2021, 一九九九 → 1999, 二O二四 → 2024: digit by digit, as a year is written; None if not digits."""
    if not text or any(char not in _DIGIT_VALUES for char in text):
        return None
    return int("".join(str(_DIGIT_VALUES[char]) for char in text))
