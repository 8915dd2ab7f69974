"""The review loop: the 退回意见 (unit, file received, each problem with its sheet and cell and the fix, as
text and DOCX), `check --mark` and `bulk --mark` (the comment at the cell), letters in bulk named after
the unit and removed once the unit has fixed its report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from builders import ROOT, valid_report, write_json, write_xlsx
from click.testing import CliRunner

from generator import issues as it
from generator import schema
from generator.check.load import load
from generator.cli import cli
from generator.county import review
from generator.county.bulk import REVIEW_FOLDER
from generator.county.mark import AUTHOR, ERROR_COLOUR, WARNING_COLOUR
from generator.issues import ALL_TYPES, TEMPLATE_TYPES, CheckResult
from generator.model import with_values
from generator.publish.build import MAX_NAME_BYTES

PRINTED = ROOT / "inputs" / "seed-as-printed.xlsx"  # (七)总计 typed as 0: errors at D29 and J29


def late_and_wrong(tmp_path: Path) -> Path:
    """A workbook with an error (a row total) and a warning (a late date)."""
    report = with_values(valid_report(**{"requests.new.natural_person": 3, "requests.granted.natural_person": 3}))
    path = write_xlsx(tmp_path / "甲镇.xlsx", with_values(report, agency="甲镇人民政府", date=dt.date(2022, 3, 5)))
    book = openpyxl.load_workbook(path)
    total = schema.BY_PATH["requests.new.total"]
    book[total.sheet][total.cell] = 5
    book.save(path)
    return path


def test_the_letter_names_unit_file_and_each_problem_with_its_cell_and_fix(tmp_path: Path) -> None:
    path = late_and_wrong(tmp_path)
    result = load(path).result
    assert [i.code for i in result.issues] == ["date-late", "row-total"]
    text = review.letter_text(review.letter("甲镇人民政府", path.name, result, 2021))
    assert text.startswith("关于甲镇人民政府2021年政府信息公开工作年度报告的退回意见\n\n甲镇人民政府：\n")
    assert "你单位报送的年报文件“甲镇.xlsx”经检查，有 1 个错误、1 个警告" in text
    total = schema.BY_PATH["requests.new.total"]
    assert f"1. 【警告】位置：工作表“基本信息”{schema.BY_PATH['date'].cell}" in text
    assert f"2. 【错误】位置：工作表“{total.sheet}”{total.cell}" in text
    assert "填写 5，按本行各列合计应为 3" in text
    assert f"修改：{it.ROW_TOTAL.fix}" in text
    assert f"修改：{it.DATE_LATE.fix}" in text


def test_the_docx_says_the_same_as_the_text(tmp_path: Path) -> None:
    path = late_and_wrong(tmp_path)
    result = load(path).result
    document = docx.Document(
        io.BytesIO(review.letter_docx(review.letter("甲镇人民政府", path.name, result, 2021, "甲（标注问题）.xlsx")))
    )
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert paragraphs[0] == "关于甲镇人民政府2021年\n政府信息公开工作年度报告的退回意见"
    assert paragraphs[1] == "甲镇人民政府："
    assert "“甲.xlsx”" not in paragraphs[2]
    assert "“甲镇.xlsx”经检查，有 1 个错误、1 个警告" in paragraphs[2]
    assert "“甲（标注问题）.xlsx”" in paragraphs[3]
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["序号", "类别", "位置", "问题", "修改意见"]
    letter = review.letter("甲镇人民政府", path.name, result, 2021)
    assert rows[1:] == [[str(n), p.severity, p.place, p.text, p.fix] for n, p in enumerate(letter.problems, start=1)]


def test_nothing_to_send_back_for_a_clean_report_or_one_read_from_a_published_page(tmp_path: Path) -> None:
    clean = load(write_xlsx(tmp_path / "a.xlsx", valid_report())).result
    assert clean.issues == ()
    assert not review.needs_letter(clean)
    notice = next(t for t in ALL_TYPES if t.code == "report-source").in_document(
        "format", "输入文件", "a.docx", kind="Word"
    )
    assert not review.needs_letter(CheckResult((notice,)))  # how nianbao read it is no problem of the unit


def test_every_problem_a_unit_can_have_has_its_fix() -> None:
    for issue_type in ALL_TYPES:
        if issue_type in TEMPLATE_TYPES or issue_type.code in review.NOT_FOR_UNIT:
            continue
        assert issue_type.fix, issue_type.code


def test_the_letter_of_a_file_that_cannot_be_read() -> None:
    letter = review.unreadable_letter("乙局", "乙局.xls", "“乙局.xls”是旧版 Excel 格式，请另存为 .xlsx")
    text = review.letter_text(letter)
    assert "1. 【错误】位置：整个文件\n   问题：“乙局.xls”是旧版 Excel 格式" in text
    assert review.UNREADABLE_FIX in text


def test_letter_and_copy_names_are_cleaned_and_shortened_as_report_names_are() -> None:
    """Two long names that differ only at their end (a bureau's 科室) keep their ends: cut in the middle
    within the byte limit the report's own name has, never at a number of characters."""
    front = "某某省某某市某某县" + "市场监督管理局综合行政执法大队" * 4
    first, second = review.letter_file_name(front + "第一中队", 2021), review.letter_file_name(front + "第二中队", 2021)
    assert first != second
    assert first.endswith("第一中队2021年年报退回意见")
    assert second.endswith("第二中队2021年年报退回意见")
    assert "…" in first
    assert len(first.encode("utf-8")) <= MAX_NAME_BYTES
    copy = review.marked_name(front + "第一中队", 2021)
    assert copy.endswith("第一中队2021年年报（标注问题）.xlsx")
    assert len(copy.encode("utf-8")) <= MAX_NAME_BYTES + len(".xlsx")
    assert review.letter_file_name("某/镇:政府", 2021) == "某_镇_政府2021年年报退回意见"  # never a path
    assert review.letter_file_name(" . ", None) == "未知单位年报退回意见"


def test_check_mark_puts_each_problem_at_its_cell(runner: CliRunner, tmp_path: Path) -> None:
    path = late_and_wrong(tmp_path)
    out = tmp_path / "标注.xlsx"
    result = runner.invoke(cli, ["check", str(path), "--mark", str(out)])
    assert result.exit_code == 1  # the check's own status
    assert "已标注 2 个单元格" in result.stderr
    book = openpyxl.load_workbook(out)
    total, date = schema.BY_PATH["requests.new.total"], schema.BY_PATH["date"]
    cell = book[total.sheet][total.cell]
    assert cell.comment is not None
    assert cell.comment.author == AUTHOR
    assert cell.comment.text.startswith("错误：填写 5，按本行各列合计应为 3")
    assert cell.fill.fgColor.rgb.endswith(ERROR_COLOUR)
    warned = book[date.sheet][date.cell]
    assert warned.comment is not None
    assert warned.comment.text.startswith("警告：")
    assert warned.fill.fgColor.rgb.endswith(WARNING_COLOUR)
    listing = book.worksheets[0]
    assert listing.title == schema.SHEET_MARKS
    links = {row[3].value: row[3].hyperlink.location for row in listing.iter_rows(min_row=2) if row[3].hyperlink}
    assert links == {date.cell: f"'{date.sheet}'!{date.cell}", total.cell: f"'{total.sheet}'!{total.cell}"}
    assert load(out).result.flatten("code", "cell") == load(path).result.flatten(
        "code", "cell"
    )  # same problems, no more


def test_marking_a_marked_copy_again_removes_the_marks_of_problems_fixed(runner: CliRunner, tmp_path: Path) -> None:
    path = late_and_wrong(tmp_path)
    total = schema.BY_PATH["requests.new.total"]
    before = openpyxl.load_workbook(path)[total.sheet][total.cell].fill.fgColor.rgb
    marked = tmp_path / "标注.xlsx"
    runner.invoke(cli, ["check", str(path), "--mark", str(marked)])
    book = openpyxl.load_workbook(marked)
    book[total.sheet][total.cell] = f"={total.cell.replace('J', 'D')}"  # the clerk puts the formula back
    book.save(marked)
    again = tmp_path / "再次标注.xlsx"
    runner.invoke(cli, ["check", str(marked), "--mark", str(again)])
    cell = openpyxl.load_workbook(again)[total.sheet][total.cell]
    assert cell.comment is None
    assert cell.fill.fgColor.rgb == before
    assert openpyxl.load_workbook(again).sheetnames.count(schema.SHEET_MARKS) == 1


def test_check_mark_refuses_what_it_cannot_mark(runner: CliRunner, tmp_path: Path) -> None:
    source = write_json(tmp_path / "a.json", valid_report())
    result = runner.invoke(cli, ["check", str(source), "--mark", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 2
    assert "只有工作簿（.xlsx）可以标注问题" in result.stderr
    workbook = tmp_path / "a.xlsx"
    shutil.copy(PRINTED, workbook)
    same = runner.invoke(cli, ["check", str(workbook), "--mark", str(workbook)])
    assert same.exit_code == 2
    assert "就是输入文件" in same.stderr
    assert workbook.read_bytes() == PRINTED.read_bytes()


def test_bulk_writes_letters_named_after_the_unit_and_marked_copies(runner: CliRunner, tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    shutil.copy(PRINTED, source / "三泉.xlsx")
    write_xlsx(source / "good.xlsx", valid_report())
    (source / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--mark", "--jobs", "1"])
    assert result.exit_code == 1
    folder = out / REVIEW_FOLDER
    assert sorted(p.name for p in folder.iterdir()) == [
        "old年报退回意见.docx",
        "old年报退回意见.txt",
        "新绛县三泉镇人民政府2021年年报退回意见.docx",
        "新绛县三泉镇人民政府2021年年报退回意见.txt",
        "新绛县三泉镇人民政府2021年年报（标注问题）.xlsx",
    ]
    text = (folder / "新绛县三泉镇人民政府2021年年报退回意见.txt").read_text("utf-8")
    assert "“三泉.xlsx”经检查，有 2 个错误" in text
    assert "“新绛县三泉镇人民政府2021年年报（标注问题）.xlsx”" in text
    marked = openpyxl.load_workbook(folder / "新绛县三泉镇人民政府2021年年报（标注问题）.xlsx")
    assert marked["三、依申请公开"]["D29"].comment.text.startswith("错误：填写 0，按明细合计应为 2")
    assert "退回意见：2 份" in result.stderr


def test_a_letter_goes_once_the_unit_has_fixed_its_report(runner: CliRunner, tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    shutil.copy(PRINTED, source / "三泉.xlsx")
    runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--jobs", "1"])
    letter = out / REVIEW_FOLDER / "新绛县三泉镇人民政府2021年年报退回意见.docx"
    assert letter.exists()
    shutil.copy(ROOT / "inputs" / "seed.xlsx", source / "三泉.xlsx")  # the corrected report
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 0
    assert not letter.exists()  # a stale letter never goes out again
    assert not (out / REVIEW_FOLDER).exists()


def test_two_letters_to_one_unit_each_name_their_own_marked_copy(runner: CliRunner, tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    shutil.copy(PRINTED, source / "a.xlsx")
    shutil.copy(PRINTED, source / "b.xlsx")
    runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--mark", "--jobs", "1"])
    second = (out / REVIEW_FOLDER / "新绛县三泉镇人民政府2021年年报退回意见（2）.txt").read_text("utf-8")
    assert "“b.xlsx”经检查" in second
    assert "“新绛县三泉镇人民政府2021年年报（标注问题）（2）.xlsx”" in second
    assert (out / REVIEW_FOLDER / "新绛县三泉镇人民政府2021年年报（标注问题）（2）.xlsx").exists()


@pytest.mark.parametrize("bad", ["\x01", "<&>"])
def test_any_text_in_a_problem_makes_a_valid_docx(bad: str) -> None:
    letter = review.Letter(f"甲{bad}镇", f"a{bad}.xlsx", 2021, (review.Problem("错误", bad, f"文{bad}字", "改"),))
    document = docx.Document(io.BytesIO(review.letter_docx(letter)))
    assert document.tables[0].rows[1].cells[3].text == f"文{bad.replace(chr(1), '')}字"


def test_a_letter_of_the_web_server_says_when_the_file_came_in_and_a_clean_file_says_so() -> None:
    seed = load(ROOT / "inputs" / "seed.json")
    clean = review.letter("三泉镇人民政府", "seed.json", seed.result, seed.report.year)
    text = review.letter_text(dataclasses.replace(clean, received="2026-11-29 10:05"))
    assert "“seed.json”（2026-11-29 10:05 收到）经检查，未发现问题。" in text
    assert "位置" not in text
