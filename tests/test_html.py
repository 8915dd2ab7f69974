"""The HTML page: every number under the right header cells, a paste-ready article, the text as in the DOCX."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from builders import SEED_JSON, distinct_report, valid_report
from lxml import html as lxml_html

from generator import schema
from generator.check.load import load
from generator.chinese import num
from generator.model import Report, complete_values
from generator.publish.html import article_html, report_html
from generator.publish.layout import OPENING


def expected_headers() -> dict[frozenset[str], str]:
    """Which header texts name which value: built from the label lists of the schema, not from the grids."""
    found: dict[frozenset[str], str] = {}
    for row, row_label in schema.DOC_ROWS:
        for column, column_label in schema.DOC_COLUMNS:
            found[frozenset({"第二十条第（一）项", row_label, column_label})] = f"proactive.{row}.{column}"
    for caption, header, rows, _kind in schema.PROACTIVE_SINGLES:
        for key, label in rows:
            found[frozenset({caption, header, label})] = f"proactive.{key}"
    organisations = {key for key, _ in schema.APPLICANT_COLUMNS[1:6]}
    for key, levels in schema.REQUEST_ROWS:
        for column, label in schema.APPLICANT_COLUMNS:
            columns = {"申请人情况", label} | ({"法人或其他组织"} if column in organisations else set())
            found[frozenset(set(levels) | columns)] = f"requests.{key}.{column}"
    for group, levels in schema.APPEAL_GROUPS:
        for column, label in schema.APPEAL_COLUMNS:
            found[frozenset({*levels, label})] = f"appeals.{group}.{column}"
    assert len(found) == sum(1 for f in schema.FIELDS if f.kind in (schema.Kind.COUNT, schema.Kind.TOTAL)) + 1
    return found


def numbers_by_headers(page: str) -> dict[str, str]:
    """Walk every <td>: the texts of the <th> its headers attribute names → the path they mean → the number."""
    tree = lxml_html.fromstring(page)
    lookup = expected_headers()
    seen: dict[str, str] = {}
    for table in tree.iter("table"):
        by_id = {th.get("id"): th for th in table.iter("th")}
        for td in table.iter("td"):
            texts = frozenset(by_id[i].text_content() for i in td.get("headers", "").split())
            assert texts in lookup, f"a cell's headers name no value: {sorted(texts)}"
            path = lookup[texts]
            assert path not in seen, f"two cells under the headers of {path}"
            seen[path] = td.text_content()
    return seen


@pytest.mark.parametrize("report", [load(SEED_JSON).report, distinct_report()], ids=["seed", "distinct"])
def test_every_number_sits_under_its_headers(report: Report) -> None:
    values = complete_values(report.values)
    numbers = numbers_by_headers(report_html(report))
    assert set(numbers) == set(expected_headers().values())
    for path, text in numbers.items():
        assert text == num(values[path]), path


def test_the_distinct_report_has_distinct_numbers_in_the_page() -> None:
    numbers = numbers_by_headers(report_html(distinct_report()))
    counts = [text for path, text in numbers.items() if path != "proactive.fees"]
    assert len(set(counts)) == len(counts)


def test_every_header_cell_has_a_scope_and_the_merges_are_the_grids() -> None:
    tree = lxml_html.fromstring(report_html(load(SEED_JSON).report))
    assert all(th.get("scope") in ("col", "row") for th in tree.iter("th"))
    for table, spec in zip(tree.iter("table"), schema.TABLES, strict=True):
        assert table.find("caption") is not None
        spans = sorted((int(c.get("rowspan", 1)), int(c.get("colspan", 1))) for c in table.iter("th", "td"))
        assert spans == sorted((cell.rowspan, cell.colspan) for cell in spec.cells)


def test_the_article_is_paste_ready() -> None:
    article = article_html(distinct_report())
    tree = lxml_html.fromstring(article)
    assert tree.tag == "article"
    for element in tree.iter():
        assert element.tag not in ("script", "style", "link", "img", "iframe"), element.tag
        assert "class" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
    assert not re.search(r"(?:src|href)=", article)


def test_headings_follow_the_report_hierarchy() -> None:
    report = valid_report(problems="（一）问题\n正文。", other_matters="无")
    tree = lxml_html.fromstring(report_html(report))
    assert [h.text_content() for h in tree.iter("h1")] == ["测试县测试镇人民政府2021年政府信息公开工作年度报告"]
    assert [h.text_content() for h in tree.iter("h2")] == list(schema.HEADINGS)
    assert [h.text_content() for h in tree.iter("h3")] == ["（一）主动公开政府信息情况", "（一）问题"]
    heading_fonts = {h.tag: h.get("style") for h in tree.iter("h2", "h3")}
    assert "'黑体'" in heading_fonts["h2"]
    assert "'楷体_GB2312'" in heading_fonts["h3"]
    assert "'楷体'" in heading_fonts["h3"]  # the fallback on a PC without the GB2312 face


def test_the_opening_comes_from_the_workbook_when_given() -> None:
    own = report_html(valid_report(opening="我们的开头第一段。\n第二段。"))
    standard = report_html(valid_report())
    tree = lxml_html.fromstring(own)
    paragraphs = [p.text_content() for p in tree.iter("p")]
    assert paragraphs[:2] == ["我们的开头第一段。", "第二段。"]
    assert "国办公开办函" not in own
    assert OPENING.format(agency="测试县测试镇人民政府", year=2021) in standard


def test_text_is_escaped() -> None:
    page = report_html(valid_report(problems='<script>alert(1)</script> & 引号"', agency="A&B<镇>"))
    tree = lxml_html.fromstring(page)
    assert not list(tree.iter("script"))
    assert '<script>alert(1)</script> & 引号"' in tree.text_content()
    assert tree.find(".//title").text == "A&B<镇>2021年政府信息公开工作年度报告"


def metadata(page: str) -> dict[str, Any]:
    tree = lxml_html.fromstring(page)
    return {m.get("name"): m.get("content") for m in tree.iter("meta") if m.get("name")}


def test_the_page_carries_the_agency_and_the_date() -> None:
    page = report_html(valid_report(agency="某某县\n市场监督管理局", date=dt.date(2022, 1, 20)))
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert '<meta charset="utf-8">' in page
    meta = metadata(page)
    assert meta["author"] == meta["dcterms.creator"] == "某某县市场监督管理局"
    assert meta["dcterms.created"] == "2022-01-20"
    assert "成文日期：2022年1月20日" in meta["description"]
    assert lxml_html.fromstring(page).find(".//title").text == "某某县市场监督管理局2021年政府信息公开工作年度报告"
