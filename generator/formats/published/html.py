"""Reading a report from a portal's article page (HTML saved from a browser, or the page source).

The report sits inside the site's chrome (header, menus, related links): the article is the smallest element
holding the headings 一 and 六 (or as many of the six as are found), and only its blocks are read; the title is
looked for there, then in the page's headline and <title>. Tables are read from <td> cells however they are
wrapped (<p>, <span>, &nbsp;), rowspan and colspan expanded to the grid; tables that hold tables are layout.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from lxml import etree

from ...errors import UnreadableInput
from .blocks import Block, Extracted, Paragraph, Row, squeeze
from .mapping import section_of

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
_WHITE = re.compile(r"[ \t\r\n\f]+")
_SKIPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "select",
        "option",
        "button",
        "input",
        "textarea",
        "iframe",
        "template",
        "svg",
        "head",
    }
)
_BLOCK = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "blockquote",
        "center", "dd", "dt", "dl", "pre", "form", "header", "footer", "nav", "main", "aside", "tr", "td", "th",
        "tbody", "thead", "tfoot", "caption", "hr", "address", "figure", "figcaption", "body", "html",
    }
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BOLD = frozenset({"strong", "b"})


def decode(data: bytes) -> str:
    """The page's text: a BOM, else UTF-8, else the charset its <meta> names (GB2312 read as GB18030), else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:4096])
    name = declared.group(1).decode("ascii").lower() if declared else "gb18030"
    if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk"):
        name = "gb18030"
    try:
        return data.decode(name, errors="replace")
    except LookupError:
        return data.decode("gb18030", errors="replace")


def extract_html(path: Path) -> Extracted:
    """The blocks of the report on an HTML page, and the page's title candidates."""
    try:
        text = decode(path.read_bytes())
        root = lxml.html.document_fromstring(text)
    except (OSError, etree.ParserError, ValueError) as exc:
        raise UnreadableInput(f"网页“{path.name}”无法读取（{exc}）。") from exc
    reader = _Reader()
    body = root.find("body")
    reader.walk(body if body is not None else root)
    reader.flush()
    blocks, owners = reader.blocks, reader.owners
    article = _article(blocks, owners)
    inside = [article is None or _within(owner, article) for owner in owners]
    kept = [block for block, keep in zip(blocks, inside, strict=True) if keep]
    start = inside.index(True) if True in inside else len(blocks)
    before = [block.text for block in blocks[:start] if isinstance(block, Paragraph)]
    titles = (*_meta_titles(root), *reversed(before), root.findtext(".//title") or "")  # the headline is nearest
    return Extracted(tuple(_renumber(kept)), tuple(t for t in titles if t))


def _meta_titles(root: lxml.html.HtmlElement) -> list[str]:
    return [
        meta.get("content", "")
        for meta in root.iter("meta")
        if (meta.get("name") or "").lower() in ("articletitle", "title", "og:title")
    ]


def _article(blocks: list[Block], owners: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement | None:
    """The smallest element holding the first and the last section heading found."""
    found = [
        owner
        for block, owner in zip(blocks, owners, strict=True)
        if isinstance(block, Paragraph) and section_of(block.text) is not None
    ]
    if len(found) < 2:
        return None
    first, last = found[0], found[-1]
    ancestors = [first, *first.iterancestors()]  # kept alive: lxml's proxies are compared by identity
    return next((element for element in [last, *last.iterancestors()] if any(element is a for a in ancestors)), None)


def _within(element: lxml.html.HtmlElement, container: lxml.html.HtmlElement) -> bool:
    return element is container or any(parent is container for parent in element.iterancestors())


def _renumber(blocks: list[Block]) -> list[Block]:
    """Places counted within the article, as a reader of the page counts them."""
    out: list[Block] = []
    paragraphs = 0
    tables: dict[int, int] = {}
    for block in blocks:
        if isinstance(block, Paragraph):
            paragraphs += 1
            out.append(Paragraph(block.text, f"第{paragraphs}段", block.heading))
        else:
            number = tables.setdefault(block.table, len(tables) + 1)
            row = block.where.rsplit("第", 1)[1]
            out.append(Row(block.cells, f"第{number}个表格第{row}", number))
    return out


def cell_text(element: lxml.html.HtmlElement) -> str:
    """The text of an element as a browser shows it: white space collapsed, <br> and blocks as line breaks."""
    parts: list[str] = []
    _text(element, parts)
    return "\n".join(line.strip() for line in "".join(parts).split("\n")).strip()


def _text(element: lxml.html.HtmlElement, parts: list[str]) -> None:
    if element.text:
        parts.append(_WHITE.sub(" ", element.text).replace("\xa0", " "))
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _SKIPPED:
            if child.tag == "br":
                parts.append("\n")
            else:
                block = child.tag in _BLOCK
                if block:
                    parts.append("\n")
                _text(child, parts)
                if block:
                    parts.append("\n")
        if child.tail:
            parts.append(_WHITE.sub(" ", child.tail).replace("\xa0", " "))


class _Reader:
    """Walks the page once: runs of inline text become paragraphs, data tables become rows."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.owners: list[lxml.html.HtmlElement] = []
        self.parts: list[str] = []
        self.owner: lxml.html.HtmlElement | None = None
        self.bold: list[str] = []
        self.tables = 0

    def flush(self) -> None:
        text = "".join(self.parts).strip()
        if text and self.owner is not None:
            heading = self.owner.tag in _HEADINGS or (bool(self.bold) and squeeze("".join(self.bold)) == squeeze(text))
            self.blocks.append(Paragraph(text, "", heading))
            self.owners.append(self.owner)
        self.parts, self.bold, self.owner = [], [], None

    def add(self, text: str | None, owner: lxml.html.HtmlElement, bold: bool) -> None:
        if not text:
            return
        shown = _WHITE.sub(" ", text).replace("\xa0", " ")
        if self.owner is None:
            if not shown.strip():
                return
            self.owner = owner
        self.parts.append(shown)
        if bold:
            self.bold.append(shown)

    def walk(self, element: lxml.html.HtmlElement, bold: bool = False) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIPPED or not tag:
            return
        if tag == "table" and element.find(".//table") is None:
            self.flush()
            self.table(element)
            return
        block = tag in _BLOCK or tag == "table"
        if block or tag == "br":
            self.flush()
        bold = bold or tag in _BOLD or tag in _HEADINGS
        self.add(element.text, element, bold)
        for child in element:
            self.walk(child, bold)
            self.add(child.tail, element, bold)
        if block:
            self.flush()

    def table(self, element: lxml.html.HtmlElement) -> None:
        self.tables += 1
        for number, cells in enumerate(grid(element), start=1):
            self.blocks.append(Row(cells, f"第{self.tables}个表格第{number}行", self.tables))
            self.owners.append(element)


def grid(table: lxml.html.HtmlElement) -> list[tuple[str | None, ...]]:
    """The rows of an HTML table on its grid: rowspan and colspan expanded, covered places None."""
    rows: list[tuple[str | None, ...]] = []
    pending: dict[int, int] = {}  # column → rows still covered by a rowspan from above
    for tr in table.iter("tr"):
        cells: list[str | None] = []
        column = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while pending.get(column, 0) > 0:
                cells.append(None)
                pending[column] -= 1
                column += 1
            rowspan, colspan = _span(td, "rowspan"), _span(td, "colspan")
            cells += [cell_text(td)] + [None] * (colspan - 1)
            for offset in range(colspan):
                if rowspan > 1:
                    pending[column + offset] = rowspan - 1
            column += colspan
        while any(count > 0 for col, count in pending.items() if col >= column):
            if pending.get(column, 0) > 0:
                pending[column] -= 1
            cells.append(None)
            column += 1
        rows.append(tuple(cells))
    return rows


def _span(cell: lxml.html.HtmlElement, name: str) -> int:
    try:
        return min(max(int(cell.get(name, "1")), 1), 100)
    except ValueError:
        return 1
