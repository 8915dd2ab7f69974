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
