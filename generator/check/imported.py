"""Reading a published report as it is printed (`nianbao import`): its values and what could not be read, no checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UnsupportedInput
from ..formats.published import read_published
from ..formats.sniff import PUBLISHED, InputFormat, sniff
from ..issues import CheckResult
from ..model import Report
from .parse import parse


@dataclass(frozen=True, slots=True)
class Imported:
    """A published report read: the report as printed (totals as printed), and the issues met while reading it.

    Errors mean part of the report could not be read; warnings say what was assumed (blank cells as 0 …).
    Whether the figures add up is not looked at: that is `check`'s work.
    """

    report: Report
    result: CheckResult
    input_format: InputFormat


def import_report(path: Path) -> Imported:
    """Read a DOCX, HTML or PDF report; UnsupportedInput for a workbook or JSON, which need no import."""
    input_format = sniff(path)
    if input_format not in PUBLISHED:
        raise UnsupportedInput(
            f"“{path.name}”是{'工作簿' if input_format is InputFormat.XLSX else ' JSON 文档'}，不是已发布的报告："
            "它不需要导入，可直接用于 check、build，或用 nianbao export 转为 JSON。"
        )
    parsed = parse(read_published(path, input_format))
    return Imported(parsed.report, CheckResult.of(parsed.issues), input_format)
