"""This year's workbook started from last year's report (`nianbao new --previous`).

机关, 机关类型 and the next year are filled in; 上年结转 is last year's 结转下年度, column by column; the texts
and 成文日期 are left empty for this year, and last year's texts wait on a reference sheet (上年参考) that the
reader never reads. Beside table 二, last year's 现行有效件数 is shown as the baseline of this year's.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .. import schema
from ..chinese import cn_ordinal
from ..model import Report, Section, Value, complete_values, make_report, texts, with_values
from .workbook_writer import BORDER, CENTER, HEADER_FILL, TITLE_FONT, TOP_LEFT, build_workbook, save_book

_BASELINE_COLUMN = 5  # grid column F of table 二's sheet, one column clear of the table
_REFERENCE_NOTE = "本表只供参考：是上年年报的文字，检查和生成报告时不读取本表。请在各表的黄色单元格中填写本年度的内容。"


def next_year_report(last: Report) -> Report:
    """The report a new year starts from: who, which year, what was carried forward; everything else blank."""
    done = complete_values(last.values)
    values: dict[str, Value] = {
        "agency": last.agency,
        "agency_type": last["agency_type"] or "",
        "year": last.year + 1 if last.year is not None else None,
    }
    for column in schema.APPLICANT_PARTS:
        values[f"requests.carried_over.{column}"] = done[f"requests.carried_forward.{column}"]
    return make_report(values, tuple(Section(title, "") for title in schema.DEFAULT_OVERVIEW_TITLES), last.extra)


def write_next_year_workbook(path: Path, last: Report, **updates: Value) -> None:
    """Write this year's workbook from last year's report (agency or year overridden by `updates`)."""
    book = build_workbook(with_values(next_year_report(last), **updates))
    add_previous_year(book, last)
    save_book(book, path)


def add_previous_year(book: Workbook, last: Report) -> None:
    """Last year's 现行有效件数 beside table 二, and its texts on the reference sheet."""
    _baseline(book[schema.SHEET_PROACTIVE], last)
    _reference_sheet(book.create_sheet(schema.SHEET_PREVIOUS), last)


def _baseline(sheet: Worksheet, last: Report) -> None:
    table = schema.PROACTIVE_TABLE
    first, second = (table.address(0, _BASELINE_COLUMN + offset) for offset in (0, 1))
    sheet[first] = f"参考：上年（{last.year or ''}年）"
    sheet.merge_cells(f"{first}:{second}")
    for col, text in ((_BASELINE_COLUMN, "上年现行有效件数"), (_BASELINE_COLUMN + 1, "上年＋本年制发－本年废止")):
        sheet[table.address(1, col)] = text
    for offset, (key, _) in enumerate(schema.DOC_ROWS, start=2):
        baseline = sheet[table.address(offset, _BASELINE_COLUMN)]
        baseline.value = last[f"proactive.{key}.in_force"]
        issued, repealed = (table.address(offset, col) for col in (1, 2))
        sheet[table.address(offset, _BASELINE_COLUMN + 1)] = f"={baseline.coordinate}+{issued}-{repealed}"
    for row in range(4):
        for col in (_BASELINE_COLUMN, _BASELINE_COLUMN + 1):
            cell = sheet[table.address(row, col)]
            cell.alignment, cell.border = CENTER, BORDER
            if row < 2:
                cell.fill = HEADER_FILL
    for col in (_BASELINE_COLUMN, _BASELINE_COLUMN + 1):
        sheet.column_dimensions[schema.column_letter(col + 1)].width = 24


def _reference_sheet(sheet: Worksheet, last: Report) -> None:
    sheet["A1"] = f"上年参考：{last.agency}{last.year or ''}年政府信息公开工作年度报告的文字"
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = _REFERENCE_NOTE
    sheet["A2"].font = Font(color="C00000")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    row = 4
    for label, text in _texts(last):
        sheet.cell(row, 1, label).alignment = TOP_LEFT
        cell = sheet.cell(row, 2, text)
        cell.data_type = "s"  # a text starting with "=" stays text
        cell.alignment = TOP_LEFT
        sheet.row_dimensions[row].height = max(30, 15 * (1 + len(text) // 55 + text.count("\n")))
        row += 1
    sheet.protection.sheet = True


def _texts(last: Report) -> list[tuple[str, str]]:
    """Last year's texts with their places in the report; custom fields are carried into this year's workbook."""
    labels = {"opening": "开头段落", "problems": schema.HEADINGS[4], "other_matters": schema.HEADINGS[5]}
    for index, section in enumerate(last.overview):
        labels[schema.overview_path(index, "text")] = f"{schema.HEADINGS[0]} （{cn_ordinal(index + 1)}）{section.title}"
    return [(labels[path], text) for path, text in texts(last) if path in labels]
