"""The standard workbook: what `new` writes, and what the reader makes of edits a clerk might do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders import ROOT, valid_report, write_xlsx

from generator import schema
from generator.check.load import load
from generator.formats.workbook_writer import STATUS_ROW, write_workbook
from generator.model import blank_report, complete_values, with_totals


@pytest.fixture
def blank(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "blank.xlsx", blank_report())


def edit(path: Path, sheet: str, cell: str, value: Any) -> Path:
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = value
    book.save(path)
    return path


def test_sheets_in_order(blank: Path) -> None:
    assert openpyxl.load_workbook(blank).sheetnames == list(schema.SHEETS)


def test_input_cells_unlocked_and_shaded_labels_and_formulas_locked(blank: Path) -> None:
    book = openpyxl.load_workbook(blank)
    for field in schema.FIELDS:
        cell = book[field.sheet][field.cell]
        if field.kind is schema.Kind.TOTAL:
            assert cell.value == "=" + schema.total_formula(field.path), field.path
            assert cell.protection.locked is True, field.path
            assert cell.fill.fgColor.rgb.endswith("E2EFDA"), field.path  # computed cells look apart
            continue
        assert cell.protection.locked is False, field.path
        assert cell.fill.fgColor.rgb.endswith("FFF2CC"), field.path
    for table in schema.TABLES:
        sheet = book[table.sheet]
        assert sheet.protection.sheet is True
        assert sheet.protection.password is None
        for address, text in schema.label_cells(table):
            assert sheet[address].value == text
            assert sheet[address].protection.locked is True


@pytest.mark.parametrize("name", ["blank.xlsx", "seed.xlsx"])
def test_every_workbook_written_has_live_formulas_and_prints_one_page_wide(name: str) -> None:
    book = openpyxl.load_workbook(ROOT / "inputs" / name)
    for field in schema.FIELDS:
        if field.kind is schema.Kind.TOTAL:
            assert str(book[field.sheet][field.cell].value).startswith("=SUM("), field.path
    requests = book[schema.SHEET_REQUESTS]
    assert requests.print_title_rows == "$3:$5"  # the header rows repeat on every printed page
    for sheet in book.worksheets:
        width = sum(sheet.column_dimensions[c].width or 9 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[: sheet.max_column])
        capacity = 64 if sheet.page_setup.orientation == "portrait" else 95
        assert width * sheet.page_setup.scale / 100 <= capacity, sheet.title


def test_long_texts_get_rows_tall_enough_to_show_them() -> None:
    from generator.formats.workbook_writer import OVERVIEW_TEXT_WIDTH, text_height

    book = openpyxl.load_workbook(ROOT / "inputs" / "seed.xlsx")
    sheet = book[schema.SHEET_OVERVIEW]
    for row in range(3, 8):
        text = sheet[f"C{row}"].value
        assert sheet.row_dimensions[row].height == text_height(text, OVERVIEW_TEXT_WIDTH, minimum=30)
    seed_third = sheet["C5"].value
    assert len(seed_third) > 400
    assert sheet.row_dimensions[5].height >= 14 * (len(seed_third) / (OVERVIEW_TEXT_WIDTH / 2.05))


def test_merged_headers_follow_the_official_table(blank: Path) -> None:
    sheet = openpyxl.load_workbook(blank)[schema.SHEET_REQUESTS]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A3:C5", "D3:J3", "D4:D5", "E4:I4", "J4:J5", "A8:A29", "B10:B17", "B29:C29", "A30:C30"} <= merged
    appeals = {str(r) for r in openpyxl.load_workbook(blank)[schema.SHEET_APPEALS].merged_cells.ranges}
    assert {"A3:E3", "F3:O3", "F4:J4", "K4:O4", "A4:A5"} <= appeals


def test_data_validation_on_every_count_fee_date_and_year(blank: Path) -> None:
    book = openpyxl.load_workbook(blank)
    for field in schema.FIELDS:
        if field.kind in (schema.Kind.LINE, schema.Kind.TEXT):
            continue
        rules = [dv for dv in book[field.sheet].data_validations.dataValidation if field.cell in dv.sqref]
        assert len(rules) == 1, field.path
        rule = rules[0]
        expected = {
            schema.Kind.COUNT: "whole",
            schema.Kind.TOTAL: "whole",
            schema.Kind.AMOUNT: "decimal",
            schema.Kind.DATE: "date",
            schema.Kind.YEAR: "whole",
            schema.Kind.CHOICE: "list",
        }[field.kind]
        assert rule.type == expected
        assert rule.showErrorMessage
        assert rule.showInputMessage
        assert rule.prompt
        assert rule.error


def test_totals_are_live_formulas_and_status_row_is_there(blank: Path) -> None:
    sheet = openpyxl.load_workbook(blank)[schema.SHEET_REQUESTS]
    assert sheet["D29"].value == "=SUM(D8:D28)"
    assert sheet["J6"].value == "=SUM(D6:I6)"
    assert sheet[f"D{STATUS_ROW}"].value == '=IF(D6+D7=D29+D30,"相符","不符")'
    assert sheet.conditional_formatting
    assert openpyxl.load_workbook(blank)[schema.SHEET_APPEALS]["E6"].value == "=SUM(A6:D6)"


def test_blank_workbook_reads_as_zeros(blank: Path) -> None:
    checked = load(blank)
    assert {code for (code,) in checked.result.flatten("code")} == {"required", "text-empty", "problems-empty"}
    values = complete_values(checked.report.values)
    assert all(values[f.path] == 0 for f in schema.FIELDS if f.kind in (schema.Kind.COUNT, schema.Kind.TOTAL))


def test_filled_workbook_round_trips(tmp_path: Path) -> None:
    report = with_totals(
        valid_report(**{"requests.new.research": 4, "requests.granted.research": 4, "proactive.fees": 24252.311082})
    )
    checked = load(write_xlsx(tmp_path / "r.xlsx", report))
    assert checked.result.ok
    assert str(checked.report["proactive.fees"]) == "24252.311082"
    assert complete_values(checked.report.values) == complete_values(report.values) | {
        "proactive.fees": checked.report["proactive.fees"]
    }


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "code"),
    [
        (schema.SHEET_REQUESTS, "D8", "两件", "not-integer"),
        (schema.SHEET_REQUESTS, "E6", -1, "negative"),
        (schema.SHEET_REQUESTS, "F20", 2.5, "not-integer"),
        (schema.SHEET_REQUESTS, "G9", "#REF!", "cell-error"),
        (schema.SHEET_REQUESTS, "G10", "12件", "not-integer"),
        (schema.SHEET_REQUESTS, "G11", "1,5", "not-integer"),
        (schema.SHEET_REQUESTS, "G12", 10**10, "out-of-range"),
        (schema.SHEET_PROACTIVE, "B16", 0.0000001, "too-precise"),
        (schema.SHEET_OVERVIEW, "B3", "#N/A", "cell-error"),
        (schema.SHEET_REQUESTS, "H10", True, "not-integer"),
        (schema.SHEET_PROACTIVE, "B16", "很多", "bad-amount"),
        (schema.SHEET_BASIC, "B5", "下个月", "bad-date"),
        (schema.SHEET_BASIC, "B4", "去年", "bad-year"),
        (schema.SHEET_APPEALS, "K6", "1件", "not-integer"),
    ],
)
def test_bad_cell_is_reported_at_that_cell_only(blank: Path, sheet: str, cell: str, value: Any, code: str) -> None:
    path = write_xlsx(blank.parent / "r.xlsx", valid_report())
    result = load(edit(path, sheet, cell, value)).result
    assert result.flatten("code", "sheet", "cell") == [(code, sheet, cell)]


@pytest.mark.parametrize("value", ["3", " 3 ", "３", "1,234"])
def test_a_number_stored_as_text_is_one_error_at_its_cell(blank: Path, value: Any) -> None:
    """Excel and WPS sum only numbers: "3" typed with ' or pasted as text is named at its own cell, once."""
    path = write_xlsx(blank.parent / "r.xlsx", valid_report())
    edit(path, schema.SHEET_REQUESTS, "D6", value)
    edit(path, schema.SHEET_REQUESTS, "D8", 3)
    result = load(path).result
    assert result.flatten("code", "cell") == [("number-as-text", "D6")]
    assert "以文本形式存储的数字，合计公式不会计入，请改为数字" in result.issues[0].message


def test_a_number_is_still_a_number(blank: Path) -> None:
    path = write_xlsx(blank.parent / "r.xlsx", valid_report())
    edit(path, schema.SHEET_REQUESTS, "D6", 3)
    edit(path, schema.SHEET_REQUESTS, "D8", 3)
    checked = load(path)
    assert checked.result.ok
    assert checked.report["requests.new.natural_person"] == 3


@pytest.mark.parametrize("value", [dt.datetime(2022, 1, 25), "2022-01-25", "2022/1/25", "2022年1月25日"])
def test_dates_in_any_usual_form(blank: Path, value: Any) -> None:
    path = edit(write_xlsx(blank.parent / "r.xlsx", valid_report()), schema.SHEET_BASIC, "B5", value)
    assert load(path).report["date"] == dt.date(2022, 1, 25)


def test_number_typed_over_a_formula_is_a_given_total(blank: Path) -> None:
    path = write_xlsx(blank.parent / "r.xlsx", valid_report())
    edit(path, schema.SHEET_REQUESTS, "D8", 2)
    edit(path, schema.SHEET_REQUESTS, "D6", 2)
    edit(path, schema.SHEET_REQUESTS, "D29", 0)
    result = load(path).result
    assert ("requests-total", "D29") in result.flatten("code", "cell")


def test_renamed_sheet_is_named(blank: Path) -> None:
    book = openpyxl.load_workbook(blank)
    book[schema.SHEET_REQUESTS].title = "依申请公开"
    book.save(blank)
    result = load(blank).result
    layout = [issue for issue in result.issues if issue.code == "layout-mismatch"]
    assert [(i.sheet, i.cell, i.path) for i in layout] == [(schema.SHEET_REQUESTS, None, "requests")]
    assert "是否把“依申请公开”改回“三、依申请公开”" in layout[0].message
    assert not any(issue.path.startswith("requests.") for issue in result.issues)


def test_inserted_row_is_reported_with_where_the_label_went(blank: Path) -> None:
    book = openpyxl.load_workbook(blank)
    book[schema.SHEET_REQUESTS].insert_rows(8)
    book.save(blank)
    result = load(blank).result
    layout = [issue for issue in result.issues if issue.code == "layout-mismatch"]
    assert [(i.sheet, i.cell) for i in layout] == [(schema.SHEET_REQUESTS, "A8")]
    assert "A9" in layout[0].message
    assert not any(issue.path.startswith("requests.") for issue in result.issues)


def test_custom_fields_are_read(blank: Path) -> None:
    path = edit(blank, schema.SHEET_EXTRA, "A3", "联系人")
    edit(path, schema.SHEET_EXTRA, "B3", "张三")
    edit(path, schema.SHEET_EXTRA, "A4", "电话")
    edit(path, schema.SHEET_EXTRA, "B4", 12345678)
    edit(path, schema.SHEET_EXTRA, "A5", "联系人")
    edit(path, schema.SHEET_EXTRA, "B5", "李四")
    checked = load(path)
    assert dict(checked.report.extra) == {"联系人": "张三", "电话": 12345678}
    assert ("duplicate-key", "A5") in checked.result.flatten("code", "cell")


def test_overview_rows_are_read_in_order_and_blank_rows_skipped(blank: Path) -> None:
    path = edit(blank, schema.SHEET_OVERVIEW, "C3", "第一段\n第二段")
    edit(path, schema.SHEET_OVERVIEW, "B4", None)
    edit(path, schema.SHEET_OVERVIEW, "B10", "新增小节")
    edit(path, schema.SHEET_OVERVIEW, "C10", "内容")
    sections = load(path).report.overview
    assert [s.title for s in sections] == [
        "主动公开政府信息情况",
        "政府信息管理情况",
        "政府信息公开平台建设情况",
        "监督保障情况",
        "新增小节",
    ]
    assert sections[0].text == "第一段\n第二段"


def test_agency_type_and_opening_round_trip_and_older_workbooks_still_read(tmp_path: Path) -> None:
    from generator.check.load import load
    from generator.model import with_values

    path = tmp_path / "typed.xlsx"
    write_workbook(path, with_values(blank_report(), agency_type="政府部门", opening="本报告依据……编制。"))
    report = load(path).report
    assert (report["agency_type"], report["opening"]) == ("政府部门", "本报告依据……编制。")

    older = tmp_path / "older.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book[schema.SHEET_BASIC]
    sheet.delete_rows(6, 2)  # a workbook made by the first version has no rows 6 and 7
    book.save(older)
    result = load(older)
    assert result.report["agency_type"] == ""
    assert "layout-mismatch" not in [code for (code,) in result.result.flatten("code")]


@pytest.mark.parametrize(("cell", "label"), [("A6", "机关类别"), ("A3", None)])
def test_a_changed_label_of_basic_information_is_a_layout_mismatch_optional_row_or_not(
    tmp_path: Path, cell: str, label: str | None
) -> None:
    from generator.check.load import load

    path = tmp_path / "changed.xlsx"
    write_workbook(path, blank_report())
    book = openpyxl.load_workbook(path)
    book[schema.SHEET_BASIC][cell] = label  # a row of the first version may not be blank, an optional one may
    book.save(path)
    layout = [issue for issue in load(path).result.issues if issue.code == "layout-mismatch"]
    assert [(issue.sheet, issue.cell) for issue in layout] == [(schema.SHEET_BASIC, cell)]


def test_an_agency_type_outside_the_list_is_an_error_at_its_cell(tmp_path: Path) -> None:
    from generator.check.load import load
    from generator.model import with_values

    path = tmp_path / "typed.xlsx"
    write_workbook(path, with_values(blank_report()))
    book = openpyxl.load_workbook(path)
    book[schema.SHEET_BASIC]["B6"] = "镇政府"
    book.save(path)
    assert ("bad-choice", "B6") in load(path).result.flatten("code", "cell")
