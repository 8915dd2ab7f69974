"""Published reports (Word, an HTML page, a PDF with text) read back into RawInput, whoever made them."""

from __future__ import annotations

from pathlib import Path

from ..raw import RawInput
from ..sniff import InputFormat, reading_archive
from .blocks import Extracted
from .mapping import to_raw

SOURCE_NAMES = {
    InputFormat.DOCX: "已发布的 Word 报告",
    InputFormat.HTML: "已发布的网页报告",
    InputFormat.PDF: "已发布的 PDF 报告",
}


def extract(path: Path, input_format: InputFormat) -> Extracted:
    """The paragraphs and table rows of a published report of the given format."""
    if input_format is InputFormat.DOCX:
        from .docx import extract_docx

        return extract_docx(path)
    if input_format is InputFormat.HTML:
        from .html import extract_html

        return extract_html(path)
    from .pdf import extract_pdf

    return extract_pdf(path)


def read_published(path: Path, input_format: InputFormat) -> RawInput:
    """The raw values of a published report: what it prints, with an issue for every part that could not be read.
    A damaged DOCX is said in Chinese here, whoever reads it (check, build, import)."""
    with reading_archive(path):
        return to_raw(extract(path, input_format))
