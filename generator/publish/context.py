"""The rendering context (the contract's JSON document, totals filled) and the Jinja filters for reports."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .. import schema
from ..chinese import cn_date, cn_number, cn_ordinal, cn_year, num
from ..model import Report, to_document
from . import layout

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


def title_lines(agency: Any) -> str:
    """The agency name as the title sets it: broken between words into balanced lines (\n between them)."""
    return "\n".join(layout.balanced_lines(str(agency or ""), layout.TITLE_WIDTH))


def signature_lines(agency: Any) -> str:
    """The agency name as the signature sets it: one line, or balanced lines when it is too long for one."""
    return "\n".join(layout.balanced_lines(layout.one_line(str(agency or "")), layout.SIGNATURE_WIDTH))


def _signature(agency: Any, date: Any) -> layout.Signature:
    return layout.signature_layout(str(agency or ""), cn_date(date) if date else "")


def signature_indent(agency: Any, date: Any) -> int:
    """The signature's right indent in twips (GB/T 9704 7.3.5.2: 右空二字, or further left for a long date)."""
    return round(_signature(agency, date).signature_right * layout.BODY_TWIPS)


def date_indent(date: Any, agency: Any) -> int:
    """The date's right indent in twips: its first character two characters right of the signature's."""
    return round(_signature(agency, date).date_right * layout.BODY_TWIPS)


def one_line(text: Any) -> str:
    """A name with the line breaks typed in it removed."""
    return layout.one_line(str(text or ""))


FILTERS: dict[str, Callable[..., Any]] = {
    "cn_date": cn_date,
    "paragraphs": paragraphs,
    "num": num,
    "thousands": thousands,
    "wan": wan,
    "cn_year": cn_year,
    "cn_number": cn_number,
    "cn_ordinal": cn_ordinal,
    "title_lines": title_lines,
    "signature_lines": signature_lines,
    "signature_indent": signature_indent,
    "date_indent": date_indent,
    "one_line": one_line,
}
TESTS = {"heading2": is_heading2}
