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
from ..numtext import is_number_text
from .formula import Lookup, Unsupported, evaluate
from .raw import Raw, RawInput
from .xlsx import Book, Cells, Sheet, read_book

_ROW = re.compile(r"\d+")

EXCEL_EPOCH = dt.date(1899, 12, 30)
EPOCH_1904 = dt.date(1904, 1, 1)
MAX_FORMULA_DEPTH = 20


def read_workbook(path: Path) -> RawInput:
    """The raw values of a standard workbook, with a layout-mismatch issue for each broken sheet."""
    book = _load_book(path)
    sheets = {name: sheet.values for name, sheet in book.sheets.items()}
    found: list[Issue] = []
    skipped: set[str] = set()
    for name, checks in _layout_checks():
        issue = _layout_issue(name, checks, sheets)
        if issue:
            found.append(issue)
            skipped.update(f.path for f in schema.FIELDS if f.sheet == name)
            skipped.add(name)
    values: dict[str, Raw] = {}
    for field in schema.FIELDS:
        if field.path in skipped or _absent(field, sheets):
            continue
        sheet = book.sheets.get(field.sheet, Sheet())
        try:
            value = field_value(field, sheet, book.date1904)
        except Unsupported as exc:
            formula = sheet.formulas.get(field.cell, "")
            issue = it.UNSUPPORTED_FORMULA.at(field.path, found=f"={formula}"[:60], reason=str(exc)[:40])
            found.append(issue.located(field.sheet, field.cell))
            skipped.add(field.path)
            continue
        values[field.path] = Raw(value, field.sheet, field.cell)
    found += extra_sheet_issues(book)
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


def _load_book(path: Path) -> Book:
    try:
        return read_book(path)
    except (KeyError, IndexError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError, OSError) as exc:
        raise UnreadableInput(f"工作簿“{path.name}”无法读取，可能已损坏或不是标准的 .xlsx 文件（{exc}）。") from exc


def field_value(field: schema.Field, sheet: Sheet, date1904: bool = False) -> Any:
    """A field's raw value: the cell's value; a total that holds the standard formula is "not given" (None,
    computed from its parts, whatever its cached value); a formula without a cached value is worked out."""
    formula = sheet.formulas.get(field.cell)
    if formula is not None and field.kind is schema.Kind.TOTAL and _same_formula(formula, field.path):
        return None
    value = sheet.values.get(field.cell)
    if value is None and formula is not None:
        value = _number(evaluate(formula, _lookup(sheet)))
    if field.kind is schema.Kind.DATE and isinstance(value, (int, float)) and not isinstance(value, bool):
        # A date cell is stored as a serial number of days; its format says "date", which we need not read.
        epoch = EPOCH_1904 if date1904 else EXCEL_EPOCH
        return epoch + dt.timedelta(days=int(value)) if 1 <= value < 2958466 else value
    if field.kind is schema.Kind.DATE and isinstance(value, str) and "T" in value:
        return value.split("T", 1)[0]  # an ISO date-time (t="d" cells): the date part
    return value


def _same_formula(formula: str, path: str) -> bool:
    return "".join(formula.upper().replace("$", "").split()) == schema.total_formula(path)


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _lookup(sheet: Sheet, depth: int = 0) -> Lookup:
    """A cell's number for the formula evaluator; formula cells without values are worked out in turn."""

    def lookup(address: str) -> float | None:
        value = sheet.values.get(address)
        if value is None and address in sheet.formulas:
            if depth > MAX_FORMULA_DEPTH:
                raise Unsupported("公式嵌套过深")
            return evaluate(sheet.formulas[address], _lookup(sheet, depth + 1))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return float(value)

    return lookup


def extra_sheet_issues(book: Book) -> Iterator[Issue]:
    """A sheet the reader does not read (a copy of a standard sheet, a sheet added by hand) holding numbers."""
    for name, sheet in book.sheets.items():
        if name in schema.SHEETS or name in schema.REFERENCE_SHEETS:
            continue
        numbers = [address for address, value in sheet.values.items() if _is_number(value)]
        if numbers:
            copied = next((known for known in schema.SHEETS if name.startswith(known)), None)
            hint = f"它像是“{copied}”的副本；" if copied else ""
            issue = it.EXTRA_SHEET.at("", label="工作簿结构", found=len(numbers), first=numbers[0], hint=hint)
            yield issue.located(name, None)


def _is_number(value: object) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)) or is_number_text(value)


def _absent(field: schema.Field, sheets: dict[str, Cells]) -> bool:
    """A field of a row that older workbooks do not have: an optional field of 基本信息 whose label cell is blank
    (its row was added after the first version)."""
    if field.sheet != schema.SHEET_BASIC or field.path not in schema.OPTIONAL_KEYS:
        return False
    address, _ = schema.basic_label(field)
    return not sheets.get(field.sheet, {}).get(address)


LabelCheck = tuple[str, str, bool]  # cell, expected label, may be blank (a row older workbooks lack)


def _layout_checks() -> Iterator[tuple[str, tuple[LabelCheck, ...]]]:
    yield (
        schema.SHEET_BASIC,
        tuple((*schema.basic_label(field), field.path in schema.OPTIONAL_KEYS) for field in schema.BASIC_FIELDS),
    )
    yield schema.SHEET_OVERVIEW, (("B2", "小节标题", False),)
    for table in schema.TABLES:
        yield table.sheet, tuple((address, text, False) for address, text in schema.label_cells(table))
    yield schema.SHEET_PROBLEMS, (("A1", schema.HEADINGS[4], False),)
    yield schema.SHEET_OTHER, (("A1", schema.HEADINGS[5], False),)
    yield schema.SHEET_EXTRA, (("A2", "字段名", False), ("B2", "值", False))


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


def _layout_issue(sheet: str, checks: tuple[LabelCheck, ...], sheets: dict[str, Cells]) -> Issue | None:
    path, label = _SHEET_PATH[sheet], "工作簿结构"
    cells = sheets.get(sheet)
    if cells is None:
        unknown = [name for name in sheets if name not in (*schema.SHEETS, *schema.REFERENCE_SHEETS)]
        guess = f"；是否把“{unknown[0]}”改回“{sheet}”？" if unknown else ""
        issue = it.LAYOUT_MISMATCH.at(
            path,
            label=label,
            found=f"找不到工作表“{sheet}”（现有：{'、'.join(sheets)}）",
            expected=f"请使用标准工作簿{guess}",
        )
        return issue.located(sheet, None)
    for address, expected, optional in checks:
        actual = cells.get(address)
        if actual is None and optional:
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
