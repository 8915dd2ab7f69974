"""The county's roster: names normalised, inputs matched to units (near names never merged), the roster read
from .xlsx and .csv, `nianbao roster new`, and `bulk --roster` listing who sent nothing, twice, or is unknown."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from builders import valid_report, write_json, write_xlsx
from click.testing import CliRunner

from generator import schema
from generator.cli import cli
from generator.county import roster as rs
from generator.county.outcome import NOT_SENT, OK, Outcome
from generator.county.summary import reconcile
from generator.errors import NianbaoError
from generator.model import with_values

UNITS = (
    "城关镇人民政府",
    "东城街道办事处",
    "某县教育局",
    "某县人民政府",
    "三泉镇人民政府",
    "某县财政局",
    "某县市场监督管理局",
)
ROSTER = rs.make_roster(rs.Unit(name, row=row) for row, name in enumerate(UNITS, start=2))


def unit_of(name: str) -> str | None:
    found = rs.match_name(name, ROSTER).unit
    return found.name if found else None


@pytest.mark.parametrize(
    ("written", "unit", "how"),
    [
        ("城关镇人民政府", "城关镇人民政府", rs.SAME),
        ("城关镇政府", "城关镇人民政府", rs.SPELLING),  # 人民政府 / 政府
        (" 城关镇　人民政府 ", "城关镇人民政府", rs.SPELLING),  # spaces, an ideographic space
        ("东城街道", "东城街道办事处", rs.SPELLING),  # 街道办事处 / 街道
        ("东城街道办", "东城街道办事处", rs.SPELLING),
        ("某县教育局（ ）", None, rs.NONE),  # brackets are part of a name
        ("新绛县三泉镇人民政府", "三泉镇人民政府", rs.PREFIX),  # a place name in front
        ("某市某县财政局", "某县财政局", rs.PREFIX),
        ("ＡＢＣ某县市场监督管理局", None, rs.NONE),  # full-width letters are letters, not a place
    ],
)
def test_spellings_of_one_unit_match_and_say_how(written: str, unit: str | None, how: str) -> None:
    match = rs.match_name(written, ROSTER)
    assert (match.unit.name if match.unit else None, match.how) == (unit, how)
    if how in (rs.SPELLING, rs.PREFIX):
        assert unit in match.note  # what it was matched to is said
    if how == rs.PREFIX:
        assert "只差地名" in match.note


@pytest.mark.parametrize(
    "near_miss",
    [
        "城关乡人民政府",  # 乡, not 镇: another unit
        "某县教育体育局",  # a merged bureau is not the old one
        "某县人民政府办公室",  # the office is not the government
        "西城街道办事处",
        "某县公安局交通警察大队",
        "某县财政局机关",
    ],
)
def test_near_misses_are_never_merged(near_miss: str) -> None:
    match = rs.match_name(near_miss, ROSTER)
    assert match.unit is None
    assert match.how == rs.NONE
    assert near_miss in match.note


def test_a_place_name_in_front_is_a_place() -> None:
    assert rs.place_prefix("某县城市管理局", "城市管理局") == "某县"
    assert rs.place_prefix("城市管理局", "管理局") is None  # 城市 ends like a place but is none
    assert rs.place_prefix("某县政府", "政府") is None  # too short a name to match by its ending
    assert rs.place_prefix("某县教育体育局", "体育局") is None  # 某县教育 is no place


def test_a_near_name_is_named_for_the_reader_but_not_merged() -> None:
    match = rs.match_name("城关乡人民政府", ROSTER)
    assert match.near == ("城关镇人民政府",)
    assert "未合并" in match.note


def test_a_name_that_could_be_two_units_is_not_matched() -> None:
    roster = rs.make_roster([rs.Unit("甲市财政局", row=2), rs.Unit("乙县财政局", row=3), rs.Unit("财政局", row=4)])
    assert rs.match_name("某县财政局", roster).unit == roster.units[2]  # only 财政局 differs by a place
    two = rs.make_roster([rs.Unit("某县财政局", row=2), rs.Unit("某市某县财政局", row=3)])
    match = rs.match_name("甲省某市某县财政局", two)
    assert (match.unit, match.how) == (None, rs.AMBIGUOUS)
    assert "某县财政局" in match.note
    assert "某市某县财政局" in match.note


def test_two_rows_naming_one_unit_are_refused() -> None:
    with pytest.raises(NianbaoError, match=r"第 2 行.*第 5 行.*是同一单位"):
        rs.make_roster([rs.Unit("城关镇人民政府", row=2), rs.Unit("城关镇政府", row=5)], "名单.xlsx")


def _row(name: str, file: str) -> Outcome:
    """An input's summary row as bulk matches it: by its agency, a blank one by its file name."""
    match = rs.match_name(name, ROSTER) if name.strip() else rs.match_file_name(file, ROSTER)
    return Outcome(Path(file), OK, name, unit=match.unit.name if match.unit else "", match=match.note)


def test_reconcile_lists_missing_twice_and_unknown() -> None:
    names = ["城关镇政府", "城关镇人民政府", "城关乡人民政府", "", "某县教育局"]
    files = ["a.xlsx", "b.xlsx", "c.xlsx", "某县人民政府.xlsx", "e.json"]
    rows = [_row(name, file) for name, file in zip(names, files, strict=True)]
    assert [row.unit or None for row in rows] == [
        "城关镇人民政府",
        "城关镇人民政府",
        None,
        "某县人民政府",  # its name could not be read: matched by its file name, and said so
        "某县教育局",
    ]
    assert rs.match_file_name(files[3], ROSTER).how == rs.FILE_NAME
    updated, found = reconcile(rows, ROSTER, Path())
    assert found.unknown == ("c.xlsx",)
    assert found.twice == (("城关镇人民政府", ("a.xlsx", "b.xlsx")),)
    assert list(found.missing) == [
        "东城街道办事处",
        "三泉镇人民政府",
        "某县财政局",
        "某县市场监督管理局",
    ]
    assert [row.status for row in updated[len(rows) :]] == [NOT_SENT] * 4  # a row for each unit that sent nothing


def test_roster_from_xlsx_with_a_title_line_and_types(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["某县2025年度政府信息公开工作年度报告报送名单"])
    sheet.append(["序号", "机关全称", "机关类型", "联系人"])
    sheet.append([1, "城关镇人民政府", "乡镇", "张三"])
    sheet.append([None, None, None, None])
    sheet.append([2, "某县教育局", "政府部门", None])
    sheet.append([3, "某县人民政府", "县级以上人民政府", "李四"])
    path = tmp_path / "名单.xlsx"
    book.save(path)
    roster = rs.read_roster(path)
    assert [(u.name, u.agency_type, u.contact, u.row) for u in roster.units] == [
        ("城关镇人民政府", schema.AGENCY_TYPES[0], "张三", 3),
        ("某县教育局", schema.AGENCY_TYPES[2], "", 5),
        ("某县人民政府", schema.AGENCY_TYPES[1], "李四", 6),
    ]


def test_roster_from_csv_in_gbk_as_excel_saves_it(tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes("机关全称,联系人\r\n城关镇人民政府,王五\r\n某县教育局,\r\n".encode("gbk"))
    roster = rs.read_roster(path)
    assert [(u.name, u.contact, u.row) for u in roster.units] == [("城关镇人民政府", "王五", 2), ("某县教育局", "", 3)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("姓名,电话\n张三,1\n", "找不到“机关全称”列"),
        ("机关全称,机关类型\n城关镇人民政府,村委会\n", "第 2 行（B2）的机关类型“村委会”不是可选的类型"),
        ("机关全称\n\n", "没有单位"),
    ],
)
def test_a_roster_that_cannot_be_used_says_where(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "名单.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(NianbaoError, match=message):
        rs.read_roster(path)


def test_roster_new_writes_a_blank_roster_that_reads_back(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "名单.xlsx"
    result = runner.invoke(cli, ["roster", "new", str(path)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path)
    sheet = book[rs.ROSTER_SHEET]
    assert [cell.value for cell in sheet[1]] == list(rs.HEADERS)
    assert sheet.data_validations.dataValidation[0].formula1 == '"' + ",".join(schema.AGENCY_TYPES) + '"'
    sheet.append(["城关镇人民政府", schema.AGENCY_TYPES[0], "张三"])
    book.save(path)
    assert rs.read_roster(path).units[0].name == "城关镇人民政府"
    again = runner.invoke(cli, ["roster", "new", str(path)])
    assert again.exit_code == 2  # never over an existing file without --force
    assert "已存在" in again.stderr
    assert runner.invoke(cli, ["roster", "new", str(path), "--force"]).exit_code == 0
    assert runner.invoke(cli, ["roster", "new", str(tmp_path / "名单.csv")]).exit_code == 2


def unit(name: str, **values: object) -> object:
    return with_values(valid_report(**values), agency=name)


def summary_rows(out: Path) -> list[dict[str, str]]:
    text = (out / "汇总.csv").read_text("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_bulk_with_a_roster_lists_missing_unknown_and_twice(runner: CliRunner, tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    write_xlsx(source / "a.xlsx", unit("城关镇政府"))
    write_json(source / "b.json", unit("城关镇人民政府"))
    write_xlsx(source / "c.xlsx", unit("城关乡人民政府"))
    write_xlsx(source / "d.xlsx", unit("新绛县三泉镇人民政府"))
    roster = tmp_path / "名单.csv"
    roster.write_text(
        "机关全称,机关类型,联系人\n城关镇人民政府,,\n三泉镇人民政府,,\n某县教育局,政府部门,赵六\n", "utf-8"
    )
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--roster", str(roster), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    rows = {row["文件"] or row["机关"]: row for row in summary_rows(out)}
    assert rows["a.xlsx"]["名单单位"].startswith("城关镇人民政府\n（按名单写法")
    assert "报送了 2 份" in rows["a.xlsx"]["问题"]
    assert "报送了 2 份" in rows["b.json"]["问题"]
    assert rows["c.xlsx"]["名单单位"] == "不在名单中"
    assert "相近的有 “城关镇人民政府”" in rows["c.xlsx"]["问题"]
    assert rows["d.xlsx"]["名单单位"].startswith("三泉镇人民政府")
    assert rows["某县教育局"]["状态"] == "未报送"
    assert "联系人：赵六" in rows["某县教育局"]["问题"]
    assert "未报送（1 个单位）：某县教育局" in result.stderr
    assert "名单外（1 份）：c.xlsx" in result.stderr
    assert "重复报送：城关镇人民政府（a.xlsx、b.json）" in result.stderr
    book = openpyxl.load_workbook(out / "汇总.xlsx")
    attendance = [[cell.value for cell in row] for row in book["报送情况"].iter_rows(min_row=2)]
    assert [(row[1], row[4]) for row in attendance] == [
        ("城关镇人民政府", "报送 2 份"),
        ("三泉镇人民政府", "已报送"),
        ("某县教育局", "未报送"),
    ]


def test_a_roster_kept_in_the_input_folder_is_no_report(runner: CliRunner, tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    write_xlsx(source / "a.xlsx", unit("城关镇人民政府"))
    roster = source / "名单.xlsx"
    book = rs.blank_roster_book()
    book[rs.ROSTER_SHEET].append(["城关镇人民政府"])
    book.save(roster)
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--roster", str(roster)])
    assert result.exit_code == 0, result.output
    rows = {row["文件"]: row for row in summary_rows(out) if row["文件"]}
    assert rows["名单.xlsx"]["状态"] == "未处理"
    assert "这是单位名单" in rows["名单.xlsx"]["问题"]
    assert not (out / "退回意见").exists()


def test_the_rosters_type_sets_the_deadline_of_a_unit_that_left_it_blank(runner: CliRunner, tmp_path: Path) -> None:
    import datetime as dt

    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    # named like a department (deadline 31 January), but the county says it is a 人民政府 (31 March)
    write_xlsx(source / "a.xlsx", unit("某县开发区管理委员会", date=dt.date(2022, 3, 1)))
    roster = tmp_path / "名单.csv"
    roster.write_text(f"机关全称,机关类型\n某县开发区管理委员会,{schema.AGENCY_TYPES[1]}\n", "utf-8")
    runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--jobs", "1"])
    assert summary_rows(out)[0]["逾期"] == "逾期"
    assert "date-late" not in (out / "汇总.csv").read_text("utf-8-sig")
    runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--jobs", "1", "--roster", str(roster)])
    row = summary_rows(out)[0]
    assert row["逾期"] == ""
    assert "晚于公布时限" not in row["问题"]


def test_an_unusable_roster_stops_bulk_before_any_work(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    write_xlsx(source / "a.xlsx", unit("城关镇人民政府"))
    roster = tmp_path / "名单.csv"
    roster.write_text("机关全称\n城关镇人民政府\n城关镇政府\n", "utf-8")
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(tmp_path / "out"), "--roster", str(roster)])
    assert result.exit_code == 2
    assert "是同一单位" in result.stderr
    assert not (tmp_path / "out" / "汇总.xlsx").exists()


def test_a_damaged_roster_workbook_is_said_so(tmp_path: Path) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(NianbaoError, match=r"文件已损坏或不是 \.xlsx 工作簿"):
        rs.read_roster(path)
    path.write_text("机关全称\n", "utf-8")
    with pytest.raises(NianbaoError, match=r"文件已损坏或不是 \.xlsx 工作簿"):
        rs.read_roster(path)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("新绛县三泉镇人民政府", "新绛县三泉镇政府"),
        ("新绛县 三泉镇人民政府", "新绛县三泉镇人民政府"),
        ("新绛县三泉镇人民政府\u3000", "新绛县三泉镇人民政府"),
        ("ＡＢＣ县教育局", "ABC县教育局"),
        ("新绛县三泉镇人民政府", "三泉镇人民政府"),  # a place name in front, as bulk matches it
        ("三泉镇政府", "新绛县三泉镇人民政府"),
    ],
)
def test_spellings_of_one_unit_are_the_same_unit(first: str, second: str) -> None:
    """What the web server asks of a submission's agency against its unit."""
    assert rs.is_unit(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("新绛县三泉镇人民政府", "新绛县三泉乡人民政府"),
        ("新绛县三泉镇人民政府", "新绛县泉镇人民政府"),
        ("新绛县古交镇人民政府", "新绛县古交镇人民代表大会"),
        ("新绛县龙兴镇人民政府", "新绛县龙兴镇人民政府办公室"),
        ("", ""),
        ("城关镇人民政府", "城关乡人民政府"),
        ("某县教育体育局", "体育局"),
    ],
)
def test_near_names_are_not_the_same_unit(first: str, second: str) -> None:
    assert not rs.is_unit(first, second)


def test_names_a_place_name_apart_are_grouped_as_one_unit_and_near_names_never() -> None:
    names = [
        "新绛县三泉镇人民政府",
        "城关镇人民政府",
        "三泉镇政府",
        "城关乡人民政府",
        "山西省新绛县三泉镇人民政府",
        "某县城关镇人民政府",
        "古交镇人民政府",
    ]
    assert rs.group_by_unit(names, str) == [
        ["新绛县三泉镇人民政府", "三泉镇政府", "山西省新绛县三泉镇人民政府"],
        ["城关镇人民政府", "某县城关镇人民政府"],
        ["城关乡人民政府"],  # 乡, not 镇: another unit
        ["古交镇人民政府"],
    ]


def test_a_name_that_could_be_either_of_two_units_groups_with_neither() -> None:
    names = ["三泉镇人民政府", "新绛县三泉镇人民政府", "稷山县三泉镇人民政府", "三泉镇政府"]
    assert rs.group_by_unit(names, str) == [
        ["三泉镇人民政府", "三泉镇政府"],  # the same spelling still goes together
        ["新绛县三泉镇人民政府"],
        ["稷山县三泉镇人民政府"],
    ]


def test_an_input_a_unit_sent_itself_is_that_units_and_another_name_is_said() -> None:
    unit = rs.Unit("三泉镇人民政府", "乡镇人民政府")
    same = rs.sent_by("新绛县三泉镇人民政府", unit)
    assert (same.unit, same.how) == (unit, rs.PREFIX)
    other = rs.sent_by("新绛县古交镇人民政府", unit)
    assert (other.unit, other.how) == (unit, rs.SENDER)
    assert other.note == "文件中的机关为“新绛县古交镇人民政府”，与报送单位“三泉镇人民政府”不一致，请核对"
    assert rs.sent_by("", unit).note == ""  # no name read: nothing to compare
