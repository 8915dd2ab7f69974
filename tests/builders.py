"""Test data made in the tests: reports from overrides, and their workbook and JSON files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from generator import schema
from generator.formats.json_document import dumps
from generator.formats.workbook_writer import write_workbook
from generator.model import Report, Section, Value, make_report, to_document

ROOT = Path(__file__).resolve().parent.parent
SEED_JSON = ROOT / "inputs" / "seed.json"


def valid_report(**values: Value) -> Report:
    """A small valid report: every total left out (computed), texts filled, overrides applied."""
    base: dict[str, Value] = {
        "agency": "测试县测试镇人民政府",
        "year": 2021,
        "date": dt.date(2022, 1, 20),
        "problems": "存在的问题。\n改进措施。",
        "other_matters": "无",
    }
    base.update(values)
    return make_report(base, (Section("主动公开政府信息情况", "正文。"),))


def distinct_report() -> Report:
    """Every count and total holds a distinct number (1, 2, 3 … in schema order); not a valid report."""
    numbered = [f.path for f in schema.FIELDS if f.kind in (schema.Kind.COUNT, schema.Kind.TOTAL)]
    return valid_report(**{path: index for index, path in enumerate(numbered, start=1)})


def document(report: Report) -> dict[str, Any]:
    """The JSON document of a report."""
    return to_document(report)


def write_json(path: Path, data: Report | dict[str, Any]) -> Path:
    """Write a report or a raw document as JSON."""
    text = dumps(data) if isinstance(data, Report) else json.dumps(data, ensure_ascii=False, default=str)
    path.write_text(text, encoding="utf-8")
    return path


def write_xlsx(path: Path, report: Report) -> Path:
    """Write a report as the standard workbook."""
    write_workbook(path, report)
    return path


def seed_document() -> dict[str, Any]:
    """The corrected seed report as a JSON document."""
    return json.loads(SEED_JSON.read_text(encoding="utf-8"))


# agency names of 20 to 30 characters, as long as real ones get: where the title and the signature must break
LONG_AGENCIES = (
    "新疆维吾尔自治区伊犁哈萨克自治州人民政府办公室机关事务管理局",
    "内蒙古自治区呼和浩特市赛罕区人民政府办公室",
    "江苏省宿迁市沭阳县市场监督管理局",
)


def long_name_report(agency: str = LONG_AGENCIES[0]) -> Report:
    """A valid report of an agency with a long name."""
    return valid_report(agency=agency)
