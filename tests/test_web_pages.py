"""The clerk's page and the county's pages through HTTP: every problem at its cell or paragraph, the report's
files once there is no error, the roster, the submissions, the county's downloads."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from builders import ROOT
from starlette.testclient import TestClient
from web_support import add_units, client_for, csrf_of, data_of, hidden, module_client, set_up_county, upload

SEED = ROOT / "inputs" / "seed.xlsx"
PRINTED = ROOT / "inputs" / "seed-as-printed.xlsx"
SEED_JSON = ROOT / "inputs" / "seed.json"
client = module_client()


def cell(page: str, address: str) -> str:
    """The <td> of a workbook cell on the result page."""
    match = re.search(rf'<td data-cell="{address}"[^>]*>.*?</td>', page, re.S)
    assert match, address
    return match.group(0)


def note(page: str, anchor: str) -> str:
    match = re.search(rf'<p class="note [^"]*" id="{anchor}">.*?</p>', page, re.S)
    assert match, anchor
    return re.sub(r"<[^>]+>", "", match.group(0))


def test_the_page_offers_the_blank_workbook(client: TestClient) -> None:
    from openpyxl import load_workbook

    page = client.get("/")
    assert page.status_code == 200
    assert 'href="/blank.xlsx"' in page.text
    blank = client.get("/blank.xlsx")
    assert blank.status_code == 200
    assert "三、依申请公开" in load_workbook(io.BytesIO(blank.content)).sheetnames


def test_a_faulty_cell_is_highlighted_with_its_message_beside_it(client: TestClient) -> None:
    page = upload(client, "/check", PRINTED).text
    d29 = cell(page, "D29")
    assert 'class="fig error"' in d29
    anchor = re.search(r'aria-describedby="([^"]+)"', d29).group(1)
    row = re.search(r"<tr>(?:(?!</tr>).)*?" + re.escape(d29) + r".*?</tr>", page, re.S).group(0)
    assert f'id="{anchor}"' in row  # the message sits in the same table row
    assert "D29" in note(page, anchor)
    assert "按明细合计应为 2" in note(page, anchor)
    assert 'class="fig error"' not in cell(page, "D7")  # a correct cell is not marked
    assert 'action="/build"' not in page  # errors: no download


def test_a_clean_workbook_downloads_as_docx_html_and_pdf_when_libreoffice_is_there(client: TestClient) -> None:
    from docx import Document

    page = upload(client, "/check", SEED).text
    assert "没有错误" in page
    document = hidden(page, "document")
    assert json.loads(document)["agency"] == "新绛县三泉镇人民政府"
    csrf = csrf_of(client)
    docx = client.post("/build", data={"csrf": csrf, "document": document, "format": "docx"})
    assert docx.status_code == 200
    assert any("新绛县三泉镇人民政府" in p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    html = client.post("/build", data={"csrf": csrf, "document": document, "format": "html"})
    assert "<article" in html.text
    assert ('value="pdf"' in page) == client.app.state.server.libreoffice  # type: ignore[attr-defined]


def test_a_tampered_document_is_checked_again(client: TestClient) -> None:
    document = json.loads(SEED_JSON.read_text("utf-8"))
    document["requests"]["total"]["natural_person"] = 99
    answer = client.post(
        "/build", data={"csrf": csrf_of(client), "document": json.dumps(document, ensure_ascii=False), "format": "docx"}
    )
    assert answer.status_code == 422


def test_text_problems_are_shown_at_their_paragraph_and_warnings_apart(client: TestClient) -> None:
    document = json.loads(SEED_JSON.read_text("utf-8"))
    document["problems"] = "第一段。\n三、下一步工作\n第三段。"  # a line that looks like a level-1 heading
    document["other_matters"] = ""
    page = upload(client, "/check", ("年报.json", json.dumps(document, ensure_ascii=False).encode())).text
    paragraph = re.search(
        r'<p class="para warning">三、下一步工作</p>\s*(<p class="note warning" id="[^"]+">.*?</p>)', page, re.S
    )
    assert paragraph, "the warning follows its paragraph"
    assert "第 2 段" in paragraph.group(1)
    warnings = re.search(r'<section class="summary warning".*?</section>', page, re.S).group(0)
    assert "第 2 段" in warnings
    assert "其他事项" in warnings  # the empty text is a warning too
    assert '<section class="summary error"' not in page  # and no error


def test_nothing_uploaded_is_kept(client: TestClient) -> None:
    data = data_of(client)
    upload(client, "/check", PRINTED)
    client.post("/api/check", files={"file": ("x.xlsx", PRINTED.read_bytes())})
    upload(client, "/check", ("x.txt", b"not a report"))
    assert list((data / "tmp").iterdir()) == []
    assert not (data / "submissions").exists() or not any((data / "submissions").iterdir())


# --- the county ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def county(client: TestClient) -> dict[str, str]:
    set_up_county(client)
    return add_units(client, "新绛县三泉镇人民政府", "新绛县古交镇人民政府", "新绛县北张镇人民政府")


def dashboard_row(client: TestClient, name: str) -> str:
    page = client.get("/county").text
    match = re.search(rf"<tr class=\"[^\"]*\">\s*<th scope=\"row\"><a [^>]*>{name}</a>.*?</tr>", page, re.S)
    assert match, name
    return match.group(0)


def test_units_submit_and_the_status_changes(client: TestClient, county: dict[str, str]) -> None:
    sanquan = county["新绛县三泉镇人民政府"]
    assert "未报送" in dashboard_row(client, "新绛县三泉镇人民政府")
    first = upload(client, sanquan, PRINTED)
    assert first.status_code == 200
    assert re.fullmatch(r"/submit/[^/]+/\d+", first.url.path)
    assert 'class="fig error"' in cell(first.text, "D29")
    assert "有错误" in dashboard_row(client, "新绛县三泉镇人民政府")
    upload(client, sanquan, SEED)
    row = dashboard_row(client, "新绛县三泉镇人民政府")
    assert "通过" in row
    assert "<td>2</td>" in row  # both kept
    missing = re.search(r"<b>未报送：</b>([^<]*)", client.get("/county").text).group(1)
    assert missing == "新绛县古交镇人民政府、新绛县北张镇人民政府"


def test_every_submission_is_kept_with_its_time_and_file(client: TestClient, county: dict[str, str]) -> None:
    data = data_of(client)
    beizhang = county["新绛县北张镇人民政府"]
    upload(client, beizhang, PRINTED)
    upload(client, beizhang, PRINTED)
    unit_page = client.get("/county").text
    unit_id = re.search(r'<a href="/county/units/(\d+)">新绛县北张镇人民政府</a>', unit_page).group(1)
    page = client.get(f"/county/units/{unit_id}").text
    ids = re.findall(r'<a href="/county/submissions/(\d+)">查看</a>', page)
    assert len(ids) == 2
    files = [client.get(f"/county/submissions/{i}/file") for i in ids]
    assert all(f.content == PRINTED.read_bytes() for f in files)
    stored = list((data / "submissions" / unit_id).iterdir())
    assert len(stored) == 2  # two files, neither overwritten
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>\s*<td>seed-as-printed.xlsx</td>", page)


def test_a_name_in_the_file_unlike_the_units_is_flagged(client: TestClient, county: dict[str, str]) -> None:
    answer = upload(client, county["新绛县古交镇人民政府"], SEED)  # the seed is 三泉镇's report
    assert "与本单位“新绛县古交镇人民政府”不一致" in answer.text


def test_a_unit_sending_its_report_under_its_name_with_the_county_in_front_is_not_flagged(tmp_path: Path) -> None:
    """The seed is 新绛县三泉镇人民政府's report; the unit on the roster is 三泉镇人民政府: one unit, as bulk says."""
    with client_for(tmp_path) as other:
        set_up_county(other)
        link = add_units(other, "三泉镇人民政府")["三泉镇人民政府"]
        answer = upload(other, link, SEED)
        assert "新绛县三泉镇人民政府" in answer.text
        assert "不一致" not in answer.text
        unit_id = re.search(r'<a href="/county/units/(\d+)">三泉镇人民政府</a>', other.get("/county").text).group(1)
        unit_page = other.get(f"/county/units/{unit_id}").text
        assert "新绛县三泉镇人民政府" in unit_page
        assert "与名单不一致" not in unit_page


def test_the_review_letter_of_a_unit(client: TestClient, county: dict[str, str]) -> None:
    from docx import Document

    page = client.get("/county").text
    unit_id = re.search(r'<a href="/county/units/(\d+)">新绛县北张镇人民政府</a>', page).group(1)
    text = client.get(f"/county/units/{unit_id}/review.txt")
    assert text.status_code == 200
    assert "新绛县北张镇人民政府" in text.text
    assert "工作表“三、依申请公开”D29" in text.text
    assert "filename*=UTF-8''" in text.headers["content-disposition"]
    docx = client.get(f"/county/units/{unit_id}/review.docx")
    table = Document(io.BytesIO(docx.content)).tables[0]
    assert "D29" in table.rows[1].cells[2].text


def test_the_county_downloads(client: TestClient, county: dict[str, str]) -> None:
    from openpyxl import load_workbook

    upload(client, county["新绛县三泉镇人民政府"], SEED)
    reports = zipfile.ZipFile(io.BytesIO(client.get("/county/export/reports.zip").content))
    names = reports.namelist()
    assert "新绛县三泉镇人民政府2021年政府信息公开工作年度报告.docx" in names
    assert "index.html" in names
    summary_csv = list(csv.reader(io.StringIO(reports.read("汇总.csv").decode("utf-8-sig"))))
    statuses = {row[1]: row[4] for row in summary_csv[1:]}
    assert statuses["新绛县三泉镇人民政府/seed.xlsx"] == "已生成"
    assert statuses["新绛县北张镇人民政府/seed-as-printed.xlsx"] == "有错误"
    summary = load_workbook(io.BytesIO(client.get("/county/export/summary.xlsx").content)).active
    rows = [[c.value for c in row] for row in summary.iter_rows(min_row=2)]
    assert len(rows) == 3  # one row per unit on the roster
    rollup = client.get("/county/export/rollup.xlsx")
    assert rollup.status_code == 200
    assert "filename*=UTF-8''%E6%9F%90%E6%9F%90%E5%8E%BF" in rollup.headers["content-disposition"]  # 某某县…
    detail = load_workbook(io.BytesIO(rollup.content))["明细"]
    paths = [cell.value for cell in detail[3]]
    column = paths.index("requests.new.natural_person") + 1
    units = list(detail.iter_rows(min_row=4, values_only=True))
    assert [row[2] for row in units[:-1]] == ["seed.xlsx"]  # the name the unit gave its file, not the server's
    assert units[-1][column - 1] == 2  # 古交镇 sent 三泉镇's report: one agency, added once


def house_template(text: str) -> bytes:
    """A county's own Word template: the agency and one line of `text`."""
    from docx import Document

    document = Document()
    document.add_paragraph("{{ agency }}")
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_summary_download_is_bulks_summary_of_the_roster(tmp_path: Path) -> None:
    """汇总.xlsx and the one in reports.zip are `bulk --roster`'s: the seed's figures and date, its unit (a place
    name apart), the unit that sent nothing with its contact, 报送情况; with the county's template both say
    what that template made of the report."""
    import datetime as dt

    from openpyxl import load_workbook

    def summary() -> tuple[dict[str, dict[str, object]], object]:
        book = load_workbook(io.BytesIO(other.get("/county/export/summary.xlsx").content))
        values = list(book["汇总"].iter_rows(values_only=True))
        rows = {str(row[1] or row[2]): dict(zip(values[0], row, strict=True)) for row in values[1:]}  # 文件 or 机关
        return rows, book

    with client_for(tmp_path) as other:
        set_up_county(other)
        links = add_units(other, "三泉镇人民政府", "北张镇人民政府")
        other.post("/county/units", data={"csrf": csrf_of(other), "names": "古交镇人民政府", "contact": "李四"})
        upload(other, links["三泉镇人民政府"], SEED)
        upload(other, links["北张镇人民政府"], PRINTED)  # 三泉镇's report, with errors, sent by 北张镇
        rows, book = summary()
        seed = rows["三泉镇人民政府/seed.xlsx"]
        assert seed["状态"] == "已生成"
        assert seed["成文日期"] == dt.datetime(2022, 1, 25)
        assert seed["逾期"] is None  # the 31 January deadline kept
        assert (seed["新收申请"], seed["办结"]) == (2, 2)
        assert str(seed["名单单位"]).startswith("三泉镇人民政府\n（按名单中的“三泉镇人民政府”匹配")
        sent_by_another = rows["北张镇人民政府/seed-as-printed.xlsx"]
        assert sent_by_another["状态"] == "有错误"
        assert "与报送单位“北张镇人民政府”不一致" in str(sent_by_another["名单单位"])
        missing = rows["古交镇人民政府"]
        assert missing["状态"] == "未报送"
        assert missing["问题"] == "未收到“古交镇人民政府”的年报，联系人：李四"
        sheet = list(book["报送情况"].iter_rows(values_only=True))
        assert [row[1:5] for row in sheet[1:]] == [
            ("三泉镇人民政府", None, None, "已报送"),
            ("北张镇人民政府", None, None, "已报送"),
            ("古交镇人民政府", None, "李四", "未报送"),
        ]
        assert not any(
            cell.hyperlink for row in book["汇总"].iter_rows() for cell in row
        )  # its files are not beside it
        archive = zipfile.ZipFile(io.BytesIO(other.get("/county/export/reports.zip").content))
        assert archive.read("报送文件/三泉镇人民政府/seed.xlsx") == SEED.read_bytes()
        letter = archive.read("退回意见/北张镇人民政府2021年年报退回意见.txt").decode(
            "utf-8"
        )  # to the unit that sent it
        assert "北张镇人民政府：\n    你单位报送的年报文件“seed-as-printed.xlsx”经检查" in letter
        zipped = load_workbook(io.BytesIO(archive.read("汇总.xlsx")))["汇总"]
        links = [cell.hyperlink.target for row in zipped.iter_rows(min_row=2) for cell in row if cell.hyperlink]
        assert links
        assert set(links) <= set(archive.namelist())  # every link opens a file of the zip
        upload(other, "/county/template", ("本县格式.docx", house_template("联系人：{{ extra['联系人'] }}")))
        rows, _ = summary()
        archive = zipfile.ZipFile(io.BytesIO(other.get("/county/export/reports.zip").content))
        zipped_csv = list(csv.reader(io.StringIO(archive.read("汇总.csv").decode("utf-8-sig"))))
        statuses = {row[1]: row[4] for row in zipped_csv[1:]}
        assert rows["三泉镇人民政府/seed.xlsx"]["状态"] == statuses["三泉镇人民政府/seed.xlsx"] == "有错误"
        assert "自定义字段“联系人”" in str(rows["三泉镇人民政府/seed.xlsx"]["问题"])


def test_the_roster_does_not_take_a_unit_twice(client: TestClient, county: dict[str, str]) -> None:
    answer = client.post(
        "/county/units", data={"csrf": csrf_of(client), "names": "新绛县三泉镇政府\n新绛县 三泉镇人民政府"}
    )
    assert "已添加 0 个单位" in answer.text
    assert answer.text.count('<th scope="row">') == 3
