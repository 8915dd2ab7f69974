"""Where a line of a template part is, as its owner finds it in Word: paragraph, or table/row/column, and the text around."""

from __future__ import annotations

import re


def where(source: str, lineno: int | None) -> str:
    """The visible text around a line of a patched part, for messages."""
    if not lineno:
        return "位置不明"
    lines = source.splitlines()[max(lineno - 2, 0) : lineno + 1]
    text = " ".join(re.sub(r"<[^>]+>", "", line) for line in lines).strip()
    return f"附近的文字：“{text[:80]}”"


def part_label(part: str) -> str:
    """A part of the document as its owner calls it: 正文, header1 …"""
    return {"word/document.xml": "正文", "word/settings.xml": "文档设置", "": "文档"}.get(
        part, part.removeprefix("word/").removesuffix(".xml")
    )


def locate_line(part: str, source: str, lineno: int | None) -> str:
    """Where a line of a patched part is: paragraph, or table/row/column, with the text around."""
    if not lineno:
        return part
    before = "\n".join(source.splitlines()[: lineno - 1])
    name = part_label(part)
    depth = before.count("<w:tbl>") - before.count("</w:tbl>")
    if depth > 0:
        table_start = before.rfind("<w:tbl>")
        rows = before[table_start:]
        row = len(re.findall(r"<w:tr[ >]", rows))
        cells = re.split(r"<w:tc[ >]", rows[rows.rfind("<w:tr") :])[1:]
        column = 1 + sum(
            int(m.group(1)) if (m := re.search(r'<w:gridSpan w:val="(\d+)"', c)) else 1 for c in cells[:-1]
        )
        place = f"{name}第 {before.count('<w:tbl>')} 个表格第 {row} 行第 {column} 列"
    else:
        place = f"{name}第 {len(re.findall(r'<w:p[ >]', before)) + 1} 段"
    return f"{place}，{where(source, lineno)}"
