"""A readable outline of a DOCX for golden tests: paragraphs with their style, tables as grids, footers."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree


def _table(table: Table) -> list[str]:
    lines = [f"▦ {len(table.rows)}×{len(table.columns)}"]
    for row in table.rows:
        lines.append("| " + " | ".join(cell.text for cell in row.cells) + " |")
    return lines


def outline(docx: bytes | Path) -> str:
    """Body in order (¶ style｜text, tables as grids; merged cells repeat), then the footers."""
    source = io.BytesIO(docx) if isinstance(docx, bytes) else str(docx)
    document = Document(source)
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(f"¶ {block.style.name}｜{block.text}")
        else:
            lines.extend(_table(block))
    section = document.sections[0]
    for name, footer in (("页脚（奇数页）", section.footer), ("页脚（偶数页）", section.even_page_footer)):
        lines.append(f"== {name}")
        lines.extend(f"¶ {p.style.name}｜{p.text}" for p in footer.paragraphs)
    return "\n".join(lines) + "\n"


def part(docx: bytes | Path, name: str) -> bytes:
    """One part of the package."""
    data = docx if isinstance(docx, bytes) else docx.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def pretty(xml: bytes) -> str:
    """The XML re-serialised with indentation, for line-by-line diffs."""
    return etree.tostring(etree.fromstring(xml), pretty_print=True, encoding="unicode")
