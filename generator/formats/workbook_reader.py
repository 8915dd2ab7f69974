"""Reading the standard workbook: values by schema field, and a check that its layout is the standard one."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from .. import issues as it
from .. import schema
from ..errors import UnreadableInput
from ..issues import Issue
from .raw import Raw, RawInput
from .xlsx import Cells, read_values

_ROW = re.compile(r"\d+")

EXCEL_EPOCH = dt.date(1899, 12, 30)


def read_workbook(path: Path) -> RawInput:
    """The raw values of a standard workbook, with a layout-mismatch issue for each broken sheet."""
    sheets = _load_cells(path)
    found: list[Issue] = []
    skipped: set[str] = set()
    for sheet, checks in _layout_checks():
        issue = _layout_issue(sheet, checks, sheets)
        if issue:
            found.append(issue)
            skipped.update(f.path for f in schema.FIELDS if f.sheet == sheet)
            skipped.add(sheet)
    values = {
        f.path: Raw(_field_value(f, sheets.get(f.sheet, {})), f.sheet, f.cell)
        for f in schema.FIELDS
        if f.path not in skipped and not _absent(f, sheets)
    }
    overview = (
        ()
        if schema.SHEET_OVERVIEW in skipped
        else tuple(_pair_rows(sheets[schema.SHEET_OVERVIEW], schema.SHEET_OVERVIEW, schema.OVERVIEW_FIRST_ROW, "BC"))
    )
    extra = (
        ()
        if schema.SHEET_EXTRA in skipped
        else tuple(_pair_rows(sheets[schema.SHEET_EXTRA], schema.SHEET_EXTRA, schema.EXTRA_FIRST_ROW, "AB"))
    )
    paths = frozenset(p for p in skipped if p in schema.BY_PATH)
    return RawInput(values, overview, extra, tuple(found), paths)


def _load_cells(path: Path) -> dict[str, Cells]:
    try:
        return read_values(path)
    except (KeyError, IndexError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError, OSError) as exc:
        raise UnreadableInput(f"工作簿“{path.name}”无法读取，可能已损坏或不是标准的 .xlsx 文件（{exc}）。") from exc


# rows of 基本信息 added after the first version: a workbook made before them simply lacks the label
OPTIONAL_BASIC_ROWS = {"agency_type": ("A6", "机关类型"), "opening": ("A7", "开头段落")}


def _absent(field: schema.Field, sheets: dict[str, Cells]) -> bool:
    """A field of a row that older workbooks do not have (its label cell is blank)."""
    label = OPTIONAL_BASIC_ROWS.get(field.path)
    return label is not None and not sheets.get(field.sheet, {}).get(label[0])


def _field_value(field: schema.Field, cells: Cells) -> Any:
    value = cells.get(field.cell)
    if field.kind is schema.Kind.DATE and isinstance(value, (int, float)) and not isinstance(value, bool):
        # A date cell is stored as a serial number of days; its format says "date", which we need not read.
        return EXCEL_EPOCH + dt.timedelta(days=int(value)) if 1 <= value < 2958466 else value
    return value


def _layout_checks() -> Iterator[tuple[str, tuple[tuple[str, str], ...]]]:
    yield schema.SHEET_BASIC, (("A3", "机关全称"), ("A4", "报告年度"), ("A5", "成文日期"))
    yield schema.SHEET_BASIC, tuple(OPTIONAL_BASIC_ROWS.values())
    yield schema.SHEET_OVERVIEW, (("B2", "小节标题"),)
    for table in schema.TABLES:
        yield table.sheet, schema.label_cells(table)
    yield schema.SHEET_PROBLEMS, (("A1", schema.HEADINGS[4]),)
    yield schema.SHEET_OTHER, (("A1", schema.HEADINGS[5]),)
    yield schema.SHEET_EXTRA, (("A2", "字段名"), ("B2", "值"))


def _squeeze(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(text.split())


_SHEET_PATH = {
    schema.SHEET_BASIC: "agency",
    schema.SHEET_OVERVIEW: "overview",
    schema.SHEET_PROACTIVE: "proactive",
    schema.SHEET_REQUESTS: "requests",
    schema.SHEET_APPEALS: "appeals",
    schema.SHEET_PROBLEMS: "problems",
    schema.SHEET_OTHER: "other_matters",
    schema.SHEET_EXTRA: "extra",
}


def _layout_issue(sheet: str, checks: tuple[tuple[str, str], ...], sheets: dict[str, Cells]) -> Issue | None:
    path, label = _SHEET_PATH[sheet], "工作簿结构"
    cells = sheets.get(sheet)
    if cells is None:
        unknown = [name for name in sheets if name not in (*schema.SHEETS, *schema.OPTIONAL_SHEETS)]
        guess = f"；是否把“{unknown[0]}”改回“{sheet}”？" if unknown else ""
        issue = it.LAYOUT_MISMATCH.at(
            path,
            label=label,
            found=f"找不到工作表“{sheet}”（现有：{'、'.join(sheets)}）",
            expected=f"请使用标准工作簿{guess}",
        )
        return issue.located(sheet, None)
    for address, expected in checks:
        actual = cells.get(address)
        if actual is None and (address, expected) in OPTIONAL_BASIC_ROWS.values():
            continue
        if actual != expected and _squeeze(actual) != _squeeze(expected):
            found = f"应为“{expected}”，实际是“{actual or '空白'}”"
            issue = it.LAYOUT_MISMATCH.at(
                path, label=label, found=found, expected=_moved_hint(cells, address, expected)
            )
            return issue.located(sheet, address)
    return None


def _moved_hint(cells: Cells, address: str, expected: str) -> str:
    target = _squeeze(expected)
    for where, value in cells.items():
        if where != address and _squeeze(value) == target:
            return f"这个标签现在在 {where}，可能插入或删除了行或列；请勿改动表格结构，把数据填回标准工作簿"
    return "表格标签被修改或删除；请勿改动表格结构，可用 nianbao new 生成新的标准工作簿"


def _last_row(cells: Cells) -> int:
    return max((int(found.group()) for address in cells if (found := _ROW.search(address))), default=0)


def _pair_rows(cells: Cells, sheet: str, first_row: int, columns: str) -> Iterator[tuple[Raw, Raw]]:
    """The non-blank rows of a two-column list (title/text, key/value) from `first_row` down."""
    for row in range(first_row, _last_row(cells) + 1):
        left, right = f"{columns[0]}{row}", f"{columns[1]}{row}"
        if cells.get(left) is None and cells.get(right) is None:
            continue
        yield Raw(cells.get(left), sheet, left), Raw(cells.get(right), sheet, right)
