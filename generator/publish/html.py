"""The report as an HTML page for the portal's 政府信息公开年报 column (文字版).

The page's `<article>` is what a portal editor (TRS, 大汉, …) pastes: inline styles only, no classes,
scripts or external files. Its structure follows the default Word template: the title as `<h1>`, the six
sections as `<h2>`, （一）… as `<h3>`, and the three official tables drawn from the same grids
(`schema.TABLES`) as the DOCX and the workbook, with every merge as rowspan/colspan and every data
cell tied to its header cells (`headers`), so that a screen reader reads each number with its row and
column (GB/T 37668, WCAG 2.1 AA).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any

from .. import __version__, schema
from ..chinese import cn_date, cn_ordinal, num
from ..model import Report
from . import layout
from .context import build_context, is_heading2, paragraphs

BODY_FONT = layout.css_family(layout.FANGSONG)
TEXT = f"font-family:{BODY_FONT};font-size:16pt;line-height:1.8;color:#000"
STYLE = {
    "article": f"{TEXT};max-width:36em;margin:0 auto;padding:1.5em 1em;background:#fff",
    "h1": (
        f"font-family:{layout.css_family(layout.XIAOBIAOSONG)};font-size:22pt;font-weight:bold;line-height:1.6;"
        "text-align:center;margin:0 0 1em;word-break:keep-all"
    ),
    "h2": f"font-family:{layout.css_family(layout.HEITI)};font-size:16pt;font-weight:normal;margin:0;text-indent:2em",
    "h3": f"font-family:{layout.css_family(layout.KAITI)};font-size:16pt;font-weight:normal;margin:0;text-indent:2em",
    "p": "margin:0;text-indent:2em;text-align:justify",
    "region": "overflow-x:auto;margin:0.5em 0 1em",
    "table": (
        f"border-collapse:collapse;table-layout:fixed;width:100%;min-width:36em;font-family:{layout.css_family(layout.SONGTI)};"
        "font-size:10.5pt;line-height:1.4;text-indent:0"
    ),
    "caption": f"font-family:{layout.css_family(layout.HEITI)};font-size:12pt;padding:0.3em 0",
    "cell": "border:1px solid #000;padding:0.25em 0.3em;text-align:center;vertical-align:middle;background:#fff",
    "label": (
        "border:1px solid #000;padding:0.25em 0.3em;text-align:left;vertical-align:middle;"
        "font-weight:normal;background:#fff"
    ),
}


def _tag(name: str, content: str, style: str = "", **attributes: str) -> str:
    attrs = "".join(f' {key.rstrip("_").replace("_", "-")}="{escape(value)}"' for key, value in attributes.items())
    styled = f' style="{style}"' if style else ""
    return f"<{name}{attrs}{styled}>{content}</{name}>"


# --- the tables ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Grid:
    """A table's cells by the grid positions they cover."""

    table: schema.Table
    covering: Mapping[tuple[int, int], schema.GridCell]

    @classmethod
    def of(cls, table: schema.Table) -> Grid:
        """Every (row, col) of the table mapped to the cell that covers it."""
        covering = {
            (cell.row + r, cell.col + c): cell
            for cell in table.cells
            for r in range(cell.rowspan)
            for c in range(cell.colspan)
        }
        return cls(table, covering)

    def column_headers(self, cell: schema.GridCell) -> list[schema.GridCell]:
        """The header cells above a cell: the nearest block of header rows over its columns (a stacked
        sub-table of 二 has its own)."""
        found: list[schema.GridCell] = []
        for col in range(cell.col, cell.col + cell.colspan):
            in_block = False
            for row in range(cell.row - 1, -1, -1):
                above = self.covering.get((row, col))
                if above is None or above is cell:
                    continue
                if above.header:
                    in_block = True
                    if above not in found:
                        found.append(above)
                elif in_block:
                    break
        return sorted(found, key=lambda c: (c.row, c.col))

    def row_headers(self, cell: schema.GridCell) -> list[schema.GridCell]:
        """The label cells left of a cell, in its first row."""
        found: list[schema.GridCell] = []
        for col in range(cell.col):
            left = self.covering.get((cell.row, col))
            if left is not None and left.text and not left.header and left not in found:
                found.append(left)
        return found


def cell_id(table: schema.Table, cell: schema.GridCell) -> str:
    """The id of a header cell, unique on the page."""
    return f"nb-{table.key}-{cell.row}-{cell.col}"


def _value(document: Mapping[str, Any], path: str) -> Any:
    node: Any = document
    for key in path.split("."):
        node = node[key]
    return node


def _spans(cell: schema.GridCell) -> dict[str, str]:
    spans = {}
    if cell.rowspan > 1:
        spans["rowspan"] = str(cell.rowspan)
    if cell.colspan > 1:
        spans["colspan"] = str(cell.colspan)
    return spans


def _cell(table: schema.Table, cell: schema.GridCell, headers: str, document: Mapping[str, Any]) -> str:
    if cell.header:
        return _tag("th", escape(cell.text), STYLE["cell"], id=cell_id(table, cell), scope="col", **_spans(cell))
    if cell.text:  # a row label: a header of the numbers right of it
        return _tag(
            "th",
            escape(cell.text),
            STYLE["label"] if cell.rowspan == 1 else STYLE["cell"] + ";font-weight:normal",
            id=cell_id(table, cell),
            scope="row",
            headers=headers,
            **_spans(cell),
        )
    return _tag("td", escape(num(_value(document, cell.path))), STYLE["cell"], headers=headers, **_spans(cell))


@cache
def _headers(table: schema.Table) -> dict[tuple[int, int], str]:
    """The headers attribute of every cell that is not a column header (the same for every report)."""
    grid = Grid.of(table)
    return {
        (cell.row, cell.col): " ".join(cell_id(table, h) for h in (*grid.row_headers(cell), *grid.column_headers(cell)))
        for cell in table.cells
        if not cell.header
    }


def table_html(table: schema.Table, document: Mapping[str, Any]) -> str:
    """One official table: caption, header cells with scope and id, data cells with headers."""
    headers = _headers(table)
    rows = []
    for row in range(table.n_rows):
        cells = "".join(
            _cell(table, cell, headers.get((cell.row, cell.col), ""), document)
            for cell in table.cells
            if cell.row == row
        )
        rows.append(f"<tr>{cells}</tr>")
    caption = table.title.split("、", 1)[-1]
    widths = layout.TABLE_WIDTHS[table.key]
    columns = "".join(f'<col style="width:{100 * w / sum(widths):.1f}%">' for w in widths)
    body = _tag("caption", escape(caption), STYLE["caption"]) + f"<colgroup>{columns}</colgroup>" + "".join(rows)
    return _tag(
        "div",
        _tag("table", body, STYLE["table"]),
        STYLE["region"],
        role="region",
        aria_label=caption,
        tabindex="0",  # a table wider than a phone scrolls: the region must be reachable by keyboard
    )


# --- the text --------------------------------------------------------------------------------------


def _lines(text: Any) -> Iterator[str]:
    """A text's paragraphs, lines starting with （一）… as level-3 headings, as the template sets them."""
    for line in paragraphs(text):
        yield _tag("h3", escape(line), STYLE["h3"]) if is_heading2(line) else _tag("p", escape(line), STYLE["p"])


def _title(document: Mapping[str, Any]) -> str:
    lines = layout.balanced_lines(str(document["agency"]), layout.TITLE_WIDTH)
    words = ["<wbr>".join(escape(w) for w in layout.name_words(line)) for line in lines]
    return _tag("h1", "<br>".join([*words, f"{document['year']}年政府信息公开工作年度报告"]), STYLE["h1"])


def _opening(document: Mapping[str, Any]) -> Iterator[str]:
    if document["opening"]:
        yield from (_tag("p", escape(line), STYLE["p"]) for line in paragraphs(document["opening"]))
        return
    text = layout.OPENING.format(agency=layout.one_line(document["agency"]), year=document["year"])
    yield _tag("p", escape(text), STYLE["p"])


def _overview(document: Mapping[str, Any]) -> Iterator[str]:
    for index, section in enumerate(document["overview"], start=1):
        if section["title"]:
            yield _tag("h3", escape(f"（{cn_ordinal(index)}）{section['title']}"), STYLE["h3"])
        yield from _lines(section["text"])


def _signature(document: Mapping[str, Any]) -> Iterator[str]:
    date = cn_date(document["date"]) if document["date"] else ""
    placed = layout.signature_layout(str(document["agency"]), date)
    right = "margin:0;text-indent:0;text-align:right;padding-right:{:g}em"
    signature = "<br>".join(escape(line) for line in placed.lines)
    yield _tag("p", signature, right.format(placed.signature_right) + ";margin-top:1.8em")  # a blank line above
    if date:
        yield _tag("p", escape(date), right.format(placed.date_right))


def article_html(report: Report) -> str:
    """The paste-ready `<article>`: the whole report, inline styles only."""
    document = build_context(report)
    tables = dict(zip((1, 2, 3), schema.TABLES, strict=True))
    parts = [_title(document), *_opening(document)]
    for index, heading in enumerate(schema.HEADINGS):
        parts.append(_tag("h2", escape(heading), STYLE["h2"]))
        if index == 0:
            parts += _overview(document)
        elif index in tables:
            parts.append(table_html(tables[index], document))
        else:
            parts += _lines(document["problems" if index == 4 else "other_matters"])
    parts += _signature(document)
    return _tag("article", "\n".join(parts), STYLE["article"], lang="zh-CN")


def report_title(report: Report) -> str:
    """The report's title on one line."""
    return layout.report_title(report.agency, report.year)


def page_html(title: str, body: str, meta: Mapping[str, str]) -> str:
    """A complete UTF-8 page in Chinese around `body`."""
    metas = "".join(f'<meta name="{escape(k)}" content="{escape(v)}">\n' for k, v in meta.items() if v)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n{metas}</head>\n"
        f'<body style="margin:0;background:#fff">\n<main>\n{body}\n</main>\n</body>\n</html>\n'
    )


def report_meta(report: Report) -> dict[str, str]:
    """The page's metadata: 发布机构 as author and dcterms.creator, 成文日期 as dcterms.created."""
    agency = layout.one_line(report.agency)
    date = report["date"]
    written = date.isoformat() if date is not None and hasattr(date, "isoformat") else ""
    return {
        "author": agency,
        "dcterms.title": report_title(report),
        "dcterms.creator": agency,
        "dcterms.created": written,
        "dcterms.language": "zh-CN",
        "description": f"{report_title(report)}。发布机构：{agency}；成文日期：{cn_date(date) if written else '未填写'}。",
        "generator": f"nianbao {__version__}",
    }


def report_html(report: Report) -> str:
    """The report as a complete HTML page (UTF-8, lang zh-CN) whose `<article>` can be pasted into a portal."""
    return page_html(report_title(report), article_html(report), report_meta(report))
