"""Reading published reports: every layout variant real reports print, what cannot be read, the real reports."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from builders import ROOT, SEED_JSON, seed_document
from report_fixtures import Layout, portal_page, wps_docx
from strategies import normal

from generator import schema
from generator.check.imported import Imported, import_report
from generator.check.load import load
from generator.errors import UnsupportedInput
from generator.formats.published.blocks import Paragraph
from generator.formats.published.mapping import find_title, parse_date, section_of
from generator.formats.sniff import InputFormat, sniff
from generator.model import Report, with_values

REALWORLD = ROOT.parent / "shared" / "realworld"
if not REALWORLD.exists():  # CI runs in a clone with shared/ beside it
    REALWORLD = ROOT.parent.parent / "shared" / "realworld"


def seed(**values: Any) -> Report:
    """The seed report as a report prints it (机关类型 is not printed), with some values changed."""
    return with_values(load(SEED_JSON).report, agency_type="", **values)


def codes(imported: Imported) -> list[tuple[str, str]]:
    return [(issue.code, issue.place) for issue in imported.result.issues]


def assert_same(imported: Imported, report: Report) -> None:
    found, expected = normal(imported.report), normal(report)
    differing = {k: (v, expected["values"][k]) for k, v in found["values"].items() if v != expected["values"][k]}
    assert differing == {}
    assert found["overview"] == expected["overview"]


# --- the layouts -------------------------------------------------------------------------------------------------
def test_portal_page_inside_site_chrome(tmp_path: Path) -> None:
    report = seed(**{"proactive.licensing": 4529, "proactive.fees": Decimal("24252.311082")})
    layout = Layout(zero="\xa0", thousands=True, labels={"行政规范性文件": "规范性文件"})
    path = tmp_path / "page.html"
    path.write_text(portal_page(report, layout), encoding="utf-8")
    assert sniff(path) is InputFormat.HTML
    imported = import_report(path)
    assert_same(imported, report)
    assert imported.report["proactive.fees"] == Decimal("24252.311082")  # six decimals, exactly
    assert codes(imported) == [
        ("report-blank-as-zero", "表二"),
        ("report-thousands-separator", "表二"),
        ("report-label-variant", "第1个表格第4行第1列"),
        ("report-blank-as-zero", "表三"),
        ("report-blank-as-zero", "表四"),
    ]
    assert "“4,529”" in imported.result.issues[1].message


def test_page_in_gbk_with_its_charset_declared(tmp_path: Path) -> None:
    page = portal_page(seed()).replace(
        '<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    )
    path = tmp_path / "page.htm"
    path.write_bytes(page.encode("gb18030"))
    assert import_report(path).report.agency == "新绛县三泉镇人民政府"


def test_wps_document_with_typos_split_runs_and_a_table_continued(tmp_path: Path) -> None:
    labels = {
        "本年废止件数": "本年度止件数",
        "行政复议": "行政法复议",
        "2.其他法律行政法规禁止公开": "2.其他法律行政止公开",
    }
    report = seed(**{"requests.withheld.prohibited_by_law.natural_person": 1, "requests.new.natural_person": 3})
    path = wps_docx(tmp_path / "wps.docx", report, Layout(zero="/", labels=labels), date_text="二〇二二年一月二十五日")
    imported = import_report(path)
    assert_same(imported, report)
    variants = [(i.place, i.detail) for i in imported.result.issues if i.code == "report-label-variant"]
    assert variants == [
        ("第1个表格第2行第3列", "印作“本年度止件数”，按“本年废止件数”读取"),
        ("第2个表格第9行", "印作“2.其他法律行政止公开”，按“2.其他法律行政法规禁止公开”读取"),
        ("第4个表格第1行第1列", "印作“行政法复议”，按“行政复议”读取"),
    ]
    assert not imported.result.errors


@pytest.mark.parametrize("zero", ["", "/", "—", "－", "\xa0"])
def test_blank_cells_are_read_as_zero_with_a_notice(tmp_path: Path, zero: str) -> None:
    path = tmp_path / "page.html"
    path.write_text(portal_page(seed(), Layout(zero=zero)), encoding="utf-8")
    imported = import_report(path)
    assert_same(imported, seed())
    blanks = [i for i in imported.result.issues if i.code == "report-blank-as-zero"]
    assert [i.place for i in blanks] == ["表二", "表三", "表四"]
    assert "169 个单元格" in blanks[1].detail


def test_the_2019_layout_with_23_rows(tmp_path: Path) -> None:
    report = seed(**{"requests.other.other.natural_person": 2, "requests.new.natural_person": 4})
    path = wps_docx(tmp_path / "old.docx", report, Layout(old_other=True))
    imported = import_report(path)
    assert_same(imported, report)
    old = [i for i in imported.result.issues if i.code == "report-old-layout"]
    assert len(old) == 1
    assert old[0].place == "第3个表格第15行"  # 3 header rows repeated, then 8.属于行政查询事项 … （六）
    assert "计入“3.其他”" in old[0].detail


def test_a_subtotal_column_is_left_out(tmp_path: Path) -> None:
    report = seed(**{"requests.new.commercial": 3, "requests.granted.commercial": 3})
    path = tmp_path / "page.html"
    path.write_text(portal_page(report, Layout(subtotal=True)), encoding="utf-8")
    imported = import_report(path)
    assert_same(imported, report)
    assert [(i.code, i.place) for i in imported.result.warnings] == [("report-extra-column", "第2个表格第3行第10列")]


# --- what cannot be read ---------------------------------------------------------------------------------------------
def test_a_cell_that_is_not_a_number_is_an_error_at_its_place(tmp_path: Path) -> None:
    page = portal_page(seed(**{"requests.granted.natural_person": 7, "requests.new.natural_person": 9}))
    path = tmp_path / "page.html"
    path.write_text(page.replace(">7<", ">七件<", 1), encoding="utf-8")
    imported = import_report(path)
    assert [(i.code, i.path, i.place) for i in imported.result.errors] == [
        ("not-integer", "requests.granted.natural_person", "第2个表格第6行第4列")
    ]
    assert imported.report["requests.granted.natural_person"] is None  # never a silent 0


def test_a_missing_row_an_unknown_row_and_a_short_row_are_errors(tmp_path: Path) -> None:
    page = portal_page(seed(**{"requests.not_processed.duplicate.natural_person": 5, "requests.new.natural_person": 7}))
    page = page.replace("2.重复申请", "2.其它情况说明（自定义）")
    last_cell = '<td valign="center"><p align="center"><span style="font-size:10pt">0</span></p></td>'
    cut = page.rindex(last_cell)  # a cell of table 四, the last table, left out: 14 numbers
    page = page[:cut] + page[cut + len(last_cell) :]
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    imported = import_report(path)
    assert [(i.code, i.path, i.place) for i in imported.result.errors] == [
        ("report-unknown-row", "requests", "第2个表格第20行"),
        ("report-missing", "requests.not_processed.duplicate.natural_person", "表三"),
        ("report-cell-count", "appeals", "第3个表格第4行"),
    ]
    assert imported.report["requests.not_processed.duplicate.natural_person"] is None
    assert imported.report["appeals.review.total"] is None


def test_a_report_without_tables_names_each_missing_part(tmp_path: Path) -> None:
    path = tmp_path / "text.html"
    path.write_text(
        "<html><body><p>某某镇人民政府</p><p>2023年政府信息公开工作年度报告</p><p>一、总体情况</p><p>正文</p></body></html>",
        encoding="utf-8",
    )
    imported = import_report(path)
    assert (imported.report.agency, imported.report.year) == ("某某镇人民政府", 2023)
    missing = {i.path for i in imported.result.errors if i.code == "report-missing"}
    assert {
        "problems",
        "other_matters",
        "proactive.rules.issued",
        "requests.new.natural_person",
        "appeals.review.upheld",
    } <= missing


def test_a_scanned_pdf_is_refused(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "scan.pdf"
    Image.new("RGB", (200, 280), "white").save(path, "PDF")
    with pytest.raises(UnsupportedInput, match="扫描件"):
        import_report(path)


def test_workbooks_and_json_need_no_import() -> None:
    with pytest.raises(UnsupportedInput, match="不需要导入"):
        import_report(SEED_JSON)


# --- the sample report and the real ones --------------------------------------------------------------------------
def test_the_sample_report_reproduces_the_seed_document() -> None:
    imported = import_report(ROOT / "samples" / "seed.docx")
    assert imported.result.issues == ()
    expected = seed_document()
    del expected["agency_type"]  # not printed in the report
    from generator.model import to_document

    assert to_document(imported.report) == expected


def figures(name: str) -> dict[str, Any]:
    return json.loads((REALWORLD / f"{name}.figures.json").read_text("utf-8"))


REAL = [
    ("01-shuyang-xian-fagaiju-2023", "html", {"report-blank-as-zero", "report-label-variant"}),
    ("06-pingtan-zonghe-shiyanqu-2024", "html", {"report-date-missing"}),
    ("08-huaian-shi-renmin-zhengfu-2024", "pdf", {"report-date-missing"}),
    ("13-hongze-qu-renmin-zhengfu-2023", "pdf", {"report-date-missing", "report-label-variant", "report-old-layout"}),
    ("14-hongze-qu-renmin-zhengfu-2024", "pdf", {"report-date-missing", "report-label-variant", "report-old-layout"}),
]


@pytest.mark.skipif(not REALWORLD.exists(), reason="shared/realworld is not beside the repository")
@pytest.mark.parametrize(("name", "suffix", "warnings"), REAL)
def test_real_reports_give_the_hand_transcribed_figures(name: str, suffix: str, warnings: set[str]) -> None:
    imported = import_report(REALWORLD / f"{name}.{suffix}")
    expected = figures(name)
    assert imported.result.errors == ()
    assert {issue.code for issue in imported.result.warnings} == warnings
    report = imported.report
    assert report.year == expected["year"]
    assert expected["agency"].endswith(report.agency)  # 13 prints 洪泽区人民政府; figures say 淮安市洪泽区人民政府
    printed_date = report["date"].isoformat() if report["date"] else None  # type: ignore[union-attr]
    assert printed_date == (parse_date(expected["date"]) if expected["date"] else None)
    t2 = expected["t2"]
    for key, label in (("rules", "规章"), ("normative_documents", "行政规范性文件")):
        assert [report[f"proactive.{key}.{c}"] for c in ("issued", "repealed", "in_force")] == t2[label]
    for key, label in (("licensing", "行政许可"), ("punishment", "行政处罚"), ("coercion", "行政强制")):
        assert report[f"proactive.{key}"] == t2[label]
    assert report["proactive.fees"] == Decimal(str(t2["行政事业性收费"]))
    rows = [key for key, _ in schema.REQUEST_ROWS]
    if len(expected["t3"]) == 23:  # the 2019 layout: （六）其他处理 printed as one row, read into 3.其他
        rows = [key for key in rows if key not in ("other.no_correction", "other.unpaid_fee")]
    columns = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total")
    for key, (label, printed) in zip(rows, expected["t3"], strict=True):
        assert [report[f"requests.{key}.{c}"] for c in columns] == [value or 0 for value in printed], label
    for group, label in (
        ("review", "行政复议"),
        ("litigation_direct", "未经复议直接起诉"),
        ("litigation_after_review", "复议后起诉"),
    ):
        assert [
            report[f"appeals.{group}.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")
        ] == expected["t4"][label]
    assert len(report.overview) >= 5
    assert report["problems"]
    assert report["other_matters"]


@pytest.mark.skipif(not REALWORLD.exists(), reason="shared/realworld is not beside the repository")
def test_the_blank_wps_form_reads_its_tables_and_lacks_a_title() -> None:
    imported = import_report(REALWORLD / "blank-form-2021.docx")
    assert [(i.code, i.path) for i in imported.result.errors] == [
        ("report-missing", "agency"),
        ("report-missing", "year"),
    ]
    assert [i.place for i in imported.result.warnings if i.code == "report-blank-as-zero"] == ["表二", "表三", "表四"]


def test_headings_and_dates_as_real_reports_print_them() -> None:
    assert section_of("五、存在的主要问题及整改措施") == 4
    assert section_of("四、 政府信息公开行政复议、行政诉讼情况") == 3
    assert section_of("一、本年新收政府信息公开申请数量") is None
    assert section_of("二、主动公开政府信息情况。本年度我局……" * 3) is None
    assert parse_date("2024 年 1 月 17 日") == "2024-01-17"
    assert parse_date("二〇二二年一月二十五日") == "2022-01-25"
    assert parse_date("2024年1月") is None


@pytest.mark.parametrize("zero", ["\u3007", "○", "零", "O", "\uff2f"])
def test_a_year_printed_with_any_zero_is_read(zero: str) -> None:
    assert parse_date(f"二{zero}二二年一月二十五日") == "2022-01-25"
    title = find_title(
        [Paragraph("新绛县三泉镇人民政府", "第1段"), Paragraph(f"二{zero}二一年政府信息公开工作年度报告", "第2段")], []
    )
    assert title is not None
    assert (title.agency, title.year) == ("新绛县三泉镇人民政府", 2021)


def test_a_chinese_date_that_is_no_date_is_not_read() -> None:
    assert parse_date("二〇二二年一二月五日") is None


def _edit_requests_table(report: Report, edit: Any, tmp_path: Path) -> Imported:
    """The portal page of `report` with its table 三 changed by `edit(rows)`."""
    import lxml.html

    root = lxml.html.document_fromstring(portal_page(report))
    edit(root.findall(".//table")[1].findall(".//tr"))
    path = tmp_path / "page.html"
    path.write_bytes(lxml.html.tostring(root, encoding="utf-8"))
    return import_report(path)


def test_a_table_without_its_header_is_read_in_the_official_column_order(tmp_path: Path) -> None:
    report = seed(**{"requests.new.research": 2, "requests.granted.research": 2})

    def drop_header(rows: list[Any]) -> None:
        for row in rows[:3]:
            row.getparent().remove(row)

    imported = _edit_requests_table(report, drop_header, tmp_path)
    assert_same(imported, report)
    assert [(i.code, i.place) for i in imported.result.warnings] == [("report-no-header", "第2个表格第1行")]


def test_a_row_printed_twice_with_different_numbers_is_not_used(tmp_path: Path) -> None:
    import copy

    def repeat_partially_granted(rows: list[Any]) -> None:
        twice = copy.deepcopy(rows[6])
        next(span for span in twice.iter("span") if span.text == "0").text = "3"
        rows[6].addnext(twice)
        group = next(td for td in rows[5] if td.get("rowspan"))  # 三、本年度办理结果 spans one row more
        group.set("rowspan", str(int(group.get("rowspan")) + 1))

    imported = _edit_requests_table(seed(), repeat_partially_granted, tmp_path)
    assert [(i.code, i.path, i.place) for i in imported.result.errors] == [
        ("report-duplicate-row", "requests.partially_granted", "第2个表格第8行")
    ]
    assert imported.report["requests.partially_granted.natural_person"] is None
