"""A report's publication package: the DOCX, PDF and HTML with 发布信息.json, and a county's index page.

发布信息.json tells the portal what it is publishing: the title, 发布机构, 成文日期, 统计期限, and each
file's name, size and SHA-256, so that what is uploaded can be checked against what was built.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import __version__, schema
from ..chinese import cn_date
from ..files import write_folder
from ..model import Report
from . import layout
from .html import STYLE, page_html

INFO_NAME = "发布信息.json"
INDEX_NAME = "index.html"
KINDS = {".html": "网页版", ".pdf": "PDF", ".docx": "Word"}  # the order of the links


def statistics_period(year: int | None) -> str:
    """统计期限: the calendar year of the report."""
    return f"{year}年1月1日至{year}年12月31日" if year else ""


def publication_header(report: Report) -> dict[str, Any]:
    """What 发布信息.json says about the report itself (a plain dict: it travels between processes)."""
    date = report["date"]
    return {
        "标题": layout.report_title(report.agency, report.year),
        "发布机构": layout.one_line(report.agency),
        "成文日期": date.isoformat() if date is not None and hasattr(date, "isoformat") else None,
        "统计期限": statistics_period(report.year),
        "格式": f"国办公开办函〔2021〕30号（{schema.FORMAT_VERSION}）",
        "生成工具": f"nianbao {__version__}",
    }


def publication_info(header: dict[str, Any], files: Sequence[tuple[str, bytes]]) -> dict[str, Any]:
    """The contents of 发布信息.json: the report's header, then each file's name, size and SHA-256."""
    listed = [
        {"文件名": name, "字节数": len(data), "SHA-256": hashlib.sha256(data).hexdigest()} for name, data in files
    ]
    return {**header, "文件": listed}


def package_files(header: dict[str, Any], files: Sequence[tuple[str, bytes]]) -> dict[str, bytes]:
    """The package's files by name: the report's files and 发布信息.json describing them."""
    info = json.dumps(publication_info(header, files), ensure_ascii=False, indent=2) + "\n"
    return {**dict(files), INFO_NAME: info.encode("utf-8")}


def write_package(folder: Path, header: dict[str, Any], files: Sequence[tuple[str, bytes]]) -> list[Path]:
    """Write the package folder as a whole (a previous one of that name is replaced only when it is complete)."""
    return write_folder(folder, package_files(header, files))


# --- the county's index page -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndexRow:
    """One input of a bulk run on the index page: who, which year, and its files (relative paths)."""

    agency: str
    year: int | None
    date: str  # ISO, or "" when not known
    status: str
    files: tuple[str, ...]


def _link(path: str, report: str) -> str:
    label = KINDS.get(Path(path).suffix.lower(), Path(path).suffix)
    name = f"{report}（{label}）"  # the link's purpose without its row: which report, which form
    return (
        f'<a href="{escape(quote(path))}" aria-label="{escape(name)}" '
        f'style="color:#0645ad;margin-right:1em">{escape(label)}</a>'
    )


def _ordered(files: Sequence[str]) -> list[str]:
    order = list(KINDS)
    return sorted(files, key=lambda f: order.index(Path(f).suffix.lower()) if Path(f).suffix.lower() in order else 9)


def index_html(rows: Sequence[IndexRow], title: str = "政府信息公开工作年度报告") -> str:
    """An accessible page listing every unit's report with links to its files."""
    cell, label = STYLE["cell"], STYLE["label"]
    head = "".join(
        f'<th scope="col" style="{cell}">{name}</th>' for name in ("序号", "机关", "年度", "成文日期", "状态", "报告")
    )
    body = []
    for number, row in enumerate(rows, start=1):
        written = cn_date(row.date) if row.date else ""
        report = layout.report_title(row.agency, row.year)
        links = " ".join(_link(path, report) for path in _ordered([f for f in row.files if Path(f).suffix in KINDS]))
        body.append(
            f'<tr><td style="{cell}">{number}</td><th scope="row" style="{label}">{escape(layout.one_line(row.agency))}</th>'
            f'<td style="{cell}">{row.year or ""}</td><td style="{cell}">{escape(written)}</td>'
            f'<td style="{cell}">{escape(row.status)}</td><td style="{label}">{links}</td></tr>'
        )
    columns = "".join(f'<col style="width:{width}%">' for width in (6, 34, 8, 16, 10, 26))
    table = (
        f'<table style="{STYLE["table"]}"><caption style="{STYLE["caption"]}">共 {len(rows)} 份</caption>'
        f"<colgroup>{columns}</colgroup><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    region = f'<div role="region" aria-label="报告列表" tabindex="0" style="{STYLE["region"]}">{table}</div>'
    article = f'<article lang="zh-CN" style="{STYLE["article"]};max-width:60em"><h1 style="{STYLE["h1"]}">{escape(title)}</h1>{region}</article>'
    return page_html(title, article, {"generator": f"nianbao {__version__}"})
