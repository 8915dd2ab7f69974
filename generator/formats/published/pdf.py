"""Reading a report from a PDF with a text layer (WPS, Word, LibreOffice exports), with pdfplumber.

Tables are found from their ruling lines (pdfplumber's table finder: cells from the drawn borders, merged cells
as None), a table split across pages is simply read on, page after page; a row that is one cell across the
whole table (a caption, or body text that WPS framed) is text. Text lines outside the tables are joined into
paragraphs: a new one starts at an indented line, after a short line, and at a heading. Page numbers are dropped.
A PDF without any text (a scan) is refused: there is no OCR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import UnreadableInput, UnsupportedInput
from .blocks import Block, Extracted, Paragraph, Row
from .mapping import section_of

_PAGE_NUMBER = re.compile(r"^[-—\u2013－\u2010\s]*(?:第\s*)?\d{1,4}(?:\s*页)?[-—\u2013－\u2010\s]*$")
_MARGIN = 0.1  # page numbers sit in the top or bottom tenth of the page
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True, slots=True)
class _Line:
    """A line of text on a page, with its box."""

    page: int
    top: float
    x0: float
    x1: float
    size: float
    text: str


def extract_pdf(path: Path) -> Extracted:
    """The blocks of a PDF report; UnsupportedInput for a scan without text, UnreadableInput for a broken file."""
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            items, has_text = _items(pdf)
    except Exception as exc:  # pdfminer raises many kinds of errors on damaged or encrypted files
        raise _unreadable(path, exc) from exc
    if not has_text:
        raise UnsupportedInput(
            f"“{path.name}”是扫描件 PDF（没有文字层），无法读取其中的文字和数字：nianbao 不做文字识别。"
            "请改用原始的 Word 文档、网页，或带文字的 PDF。"
        )
    return Extracted(tuple(_blocks(items)))


def _unreadable(path: Path, exc: Exception) -> UnreadableInput:
    if "password" in type(exc).__name__.lower() or "encrypt" in str(exc).lower():
        return UnreadableInput(f"PDF “{path.name}”设置了密码，无法读取：请取消密码后再试。")
    return UnreadableInput(f"PDF “{path.name}”已损坏，无法读取（{type(exc).__name__}: {exc}）。")


def _items(pdf: Any) -> tuple[list[tuple[int, float, _Line | Row]], bool]:
    """Every table row and text line, page by page from the top."""
    items: list[tuple[int, float, _Line | Row]] = []
    has_text = False
    tables = 0
    for number, page in enumerate(pdf.pages, start=1):
        if not page.chars:
            continue
        has_text = True
        boxes: list[tuple[float, float, float, float]] = []
        for index, table in enumerate(page.find_tables(), start=1):
            tables += 1
            for row_number, (row, cells) in enumerate(zip(table.rows, table.extract(), strict=True), start=1):
                if sum(cell is not None for cell in cells) < 2:
                    continue  # one cell across the table: a caption or framed text, read as text
                boxes.append(row.bbox)
                where = f"第{number}页第{index}个表格第{row_number}行"
                items.append((number, row.bbox[1], Row(tuple(cells), where, tables)))
        for found in page.extract_text_lines(return_chars=False):
            line = _Line(number, found["top"], found["x0"], found["x1"], found["bottom"] - found["top"], found["text"])
            middle_x, middle_y = (line.x0 + line.x1) / 2, line.top + line.size / 2
            if any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in boxes):
                continue
            if _PAGE_NUMBER.match(line.text) and not _MARGIN * page.height < middle_y < (1 - _MARGIN) * page.height:
                continue
            items.append((number, line.top, line))
    items.sort(key=lambda item: (item[0], item[1]))
    return items, has_text


def _blocks(items: list[tuple[int, float, _Line | Row]]) -> list[Block]:
    """Rows as they are; lines joined into paragraphs."""
    lines = [item for _, _, item in items if isinstance(item, _Line)]
    # the text column's edges: most lines fill it, but a report of short lines and indents skews a plain mode
    left = _edge(sorted(round(line.x0) for line in lines), 0.05)
    right = _edge(sorted(round(line.x1) for line in lines), 0.95)
    blocks: list[Block] = []
    current: list[_Line] = []
    for _, _, item in items:
        if isinstance(item, Row):
            _close(current, blocks)
            current = []
            blocks.append(item)
        elif current and not _starts_paragraph(item, current[-1], left, right):
            current.append(item)
        else:
            _close(current, blocks)
            current = [item]
    _close(current, blocks)
    return blocks


def _edge(ordered: list[int], share: float) -> float:
    return float(ordered[min(int(len(ordered) * share), len(ordered) - 1)]) if ordered else 0.0


def _starts_paragraph(line: _Line, previous: _Line, left: float, right: float) -> bool:
    return (
        abs(line.size - previous.size) > 1  # a title line and the body beneath it
        or line.x0 > left + 0.6 * line.size
        or previous.x1 < right - 1.5 * previous.size
        or section_of(line.text) is not None
        or section_of(previous.text) is not None
    )


def _close(lines: list[_Line], blocks: list[Block]) -> None:
    if not lines:
        return
    text = lines[0].text.strip()
    for line in lines[1:]:
        following = line.text.strip()
        joint = " " if text and following and _ASCII_WORD.match(text[-1]) and _ASCII_WORD.match(following[0]) else ""
        text += joint + following
    blocks.append(Paragraph(text, f"第{lines[0].page}页"))
