"""汇总.xlsx as a county office prints and uses it (read back with openpyxl): landscape, one page wide, the
header repeated and frozen, filters, rows tall enough for their messages, links to each report and 退回意见,
warning rows marked; the key figures, 成文日期 and 逾期; with --previous-dir the carry-over check and 同比."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import ROOT, valid_report, write_json, write_xlsx
from click.testing import CliRunner

from generator.cli import cli
from generator.county import summary
from generator.county.figures import KEY_FIGURES, change, unusual, unusual_changes
from generator.county.progress import Progress
from generator.model import with_values

FIGURES = {
    "requests.new.natural_person": 4,
    "requests.granted.natural_person": 3,
    "requests.carried_forward.natural_person": 1,
}


def unit(name: str, **values: object) -> object:
    return with_values(valid_report(**values), agency=name)


@pytest.fixture
def run(runner: CliRunner, tmp_path: Path) -> Path:
    """A bulk run over a clean unit, a late one (a warning), one with errors and a published-report JSON."""
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    write_xlsx(source / "a.xlsx", unit("甲镇人民政府", **FIGURES, **{"proactive.fees": 1.5}))
    write_xlsx(source / "b.xlsx", unit("某县乙局", date=dt.date(2022, 2, 10)))  # a department: due 31 January
    shutil.copy(ROOT / "inputs" / "seed-as-printed.xlsx", source / "c.xlsx")
    write_json(source / "d.json", unit('=HYPERLINK("http://x")'))
    runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--jobs", "1"])
    return out


def rows_of(sheet: object) -> dict[str, dict[str, object]]:
    values = list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]
    return {str(row[1]): dict(zip(values[0], row, strict=True)) for row in values[1:]}


def test_the_summary_prints_landscape_one_page_wide_with_its_header_on_every_page(run: Path) -> None:
    sheet = openpyxl.load_workbook(run / "汇总.xlsx")["汇总"]
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) in (9, 8)  # A4, or A3 when A4 would shrink the text too far
    widths = sum(
        sheet.column_dimensions[c].width
        for c in (openpyxl.utils.get_column_letter(i) for i in range(1, sheet.max_column + 1))
    )
    capacity = summary.PAGE_CAPACITY[int(sheet.page_setup.paperSize)]
    assert int(sheet.page_setup.scale) <= 100 * capacity / widths  # all columns on one page's width
    assert not sheet.sheet_properties.pageSetUpPr or not sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.freeze_panes == "D2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(sheet.max_column)}{sheet.max_row}"
    assert sheet.print_area == f"'汇总'!$A$1:${openpyxl.utils.get_column_letter(sheet.max_column)}${sheet.max_row}"


def test_rows_are_tall_enough_for_every_line_of_their_messages(run: Path) -> None:
    sheet = openpyxl.load_workbook(run / "汇总.xlsx")["汇总"]
    headings = [cell.value for cell in sheet[1]]
    column = headings.index("问题") + 1
    width = sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width
    for row in range(2, sheet.max_row + 1):
        text = sheet.cell(row, column).value or ""
        assert sheet.cell(row, column).alignment.wrap_text
        assert sheet.row_dimensions[row].height >= summary.text_lines(text, width) * summary.LINE_POINTS
    assert summary.text_lines("甲" * 30, 20) == 3  # 30 characters of 1.8 units in 19 units a line


def test_error_rows_red_warning_rows_yellow_clean_rows_plain(run: Path) -> None:
    sheet = openpyxl.load_workbook(run / "汇总.xlsx")["汇总"]
    fills = {sheet.cell(r, 2).value: sheet.cell(r, 1).fill.fgColor.rgb for r in range(2, sheet.max_row + 1)}
    assert fills["c.xlsx"].endswith(summary.ERROR_FILL)
    assert fills["b.xlsx"].endswith(summary.WARNING_FILL)
    assert fills["a.xlsx"] == "00000000"


def test_links_to_each_input_report_and_letter(run: Path) -> None:
    sheet = openpyxl.load_workbook(run / "汇总.xlsx")["汇总"]
    headings = [cell.value for cell in sheet[1]]
    links = {
        (sheet.cell(r, 2).value, headings[c - 1]): sheet.cell(r, c).hyperlink.target
        for r in range(2, sheet.max_row + 1)
        for c in range(1, sheet.max_column + 1)
        if sheet.cell(r, c).hyperlink
    }
    assert links[("a.xlsx", "文件")] == "../in/a.xlsx"
    assert links[("a.xlsx", "报告文件")] == "甲镇人民政府2021年政府信息公开工作年度报告.docx"
    assert links[("c.xlsx", "退回意见")] == "退回意见/新绛县三泉镇人民政府2021年年报退回意见.docx"
    for (_, heading), target in links.items():
        if heading != "文件":
            assert (run / target).is_file(), target


def test_key_figures_date_and_late_flag_in_both_files(run: Path) -> None:
    book = rows_of(openpyxl.load_workbook(run / "汇总.xlsx")["汇总"])
    table = {row["文件"]: row for row in csv.DictReader(io.StringIO((run / "汇总.csv").read_text("utf-8-sig")))}
    assert tuple(table["a.xlsx"]) == summary.SUMMARY_COLUMNS  # the same columns
    a = book["a.xlsx"]
    assert [a[figure.heading] for figure in KEY_FIGURES] == [0, 0, 4, 3, 1, 0, 0, 1.5]
    assert [table["a.xlsx"][figure.heading] for figure in KEY_FIGURES] == ["0", "0", "4", "3", "1", "0", "0", "1.5"]
    assert a["成文日期"] == dt.datetime(2022, 1, 20)
    assert table["a.xlsx"]["成文日期"] == "2022-01-20"
    assert (a["逾期"], book["b.xlsx"]["逾期"]) == (None, "逾期")
    assert table["b.xlsx"]["逾期"] == "逾期"
    assert table["d.json"]["机关"] == '\'=HYPERLINK("http://x")'  # neutralised in both
    assert book["d.json"]["机关"] == '\'=HYPERLINK("http://x")'


def test_year_on_year_against_last_years_folder(runner: CliRunner, tmp_path: Path) -> None:
    source, last, out = tmp_path / "in", tmp_path / "last", tmp_path / "out"
    source.mkdir()
    last.mkdir()
    now = {
        "requests.carried_over.natural_person": 1,
        "requests.new.natural_person": 29,
        "requests.granted.natural_person": 30,
    }
    write_xlsx(source / "a.xlsx", unit("甲镇人民政府", **now))
    write_xlsx(
        source / "b.xlsx",
        unit("某县乙局", **{"requests.carried_over.natural_person": 2, "requests.granted.natural_person": 2}),
    )
    write_xlsx(source / "c.xlsx", unit("丙镇人民政府"))
    before = {
        "requests.new.natural_person": 5,
        "requests.granted.natural_person": 4,
        "requests.carried_forward.natural_person": 1,
    }
    write_xlsx(last / "甲.xlsx", unit("甲镇政府", year=2020, date=dt.date(2021, 1, 20), **before))  # another spelling
    write_json(last / "乙.json", unit("某县乙局", year=2020, date=dt.date(2021, 1, 20)))  # carried forward 0, not 2
    write_json(last / "乙-早.json", unit("某县乙局", year=2020, date=dt.date(2021, 1, 5)))  # an older copy
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--previous-dir", str(last), "--jobs", "2"])
    rows = {row["文件"]: row for row in csv.DictReader(io.StringIO((out / "汇总.csv").read_text("utf-8-sig")))}
    assert (rows["a.xlsx"]["上年文件"], rows["a.xlsx"]["上年结转"]) == ("甲.xlsx", "相符")
    assert rows["a.xlsx"]["同比·新收申请"] == "+480%"
    assert rows["a.xlsx"]["异常变化"] == "新收申请 5→29（×5.8）；办结 4→30（×7.5）；结转下年 1→0（×0）"
    assert (rows["b.xlsx"]["上年文件"], rows["b.xlsx"]["上年结转"]) == ("乙.json", "不符")
    assert rows["b.xlsx"]["状态"] == "有错误"  # as check --previous: 上年结转 must be last year's 结转
    assert "上年报告“四、结转下年度继续办理”为 0" in rows["b.xlsx"]["问题"]
    assert (rows["c.xlsx"]["上年文件"], rows["c.xlsx"]["上年结转"], rows["c.xlsx"]["同比·新收申请"]) == ("", "", "")
    assert (
        "上年文件“乙-早.json”与“乙.json”是同一单位，用后者核对（成文日期 2021-01-20 晚于 2021-01-05）" in result.stderr
    )
    book = rows_of(openpyxl.load_workbook(out / "汇总.xlsx")["汇总"])
    assert book["a.xlsx"]["同比·新收申请"] == pytest.approx(4.8)


def test_the_change_rule_of_a_third_party_checker() -> None:
    assert (unusual(6, 1), unusual(5, 1), unusual(1, 5), unusual(0, 1), unusual(9, 0)) == (
        True,
        False,
        False,
        True,
        False,
    )
    assert change(3, 2) == 0.5
    assert change(3, 0) is None
    figures = (0,) * len(KEY_FIGURES)
    assert unusual_changes(figures, figures) == ()


def test_progress_line_says_count_rate_and_file() -> None:
    progress = Progress(200, "生成中", started=0.0)
    progress.advance()
    line = progress.line("很长的文件名" * 10 + ".xlsx")
    assert line.startswith("生成中 1/200（0%）")
    assert "份/秒" in line
    assert line.endswith("名.xlsx")
    assert len(line) < 80


REALWORLD = next(
    (p for p in (ROOT.parent / "shared" / "realworld", ROOT.parent.parent / "shared" / "realworld") if p.exists()), None
)


@pytest.mark.skipif(REALWORLD is None, reason="shared/realworld is not beside the repository")
def test_last_years_inputs_a_place_name_apart_are_one_unit_and_the_newest_is_paired(
    runner: CliRunner, tmp_path: Path
) -> None:
    source, last, out = tmp_path / "in", tmp_path / "last", tmp_path / "out"
    source.mkdir()
    last.mkdir()
    write_xlsx(source / "a.xlsx", unit("三泉镇人民政府"))
    write_xlsx(last / "新.xlsx", unit("新绛县三泉镇人民政府", year=2020, date=dt.date(2021, 1, 20)))
    write_json(last / "旧.json", unit("三泉镇人民政府", year=2020, date=dt.date(2021, 1, 5)))  # an older copy
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--previous-dir", str(last), "--jobs", "1"])
    rows = {row["文件"]: row for row in csv.DictReader(io.StringIO((out / "汇总.csv").read_text("utf-8-sig")))}
    assert rows["a.xlsx"]["上年文件"] == "新.xlsx"
    assert "上年文件“旧.json”与“新.xlsx”是同一单位，用后者核对（成文日期 2021-01-20 晚于 2021-01-05）" in result.stderr


def test_a_districts_published_report_paired_with_last_years(runner: CliRunner, tmp_path: Path) -> None:
    """洪泽区 2024 against its own 2023 report, both published PDFs: paired by name, the carry-over checked."""
    assert REALWORLD is not None
    source, last, out = tmp_path / "in", tmp_path / "last", tmp_path / "out"
    source.mkdir()
    last.mkdir()
    shutil.copy(REALWORLD / "14-hongze-qu-renmin-zhengfu-2024.pdf", source)
    shutil.copy(REALWORLD / "13-hongze-qu-renmin-zhengfu-2023.pdf", last)
    runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--previous-dir", str(last), "--jobs", "1"])
    row = next(csv.DictReader(io.StringIO((out / "汇总.csv").read_text("utf-8-sig"))))
    assert (row["机关"], row["上年文件"], row["上年结转"]) == (
        "淮安市洪泽区人民政府",
        "13-hongze-qu-renmin-zhengfu-2023.pdf",
        "相符",
    )
    assert (row["新收申请"], row["同比·新收申请"]) == ("95", "+352%")  # 21 requests in 2023
    assert "与上年报告的同一部分约" in row["问题"]  # the text copied from last year, as check --previous says


def test_last_years_report_is_read_once_when_indexed(tmp_path: Path) -> None:
    """A unit's input is checked against the report read when last year's folder was indexed: the file is not
    read again for each unit (a published PDF takes a quarter of a second)."""
    from generator.county import bulk

    source, last = tmp_path / "in", tmp_path / "last"
    source.mkdir()
    last.mkdir()
    this_year = write_xlsx(source / "a.xlsx", unit("甲镇人民政府", **{"requests.carried_over.natural_person": 3}))
    before = {"requests.new.natural_person": 3, "requests.carried_forward.natural_person": 3}
    old = write_xlsx(last / "甲.xlsx", unit("甲镇人民政府", year=2020, date=dt.date(2021, 1, 20), **before))
    context, _ = bulk.prepare_context(None, last, mark=False)
    old.unlink()  # whatever happens to the file now, the index holds what it said
    outcome = bulk.process_one(this_year, None, False, context)
    assert (outcome.previous_file, outcome.carried_over) == (str(old), "相符")
