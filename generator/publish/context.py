"""The rendering context (the contract's JSON document, totals filled) and the Jinja filters for reports."""

from __future__ import annotations

import re
from typing import Any

from .. import schema
from ..chinese import cn_date, cn_number, cn_ordinal, cn_year, num
from ..model import Report, to_document

_HEADING2 = re.compile(r"^（[一二三四五六七八九十]+）")


class ExtraFields(dict[str, Any]):
    """The input's custom fields as the template sees them: a field the input lacks is the clerk's to add."""


def build_context(report: Report) -> dict[str, Any]:
    """What a template sees: `nianbao export`'s document, its optional keys always present ("" when blank)."""
    context = {**dict.fromkeys(schema.OPTIONAL_KEYS, ""), **to_document(report)}
    context["extra"] = ExtraFields(context.get("extra") or {})
    return context


def paragraphs(text: Any) -> list[str]:
    """The paragraphs of a text: its lines, empty ones dropped, outer white space trimmed."""
    return [line.strip() for line in str(text or "").split("\n") if line.strip()]


def is_heading2(text: Any) -> bool:
    """A line that starts with （一）（二）… is a level-2 heading."""
    return bool(_HEADING2.match(str(text)))


def thousands(value: Any) -> str:
    """1234567 → 1,234,567; decimals kept."""
    whole, _, fraction = num(value).partition(".")
    grouped = f"{int(whole):,}"
    return f"{grouped}.{fraction}" if fraction else grouped


def wan(value: Any) -> str:
    """A 万元 amount with its unit: 24252.311082万元."""
    return f"{num(value)}万元"


FILTERS = {
    "cn_date": cn_date,
    "paragraphs": paragraphs,
    "num": num,
    "thousands": thousands,
    "wan": wan,
    "cn_year": cn_year,
    "cn_number": cn_number,
    "cn_ordinal": cn_ordinal,
}
TESTS = {"heading2": is_heading2}
