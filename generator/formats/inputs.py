"""Any input file to RawInput: the format told by content, then the reader of that format."""

from __future__ import annotations

from pathlib import Path

from .json_document import read_document
from .raw import RawInput
from .sniff import InputFormat, sniff
from .workbook_reader import read_workbook


def read_input(path: Path) -> tuple[RawInput, InputFormat]:
    """Read a workbook or JSON document, told apart by content; raises NianbaoError if it cannot."""
    input_format = sniff(path)
    raw = read_workbook(path) if input_format is InputFormat.XLSX else read_document(path)
    return raw, input_format
