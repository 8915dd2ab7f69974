"""Any input file to RawInput: the format told by content, then the reader of that format."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .. import issues as it
from ..files import write_text
from ..model import Report
from .json_document import dumps, read_document
from .published import SOURCE_NAMES, read_published
from .raw import RawInput
from .sniff import PUBLISHED, InputFormat, reading_archive, sniff
from .workbook_reader import read_workbook
from .workbook_writer import write_workbook


def read_input(path: Path) -> tuple[RawInput, InputFormat]:
    """Read a workbook, a JSON document or a published report, told apart by content; NianbaoError if it cannot.

    A published report carries a warning that its figures were read from the report, not a workbook.
    """
    input_format = sniff(path)
    if input_format in PUBLISHED:
        raw = read_published(path, input_format)
        notice = it.R_SOURCE.in_document("format", "输入文件", path.name, kind=SOURCE_NAMES[input_format])
        return replace(raw, issues=(notice, *raw.issues)), input_format
    with reading_archive(path):
        raw = read_workbook(path) if input_format is InputFormat.XLSX else read_document(path)
    return raw, input_format


REPORT_SUFFIXES = (".xlsx", ".json")  # the forms a report's data is written in


def write_report(out: Path, report: Report) -> None:
    """Write a report's data as the standard workbook (.xlsx) or the JSON document (.json), by `out`'s suffix."""
    if out.suffix.lower() == ".json":
        write_text(out, dumps(report))
    else:
        write_workbook(out, report)
