"""Published reports in the layouts real ones use, made in code from a Report: a portal's article page (HTML)
and a WPS-style Word document, with the variants real reports print (blank zeros, 2019 layout, typos …)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from generator import schema
from generator.chinese import cn_date, num
from generator.model import Report, complete_values


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell as printed: its text and how many rows and columns it spans."""

    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True, slots=True)
class Layout:
    """How a report prints its tables."""

    zero: str = "0"  # how a 0 is printed: "", "/", "—", "\xa0" …
    thousands: bool = False  # 1,234
    old_other: bool = False  # the 2019 layout: （六）其他处理 one row (table 三 has 23 rows)
    subtotal: bool = False  # a non-official 法人或其他组织小计 column (table 三 28 rows × 8 numbers)
    labels: Mapping[str, str] = field(default_factory=dict)  # official label → the label as printed


def shown(value: object, layout: Layout) -> str:
    if value == 0:
        return layout.zero
    if isinstance(value, int) and layout.thousands:
        return f"{value:,}"
    return num(value)


def proactive_rows(report: Report, layout: Layout) -> list[list[Cell]]:
    values = complete_values(report.values)
    label = lambda text: layout.labels.get(text, text)  # noqa: E731
    rows = [
        [Cell("第二十条第（一）项", colspan=4)],
        [Cell("信息内容"), *(Cell(label(text)) for _, text in schema.DOC_COLUMNS)],
    ]
    for key, text in schema.DOC_ROWS:
        rows.append(
            [Cell(label(text)), *(Cell(shown(values[f"proactive.{key}.{c}"], layout)) for c, _ in schema.DOC_COLUMNS)]
        )
    for caption, header, singles, _ in schema.PROACTIVE_SINGLES:
        rows += [[Cell(caption, colspan=4)], [Cell("信息内容"), Cell(label(header), colspan=3)]]
        rows += [
            [Cell(label(text)), Cell(shown(values[f"proactive.{key}"], layout), colspan=3)] for key, text in singles
        ]
    return rows


def requests_rows(report: Report, layout: Layout, split_at: int = -1) -> list[list[Cell]]:
    """Table 三 with merged label cells; at data row `split_at` the group labels start again (a table continued)."""
    values = complete_values(report.values)
    legal = [key for key, _ in schema.APPLICANT_COLUMNS[1:6]]
    numbers = 7 + layout.subtotal
    rows = [
        [Cell(schema.BALANCE_NOTE, rowspan=3, colspan=3), Cell("申请人情况", colspan=numbers)],
        [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5 + layout.subtotal), Cell("总计", rowspan=2)],
        [Cell(text) for _, text in schema.APPLICANT_COLUMNS[1:6]]
        + ([Cell("法人或其他组织小计")] if layout.subtotal else []),
    ]
    printed = [(key, levels) for key, levels in schema.REQUEST_ROWS]
    if layout.old_other:
        printed = [(k, lv) for k, lv in printed if k not in ("other.no_correction", "other.unpaid_fee")]
        printed = [(k, lv[:2] if k == "other.other" else lv) for k, lv in printed]
    for index, (key, levels) in enumerate(printed):
        cells: list[Cell] = []
        for depth, text in enumerate(levels):
            leaf = depth == len(levels) - 1
            if not leaf and index not in (0, split_at) and printed[index - 1][1][: depth + 1] == levels[: depth + 1]:
                continue  # covered by the group label above
            span = len(_run(printed, index, depth, split_at)) if not leaf else 1
            cells.append(Cell(layout.labels.get(text, text), rowspan=span, colspan=3 - depth if leaf else 1))
        figures = [values[f"requests.{key}.{column}"] for column, _ in schema.APPLICANT_COLUMNS]
        if layout.subtotal:
            figures.insert(6, sum(values[f"requests.{key}.{column}"] for column in legal))  # type: ignore[misc]
        cells += [Cell(shown(figure, layout)) for figure in figures]
        rows.append(cells)
    return rows


def _run(printed: list[tuple[str, tuple[str, ...]]], index: int, depth: int, split_at: int) -> list[int]:
    prefix = printed[index][1][: depth + 1]
    found = []
    for other in range(index, len(printed)):
        if printed[other][1][: depth + 1] != prefix or (other == split_at and other != index):
            break
        found.append(other)
    return found


def appeals_rows(report: Report, layout: Layout) -> list[list[Cell]]:
    values = complete_values(report.values)
    label = lambda text: layout.labels.get(text, text)  # noqa: E731
    leaves = [label(text) for _, text in schema.APPEAL_COLUMNS]
    return [
        [Cell(label("行政复议"), colspan=5), Cell("行政诉讼", colspan=10)],
        [
            *(Cell(text, rowspan=2) for text in leaves),
            Cell("未经复议直接起诉", colspan=5),
            Cell("复议后起诉", colspan=5),
        ],
        [Cell(text) for text in leaves * 2],
        [
            Cell(shown(values[f"appeals.{g}.{c}"], layout))
            for g, _ in schema.APPEAL_GROUPS
            for c, _ in schema.APPEAL_COLUMNS
        ],
    ]


# --- a portal's article page ----------------------------------------------------------------------------------
CHROME_TOP = """<div class="header"><div class="logo">某某县人民政府</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/gk">政府信息公开</a></li><li><a href="/hd">政民互动</a></li></ul>
<div class="menu"><a href="/nb2022">2022年政府信息公开工作年度报告</a></div></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/gk">政府信息公开</a> &gt; 年度报告</div>"""
CHROME_BOTTOM = """<div class="related"><h3>相关链接</h3><ul>
<li><a href="/x">某某县2022年政府信息公开工作年度报告</a></li><li><a href="/y">关于做好政务公开工作的通知</a></li></ul></div>
<div class="tools">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
<div class="footer"><p>主办单位：某某县人民政府办公室　网站标识码：1234000001</p><p>2024年1月2日</p></div>"""


def _p(text: str, style: str = "text-indent: 2em;") -> str:
    return f'<p style="{style}"><span style="font-family: 仿宋_GB2312;">{html.escape(text)}</span></p>'


def _html_table(rows: list[list[Cell]]) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="600"><tbody>']
    for row in rows:
        out.append("<tr>")
        for cell in row:
            spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
            )
            text = html.escape(cell.text).replace("\xa0", "&nbsp;") or "&nbsp;"
            out.append(
                f'<td{spans} valign="center"><p align="center"><span style="font-size:10pt">{text}</span></p></td>'
            )
        out.append("</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def opening_of(report: Report) -> str:
    """The opening a published report prints: the agency's own, else the standard one (read back as blank)."""
    return str(report["opening"]) or schema.STANDARD_OPENING.format(agency=report.agency, year=report.year)


def portal_page(report: Report, layout: Layout = Layout()) -> str:
    """The report as a TRS-style portal article: headline outside the article, chrome around it, run-in titles."""
    title = f"{report.agency}{report.year}年政府信息公开工作年度报告"
    body = [_p(line) for line in opening_of(report).split("\n")]
    body.append(_p(schema.HEADINGS[0], "font-family: 黑体;"))
    for index, section in enumerate(report.overview, start=1):
        lines = section.text.split("\n") if section.text else []
        if section.title:
            ordinal = "一二三四五六七八九十"[index - 1]
            first = lines.pop(0) if lines else ""
            body.append(f"<p><strong>（{ordinal}）{html.escape(section.title)}。</strong>{html.escape(first)}</p>")
        body += [_p(line) for line in lines]
    for index, rows in (
        (1, proactive_rows(report, layout)),
        (2, requests_rows(report, layout)),
        (3, appeals_rows(report, layout)),
    ):
        body += [_p(schema.HEADINGS[index], "font-family: 黑体;"), _html_table(rows)]
    for index, path in ((4, "problems"), (5, "other_matters")):
        body.append(_p(schema.HEADINGS[index], "font-family: 黑体;"))
        body += [_p(line) for line in str(report[path]).split("\n") if line]
    body += [_p(report.agency, "text-align: right;"), _p(cn_date(report["date"]), "text-align: right;")]
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}_年度报告_某某县人民政府</title>
<script>var x = "一、总体情况";</script><style>p {{ margin: 0 }}</style></head>
<body>{CHROME_TOP}
<div class="article"><h1 class="title">{html.escape(title)}</h1>
<div class="meta">发布日期：2024-01-20　来源：某某县人民政府办公室</div>
<div class="TRS_Editor">{"".join(body)}</div></div>
{CHROME_BOTTOM}</body></html>"""


# --- a WPS-style Word document ----------------------------------------------------------------------------------
def _runs(paragraph: Paragraph, text: str, bold: bool = False) -> None:
    """Text as WPS stores it: a run per character, alternating formatting."""
    for index, char in enumerate(text):
        run = paragraph.add_run(char)
        run.bold = bold or None
        run.font.size = None if index % 2 else 203200  # 16 pt every other character


def _docx_table(document: Document, rows: list[list[Cell]], header_rows: int = 0) -> DocxTable:
    width = sum(cell.colspan for cell in rows[0])
    table = document.add_table(rows=len(rows), cols=width)
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            target = table.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            for paragraph in target.paragraphs[1:]:
                paragraph._p.getparent().remove(paragraph._p)
            target.paragraphs[0].text = ""
            _runs(target.paragraphs[0], cell.text)
            c += cell.colspan
    for row in list(table.rows)[:header_rows]:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    return table


def wps_docx(path: Path, report: Report, layout: Layout = Layout(), date_text: str | None = None) -> Path:
    """The report as a WPS user types it: the title on one line, run-in sub-section titles, per-character runs,
    table 三 split in two with its header rows repeated, the date maybe in Chinese numerals."""
    document = Document()
    _runs(document.add_paragraph(), f"{report.agency}{report.year}年政府信息公开工作年度报告", bold=True)
    for line in opening_of(report).split("\n"):
        _runs(document.add_paragraph(), line)
    _runs(document.add_paragraph(), schema.HEADINGS[0], bold=True)
    for index, section in enumerate(report.overview, start=1):
        lines = section.text.split("\n") if section.text else []
        paragraph = document.add_paragraph()
        if section.title:
            _runs(paragraph, f"（{'一二三四五六七八九十'[index - 1]}）{section.title}。", bold=True)
            _runs(paragraph, lines.pop(0) if lines else "")
        else:
            _runs(paragraph, lines.pop(0))
        for line in lines:
            _runs(document.add_paragraph(), line)
    _runs(document.add_paragraph(), schema.HEADINGS[1], bold=True)
    _docx_table(document, proactive_rows(report, layout))
    _runs(document.add_paragraph(), schema.HEADINGS[2], bold=True)
    split = 9  # inside （三）不予公开: the table goes on below, its header rows and group labels printed again
    rows = requests_rows(report, layout, split)
    _docx_table(document, rows[: 3 + split], header_rows=3)
    _docx_table(document, rows[:3] + rows[3 + split :], header_rows=3)
    _runs(document.add_paragraph(), schema.HEADINGS[3], bold=True)
    _docx_table(document, appeals_rows(report, layout), header_rows=3)
    for index, key in ((4, "problems"), (5, "other_matters")):
        _runs(document.add_paragraph(), schema.HEADINGS[index], bold=True)
        for line in str(report[key]).split("\n"):
            _runs(document.add_paragraph(), line)
    _runs(document.add_paragraph(), report.agency)
    _runs(document.add_paragraph(), date_text or cn_date(report["date"]))
    document.save(str(path))
    return path
