"""What every reader of a published report extracts: paragraphs and table rows in reading order, each with its place."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph (or a line of a PDF page) of the report's text, with where it is."""

    text: str
    where: str
    heading: bool = False  # set apart in the source: a heading style, <h2>, bold throughout


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a table, its merged cells expanded to the table's grid: None where a merged cell covers."""

    cells: tuple[str | None, ...]
    where: str  # e.g. 第2页第1个表格第5行
    table: int  # the table's number in the document, from 1

    def at(self, column: int) -> str:
        """The place of one cell of the row."""
        return f"{self.where}第{column + 1}列"


Block = Paragraph | Row


@dataclass(frozen=True, slots=True)
class Extracted:
    """A report as read from its file: blocks in reading order and title candidates from outside its body."""

    blocks: tuple[Block, ...]
    titles: tuple[str, ...] = ()  # an HTML page's <title>, its headline above the article …


def squeeze(text: str | None) -> str:
    """Text for comparing labels: full-width forms folded (NFKC), all white space (also &nbsp;, 　) removed."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))
