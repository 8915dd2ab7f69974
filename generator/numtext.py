"""Numbers typed as text: what a spreadsheet's SUM skips, and how such text is read as a number."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def normal_number_text(text: str) -> str:
    """A number typed as text, as a number's text: full-width forms and outer spaces away, thousands commas
    (1,234) away; any other comma (1,5) is kept, so the text is not a number."""
    text = unicodedata.normalize("NFKC", text).strip()
    return text.replace(",", "") if _GROUPED.fullmatch(text) else text


def is_number_text(value: object) -> bool:
    """Whether a text holds a number (what a spreadsheet's SUM skips when it is stored as text)."""
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        return Decimal(normal_number_text(value)).is_finite()
    except InvalidOperation:
        return False


def normalised_away(value: object) -> str | None:
    """What reading a number typed as text had to drop (full-width digits, spaces), to be said in a warning."""
    if not isinstance(value, str) or not is_number_text(value):
        return None
    if value != value.strip():
        return "多余的空格"
    if unicodedata.normalize("NFKC", value) != value:
        return "全角字符"
    if "," in value:
        return "千位分隔符"
    return None
