"""The report: outline golden, page setup and fonts from the DOCX, determinism, tables cell by cell, escaping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from builders import ROOT, distinct_report, valid_report
from docx import Document
from docx_outline import outline, part, pretty

from generator import schema
from generator.check.load import load
from generator.model import Section, make_report
from generator.publish.build import render_report
from generator.publish.templates import load_template

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def seed_docx() -> bytes:
    return render_report(load(ROOT / "inputs" / "seed.json").report, load_template())


def test_seed_outline_golden(seed_docx: bytes, golden: Callable[[str, str], None]) -> None:
    golden("seed.outline.txt", outline(seed_docx))


def test_seed_document_xml_golden(seed_docx: bytes, golden: Callable[[str, str], None]) -> None:
    golden("seed.document.xml", pretty(part(seed_docx, "word/document.xml")))


def test_render_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643072400")  # the build time in docProps: the same for both
    report = load(ROOT / "inputs" / "seed.json").report
    first, second = render_report(report, load_template()), render_report(report, load_template())
    assert first == second


def test_headings_in_order_verbatim(seed_docx: bytes) -> None:
    lines = outline(seed_docx).splitlines()
    headings = [line.split("｜", 1)[1] for line in lines if line.startswith("¶ 一级标题")]
    assert headings == list(schema.HEADINGS)
    assert lines[0] == "¶ 年报标题｜新绛县三泉镇人民政府"
    assert lines[1] == "¶ 年报标题｜2021年政府信息公开工作年度报告"
    assert "2021 年 1 月 1 日至 2021 年 12 月 31 日" in lines[3]  # the seed's own opening
    assert lines.index("¶ 署名｜2022年1月25日") == lines.index("¶ 署名｜新绛县三泉镇人民政府") + 1


def test_page_setup_gb9704(seed_docx: bytes, tmp_path: Path) -> None:
    path = tmp_path / "r.docx"
    path.write_bytes(seed_docx)
    section = Document(str(path)).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    assert round((section.page_width - section.left_margin - section.right_margin) / 36000) == 156  # EMU per mm
    assert Document(str(path)).settings.odd_and_even_pages_header_footer


def _style(styles_xml: bytes, name: str) -> object:
    from lxml import etree

    root = etree.fromstring(styles_xml)
    return root.find(f"{W}style[@{W}styleId='{name}']")


@pytest.mark.parametrize(
    ("style", "east_asia", "half_points"),
    [
        ("年报标题", "方正小标宋简体", "44"),
        ("年报正文", "仿宋_GB2312", "32"),
        ("一级标题", "黑体", "32"),
        ("二级标题", "楷体_GB2312", "32"),
        ("表格文字", "宋体", "18"),
        ("页码", "宋体", "28"),
    ],
)
def test_fonts_in_east_asia_attribute(seed_docx: bytes, style: str, east_asia: str, half_points: str) -> None:
    node = _style(part(seed_docx, "word/styles.xml"), style)
    assert node is not None
    fonts = node.find(f"{W}rPr/{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == east_asia
    assert fonts.get(f"{W}ascii") == "Times New Roman"
    assert node.find(f"{W}rPr/{W}sz").get(f"{W}val") == half_points


def test_body_line_spacing_and_indent(seed_docx: bytes) -> None:
    node = _style(part(seed_docx, "word/styles.xml"), "年报正文")
    spacing = node.find(f"{W}pPr/{W}spacing")
    assert (spacing.get(f"{W}line"), spacing.get(f"{W}lineRule")) == ("579", "exact")
    assert node.find(f"{W}pPr/{W}ind").get(f"{W}firstLineChars") == "200"


def test_page_numbers_odd_right_even_left(seed_docx: bytes) -> None:
    text = outline(seed_docx).split("== ")
    assert text[1] == "页脚（奇数页）\n¶ 页码｜— 1 —\n"
    assert text[2] == "页脚（偶数页）\n¶ 页码｜— 1 —\n"
    document_xml = part(seed_docx, "word/document.xml").decode()
    assert 'w:type="even"' in document_xml
    footers = [part(seed_docx, f"word/footer{i}.xml").decode() for i in (1, 2)]
    assert {"right", "left"} == {f.split('w:jc w:val="')[1].split('"')[0] for f in footers}
    assert all("PAGE" in f for f in footers)


def test_table_headers_repeat(seed_docx: bytes, tmp_path: Path) -> None:
    path = tmp_path / "r.docx"
    path.write_bytes(seed_docx)
    tables = Document(str(path)).tables
    for table, spec in zip(tables[1:], (schema.REQUESTS_TABLE, schema.APPEALS_TABLE), strict=True):
        repeated = [row._tr.find(f"{W}trPr/{W}tblHeader") is not None for row in table.rows]
        assert repeated == [True] * spec.header_rows + [False] * (spec.n_rows - spec.header_rows)


def test_every_number_lands_in_its_cell() -> None:
    """Cell i holds i: the 175-cell table, the 15-cell table and table 二 map one to one."""
    report = distinct_report()
    docx = render_report(report, load_template())
    document = Document(__import__("io").BytesIO(docx))
    for table, spec in zip(document.tables, schema.TABLES, strict=True):
        seen = 0
        for cell in spec.cells:
            if cell.path:
                assert table.cell(cell.row, cell.col).text == str(report[cell.path]), cell.path
                seen += 1
        assert seen == {"proactive": 10, "requests": 175, "appeals": 15}[spec.key]


NASTY = "甲 & 乙 <丙> \"丁\" '戊' {{ agency }} {% if %} {_{ x }_} 😀，全角标点：；“”"


def test_text_comes_out_exactly_as_typed() -> None:
    report = make_report(
        {
            **valid_report().values,
            "agency": "A&B<镇>人民政府",
            "problems": f"{NASTY}\n\n（一）改进措施\n第二段",
            "other_matters": "x" * 3000,
        },
        (Section("标题 & <x>", NASTY),),
    )
    text = outline(render_report(report, load_template()))
    assert "¶ 年报标题｜A&B<镇>人民政府" in text
    assert f"¶ 年报正文｜{NASTY}" in text
    assert "¶ 二级标题｜（一）标题 & <x>" in text
    assert "¶ 二级标题｜（一）改进措施" in text
    assert "¶ 年报正文｜第二段" in text
    assert f"¶ 年报正文｜{'x' * 3000}" in text


def test_many_overview_sections_numbered() -> None:
    sections = tuple(Section(f"小节{i}", "内容") for i in range(1, 13))
    report = make_report(valid_report().values, sections)
    text = outline(render_report(report, load_template()))
    assert "¶ 二级标题｜（十二）小节12" in text
    assert "¶ 二级标题｜（二）小节2" in text


def test_fee_printed_exactly_as_entered() -> None:
    from decimal import Decimal

    for fee, shown in ((Decimal("24252.311082"), "24252.311082"), (Decimal("0.000001"), "0.000001"), (Decimal(3), "3")):
        report = make_report({**valid_report().values, "proactive.fees": fee})
        assert f"| 行政事业性收费 | {shown} | {shown} | {shown} |" in outline(render_report(report, load_template()))


def test_prepared_render_equals_docxtpl_render(tmp_path: Path) -> None:
    """render.py compiles once and writes the zip itself; the document must be what docxtpl makes."""
    from docxtpl import DocxTemplate

    from generator.publish.context import build_context
    from generator.publish.render import make_env
    from generator.publish.templates import default_template_path

    report = make_report(distinct_report().values, (Section("小节", "第一段\n（一）小标题\n第二段"),))
    ours = render_report(report, load_template())
    reference = DocxTemplate(str(default_template_path()))
    env = make_env()
    env.start_budget()
    reference.render(build_context(report), jinja_env=env, autoescape=True)
    path = tmp_path / "docxtpl.docx"
    reference.save(str(path))
    assert outline(ours) == outline(path)
