"""The county's own report from its roll-up: the mandated format (the default template's layout, rendered by
the same machinery as `build`), the standard sentences of 一（二） and 四 drafted from the summed figures,
the sections only the county can write marked 【请填写】, and an appendix table of every unit."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .. import schema
from ..check.draft import draft, with_draft
from ..chinese import cn_date
from ..errors import NianbaoError
from ..files import write_bytes, write_text
from ..formats.json_document import dumps
from ..model import Report, Section, with_values
from .figures import KEY_FIGURES, key_figures
from .rollup import Rollup, roll_up
from .rollup_book import Trend, write_county_workbook

COUNTY_TEMPLATE = "county.docx"
COUNTY_TYPE = schema.AGENCY_TYPES[1]  # 县级以上人民政府
DEFAULT_AGENCY = "汇总"
OUTPUT_SUFFIXES = (".xlsx", ".json", ".docx")
FIGURE_KEYS = ("issued", "in_force", "new", "done", "forward", "review", "litigation", "fees")  # KEY_FIGURES
APPENDIX_TITLE = "{{ year }}年度各单位政府信息公开工作情况统计表"


def to_fill(what: str) -> str:
    """The mark of a text only the county office can write."""
    return f"【请填写：{what}】"


# --- the template ----------------------------------------------------------------------------------------
def county_template_path() -> Path:
    """The county report's template: shipped inside the package (wheel), or templates/ of a source checkout."""
    packaged = resources.files("generator") / "templates" / COUNTY_TEMPLATE
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "templates" / COUNTY_TEMPLATE


APPENDIX_COLUMNS = (("序号", 12), ("单位", 57), *((figure.heading, 17) for figure in KEY_FIGURES), ("成文日期", 35))


def build_county_template(path: Path | io.BytesIO) -> None:
    """Write the county template: the default template, then on a landscape page the appendix table."""
    from docx import Document
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.shared import Mm

    from ..publish import default_template as base

    buffer = io.BytesIO()
    base.build_default_template(buffer)
    document = Document(buffer)
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(28), Mm(26)
    attachment = document.add_paragraph("附件", base.STYLE_HEADING1)
    attachment.paragraph_format.first_line_indent = 0
    document.add_paragraph(APPENDIX_TITLE, base.STYLE_TITLE)
    document.add_paragraph("", base.STYLE_TABLE)
    grid = document.add_table(rows=5, cols=len(APPENDIX_COLUMNS))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    cells = [
        [heading for heading, _ in APPENDIX_COLUMNS],
        ["{%tr for unit in units %}", *[""] * (len(APPENDIX_COLUMNS) - 1)],
        [
            "{{ unit.number }}",
            "{{ unit.name }}",
            *(f"{{{{ unit.{key}|num }}}}" for key in FIGURE_KEYS),
            "{{ unit.date }}",
        ],
        ["{%tr endfor %}", *[""] * (len(APPENDIX_COLUMNS) - 1)],
        ["合计", "{{ units|length }} 个单位", *(f"{{{{ totals.{key}|num }}}}" for key in FIGURE_KEYS), ""],
    ]
    for row, texts in zip(grid.rows, cells, strict=True):
        for cell, text, (_, width) in zip(row.cells, texts, APPENDIX_COLUMNS, strict=True):
            cell.width = Mm(width)
            paragraph = cell.paragraphs[0]
            paragraph.style = document.styles[base.STYLE_TABLE]
            paragraph.add_run(text)
    for column, (_, width) in zip(grid.columns, APPENDIX_COLUMNS, strict=True):
        column.width = Mm(width)
    grid.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on every page
    saved = io.BytesIO()
    document.save(saved)
    finished = base.finish_package(saved.getvalue())
    if isinstance(path, io.BytesIO):
        path.write(finished)
        path.seek(0)
    else:
        Path(path).write_bytes(finished)


# --- the report ------------------------------------------------------------------------------------------
def county_report(rolled: Rollup, previous: Report | None = None) -> Report:
    """The county's report data: the summed figures, the standard sub-sections with 一（二） drafted (and the
    change against last year with `previous`), and the texts only the county can write marked to fill."""
    assert rolled.report is not None
    sections = tuple(Section(title, to_fill(f"本年度{title}。")) for title in schema.DEFAULT_OVERVIEW_TITLES)
    report = replace(
        with_values(
            rolled.report,
            agency_type=COUNTY_TYPE,
            problems=to_fill("存在的主要问题及改进情况"),
            other_matters=to_fill("其他需要报告的事项；没有时写“无”"),
        ),
        overview=tuple(replace(s, text="") if "依申请" in s.title else s for s in sections),
    )
    drafted, _ = with_draft(report, draft(report, previous))
    return drafted


def appendix(units: Sequence[tuple[Path, Report]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The appendix rows (one per unit: name, key figures, 成文日期) and their totals."""
    rows = []
    sums: list[Any] = [0] * len(FIGURE_KEYS)
    for number, (_, report) in enumerate(units, start=1):
        figures = key_figures(report)
        date = report["date"]
        row: dict[str, Any] = {"number": number, "name": report.agency, "date": cn_date(date) if date else ""}
        for index, (key, value) in enumerate(zip(FIGURE_KEYS, figures, strict=True)):
            row[key] = value if value is not None else 0
            sums[index] = sums[index] + row[key]
        rows.append(row)
    return rows, dict(zip(FIGURE_KEYS, sums, strict=True))


def render_county_report(rolled: Rollup, previous: Report | None = None) -> bytes:
    """The DOCX of the county's report, rendered like `build` renders a unit's (and stamped the same way)."""
    from ..publish import layout, properties
    from ..publish.context import build_context
    from ..publish.render import prepare, render_bytes

    report = county_report(rolled, previous)
    context = build_context(report)
    context["units"], context["totals"] = appendix(rolled.units)
    agency = layout.one_line(report.agency)
    stamps = properties.stamps(layout.report_title(report.agency, report.year), agency, properties.build_time())
    return render_bytes(prepare(county_template_path(), trusted=True), context, stamps)


# --- the command -----------------------------------------------------------------------------------------
def check_outputs(outputs: Sequence[Path], report: bool, agency: str, input_dir: Path | None = None) -> None:
    """Refuse outputs the command cannot write: an unknown kind, a .docx without --report (or the reverse),
    the county's report without its agency, a file inside the input folder (counted next time)."""
    suffixes = [out.suffix.lower() for out in outputs]
    for out, suffix in zip(outputs, suffixes, strict=True):
        if suffix not in OUTPUT_SUFFIXES:
            raise NianbaoError(f"“{out.name}”：输出文件的扩展名应为 .xlsx、.json，或（加 --report 时）.docx。")
        if input_dir is not None and input_dir.resolve() in out.resolve().parents:
            raise NianbaoError(f"“{out}”在输入文件夹中：下次汇总时会被当作一个单位的年报，请写到别处。")
    if len(set(suffixes)) < len(suffixes):
        raise NianbaoError("同一种输出文件（.xlsx、.json、.docx）只能给一个。")
    if report and ".docx" not in suffixes:
        raise NianbaoError("--report 需要用 -o 给出 Word 文件名，如 -o 全县汇总.docx。")
    if ".docx" in suffixes and not report:
        raise NianbaoError("生成全县汇总的 Word 报告请加 --report。")
    if report and agency == DEFAULT_AGENCY:
        raise NianbaoError("生成全县汇总报告请用 --agency 写明发布机关全称，如 --agency 某某县人民政府。")


@dataclass(frozen=True, slots=True)
class RolledUp:
    """The roll-up and the files written from it."""

    rolled: Rollup
    written: tuple[Path, ...]


def write_rollup(
    paths: Sequence[Path],
    outputs: Sequence[Path],
    agency: str,
    year: int | None = None,
    previous_paths: Sequence[Path] = (),
    on_each: Callable[[Path], None] | None = None,
) -> RolledUp:
    """Add up the inputs (and last year's, for the trend), then write each output by its kind: the county's
    workbook (.xlsx), the summed report (.json), the county's report (.docx)."""
    rolled = roll_up(paths, agency, year, on_each)
    trend = None
    if previous_paths:
        last_year = rolled.year - 1 if rolled.year is not None else None
        last = roll_up(previous_paths, agency, last_year, on_each)
        trend = Trend(last.year, last.report) if last.report is not None else None
    if rolled.report is None:
        return RolledUp(rolled, ())
    for out in outputs:
        suffix = out.suffix.lower()
        if suffix == ".json":
            write_text(out, dumps(rolled.report))
        elif suffix == ".docx":
            write_bytes(out, render_county_report(rolled, trend.report if trend else None))
        else:
            write_county_workbook(out, rolled, trend)
    return RolledUp(rolled, tuple(outputs))
