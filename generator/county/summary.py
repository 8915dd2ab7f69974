"""汇总.xlsx and 汇总.csv of a bulk run: one row per file (and per unit that sent nothing), a table that acts
(links to each report and 退回意见, filters, frozen headings) and prints (landscape, one page wide, every
message shown whole).

Both files hold the same columns; a cell a spreadsheet would run as a formula is made plain text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..files import write_bytes
from ..formats.workbook_writer import save_book
from .figures import KEY_FIGURES, change, unusual_changes
from .outcome import NOT_AN_INPUT, NOT_SENT, OK, Outcome
from .roster import Roster

SUMMARY_NAME = "汇总"
FIRST_COLUMNS = ("序号", "文件", "机关", "年度", "状态", "错误数", "警告数", "问题", "报告文件")  # public order
ROSTER_SHEET = "报送情况"
CHANGE_FIGURES = ("主动公开制发", "新收申请", "办结", "行政复议", "行政诉讼")  # the 同比 columns
ERROR_FILL, WARNING_FILL, NOT_SENT_FILL, HEADER_FILL = "F8CBAD", "FFEB9C", "F4B084", "D9E1F2"
LINK_COLOUR = "0563C1"
# Column-width units a landscape page holds at 100 % (LibreOffice, 0.4" margins; Excel holds more): A4, A3.
PAGE_CAPACITY = {9: 105.0, 8: 150.0}
SMALLEST_A4_SCALE = 55  # below this a wide summary is set on A3 (still one page wide) to stay legible
WIDE, NARROW = 1.8, 1.0  # column-width units of a CJK character and of a digit or letter, in 10-point text
LINE_POINTS = 13.5  # the height of a line of 10-point text


def neutral(value: object) -> object:
    """A text a spreadsheet would run as a formula (=, +, -, @ first) made plain text with a leading '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@dataclass(frozen=True, slots=True)
class Shown:
    """Which optional columns the summary has: the roster's unit, last year's figures, the marked copies."""

    roster: bool = False
    previous: bool = False
    mark: bool = False


@dataclass(frozen=True, slots=True)
class Column:
    """A column: heading, width (characters), the cell of a row, the file it links to, whether it wraps."""

    heading: str
    width: float
    value: Callable[[Outcome], object]
    link: Callable[[Outcome], str] | None = None
    wrap: bool = False
    number_format: str = ""


@dataclass(frozen=True, slots=True)
class Where:
    """The folders paths are given relative to: the input folder (the 文件 column) and the output folder."""

    folder: Path
    out_dir: Path | None = None

    def input_name(self, path: Path) -> str:
        """An input's path as shown: relative to the input folder."""
        if path == Path():
            return ""
        return str(path.relative_to(self.folder)) if self.folder in path.parents else str(path)

    def link(self, path: str | Path) -> str:
        """A link from the summary (in the output folder) to a file given as the user gave its folder."""
        if str(path) in ("", ".") or self.out_dir is None:
            return ""
        try:
            return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(self.out_dir))).as_posix()
        except ValueError:  # another drive (Windows): an absolute link
            return Path(os.path.abspath(path)).as_uri()

    def output_link(self, name: str) -> str:
        """A link to a file written in the output folder (a report, a letter): its name there."""
        return Path(name).as_posix() if name and self.out_dir is not None else ""


def _review(row: Outcome, suffix: str) -> str:
    return next((name for name in row.review_files if name.endswith(suffix)), "")


def _figure(index: int) -> Callable[[Outcome], object]:
    return lambda row: row.figures[index] if row.figures and row.figures[index] is not None else ""


def _change(heading: str) -> Callable[[Outcome], object]:
    index = next(i for i, figure in enumerate(KEY_FIGURES) if figure.heading == heading)

    def value(row: Outcome) -> object:
        if not row.figures or not row.previous_figures:
            return ""
        found = change(row.figures[index], row.previous_figures[index])
        return "" if found is None else round(found, 4)

    return value


def _date(row: Outcome) -> object:
    return dt.date.fromisoformat(row.date) if row.date else ""


def columns(shown: Shown, where: Where) -> list[Column]:
    """The summary's columns: the nine of the first version first (their order is public), then the rest."""
    found = [
        Column("序号", 4.5, lambda row: 0),  # numbered when written
        Column("文件", 11, lambda row: where.input_name(row.file), lambda row: where.link(row.file)),
        Column("机关", 12, lambda row: row.agency, wrap=True),
        Column("年度", 5, lambda row: row.year or ""),
        Column("状态", 6, lambda row: row.status, wrap=True),
        Column("错误数", 4, lambda row: row.errors),
        Column("警告数", 4, lambda row: row.warnings),
        Column("问题", 38, lambda row: "\n".join(row.messages), wrap=True),
        Column("报告文件", 12, lambda row: row.output, lambda row: where.output_link(row.output)),
    ]
    if shown.roster:
        found.append(Column("名单单位", 12, _roster_cell, wrap=True))
    found += [
        Column("成文日期", 9.5, _date, number_format="yyyy-mm-dd"),
        Column("逾期", 4, lambda row: "逾期" if row.late else ""),
    ]
    found += [Column(figure.heading, 5, _figure(index)) for index, figure in enumerate(KEY_FIGURES)]
    if shown.previous:
        found.append(
            Column("上年文件", 10, lambda row: Path(row.previous_file).name, lambda r: where.link(r.previous_file))
        )
        found.append(Column("上年结转", 5, lambda row: row.carried_over))
        found += [Column(f"同比·{name}", 6, _change(name), number_format="+0%;-0%;0%") for name in CHANGE_FIGURES]
        found.append(Column("异常变化", 15, _unusual, wrap=True))
    found.append(
        Column("退回意见", 12, lambda row: _review(row, ".docx"), lambda row: where.output_link(_review(row, ".docx")))
    )
    if shown.mark:
        found.append(
            Column(
                "标注副本", 12, lambda row: _review(row, ".xlsx"), lambda row: where.output_link(_review(row, ".xlsx"))
            )
        )
    return found


def text_lines(text: object, width: float) -> int:
    """How many lines a wrapped text takes in a column `width` units wide (CJK characters counted wide)."""
    lines = 0
    for line in str(text).split("\n"):
        # a character of three or four UTF-8 bytes is CJK (or wider): counting bytes is exact enough, and fast
        wide = (len(line.encode("utf-8")) - len(line)) // 2
        units = wide * WIDE + (len(line) - wide) * NARROW
        lines += max(1, math.ceil(units / max(width - 1, 1)))
    return lines


def row_height(texts: Sequence[tuple[object, float]]) -> float:
    """A row height in points that shows every wrapped text of the row whole (Excel's limit 409)."""
    lines = max([1, *(text_lines(text, width) for text, width in texts if text not in ("", None))])
    return min(409.0, lines * LINE_POINTS + 3)


SUMMARY_COLUMNS = tuple(column.heading for column in columns(Shown(), Where(Path())))  # without the options


def _roster_cell(row: Outcome) -> str:
    if row.status in (NOT_AN_INPUT, NOT_SENT):
        return row.unit
    if not row.unit:
        return "不在名单中"
    return f"{row.unit}\n（{row.match}）" if row.match else row.unit


def _unusual(row: Outcome) -> str:
    if not row.figures or not row.previous_figures:
        return ""
    return "；".join(unusual_changes(row.figures, row.previous_figures))


def summary_rows(
    rows: Sequence[Outcome], folder: Path, out_dir: Path | None = None, shown: Shown = Shown()
) -> list[list[object]]:
    """The rows of the summary table (values as the CSV holds them, before neutralising)."""
    table = []
    chosen = columns(shown, Where(folder, out_dir))
    for index, row in enumerate(rows, start=1):
        values = [column.value(row) for column in chosen]
        values[0] = index
        table.append(values)
    return table


def _csv_value(value: object, column: Column) -> object:
    if isinstance(value, float) and column.number_format.startswith("+0%"):
        return f"{value:+.0%}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutral(value)


def write_summary(
    rows: Sequence[Outcome],
    folder: Path,
    out_dir: Path,
    shown: Shown = Shown(),
    roster: Roster | None = None,
    links: bool = True,
) -> tuple[Path, Path]:
    """汇总.xlsx (landscape, one page wide, filters, links; error rows red, warning rows yellow) and 汇总.csv
    (UTF-8 with BOM, for Excel on Chinese Windows) with the same columns; with a roster, a second sheet
    报送情况 lists every unit of the roster with what it sent. Without `links` (a summary that travels without
    the files it names) no cell links anywhere."""
    from openpyxl import Workbook

    where = Where(folder, out_dir if links else None)
    chosen = columns(shown, where)
    table = summary_rows(rows, folder, where.out_dir, shown)
    book = Workbook(write_only=True)  # streams rows: a county's thousands of rows stay fast
    sheet = book.create_sheet(SUMMARY_NAME)
    _write_table(sheet, chosen, table, rows)
    if roster is not None:
        _write_roster_sheet(book.create_sheet(ROSTER_SHEET), roster, rows, where)
    xlsx = out_dir / f"{SUMMARY_NAME}.xlsx"
    save_book(book, xlsx)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.heading for column in chosen])
    writer.writerows([[_csv_value(v, c) for v, c in zip(values, chosen, strict=True)] for values in table])
    csv_path = out_dir / f"{SUMMARY_NAME}.csv"
    write_bytes(csv_path, buffer.getvalue().encode("utf-8-sig"))
    return xlsx, csv_path


def _fill_of(row: Outcome) -> str | None:
    if row.status == NOT_SENT:
        return NOT_SENT_FILL
    if row.status != OK or row.errors:
        return ERROR_FILL
    return WARNING_FILL if row.warnings else None


def _write_table(sheet: Any, chosen: list[Column], table: list[list[object]], rows: Sequence[Outcome]) -> None:
    """The summary sheet: headings, rows sized to their wrapped text, links, print settings."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill

    for index, column in enumerate(chosen, start=1):
        sheet.column_dimensions[_letter(index)].width = column.width
    total_width = sum(column.width for column in chosen)
    _print_setup(sheet, total_width, len(chosen), len(table) + 1)
    book = sheet.parent
    names: dict[tuple[str, bool, str], str] = {}

    def style(fill: str, link: bool, number_format: str) -> str:
        """A named style per look: set by name, a cell's style costs a copy, not a hash of each part."""
        key = (fill, link, number_format)
        if key not in names:
            names[key] = f"汇总{len(names) + 1}"
            font = Font(size=10, color=LINK_COLOUR, underline="single") if link else Font(size=10)
            named = NamedStyle(names[key], font=font, alignment=Alignment(wrap_text=True, vertical="top"))
            if fill:
                named.fill = PatternFill("solid", fgColor=fill)
            if number_format:
                named.number_format = number_format
            book.add_named_style(named)
        return names[key]

    heading = NamedStyle("汇总表头", font=Font(size=10, bold=True), fill=PatternFill("solid", fgColor=HEADER_FILL))
    heading.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    book.add_named_style(heading)
    sheet.row_dimensions[1].height = row_height([(column.heading, column.width) for column in chosen])
    heading_cells = []
    for column in chosen:
        cell = WriteOnlyCell(sheet, value=column.heading)
        cell.style = heading.name
        heading_cells.append(cell)
    sheet.append(heading_cells)
    for number, (values, row) in enumerate(zip(table, rows, strict=True), start=2):
        fill = _fill_of(row) or ""
        sheet.row_dimensions[number].height = row_height(
            [(v, c.width) for v, c in zip(values, chosen, strict=True) if c.wrap]
        )
        cells = []
        for value, column in zip(values, chosen, strict=True):
            cell = WriteOnlyCell(sheet, value=neutral(value))  # type: ignore[arg-type]  # numbers, text, dates only
            if isinstance(value, str):
                cell.data_type = "s"  # a message starting with "=" is text, not a formula
            target = column.link(row) if column.link is not None and value else ""
            if target:
                cell.hyperlink = target
            cell.style = style(fill, bool(target), column.number_format)
            cells.append(cell)
        sheet.append(cells)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _print_setup(sheet: Any, total_width: float, n_columns: int, n_rows: int, landscape: bool = True) -> None:
    """A4, one page wide at an explicit scale (LibreOffice ignores fit-to-width with an open height, see
    workbook_writer._fit_page), the header row repeated on every page and frozen, a filter on every column."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    paper, scale = page_for(total_width, landscape)
    sheet.page_setup.paperSize, sheet.page_setup.scale = paper, scale
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = "1:1"
    sheet.freeze_panes = "D2"
    sheet.auto_filter.ref = f"A1:{_letter(n_columns)}{max(n_rows, 2)}"
    sheet.print_area = f"A1:{_letter(n_columns)}{max(n_rows, 1)}"  # LibreOffice never wraps a link: it may spill


def page_for(total_width: float, landscape: bool = True) -> tuple[int, int]:
    """The paper (9 = A4, 8 = A3) and the scale that print `total_width` units one page wide: A4 unless the
    text would shrink below SMALLEST_A4_SCALE."""
    factor = 1.0 if landscape else 0.7  # a portrait page holds 0.7 of a landscape one's width
    for paper in (9, 8):
        scale = int(100 * PAGE_CAPACITY[paper] * factor / max(total_width, 1))
        if scale >= SMALLEST_A4_SCALE or paper == 8:
            return paper, max(25, min(100, scale))
    raise AssertionError("unreachable")


def _write_roster_sheet(sheet: Any, roster: Roster, rows: Sequence[Outcome], where: Where) -> None:
    """Every unit of the roster with what it sent: 已报送, 未报送 (orange) or 报送 N 份 (yellow), and the files."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    headings = (
        ("序号", 5),
        ("机关全称", 26),
        ("机关类型", 22),
        ("联系人", 9),
        ("报送情况", 9),
        ("文件", 24),
        ("状态", 9),
    )
    for index, (_, width) in enumerate(headings, start=1):
        sheet.column_dimensions[_letter(index)].width = width
    _print_setup(sheet, sum(width for _, width in headings), len(headings), len(roster.units) + 1, landscape=False)
    sheet.freeze_panes = "C2"
    sent: dict[str, list[Outcome]] = {}
    for row in rows:
        if row.unit and row.status not in (NOT_SENT, NOT_AN_INPUT):
            sent.setdefault(row.unit, []).append(row)
    font, wrap = Font(size=10), Alignment(wrap_text=True, vertical="top")
    header = [_styled(sheet, WriteOnlyCell, heading, Font(size=10, bold=True), wrap) for heading, _ in headings]
    for cell in header:
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    sheet.append(header)
    fills = {NOT_SENT: PatternFill("solid", fgColor=NOT_SENT_FILL), "多份": PatternFill("solid", fgColor=WARNING_FILL)}
    for number, unit in enumerate(roster.units, start=1):
        found = sent.get(unit.name, [])
        state = NOT_SENT if not found else ("已报送" if len(found) == 1 else f"报送 {len(found)} 份")
        files = "\n".join(where.input_name(row.file) for row in found)
        statuses = "\n".join(row.status for row in found)
        values = (number, unit.name, unit.agency_type, unit.contact, state, files, statuses)
        sheet.row_dimensions[number + 1].height = row_height(
            [(value, width) for value, (_, width) in zip(values, headings, strict=True) if isinstance(value, str)]
        )
        cells = [_styled(sheet, WriteOnlyCell, value, font, wrap) for value in values]
        fill = fills.get(NOT_SENT if not found else "多份" if len(found) > 1 else "")
        for cell in cells if fill is not None else ():
            cell.fill = fill
        sheet.append(cells)


def _styled(sheet: Any, cell_class: Any, value: Any, font: Any, alignment: Any) -> Any:
    cell = cell_class(sheet, value=neutral(value))
    if isinstance(value, str):
        cell.data_type = "s"
    cell.font, cell.alignment = font, alignment
    return cell


# --- the roster against what came in ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Attendance:
    """What the roster says of a run: units that sent nothing, inputs of no unit, units that sent twice."""

    missing: tuple[str, ...]
    unknown: tuple[str, ...]
    twice: tuple[tuple[str, tuple[str, ...]], ...]


def reconcile(rows: Sequence[Outcome], roster: Roster, folder: Path) -> tuple[list[Outcome], Attendance]:
    """The rows with what the roster says added (an input of no unit, a unit that sent twice: a warning each),
    then one row per unit that sent nothing (未报送)."""
    inputs = [row for row in rows if row.status != NOT_AN_INPUT]
    by_unit: dict[str, list[Outcome]] = {}
    for row in inputs:
        if row.unit:
            by_unit.setdefault(row.unit, []).append(row)
    twice = {unit: found for unit, found in by_unit.items() if len(found) > 1}
    where = Where(folder)
    updated = []
    for row in rows:
        if row.status == NOT_AN_INPUT:
            updated.append(row)
        elif not row.unit:
            updated.append(replace(row, messages=(*row.messages, f"警告  {row.match}"), warnings=row.warnings + 1))
        elif row.unit in twice:
            names = "、".join(f"“{where.input_name(other.file)}”" for other in twice[row.unit])
            line = f"警告  “{row.unit}”报送了 {len(twice[row.unit])} 份（{names}），请确认以哪一份为准"
            updated.append(replace(row, messages=(*row.messages, line), warnings=row.warnings + 1))
        else:
            updated.append(row)
    missing = [unit for unit in roster.units if unit.name not in by_unit]
    for unit in missing:
        contact = f"联系人：{unit.contact}" if unit.contact else ""
        messages = (f"未收到“{unit.name}”的年报{'，' + contact if contact else ''}",)
        updated.append(
            Outcome(Path(), NOT_SENT, unit.name, unit=unit.name, agency_type=unit.agency_type, messages=messages)
        )
    attendance = Attendance(
        tuple(unit.name for unit in missing),
        tuple(where.input_name(row.file) for row in inputs if not row.unit),
        tuple((unit, tuple(where.input_name(r.file) for r in found)) for unit, found in twice.items()),
    )
    return updated, attendance
