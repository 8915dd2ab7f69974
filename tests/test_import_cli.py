"""`nianbao import`, published reports wherever an input is accepted, and `nianbao new --previous`."""

from __future__ import annotations

import json
from pathlib import Path

from builders import ROOT, SEED_JSON, seed_document, write_json
from click.testing import CliRunner
from report_fixtures import Layout, portal_page, wps_docx
from strategies import normal

from generator import schema
from generator.check.load import load
from generator.cli import cli
from generator.formats.sniff import OLE2_MAGIC
from generator.formats.xlsx import read_values
from generator.model import Report, with_values

SEED_DOCX = ROOT / "samples" / "seed.docx"


def seed(**values: object) -> Report:
    return with_values(load(SEED_JSON).report, agency_type="", **values)  # type: ignore[arg-type]


def test_import_of_the_sample_report_prints_the_seed_document(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["import", str(SEED_DOCX)])
    assert result.exit_code == 0, result.output
    expected = seed_document()
    del expected["agency_type"]  # a report does not print it
    assert json.loads(result.stdout) == expected
    assert result.stderr == ""


def test_import_to_a_workbook_and_to_json(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("上年.xlsx", "上年.json"):
        result = runner.invoke(cli, ["import", str(SEED_DOCX), "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        checked = load(tmp_path / name)
        assert checked.result.ok
        assert normal(checked.report) == normal(seed())


def test_import_writes_what_is_printed_even_when_it_does_not_add_up(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(portal_page(seed(**{"requests.total.natural_person": 0})), encoding="utf-8")
    result = runner.invoke(cli, ["import", str(page)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["requests"]["total"]["natural_person"] == 0
    assert runner.invoke(cli, ["check", str(page)]).exit_code == 1


def test_import_with_an_unreadable_part_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(portal_page(seed()).replace("行政许可", "行政审批事项"), encoding="utf-8")
    out = tmp_path / "out.json"
    result = runner.invoke(cli, ["import", str(page), "-o", str(out)])
    assert result.exit_code == 1
    assert "二、主动公开 行政许可（表二）：找不到表二中“行政许可”一行" in result.stderr
    assert "未输出" in result.stderr
    assert not out.exists()


def test_import_refuses_what_it_cannot_or_need_not_read(runner: CliRunner, tmp_path: Path) -> None:
    cases = [
        (["import", str(SEED_JSON)], "不需要导入"),
        (["import", str(SEED_DOCX), "-o", str(tmp_path / "x.txt")], "扩展名应为 .json 或 .xlsx"),
        (["import", str(tmp_path / "r.xlsx"), "-o", str(tmp_path / "r.xlsx")], "不能是输入的报告本身"),
    ]
    (tmp_path / "r.xlsx").write_bytes(SEED_DOCX.read_bytes())  # a Word report, whatever its name says
    for arguments, words in cases:
        result = runner.invoke(cli, arguments)
        assert result.exit_code == 2, arguments
        assert words in result.output
    old_word = tmp_path / "old.doc"
    old_word.write_bytes(OLE2_MAGIC + b"\0" * 64 + "WordDocument".encode("utf-16-le"))
    result = runner.invoke(cli, ["check", str(old_word)])
    assert (result.exit_code, "另存为” .docx" in result.output) == (2, True)


def test_check_and_export_accept_a_published_report(runner: CliRunner, tmp_path: Path) -> None:
    path = wps_docx(tmp_path / "镇.docx", seed(**{"requests.total.natural_person": 0}))
    result = runner.invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("警告  输入文件（镇.docx）：数字和文字是从已发布的 Word 报告中读出的")
    assert "三、收到和处理申请 （七）总计·自然人（第3个表格第18行第4列）：填写 0，按明细合计应为 2" in result.output
    fine = wps_docx(tmp_path / "好.docx", seed())
    exported = runner.invoke(cli, ["export", str(fine)])
    assert exported.exit_code == 0
    assert json.loads(exported.stdout)["requests"]["new"]["natural_person"] == 2


def test_check_previous_accepts_last_years_report(runner: CliRunner, tmp_path: Path) -> None:
    last = wps_docx(
        tmp_path / "上年.docx", seed(**{"requests.carried_forward.natural_person": 1, "requests.new.natural_person": 3})
    )
    this = write_json(tmp_path / "本年.json", seed(year=2022, date=seed()["date"].replace(year=2023)))  # type: ignore[union-attr]
    result = runner.invoke(cli, ["check", str(this), "--previous", str(last), "--json"])
    errors = json.loads(result.stdout)["errors"]
    assert [(e["code"], e["path"]) for e in errors] == [
        ("carried-over-mismatch", "requests.carried_over.natural_person")
    ]


def test_bulk_and_rollup_take_reports_from_the_folder(runner: CliRunner, tmp_path: Path) -> None:
    inbox = tmp_path / "收到"
    inbox.mkdir()
    wps_docx(inbox / "甲镇.docx", seed(agency="甲镇人民政府"))
    (inbox / "乙镇.html").write_text(portal_page(seed(agency="乙镇人民政府")), encoding="utf-8")
    write_json(inbox / "丙镇.json", seed(agency="丙镇人民政府"))
    result = runner.invoke(cli, ["bulk", str(inbox), "-o", str(tmp_path / "out"), "-q", "-j", "1"])
    assert result.exit_code == 0, result.output
    summary = (tmp_path / "out" / "汇总.csv").read_text("utf-8-sig")
    assert "甲镇人民政府" in summary
    assert "乙镇人民政府" in summary
    assert summary.count("已发布的") == 2  # the warning that a file was a published report, not a workbook
    assert (tmp_path / "out" / "甲镇人民政府2021年政府信息公开工作年度报告.docx").exists()
    rolled = runner.invoke(cli, ["rollup", str(inbox), "-o", str(tmp_path / "县.json")])
    assert rolled.exit_code == 0, rolled.output
    assert json.loads((tmp_path / "县.json").read_text("utf-8"))["requests"]["new"]["natural_person"] == 6


def test_new_from_last_years_report(runner: CliRunner, tmp_path: Path) -> None:
    last = with_values(
        load(SEED_JSON).report,
        **{
            "requests.carried_forward.natural_person": 3,
            "requests.carried_forward.legal_service": 1,
            "requests.new.natural_person": 5,
            "requests.new.legal_service": 1,
            "proactive.normative_documents.in_force": 12,
            "requests.carried_forward.total": None,  # computed from its parts
            "requests.new.total": None,
        },
    )
    source = write_json(tmp_path / "2021.json", last)
    out = tmp_path / "2022.xlsx"
    result = runner.invoke(cli, ["new", str(out), "--previous", str(source)])
    assert result.exit_code == 0, result.output
    cells = read_values(out)
    basic = cells[schema.SHEET_BASIC]
    assert (basic["B3"], basic["B4"], basic.get("B5"), basic["B6"]) == (
        "新绛县三泉镇人民政府",
        2022,
        None,
        "乡镇人民政府（街道办事处）",
    )
    report = load(out).report
    carried = {c: report[f"requests.carried_over.{c}"] for c in schema.APPLICANT_PARTS}
    assert carried == {c: last[f"requests.carried_forward.{c}"] for c in schema.APPLICANT_PARTS}
    assert report["problems"] == report["other_matters"] == ""
    assert all(not s.text for s in report.overview)
    proactive = cells[schema.SHEET_PROACTIVE]
    assert (proactive["F5"], proactive["F6"]) == (0, 12)  # last year's 现行有效件数 beside the new ones
    reference = cells[schema.SHEET_PREVIOUS]
    assert last["problems"] in reference.values()
    assert any(isinstance(v, str) and v.startswith(last.overview[0].text[:20]) for v in reference.values())
    assert not [i for i in load(out).result.issues if i.code == "layout-mismatch"]
    checked = runner.invoke(cli, ["check", str(out), "--previous", str(source), "--json"])
    assert "carried-over-mismatch" not in checked.stdout


def test_new_from_a_published_report_and_options_that_exclude_each_other(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "2022.xlsx"
    result = runner.invoke(cli, ["new", str(out), "--previous", str(SEED_DOCX), "--agency", "新名称镇人民政府"])
    assert result.exit_code == 0, result.output
    assert read_values(out)[schema.SHEET_BASIC]["B3"] == "新名称镇人民政府"
    both = runner.invoke(cli, ["new", str(tmp_path / "x.xlsx"), "--previous", str(SEED_DOCX), "--from", str(SEED_JSON)])
    assert both.exit_code == 2
    page = tmp_path / "bad.html"
    page.write_text(portal_page(seed(), Layout()).replace("结转下年度继续办理", "其他"), encoding="utf-8")
    refused = runner.invoke(cli, ["new", str(tmp_path / "y.xlsx"), "--previous", str(page)])
    assert refused.exit_code == 1
    assert not (tmp_path / "y.xlsx").exists()
