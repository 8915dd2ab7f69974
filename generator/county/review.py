"""The 退回意见 (review letter) sent back to a unit: what was received, each problem with its place and the fix."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from ..issues import CheckResult, Issue, Severity

# What to do, for the problems whose message says what is wrong but not how to put it right; the other
# messages end with their own 请… (and then FALLBACK_FIX points to them).
FIXES = {
    "row-total": "把总计改为本行各列之和；若总计无误，请核对各列的数字（工作簿中的总计是自动合计的公式，不要手工覆盖）",
    "requests-total": "把（七）总计改为各项办理结果之和；若总计无误，请核对各项办理结果（不要手工覆盖自动合计的公式）",
    "appeals-total": "把总计改为各项之和；若总计无误，请核对各项数字（不要手工覆盖自动合计的公式）",
    "requests-balance": "核对本列的新收申请、上年结转、（七）总计和结转下年度继续办理四项，使第一项加第二项等于第三项加第四项",
    "required": "填写这一项",
    "not-integer": "改为不小于 0 的整数",
    "negative": "改为不小于 0 的整数",
    "bad-amount": "改为以万元为单位的数字",
    "too-precise": "金额最多保留四位小数",
    "bad-date": "改为成文日期，如 2026-01-20",
    "bad-year": "改为四位的报告年度，如 2025",
    "bad-choice": "从下拉列表中选择",
    "bad-text": "改为文字",
    "bad-type": "改为说明中要求的类型",
    "out-of-range": "核对这个数字，多半是多打了几位",
    "date-before-year-end": "改为报告年度结束之后的实际成文日期",
    "date-late": "核对成文日期；确已逾期的，请按要求说明原因",
    "text-empty": "补写这一部分；确实没有内容的写“无”",
    "tables-empty": "把表二、三、四的数字填入标准工作表",
    "carried-over-mismatch": "改为上年报告中“结转下年度继续办理”的数",
    "in-force-drift": "核对现行有效件数（本年有修订的可不改）",
    "layout-mismatch": "请在 nianbao 生成的标准工作簿中重新填写（不要增删行列或改动表头）",
    "extra-missing": "在“自定义字段”表中补上这一项",
    "extra-sheet": "把填错位置的数字移回标准工作表",
    "previous-year": "核对所附的上年报告是否为上一年度的",
    "title-numbered": "去掉标题开头的编号",
    "text-heading1": "把这一行改为（一）（二）…式的小标题，或并入上一段",
    "report-source": "今后请用标准工作簿报送",
}
FALLBACK_FIX = "按问题说明修改"
COLUMN_WIDTHS_CM = (1.3, 1.3, 4.0, 5.1, 4.3)  # 序号 类别 位置 问题 修改意见: the A4 type area (16 cm)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One problem as the letter lists it."""

    number: int
    severity: Severity
    place: str  # sheet and cell, a place in a document, or the JSON path
    label: str  # which value (the table, row and column in words)
    problem: str
    fix: str

    @property
    def kind(self) -> str:
        """错误 or 警告."""
        return "错误" if self.severity is Severity.ERROR else "警告"


def review_items(result: CheckResult | str) -> tuple[ReviewItem, ...]:
    """Every problem of a check, errors first, numbered in that order (none for a file that could not be read)."""
    if isinstance(result, str):
        return ()
    ordered = (*result.errors, *result.warnings)
    return tuple(_item(number, issue) for number, issue in enumerate(ordered, start=1))


def _item(number: int, issue: Issue) -> ReviewItem:
    return ReviewItem(
        number, issue.severity, issue.place, issue.label, issue.detail, FIXES.get(issue.code, FALLBACK_FIX)
    )


def verdict(result: CheckResult | str) -> str:
    """The one-sentence outcome at the top of the letter (`result` a message when the file could not be read)."""
    if isinstance(result, str):
        return f"文件无法读取（{result.rstrip('。')}）。请用标准工作簿重新报送。"
    errors, warnings = len(result.errors), len(result.warnings)
    if errors:
        return f"有 {errors} 个错误、{warnings} 个警告：请修改全部错误、核对警告后重新报送。"
    if warnings:
        return f"没有错误，有 {warnings} 个警告：请核对；确有需要修改的，修改后重新报送。"
    return "检查通过，未发现问题。"


def _head(unit: str, file: str, received: str) -> list[str]:
    lines = [f"报送单位：{unit}", f"收到的文件：{file}" + (f"（{received} 收到）" if received else "")]
    return lines


def review_text(unit: str, file: str, result: CheckResult | str, received: str = "") -> str:
    """The letter as plain text (for a message or an e-mail): unit, file, then each problem. `result` is the
    check of the file, or why it could not be read."""
    lines = ["年度报告退回意见", "", *_head(unit, file, received), f"检查结果：{verdict(result)}"]
    items = review_items(result)
    for title, severity in (("必须修改的错误", Severity.ERROR), ("请核对的警告", Severity.WARNING)):
        chosen = [item for item in items if item.severity is severity]
        if not chosen:
            continue
        lines += ["", f"{'一' if severity is Severity.ERROR else '二'}、{title}（{len(chosen)} 个）"]
        for item in chosen:
            lines += [
                f"{item.number}. 位置：{item.place}（{item.label}）",
                f"   问题：{item.problem}",
                f"   修改：{item.fix}",
            ]
    return "\n".join(lines) + "\n"


def review_docx(
    unit: str, file: str, result: CheckResult | str, received: str = "", when: dt.datetime | None = None
) -> bytes:
    """The letter as a short Word document: a title, the unit and file, and a table of the problems
    (`when`: its creation time, fixed by default so the same letter gives the same file)."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    from ..publish.default_template import set_fonts
    from ..publish.layout import FANGSONG, HEITI, XIAOBIAOSONG

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.left_margin = section.right_margin = Cm(2.5)
    normal = document.styles["Normal"]
    set_fonts(normal, FANGSONG.name)
    normal.font.size = Pt(14)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("年度报告退回意见")
    set_fonts(run, XIAOBIAOSONG.name)
    run.font.size = Pt(22)
    for line in (*_head(unit, file, received), f"检查结果：{verdict(result)}"):
        document.add_paragraph(line)
    items = review_items(result)
    if items:
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, ("序号", "类别", "位置", "问题", "修改意见"), strict=True):
            cell.text = text
            set_fonts(cell.paragraphs[0].runs[0], HEITI.name)
        for item in items:
            row = table.add_row().cells
            values = (str(item.number), item.kind, f"{item.place}\n{item.label}", item.problem, item.fix)
            for cell, text in zip(row, values, strict=True):
                cell.text = text
        table.autofit = False
        for column, width in zip(table.columns, COLUMN_WIDTHS_CM, strict=True):
            column.width = Cm(width)  # the grid, which LibreOffice and WPS follow
        for row in table.rows:
            for cell, width in zip(row.cells, COLUMN_WIDTHS_CM, strict=True):
                cell.width = Cm(width)
                for paragraph in cell.paragraphs:
                    for piece in paragraph.runs:
                        piece.font.size = Pt(10.5)
    properties = document.core_properties
    properties.title = f"{unit} 年度报告退回意见"
    properties.author = properties.last_modified_by = "nianbao"
    moment = (when or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).replace(tzinfo=None)
    properties.created = properties.modified = moment
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')


def review_file_name(unit: str, suffix: str = ".docx") -> str:
    """退回意见-{unit}.docx, safe as a Windows file name."""
    safe = _UNSAFE.sub("_", unit).strip("_ .")[:100]
    return f"退回意见-{safe or '单位'}{suffix}"
