"""The county's roll-up as a workbook: 明细 (one row per unit, every count, the totals row), 未计入 (file and
reason) and 分析 (native Excel charts: requests by unit, results by kind, last year against this year)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import schema
from ..model import Report, Value, complete_values
from .figures import KEY_FIGURES, key_figures
from .rollup import Rollup
from .summary import page_for, row_height

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

DETAIL, LEFT_OUT, ANALYSIS = "明细", "未计入", "分析"
FIGURE_KINDS = (schema.Kind.COUNT, schema.Kind.TOTAL, schema.Kind.AMOUNT)
FIGURE_FIELDS = tuple(field for field in schema.FIELDS if field.kind in FIGURE_KINDS)
FIRST_COLUMNS = (("序号", 5), ("单位", 24), ("文件", 18), ("成文日期", 11))
DETAIL_HEADER_ROWS = 3  # the table, the label, the JSON path
TOTAL_LABEL = "合计"
UNITS_SHOWN = 30  # bars in the chart of requests by unit; the rest summed as one bar
RESULT_GROUPS = (
    ("予以公开", ("granted",)),
    ("部分公开", ("partially_granted",)),
    ("不予公开", tuple(key for key in schema.RESULT_ROWS if key.startswith("withheld."))),
    ("无法提供", tuple(key for key in schema.RESULT_ROWS if key.startswith("unable."))),
    ("不予处理", tuple(key for key in schema.RESULT_ROWS if key.startswith("not_processed."))),
    ("其他处理", tuple(key for key in schema.RESULT_ROWS if key.startswith("other."))),
)
HEADER_COLOUR, TOTAL_COLOUR = "D9E1F2", "E2EFDA"
CHART_WIDTH = 16.0  # cm
ROW_CM = 0.53  # a row of the default height (15 points)


@dataclass(frozen=True, slots=True)
class Trend:
    """Last year's roll-up beside this year's, for the trend chart."""

    year: int | None
    report: Report


def county_workbook(rolled: Rollup, previous: Trend | None = None, out_dir: Path | None = None) -> Workbook:
    """The workbook of the county's figures (links to the inputs relative to `out_dir`)."""
    from openpyxl import Workbook

    assert rolled.report is not None
    book = Workbook()
    detail = book.active
    assert detail is not None
    detail.title = DETAIL
    _detail(detail, rolled, out_dir)
    _left_out(book.create_sheet(LEFT_OUT), rolled.left_out, out_dir)
    _analysis(book.create_sheet(ANALYSIS), rolled, previous)
    return book


def write_county_workbook(out: Path, rolled: Rollup, previous: Trend | None = None) -> None:
    """Write the county's workbook to `out` (atomically)."""
    from ..formats.workbook_writer import save_book

    save_book(county_workbook(rolled, previous, out.parent), out)


def detail_values(report: Report) -> list[Value]:
    """A unit's every count and amount, in schema order, totals computed where not given."""
    values = complete_values(report.values)
    return [_number(values[field.path]) for field in FIGURE_FIELDS]


def _number(value: Value) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _link(path: Path, out_dir: Path | None) -> str:
    if out_dir is None:
        return ""
    try:
        return Path(os.path.relpath(path.resolve(), out_dir.resolve())).as_posix()
    except ValueError:
        return path.resolve().as_uri()


def _detail(sheet: Worksheet, rolled: Rollup, out_dir: Path | None) -> None:
    """One row per unit, every count; three heading rows (table, label, JSON path) and the totals row."""
    from openpyxl.styles import Alignment, Font, PatternFill

    assert rolled.report is not None
    header = PatternFill("solid", fgColor=HEADER_COLOUR)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    first = len(FIRST_COLUMNS)
    for index, (title, width) in enumerate(FIRST_COLUMNS, start=1):
        sheet.cell(1, index, title)
        sheet.merge_cells(start_row=1, start_column=index, end_row=DETAIL_HEADER_ROWS, end_column=index)
        sheet.column_dimensions[_letter(index)].width = width
    tables: dict[str, list[int]] = {}
    for offset, field in enumerate(FIGURE_FIELDS, start=first + 1):
        table, _, label = field.label.partition(" ")
        tables.setdefault(table, []).append(offset)
        sheet.cell(2, offset, label)
        sheet.cell(3, offset, field.path).font = Font(size=8, color="808080")
        sheet.column_dimensions[_letter(offset)].width = 11
    for table, offsets in tables.items():
        sheet.cell(1, offsets[0], table)
        sheet.merge_cells(start_row=1, start_column=offsets[0], end_row=1, end_column=offsets[-1])
    for heading_row in range(1, DETAIL_HEADER_ROWS + 1):
        for column in range(1, first + len(FIGURE_FIELDS) + 1):
            heading = sheet.cell(heading_row, column)
            heading.fill, heading.alignment = header, centre
            if heading_row < DETAIL_HEADER_ROWS:
                heading.font = Font(bold=True)
    sheet.row_dimensions[2].height = 110
    for number, (path, report) in enumerate(rolled.units, start=1):
        date = report["date"]
        sheet.append([number, report.agency, path.name, date if date is not None else "", *detail_values(report)])
        current = sheet.max_row
        sheet.cell(current, 4).number_format = "yyyy-mm-dd"
        target = _link(path, out_dir)
        if target:
            sheet.cell(current, 3).hyperlink = target
            sheet.cell(current, 3).font = Font(color="0563C1", underline="single")
    totals = [None, TOTAL_LABEL, f"{len(rolled.units)} 个单位", None, *detail_values(rolled.report)]
    sheet.append(totals)
    bold, total_fill = Font(bold=True), PatternFill("solid", fgColor=TOTAL_COLOUR)
    for total in sheet[sheet.max_row]:
        total.font, total.fill = bold, total_fill
    sheet.freeze_panes = f"{_letter(first - 1)}{DETAIL_HEADER_ROWS + 1}"
    sheet.auto_filter.ref = f"A{DETAIL_HEADER_ROWS}:{_letter(first + len(FIGURE_FIELDS))}{sheet.max_row - 1}"
    sheet.print_title_rows = f"1:{DETAIL_HEADER_ROWS}"
    sheet.print_title_cols = "A:B"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def detail_totals(sheet: Worksheet) -> dict[str, Any]:
    """The totals row of a 明细 sheet by JSON path (read back from the workbook)."""
    paths = {column: sheet.cell(DETAIL_HEADER_ROWS, column).value for column in range(1, sheet.max_column + 1)}
    last = next(row for row in range(sheet.max_row, 0, -1) if sheet.cell(row, 2).value == TOTAL_LABEL)
    return {str(path): sheet.cell(last, column).value for column, path in paths.items() if path}


def _left_out(sheet: Worksheet, left_out: Sequence[tuple[Path, str]], out_dir: Path | None) -> None:
    """Every input not added up, with the reason; linked to the file."""
    from openpyxl.styles import Alignment, Font, PatternFill

    headings = (("序号", 6), ("文件", 36), ("原因", 90))
    sheet.append([heading for heading, _ in headings])
    for index, (_, width) in enumerate(headings, start=1):
        sheet.column_dimensions[_letter(index)].width = width
        sheet.cell(1, index).font = Font(bold=True)
        sheet.cell(1, index).fill = PatternFill("solid", fgColor=HEADER_COLOUR)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, (path, reason) in enumerate(left_out, start=1):
        sheet.append([number, path.name, reason])
        row = sheet.max_row
        for column in (1, 2, 3):
            sheet.cell(row, column).alignment = wrap
            if isinstance(sheet.cell(row, column).value, str):
                sheet.cell(row, column).data_type = "s"
        target = _link(path, out_dir)
        if target:
            sheet.cell(row, 2).hyperlink = target
            sheet.cell(row, 2).font = Font(color="0563C1", underline="single")
        sheet.row_dimensions[row].height = row_height([(reason, headings[2][1]), (path.name, headings[1][1])])
    if not left_out:
        sheet.append(["", "", "所有文件都已计入。"])
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize, sheet.page_setup.scale = page_for(sum(width for _, width in headings))


def results_by_kind(report: Report) -> list[tuple[str, int]]:
    """The results of table 三 (七) by kind: 予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理."""
    values = complete_values(report.values)
    return [(label, sum(_count(values, f"requests.{key}.total") for key in keys)) for label, keys in RESULT_GROUPS]


def requests_by_unit(units: Sequence[tuple[Path, Report]]) -> list[tuple[str, int, int]]:
    """(unit, 新收申请, 办结) for each unit, most requests first; beyond UNITS_SHOWN the rest as one row."""
    rows = []
    for _, report in units:
        values = complete_values(report.values)
        rows.append((report.agency, _count(values, "requests.new.total"), _count(values, "requests.total.total")))
    rows.sort(key=lambda row: (-row[1], -row[2], row[0]))
    if len(rows) > UNITS_SHOWN:
        rest = rows[UNITS_SHOWN - 1 :]
        rows = [
            *rows[: UNITS_SHOWN - 1],
            (f"其余 {len(rest)} 个单位", sum(r[1] for r in rest), sum(r[2] for r in rest)),
        ]
    return rows


def _count(values: Mapping[str, Value], path: str) -> int:
    value = values.get(path)
    return value if isinstance(value, int) else 0


def _analysis(sheet: Worksheet, rolled: Rollup, previous: Trend | None) -> None:
    """Small tables of what the charts show, each with its native chart beside it."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.properties import PageSetupProperties

    assert rolled.report is not None
    bold, header = Font(bold=True), PatternFill("solid", fgColor=HEADER_COLOUR)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 11
    sheet.column_dimensions["C"].width = 11

    def table(title: str, headings: Sequence[str], rows: Sequence[Sequence[object]]) -> tuple[int, int]:
        sheet.append([title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
        sheet.append(list(headings))
        first = sheet.max_row
        for column in range(1, len(headings) + 1):
            sheet.cell(first, column).font, sheet.cell(first, column).fill = bold, header
        for row in rows:
            sheet.append(list(row))
        last = sheet.max_row
        sheet.append([])
        return first, last

    def bar(title: str, first: int, last: int, columns: int, anchor: str, horizontal: bool, height: float) -> None:
        chart = BarChart()
        chart.type = "bar" if horizontal else "col"
        chart.title = title
        chart.style = 10
        chart.y_axis.title = "件"
        chart.y_axis.majorGridlines = None
        chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides both axes unless told
        if horizontal:
            chart.x_axis.scaling.orientation = "maxMin"  # the first unit on top,
            chart.y_axis.crosses = "max"  # and the axis of numbers still below
        chart.add_data(
            Reference(sheet, min_col=2, max_col=1 + columns, min_row=first, max_row=last), titles_from_data=True
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=first + 1, max_row=last))
        chart.width, chart.height = CHART_WIDTH, height  # type: ignore[assignment]  # stubs say int; cm may be fractional
        sheet.add_chart(chart, anchor)

    by_unit = requests_by_unit(rolled.units)
    first, last = table("各单位新收申请和办结", ("单位", "新收申请", "办结"), by_unit)
    unit_anchor = f"E{first - 1}"
    results = results_by_kind(rolled.report)
    first_results, last_results = table("办理结果（三、（七）总计中各类）", ("办理结果", "件数"), results)
    trend_rows: list[tuple[str, object, object]] = []
    if previous is not None:
        before, now = key_figures(previous.report), key_figures(rolled.report)
        headings = (f"{previous.year or '上年'}年", f"{rolled.year or '本年'}年")
        trend_rows = [
            (figure.heading, _number(b), _number(n)) for figure, b, n in zip(KEY_FIGURES, before, now, strict=True)
        ]
        first_trend, last_trend = table("与上年对比", ("项目", *headings), trend_rows)
    unit_height = min(22.0, max(6.5, 0.55 * len(by_unit) + 3.0))
    bar("各单位新收申请和办结", first, last, 2, unit_anchor, horizontal=True, height=unit_height)
    results_row = max(first_results - 1, first - 1 + rows_under(unit_height))
    bar("办理结果", first_results, last_results, 1, f"E{results_row}", horizontal=False, height=6.5)
    if previous is not None:
        trend_row = max(first_trend - 1, results_row + rows_under(6.5))
        bar("与上年对比", first_trend, last_trend, 2, f"E{trend_row}", horizontal=False, height=6.5)
    # the whole sheet on one page: LibreOffice honours fit-to-page when both width and height are given
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = sheet.page_setup.fitToHeight = 1


def rows_under(height_cm: float) -> int:
    """The rows of the default height a chart `height_cm` tall covers, and one to spare."""
    return math.ceil(height_cm / ROW_CM) + 1


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
