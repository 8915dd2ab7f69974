"""The cell reader: the fast scanner and the XML parser agree; what other producers write is read; bad files refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from builders import ROOT, distinct_report, valid_report
from hypothesis import given, settings
from lxml import etree
from strategies import valid_reports

from generator.errors import UnreadableInput
from generator.formats import xlsx
from generator.formats.workbook_writer import write_workbook
from generator.model import Report

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def both_readers(data: bytes, strings: list[str] | None = None) -> tuple[xlsx.Sheet | None, xlsx.Sheet]:
    strings = strings or []
    fast = xlsx.scan_sheet(data, "表", strings, "b.xlsx")
    parsed = xlsx.parse_sheet(etree.fromstring(data), "表", strings, "b.xlsx")
    return fast, parsed


def sheets_of(path: Path) -> list[bytes]:
    with zipfile.ZipFile(path) as archive:
        return [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]


def workbook_file(tmp_path: Path, sheet_xml: str, strings: str | None = None, properties: str = "") -> Path:
    """A minimal .xlsx with one sheet named 表 holding `sheet_xml` (the <sheetData> content)."""
    path = tmp_path / "b.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'{properties}<sheets><sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_xml}</sheetData></worksheet>'
        )
        if strings is not None:
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{strings}</sst>')
    return path


def sheet_bytes(sheet_xml: str) -> bytes:
    return f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_xml}</sheetData></worksheet>'.encode()


@pytest.mark.parametrize("name", ["blank.xlsx", "seed.xlsx", "seed-as-printed.xlsx"])
def test_scanner_reads_our_workbooks_as_the_parser_does(name: str) -> None:
    for data in sheets_of(ROOT / "inputs" / name):
        fast, parsed = both_readers(data)
        assert fast is not None  # our own workbooks take the fast path
        assert fast == parsed


@given(valid_reports(give_totals=True))
@settings(max_examples=15, deadline=None)
def test_scanner_agrees_with_the_parser_on_random_reports(report: Report) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.xlsx"
        write_workbook(path, report)
        for data in sheets_of(path):
            fast, parsed = both_readers(data)
            assert fast == parsed


def test_distinct_values_and_texts_with_markup_characters(tmp_path: Path) -> None:
    report = distinct_report()
    path = tmp_path / "d.xlsx"
    from generator.model import with_values

    write_workbook(path, with_values(report, problems="a & b < c > d \"e\" 'f' _x000D_ 三\n四"))
    for data in sheets_of(path):
        fast, parsed = both_readers(data)
        assert fast == parsed
    assert xlsx.read_values(path)["五、问题及改进"]["A3"] == "a & b < c > d \"e\" 'f' \r 三\n四"


VARIANTS = {
    # what another producer writes → the values read
    "cells and rows without r": (
        '<row><c><v>1</v></c><c t="s"><v>0</v></c></row><row><c/><c><v>3</v></c></row>',
        {"A1": 1, "B1": "甲", "B2": 3},
    ),
    "r not the first attribute": ('<row r="2"><c s="1" r="C2"><v>7</v></c></row>', {"C2": 7}),
    "prefixed elements": ('<x:row xmlns:x="' + MAIN + '" r="1"><x:c r="A1"><x:v>5</x:v></x:c></x:row>', {"A1": 5}),
    "rich inline string": (
        '<row r="1"><c r="A1" t="inlineStr"><is><r><t>加粗</t></r><r><t>普通</t></r></is></c></row>',
        {"A1": "加粗普通"},
    ),
    "error values": ('<row r="1"><c r="A1" t="e"><v>#REF!</v></c></row>', {"A1": xlsx.CellError("#REF!")}),
    "booleans and strings": (
        '<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="str"><f>"x"</f><v>x</v></c></row>',
        {"A1": True, "B1": "x"},
    ),
    "escapes": ('<row r="1"><c r="A1" t="inlineStr"><is><t>a_x000D_&amp;&#20013;</t></is></c></row>', {"A1": "a\r&中"}),
    "decimals": (
        '<row r="1"><c r="A1"><v>24252.311082</v></c><c r="B1"><v>1E3</v></c></row>',
        {"A1": 24252.311082, "B1": 1000},
    ),
    "cdata": ('<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<x>]]></t></is></c></row>', {"A1": "<x>"}),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_what_other_producers_write_is_read(name: str, tmp_path: Path) -> None:
    xml, expected = VARIANTS[name]
    path = workbook_file(tmp_path, xml, strings="<si><t>甲</t></si>")
    assert xlsx.read_values(path)["表"] == expected
    fast, parsed = both_readers(sheet_bytes(xml), ["甲"])
    assert parsed.values == expected
    assert fast is None or fast == parsed


def test_shared_strings_rich_text_and_phonetic_runs(tmp_path: Path) -> None:
    strings = "<si><r><t>政府</t></r><r><t>信息</t></r><rPh sb='0' eb='1'><t>ふりがな</t></rPh></si><si><t>乙</t></si>"
    path = workbook_file(tmp_path, '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>', strings)
    assert xlsx.read_values(path)["表"] == {"A1": "政府信息", "B1": "乙"}


def test_shared_formulas_are_moved_to_each_cell(tmp_path: Path) -> None:
    xml = (
        '<row r="6"><c r="J6"><f t="shared" ref="J6:J8" si="0">SUM(D6:I6)</f><v>3</v></c></row>'
        '<row r="7"><c r="J7"><f t="shared" si="0"/><v>0</v></c></row>'
        '<row r="8"><c r="J8"><f t="shared" si="0"/></c></row>'
    )
    sheet = xlsx.read_book(workbook_file(tmp_path, xml)).sheets["表"]
    assert sheet.formulas == {"J6": "SUM(D6:I6)", "J7": "SUM(D7:I7)", "J8": "SUM(D8:I8)"}
    assert sheet.values == {"J6": 3, "J7": 0}
    fast, parsed = both_readers(sheet_bytes(xml))
    assert fast == parsed


def test_move_formula_keeps_fixed_references() -> None:
    assert xlsx.move_formula("SUM($D$6:I6)+'表'!A1+LOG10(B2)", 2, 1) == "SUM($D$6:J8)+'表'!B3+LOG10(C4)"


def test_date1904(tmp_path: Path) -> None:
    path = workbook_file(tmp_path, '<row r="1"><c r="A1"><v>1</v></c></row>', properties='<workbookPr date1904="1"/>')
    assert xlsx.read_book(path).date1904
    assert not xlsx.read_book(workbook_file(tmp_path, "")).date1904


@pytest.mark.parametrize(
    "xml",
    [
        '<row r="1"><c r="A99999999999"><v>1</v></c></row>',
        '<row r="1"><c r="XFE1"><v>1</v></c></row>',
        '<row r="1048577"><c><v>1</v></c></row>',
        '<row r="99999999999"><c><v>1</v></c></row>',
    ],
)
def test_addresses_beyond_excel_are_refused_at_once(xml: str, tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput, match="超出 Excel 范围"):
        xlsx.read_book(workbook_file(tmp_path, xml))


def test_a_bad_row_number_does_not_matter_when_cells_carry_their_address(tmp_path: Path) -> None:
    assert xlsx.read_values(workbook_file(tmp_path, '<row r="99999999999"><c r="A1"><v>1</v></c></row>'))["表"] == {
        "A1": 1
    }


@pytest.mark.parametrize("index", ["5", "-1", "x"])
def test_a_shared_string_that_does_not_exist_is_refused(index: str, tmp_path: Path) -> None:
    path = workbook_file(tmp_path, f'<row r="1"><c r="B2" t="s"><v>{index}</v></c></row>', "<si><t>甲</t></si>")
    with pytest.raises(UnreadableInput, match=r"B2.*共享字符串"):
        xlsx.read_book(path)


def test_a_dtd_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    source = workbook_file(tmp_path, '<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row>')
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = b'<!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + sheet
    path = tmp_path / "dtd.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(UnreadableInput, match="DTD"):
        xlsx.read_book(path)


def test_valid_report_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "v.xlsx"
    write_workbook(path, valid_report())
    assert xlsx.read_values(path)["基本信息"]["B3"] == "测试县测试镇人民政府"


def test_a_cell_spread_over_lines_is_read_not_dropped() -> None:
    xml = '<row r="1"><c\n   r="A1"><v>4</v></c><c\tr="B1" t="inlineStr"><is><t>甲</t></is></c></row>'
    fast, parsed = both_readers(sheet_bytes(xml))
    assert parsed.values == {"A1": 4, "B1": "甲"}
    assert fast is None or fast == parsed
