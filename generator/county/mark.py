"""A copy of a unit's workbook with each problem where it is: the cell coloured, the message as its comment,
and a first sheet 检查结果 listing every problem with a link to its cell.

Marking a copy that was marked before first puts back what the last marking changed (its fills and the
comments it replaced are kept, hidden, in 检查结果), so problems since fixed leave no trace.
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import schema
from ..errors import NianbaoError
from ..formats.sniff import InputFormat, sniff
from ..issues import Issue, Severity, fix_for
from .review import for_unit

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

AUTHOR = "nianbao 检查"
ERROR_COLOUR, WARNING_COLOUR = "FF7C80", "FFC000"
LIST_COLUMNS = (("序号", 6), ("类别", 7), ("工作表", 18), ("单元格", 8), ("问题", 70), ("修改意见", 40))
ORIGINALS_COLUMN = len(LIST_COLUMNS) + 2  # hidden: what the marking replaced, to put it back next time


def _place(issue: Issue) -> tuple[str, str] | None:
    if issue.sheet:
        return issue.sheet, issue.cell or "A1"
    return None


def mark_book(book: Workbook, issues: Sequence[Issue]) -> int:
    """Mark every issue of `issues` (for the unit) in the workbook; returns how many cells were marked."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    _unmark(book)
    shown = [issue for issue in issues if for_unit(issue)]
    by_cell: dict[tuple[str, str], list[Issue]] = {}
    for issue in shown:
        place = _place(issue)
        if place is not None and place[0] in book.sheetnames:
            by_cell.setdefault(_anchor(book[place[0]], place[1], place[0]), []).append(issue)
    originals = []
    for (sheet_name, address), found in by_cell.items():
        cell = book[sheet_name][address]
        comment = cell.comment
        originals.append(
            {
                "sheet": sheet_name,
                "cell": address,
                "fill": [cell.fill.patternType, _rgb(cell.fill.fgColor.rgb)],
                "comment": [comment.text, comment.author] if comment is not None else None,
            }
        )
        error = any(issue.severity is Severity.ERROR for issue in found)
        cell.fill = PatternFill("solid", fgColor=ERROR_COLOUR if error else WARNING_COLOUR)
        text = "\n".join(f"{_kind(issue)}：{issue.detail}\n修改：{fix_for(issue.code)}" for issue in found)
        if comment is not None:
            text = f"{text}\n——\n原批注：{comment.text}"
        note = Comment(text, AUTHOR)
        note.width, note.height = 320, min(400, 40 + 18 * (len(text) // 20 + text.count("\n")))
        cell.comment = note
    _write_list(book, shown, originals)
    return len(by_cell)


def _anchor(sheet: Worksheet, address: str, name: str) -> tuple[str, str]:
    """The cell that holds a merged range's value and comment (its top-left), else the cell itself."""
    for merged in sheet.merged_cells.ranges:
        if address in merged:
            return name, merged.start_cell.coordinate
    return name, address


def _rgb(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _kind(issue: Issue) -> str:
    return "错误" if issue.severity is Severity.ERROR else "警告"


def _write_list(book: Workbook, issues: Sequence[Issue], originals: list[dict[str, Any]]) -> None:
    """The first sheet: every problem with a link to its cell; the replaced fills and comments hidden beside."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    from ..formats.workbook_writer import PAGE_CAPACITY, text_height

    sheet = book.create_sheet(schema.SHEET_MARKS, 0)
    sheet.append([heading for heading, _ in LIST_COLUMNS])
    for index, (_, width) in enumerate(LIST_COLUMNS, start=1):
        sheet.cell(1, index).font = Font(bold=True)
        sheet.cell(1, index).fill = PatternFill("solid", fgColor="D9E1F2")
        sheet.column_dimensions[schema.column_letter(index)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, issue in enumerate(issues, start=1):
        place = _place(issue)
        location = issue.cell or "" if place else (issue.where or issue.path)
        fix = fix_for(issue.code)
        sheet.append([number, _kind(issue), issue.sheet or "", location, f"{issue.label}：{issue.detail}", fix])
        row = sheet.max_row
        for column in range(1, len(LIST_COLUMNS) + 1):
            sheet.cell(row, column).alignment = wrap
        if place is not None and place[0] in book.sheetnames:
            target = sheet.cell(row, 4)
            target.hyperlink = Hyperlink(ref=target.coordinate, location=f"'{place[0]}'!{place[1]}", display=place[1])
            target.font = Font(color="0563C1", underline="single")
        colour = ERROR_COLOUR if issue.severity is Severity.ERROR else WARNING_COLOUR
        sheet.cell(row, 2).fill = PatternFill("solid", fgColor=colour)
        sheet.row_dimensions[row].height = max(
            text_height(f"{issue.label}：{issue.detail}", LIST_COLUMNS[4][1], 18),
            text_height(fix, LIST_COLUMNS[5][1], 18),
        )
    if not issues:
        sheet.append(["", "", "", "", "未发现问题。"])
    originals_cell = sheet.cell(1, ORIGINALS_COLUMN, json.dumps(originals, ensure_ascii=False))
    originals_cell.data_type = "s"
    sheet.column_dimensions[schema.column_letter(ORIGINALS_COLUMN)].hidden = True
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    width = sum(width for _, width in LIST_COLUMNS)
    sheet.page_setup.scale = max(40, min(100, int(100 * PAGE_CAPACITY["landscape"] / width)))
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False


def _unmark(book: Workbook) -> None:
    """Undo an earlier marking: fills and comments put back as they were, the old list removed."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    if schema.SHEET_MARKS not in book.sheetnames:
        return
    old = book[schema.SHEET_MARKS]
    try:
        originals = json.loads(str(old.cell(1, ORIGINALS_COLUMN).value or "[]"))
    except ValueError:
        originals = []
    for original in originals if isinstance(originals, list) else []:
        try:
            cell = book[original["sheet"]][original["cell"]]
            pattern, rgb = original["fill"]
            cell.fill = PatternFill(pattern, fgColor=rgb) if pattern else PatternFill()
            kept = original["comment"]
            cell.comment = Comment(kept[0], kept[1]) if kept else None
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # a cell the clerk removed or renamed since: nothing to put back
    book.remove(old)


def load_for_marking(path: Path) -> Workbook:
    """The workbook as openpyxl edits it; NianbaoError when the input is not an .xlsx workbook."""
    from openpyxl import load_workbook

    if sniff(path) is not InputFormat.XLSX:
        raise NianbaoError(f"“{path.name}”不是 Excel 工作簿：只有工作簿（.xlsx）可以标注问题。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of extensions it drops (WPS's, Excel's slicers)
            return load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise NianbaoError(f"无法打开“{path.name}”来标注问题：{type(exc).__name__}") from exc


def marked_bytes(path: Path, issues: Sequence[Issue]) -> bytes:
    """The marked copy of a workbook, as the bytes of an .xlsx (for a worker process to hand back)."""
    book = load_for_marking(path)
    mark_book(book, issues)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_marked(path: Path, issues: Sequence[Issue], out: Path) -> int:
    """Write the marked copy of the workbook at `path` to `out` (atomically, never over the input)."""
    from ..files import refuse_input_as_output
    from ..formats.workbook_writer import save_book

    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise NianbaoError(f"“{out.name}”不是工作簿文件名：标注的副本应以 .xlsx 结尾。")
    refuse_input_as_output(out, [path])
    book = load_for_marking(path)
    count = mark_book(book, issues)
    save_book(book, out)
    return count
