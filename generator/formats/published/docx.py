"""Reading a Word report (Word, WPS or LibreOffice .docx): paragraphs and tables of the body, in order.

Read straight from word/document.xml with lxml (python-docx builds an object per run and per cell and takes
several times longer): text however it is split into runs, merged cells (gridSpan, vMerge) expanded to the grid,
content controls and tracked insertions read, deletions, field codes and text boxes left out.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from ...errors import UnreadableInput
from .blocks import Block, Extracted, Paragraph, Row

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT, _CUSTOM = (
    W + n for n in ("p", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml")
)
_T, _TAB, _BR, _CR = (W + n for n in ("t", "tab", "br", "cr"))
_SKIPPED = frozenset(
    {
        W + "del",
        W + "moveFrom",
        W + "instrText",
        W + "delText",
        W + "txbxContent",
        W + "pPr",
        W + "rPr",
        _MC + "Fallback",
    }
)
_HEADING_NAMES = ("heading", "title", "标题")


def extract_docx(path: Path) -> Extracted:
    """The blocks of a .docx report; UnreadableInput when the file is damaged."""
    try:
        with zipfile.ZipFile(path) as archive:
            body = etree.fromstring(archive.read("word/document.xml"), _PARSER).find(W + "body")
            styles = archive.read("word/styles.xml") if "word/styles.xml" in archive.namelist() else b""
    except (KeyError, OSError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise UnreadableInput(f"Word 文档“{path.name}”已损坏，无法读取（{exc}）。") from exc
    if body is None:
        raise UnreadableInput(f"Word 文档“{path.name}”没有正文。")
    reader = _Reader(_heading_styles(styles))
    reader.walk(body)
    return Extracted(tuple(reader.blocks))


def _heading_styles(styles: bytes) -> frozenset[str]:
    """The ids of paragraph styles that are headings: an outline level, or a name such as 标题 2 / heading 2."""
    if not styles:
        return frozenset()
    try:
        root = etree.fromstring(styles, _PARSER)
    except etree.XMLSyntaxError:
        return frozenset()
    found = set()
    for style in root.iter(W + "style"):
        name = style.find(W + "name")
        named = name is not None and any(word in (name.get(W + "val") or "").lower() for word in _HEADING_NAMES)
        if named or style.find(f"{W}pPr/{W}outlineLvl") is not None:
            found.add(style.get(W + "styleId") or "")
    return frozenset(found)


class _Reader:
    """Walks the body once, numbering paragraphs and tables as a reader of the document counts them."""

    def __init__(self, heading_styles: frozenset[str]) -> None:
        self.heading_styles = heading_styles
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0

    def walk(self, container: etree._Element) -> None:
        for child in container:
            if child.tag == _P:
                self.paragraph(child)
            elif child.tag == _TBL:
                self.table(child)
            elif child.tag in (_CUSTOM, _SDT_CONTENT):
                self.walk(child)
            elif child.tag == _SDT:
                for content in child.iterchildren(_SDT_CONTENT):
                    self.walk(content)

    def paragraph(self, element: etree._Element) -> None:
        text = paragraph_text(element)
        heading = self._is_heading(element)
        for line in text.split("\n"):  # a manual line break (Shift+Enter) starts a new line of the report
            if line.strip():
                self.paragraphs += 1
                self.blocks.append(Paragraph(line, f"第{self.paragraphs}段", heading))

    def _is_heading(self, element: etree._Element) -> bool:
        properties = element.find(W + "pPr")
        if properties is None:
            return False
        style = properties.find(W + "pStyle")
        return properties.find(W + "outlineLvl") is not None or (
            style is not None and style.get(W + "val") in self.heading_styles
        )

    def table(self, element: etree._Element) -> None:
        self.tables += 1
        for number, row in enumerate(table_rows(element), start=1):
            self.blocks.append(Row(row, f"第{self.tables}个表格第{number}行", self.tables))


def paragraph_text(element: etree._Element) -> str:
    """The text of a paragraph as Word shows it: runs joined, tabs as spaces, line breaks as \\n."""
    parts: list[str] = []
    _collect(element, parts)
    return "".join(parts)


def _collect(element: etree._Element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIPPED or not isinstance(tag, str):
            continue
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append(" ")
        elif tag in (_BR, _CR):
            parts.append("\n")
        else:
            _collect(child, parts)


def table_rows(element: etree._Element) -> list[tuple[str | None, ...]]:
    """The rows of a table on its grid: a cell spanning columns or continuing a vertical merge leaves None."""
    rows: list[tuple[str | None, ...]] = []
    for tr in element.iter(_TR):
        if tr.getparent() is not element and _owner_table(tr) is not element:
            continue  # a row of a table nested in a cell
        cells: list[str | None] = [None] * _grid_value(tr, "trPr", "gridBefore")
        for tc in tr.iterchildren(_TC, _SDT):
            for cell in [tc] if tc.tag == _TC else tc.iter(_TC):
                span = _grid_value(cell, "tcPr", "gridSpan") or 1
                merge = cell.find(f"{W}tcPr/{W}vMerge")
                continued = merge is not None and merge.get(W + "val", "continue") == "continue"
                text = None if continued else "\n".join(paragraph_text(p) for p in cell.iter(_P))
                cells += [text] + [None] * (span - 1)
        rows.append(tuple(cells))
    return rows


def _owner_table(row: etree._Element) -> etree._Element | None:
    parent = row.getparent()
    while parent is not None and parent.tag != _TBL:
        parent = parent.getparent()
    return parent


def _grid_value(element: etree._Element, properties: str, name: str) -> int:
    node = element.find(f"{W}{properties}/{W}{name}")
    try:
        return max(0, int(node.get(W + "val", "0"))) if node is not None else 0
    except ValueError:
        return 0
