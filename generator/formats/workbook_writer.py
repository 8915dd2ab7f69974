"""Writing the standard workbook (openpyxl): sheets, labels, merges, validation, formulas, all from the schema."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import schema
from ..chinese import cn_ordinal, plain_number
from ..clock import fixed_time, w3cdtf
from ..files import atomic_output
from ..model import Report, Value, from_parts

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
FORMULA_FILL = PatternFill("solid", fgColor="E2EFDA")  # computed: light green, locked
FORMULA_FONT = Font(color="375623")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
RED_FILL = PatternFill("solid", fgColor="F8CBAD")
GREEN_FILL = PatternFill("solid", fgColor="C6EFCE")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
UNLOCKED = Protection(locked=False)
TITLE_FONT = Font(bold=True, size=14)
STATUS_ROW = schema.REQUESTS_TABLE.first_row + schema.REQUESTS_TABLE.n_rows + 1
DATE_FORMAT = 'yyyy"年"m"月"d"日"'

GUIDE_LINES = (
    "政府信息公开工作年度报告 标准工作簿（国办公开办函〔2021〕30号格式）",
    "",
    "填写方法：",
    "1. 只在浅黄色单元格中填写；灰色、蓝色单元格是表格标签，浅绿色单元格是自动计算的合计，都已锁定（工作表保护无密码，不要改动标签、不要插入或删除行列）。",
    "2. “基本信息”填写机关全称、报告年度（如 2021）和成文日期（如 2022-01-25）。",
    "3. “一、总体情况”每行一个小节：标题可以修改，不需要的小节把标题和内容都清空，需要更多小节就在空行继续填写。",
    "4. “二、主动公开”“三、依申请公开”“四、复议诉讼”按官方表格填写件数，空白按 0 计；收费金额以万元为单位，可填小数。",
    "5. 总计（各行“总计”列、“（七）总计”行、复议诉讼“总计”）是公式，自动合计，不用填写；如果改成了数字，校验时会核对它是否等于明细之和。",
    "   数字请直接输入：以文本形式存储的数字（单元格左上角有绿色小三角，或以 ' 开头）不会被合计，校验时会报错。",
    "6. “三、依申请公开”表下方的“勾稽关系”行自动显示每列是否满足：第一项＋第二项＝第三项（七）总计＋第四项；显示“不符”（红色）时请核对。",
    "7. “五、问题及改进”“六、其他事项”写在 A3 单元格中，分段请按 Alt+Enter（WPS 同样）换行。",
    "8. “自定义字段”供自定义模板使用（如 联系人、咨询电话），模板中以 extra.字段名 引用。",
    "",
    "填好后：",
    "  nianbao check 本工作簿.xlsx      检查数字和勾稽关系，指出有问题的工作表和单元格",
    "  nianbao draft 本工作簿.xlsx      按表格数字起草“依申请公开”小节的标准表述（与表格一致），加 -o 副本.xlsx 直接填入",
    "  nianbao build 本工作簿.xlsx      生成 Word 格式的年度报告",
)


# --- writing -------------------------------------------------------------------------------


def write_workbook(path: Path, report: Report) -> None:
    """Write the standard workbook to `path` (atomically); blank, or filled from a report."""
    save_book(build_workbook(report), path)


def save_book(book: Workbook, path: Path) -> None:
    """Save an openpyxl workbook atomically, its text stored as UTF-8 the way Excel stores it.

    openpyxl writes every non-ASCII character as a reference (三 as &#19977;): three times the bytes
    for Chinese labels and a slower read. The references are decoded into the same characters.
    """
    fixed = fixed_time()
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with atomic_output(path) as temporary, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename.endswith(".xml") and b"&#" in data:
                data = _NON_ASCII_REFERENCE.sub(_decoded_reference, data)
            if fixed is not None:  # a reproducible build: the same workbook is the same bytes
                info.date_time = (fixed.year, fixed.month, fixed.day, fixed.hour, fixed.minute, fixed.second)
                if info.filename == "docProps/core.xml":
                    data = _STAMP.sub(rb"\g<1>" + w3cdtf(fixed).encode() + rb"\g<2>", data)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")


_NON_ASCII_REFERENCE = re.compile(rb"&#(\d{3,7});")


def _decoded_reference(match: re.Match[bytes]) -> bytes:
    code = int(match.group(1))
    if code < 0x80 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return match.group(0)  # markup-significant or not a character: left as written
    return chr(code).encode("utf-8")


def build_workbook(report: Report) -> Workbook:
    """The standard workbook as an openpyxl Workbook; every total is a live formula (a given total is not kept:
    the formula computes it, and `replaced_totals` says which given totals it disagrees with)."""
    values: dict[str, Value] = dict(report.values)
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = schema.SHEET_GUIDE
    _write_guide(guide)
    _write_basic(book.create_sheet(schema.SHEET_BASIC), values)
    _write_overview(book.create_sheet(schema.SHEET_OVERVIEW), report)
    for table in schema.TABLES:
        sheet = book.create_sheet(table.sheet)
        _write_table(sheet, table, values)
    _write_status_row(book[schema.SHEET_REQUESTS])
    _write_text_sheet(book.create_sheet(schema.SHEET_PROBLEMS), schema.HEADINGS[4], values.get("problems"))
    _write_text_sheet(book.create_sheet(schema.SHEET_OTHER), schema.HEADINGS[5], values.get("other_matters"))
    _write_extra(book.create_sheet(schema.SHEET_EXTRA), report)
    for sheet in book.worksheets:
        _protect(sheet)
        _fit_page(sheet)
    requests = book[schema.SHEET_REQUESTS]
    header = schema.REQUESTS_TABLE
    requests.print_title_rows = f"{header.first_row}:{header.first_row + header.header_rows - 1}"
    return book


def replaced_totals(report: Report) -> list[tuple[str, Value, Value]]:
    """(path, given, computed) of every total given in the report that its formula will compute otherwise."""
    computed = from_parts(report.values)
    return [
        (path, report[path], computed[path])
        for path in sorted(schema.TOTAL_PATHS, key=schema.FIELD_INDEX.__getitem__)
        if report[path] is not None and report[path] != computed[path]
    ]


def _protect(sheet: Worksheet) -> None:
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.formatCells = False


def _write_guide(sheet: Worksheet) -> None:
    sheet.column_dimensions["A"].width = 120
    for row, line in enumerate(GUIDE_LINES, start=1):
        cell = sheet.cell(row, 1, line)
        cell.alignment = LEFT
    sheet["A1"].font = TITLE_FONT


def _label(sheet: Worksheet, address: str, text: str, fill: PatternFill | None = HEADER_FILL) -> None:
    cell = sheet[address]
    cell.value = text
    cell.alignment = CENTER
    cell.border = BORDER
    if fill:
        cell.fill = fill


def _input(sheet: Worksheet, address: str, value: Any, alignment: Alignment = CENTER) -> None:
    cell = sheet[address]
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would take text starting with "=" for a formula
    cell.fill = INPUT_FILL
    cell.protection = UNLOCKED
    cell.border = BORDER
    cell.alignment = alignment


def _formula(sheet: Worksheet, address: str, formula: str) -> None:
    """A computed cell: locked, and coloured apart from the cells to fill."""
    cell = sheet[address]
    cell.value = formula
    cell.fill = FORMULA_FILL
    cell.border = BORDER
    cell.alignment = CENTER
    cell.font = FORMULA_FONT


def _cell_value(value: Value) -> Any:
    return plain_number(value) if isinstance(value, Decimal) else value


def _write_basic(sheet: Worksheet, values: dict[str, Value]) -> None:
    sheet["A1"] = "基本信息"
    sheet["A1"].font = TITLE_FONT
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 50
    sheet.column_dimensions["C"].width = 50
    for field in schema.BASIC_FIELDS:
        row = field.cell[1:]
        _label(sheet, *schema.basic_label(field))
        _input(sheet, field.cell, _cell_value(values.get(field.path)) or None, TOP_LEFT)
        sheet[f"C{row}"] = field.note
        sheet[f"C{row}"].alignment = TOP_LEFT
    sheet["B5"].number_format = DATE_FORMAT
    opening_row = schema.BY_PATH["opening"].cell[1:]
    sheet.row_dimensions[int(opening_row)].height = 120
    choices = DataValidation(type="list", formula1='"' + ",".join(schema.AGENCY_TYPES) + '"')
    _validate(sheet, choices, [schema.BY_PATH["agency_type"].cell], "机关类型", "请从下拉列表中选择。")
    year = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100")
    _validate(sheet, year, ["B4"], "报告年度", "请填写四位年份，如 2021。")
    date = DataValidation(type="date", operator="greaterThan", formula1="36526")
    _validate(sheet, date, ["B5"], "成文日期", "请填写日期，如 2022-01-25。")


def _write_overview(sheet: Worksheet, report: Report) -> None:
    sheet["A1"] = schema.HEADINGS[0]
    sheet["A1"].font = TITLE_FONT
    for address, text in (("A2", "序号"), ("B2", "小节标题"), ("C2", "内容（分段请按 Alt+Enter）")):
        _label(sheet, address, text)
    widths = {"A": 7, "B": 20, "C": OVERVIEW_TEXT_WIDTH}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    sections = [(section.title, section.text) for section in report.overview]
    for index in range(max(schema.OVERVIEW_SLOTS, len(sections))):
        row = schema.OVERVIEW_FIRST_ROW + index
        title, text = sections[index] if index < len(sections) else ("", "")
        _label(sheet, f"A{row}", f"（{cn_ordinal(index + 1)}）", fill=None)
        _input(sheet, f"B{row}", title or None, LEFT)
        _input(sheet, f"C{row}", text or None, TOP_LEFT)
        sheet.row_dimensions[row].height = text_height(text, OVERVIEW_TEXT_WIDTH, minimum=30)


def _write_table(sheet: Worksheet, table: schema.Table, values: dict[str, Value]) -> None:
    sheet["A1"] = table.title
    sheet["A1"].font = TITLE_FONT
    for cell in table.cells:
        address = table.address(cell.row, cell.col)
        if cell.text:
            _label(sheet, address, cell.text, HEADER_FILL if cell.header else PatternFill("solid", fgColor="EDEDED"))
        elif cell.path in schema.TOTAL_PATHS:
            _formula(sheet, address, "=" + schema.total_formula(cell.path))
        else:
            _input(sheet, address, _cell_value(values.get(cell.path)))
        if cell.rowspan > 1 or cell.colspan > 1:
            end = table.address(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1)
            for row in range(cell.row, cell.row + cell.rowspan):
                for col in range(cell.col, cell.col + cell.colspan):
                    sheet[table.address(row, col)].border = BORDER
            sheet.merge_cells(f"{address}:{end}")
    _size_table(sheet, table)
    _validate_table(sheet, table)


def _size_table(sheet: Worksheet, table: schema.Table) -> None:
    widths = {"proactive": (22, 16, 16, 16), "requests": (6, 12, 34, *(9,) * 7), "appeals": (8,) * 15}[table.key]
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[schema.column_letter(col)].width = width
    for row in range(table.first_row, table.first_row + table.header_rows):
        sheet.row_dimensions[row].height = 36 if table.key != "requests" or row > table.first_row else 60
    for cell in table.cells:
        if cell.text and not cell.header and cell.rowspan == 1:
            width = sum(widths[cell.col : cell.col + cell.colspan])
            lines = -(-len(cell.text) * 2 // int(width))  # a CJK character is about 2 width units
            sheet.row_dimensions[table.first_row + cell.row].height = max(18, 15 * lines)


PAGE_CAPACITY = {"landscape": 95, "portrait": 64}  # column-width units an A4 page holds at 100 %
PORTRAIT_SHEETS = (schema.SHEET_EXTRA,)  # a long list of two columns: one portrait page


def _fit_page(sheet: Worksheet) -> None:
    """Print each sheet on A4 (landscape, the list of custom fields portrait), scaled to one page wide.

    An explicit scale rather than "fit to 1 page wide": Excel and WPS honour both, but LibreOffice
    ignores fit-to-width with an open height and prints the right-hand columns off the page."""
    orientation: Literal["portrait", "landscape"] = "portrait" if sheet.title in PORTRAIT_SHEETS else "landscape"
    sheet.page_setup.orientation = orientation
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    width = sum(sheet.column_dimensions[column].width or 9 for column in _used_columns(sheet))
    sheet.page_setup.scale = max(40, min(100, int(100 * PAGE_CAPACITY[orientation] / max(width, 1))))
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_options.horizontalCentered = True


def _used_columns(sheet: Worksheet) -> list[str]:
    return [schema.column_letter(index) for index in range(1, sheet.max_column + 1)]


def _validate_table(sheet: Worksheet, table: schema.Table) -> None:
    counts = [table.address(c.row, c.col) for c in table.cells if c.path and c.path != "proactive.fees"]
    prompt = "请填写不小于 0 的整数；不填按 0 计。"
    _validate(sheet, DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0"), counts, "件数", prompt)
    if table is schema.PROACTIVE_TABLE:
        fee = schema.BY_PATH["proactive.fees"].cell
        rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
        _validate(sheet, rule, [fee], "收费金额", "单位：万元，可填小数，不小于 0。")


def _validate(sheet: Worksheet, validation: DataValidation, cells: list[str], title: str, prompt: str) -> None:
    """Attach a validation rule with its Chinese prompt and stop-style error (openpyxl leaves both off)."""
    validation.allow_blank = True
    validation.showInputMessage = validation.showErrorMessage = True
    validation.promptTitle, validation.prompt = title, prompt
    validation.errorTitle, validation.error, validation.errorStyle = "输入有误", prompt, "stop"
    for cell in cells:
        validation.add(cell)
    sheet.add_data_validation(validation)


def _write_status_row(sheet: Worksheet) -> None:
    first = schema.REQUESTS_TABLE.first_row + schema.REQUESTS_TABLE.header_rows
    sheet.merge_cells(f"A{STATUS_ROW}:C{STATUS_ROW}")
    _label(sheet, f"A{STATUS_ROW}", "勾稽关系自动校验：第一项＋第二项＝第三项（七）总计＋第四项")
    rows = {key: first + index for index, (key, _) in enumerate(schema.REQUEST_ROWS)}
    for index in range(len(schema.APPLICANT_COLUMNS)):
        col = schema.column_letter(4 + index)
        formula = (
            f"=IF({col}{rows['new']}+{col}{rows['carried_over']}={col}{rows['total']}+{col}{rows['carried_forward']},"
            '"相符","不符")'
        )
        cell = sheet[f"{col}{STATUS_ROW}"]
        cell.value = formula
        cell.alignment = CENTER
        cell.border = BORDER
        cell.font = Font(bold=True)
    area = f"D{STATUS_ROW}:J{STATUS_ROW}"
    sheet.conditional_formatting.add(
        area,
        FormulaRule(  # type: ignore[no-untyped-call]  # types-openpyxl leaves FormulaRule unannotated
            formula=[f'D{STATUS_ROW}="不符"'], fill=RED_FILL, font=Font(color="9C0006", bold=True)
        ),
    )
    sheet.conditional_formatting.add(
        area,
        FormulaRule(  # type: ignore[no-untyped-call]  # types-openpyxl leaves FormulaRule unannotated
            formula=[f'D{STATUS_ROW}="相符"'], fill=GREEN_FILL, font=Font(color="006100", bold=True)
        ),
    )
    sheet.row_dimensions[STATUS_ROW].height = 36


OVERVIEW_TEXT_WIDTH = 66
TEXT_SHEET_WIDTH = 92
LINE_HEIGHT = 14.5  # points per line of 11-point text
MAX_ROW_HEIGHT = 409  # Excel's limit for one row


def text_height(text: Value, width: float, minimum: float) -> float:
    """A row height that shows all of a wrapped text in a column of `width` units (a CJK character is ~2)."""
    per_line = max(int(width / 2.05), 1)
    lines = sum(max(1, -(-len(line) // per_line)) for line in str(text or "").split("\n")) if text else 0
    return min(MAX_ROW_HEIGHT, max(minimum, lines * LINE_HEIGHT + 6))


def _write_text_sheet(sheet: Worksheet, heading: str, text: Value) -> None:
    sheet["A1"] = heading
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = "在下面的黄色单元格中填写，分段请按 Alt+Enter 换行。"
    sheet.column_dimensions["A"].width = TEXT_SHEET_WIDTH
    _input(sheet, "A3", text or None, TOP_LEFT)
    sheet.row_dimensions[3].height = text_height(text, TEXT_SHEET_WIDTH, minimum=300)


def _write_extra(sheet: Worksheet, report: Report) -> None:
    sheet["A1"] = "自定义字段（供自定义模板使用，模板中写 {{ extra.字段名 }}）"
    sheet["A1"].font = TITLE_FONT
    _label(sheet, "A2", "字段名")
    _label(sheet, "B2", "值")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 60
    items = list(report.extra.items())
    for index in range(max(schema.EXTRA_SLOTS, len(items))):
        row = schema.EXTRA_FIRST_ROW + index
        key, value = items[index] if index < len(items) else (None, None)
        _input(sheet, f"A{row}", key, LEFT)
        _input(sheet, f"B{row}", value, LEFT)
