"""The slips clerks make in Excel and WPS, each named at the cell that holds it, once (issue 9)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders import valid_report, write_json, write_xlsx

from generator import schema
from generator.check.load import check_report, load
from generator.model import Section, make_report


def edited(path: Path, **cells: Any) -> Path:
    """The workbook with cells changed, given as SHEETNAME__A1=value pairs through a dict."""
    book = openpyxl.load_workbook(path)
    for key, value in cells.items():
        sheet, cell = key.split("__")
        book[sheet][cell] = value
    book.save(path)
    return path


def workbook(tmp_path: Path, **values: Any) -> Path:
    return write_xlsx(tmp_path / "r.xlsx", valid_report(**values))


def test_titles_typed_with_their_number_are_stripped_with_a_notice(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book[schema.SHEET_OVERVIEW]["B3"] = "（二）政府信息依申请公开办理情况"
    book[schema.SHEET_OVERVIEW]["C3"] = "正文。"
    book[schema.SHEET_OVERVIEW]["B4"] = "三、政府信息管理情况"
    book[schema.SHEET_OVERVIEW]["C4"] = "正文。"
    book.save(path)
    checked = load(path)
    assert [section.title for section in checked.report.overview] == ["政府信息依申请公开办理情况", "政府信息管理情况"]
    assert checked.result.flatten("code", "cell") == [("title-numbered", "B3"), ("title-numbered", "B4")]
    assert checked.result.ok


def test_a_line_that_starts_like_a_level_one_heading_is_a_warning() -> None:
    report = valid_report(problems="（一）存在的问题\n一、人员不足。\n二、培训不够。")
    result = check_report(report)
    assert result.flatten("code", "path") == [("text-heading1", "problems")]
    assert "第 2 段以“一、人员不足。”开头" in result.issues[0].message


def test_the_opening_is_read_like_the_other_texts_and_custom_fields_are_the_templates(tmp_path: Path) -> None:
    opening = "本报告依据《条例》编制。\n一、总体情况"
    result = load(workbook(tmp_path, opening=opening)).result
    assert result.flatten("code", "path", "sheet", "cell") == [("text-heading1", "opening", schema.SHEET_BASIC, "B7")]
    zeros = valid_report(opening="本年度申请人共12人次提交申请材料12份。")
    assert check_report(zeros).flatten("code", "path") == [("tables-empty", "opening")]
    custom = make_report(valid_report().values, valid_report().overview, {"附件": "一、主动公开目录"})
    assert check_report(custom).issues == ()


def test_a_copied_sheet_holding_numbers_is_named(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    copy = book.copy_worksheet(book[schema.SHEET_REQUESTS])
    copy.title = "三、依申请公开 (2)"
    copy["D6"] = 5
    book.save(path)
    result = load(path).result
    assert result.flatten("code", "sheet") == [("extra-sheet", "三、依申请公开 (2)")]
    assert "副本" in result.issues[0].message
    assert result.ok


def test_an_extra_sheet_of_notes_without_numbers_is_fine(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book.create_sheet("备注")["A1"] = "联系人：张三"
    book.save(path)
    assert load(path).result.issues == ()


def test_tables_all_zero_while_the_text_counts_applications() -> None:
    report = make_report(
        valid_report().values,
        (Section("政府信息依申请公开办理情况", "申请人共12人次提交申请材料12份，均已按时答复。"),),
    )
    assert check_report(report).flatten("code", "path") == [("tables-empty", "overview[0].text")]
    # a sentence the text check reads is named there, against the table's 0, and not twice
    counted = make_report(valid_report().values, (Section("依申请公开", "全年共受理政府信息公开申请12件。"),))
    assert check_report(counted).flatten("code", "path") == [("text-number-mismatch", "overview[0].text")]
    none = make_report(valid_report().values, (Section("依申请公开", "全年未收到政府信息公开申请。"),))
    assert check_report(none).flatten("code") == []


def test_formulas_without_cached_values_are_worked_out(tmp_path: Path) -> None:
    """A workbook filled by a script with openpyxl has formulas and no cached values at all."""
    path = edited(
        workbook(tmp_path),
        **{f"{schema.SHEET_REQUESTS}__D6": "=2+3", f"{schema.SHEET_REQUESTS}__D8": "=SUM(2,3)"},
    )
    checked = load(path)
    assert checked.result.ok, checked.result.flatten("code", "cell")
    assert checked.report["requests.new.natural_person"] == 5
    assert checked.report["requests.granted.natural_person"] == 5


def test_any_other_formula_without_a_value_is_named_never_read_as_zero(tmp_path: Path) -> None:
    path = edited(workbook(tmp_path), **{f"{schema.SHEET_REQUESTS}__D6": "=VLOOKUP(A1,B:C,2,0)"})
    result = load(path).result
    assert result.flatten("code", "cell") == [("unsupported-formula", "D6")]
    assert "=VLOOKUP" in result.issues[0].message


def test_a_typed_total_over_the_formula_is_checked(tmp_path: Path) -> None:
    path = edited(
        workbook(tmp_path, **{"requests.new.natural_person": 2, "requests.granted.natural_person": 2}),
        **{f"{schema.SHEET_REQUESTS}__J6": 3},
    )
    assert load(path).result.flatten("code", "cell") == [("row-total", "J6")]


def test_a_wrong_cached_total_is_no_error_of_its_own(tmp_path: Path) -> None:
    """The standard totals are formulas: their cached values (stale, or skipping text) never raise errors."""
    path = workbook(tmp_path, **{"requests.new.natural_person": 2, "requests.granted.natural_person": 2})
    with_cache = tmp_path / "cached.xlsx"
    import zipfile

    with zipfile.ZipFile(path) as source, zipfile.ZipFile(with_cache, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet5.xml":
                data = data.replace(b"<f>SUM(D6:I6)</f>", b"<f>SUM(D6:I6)</f><v>7</v>")
            target.writestr(info, data)
    assert load(with_cache).result.issues == ()


@pytest.mark.parametrize(("value", "expected"), [("１２", 12), (" 12 ", 12), ("1,234", 1234)])
def test_json_numbers_in_text_are_read_with_a_warning(tmp_path: Path, value: str, expected: int) -> None:
    data = json.loads(write_json(tmp_path / "a.json", valid_report()).read_text("utf-8"))
    data["requests"]["new"]["natural_person"] = value
    data["requests"]["granted"]["natural_person"] = expected
    for key in ("new", "granted"):
        data["requests"][key].pop("total")
    data["requests"]["total"].pop("natural_person")
    data["requests"]["total"].pop("total")
    checked = load(write_json(tmp_path / "b.json", data))
    assert checked.report["requests.new.natural_person"] == expected
    assert checked.result.flatten("code", "path") == [("number-normalised", "requests.new.natural_person")]


@pytest.mark.parametrize("value", ["1,5", "12件", "十二"])
def test_json_text_that_is_not_a_number_is_an_error(tmp_path: Path, value: str) -> None:
    data = json.loads(write_json(tmp_path / "a.json", valid_report()).read_text("utf-8"))
    data["requests"]["new"]["natural_person"] = value
    assert ("not-integer", "requests.new.natural_person") in load(write_json(tmp_path / "b.json", data)).result.flatten(
        "code", "path"
    )


def test_deadline_uses_the_chosen_agency_type(tmp_path: Path) -> None:
    path = workbook(tmp_path, date=dt.date(2022, 3, 1))
    assert load(path).result.flatten("code") == [("date-late",)]  # a township: 31 January
    edited(path, **{f"{schema.SHEET_BASIC}__B6": "县级以上人民政府"})
    assert load(path).result.flatten("code") == []
