"""The county's roll-up as a product: the newest of several inputs of one unit (and why), the 明细 totals
equal to the summed tables, the 未计入 sheet, native charts in 分析, and the county's own report."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from builders import ROOT, valid_report, write_json, write_xlsx
from click.testing import CliRunner

from generator import schema
from generator.check.load import load
from generator.cli import cli
from generator.county import rollup_book
from generator.county.county_report import appendix, county_report
from generator.county.rollup import roll_up
from generator.model import complete_values, with_values


def unit(name: str, **values: object) -> object:
    return with_values(valid_report(**values), agency=name)


def test_of_two_inputs_of_one_unit_the_later_date_counts_and_it_is_said(tmp_path: Path) -> None:
    first = write_xlsx(
        tmp_path / "a.xlsx", unit("甲镇人民政府", date=dt.date(2022, 1, 25), **{"proactive.licensing": 7})
    )
    second = write_json(tmp_path / "b.json", unit("甲镇政府", date=dt.date(2022, 1, 10), **{"proactive.licensing": 3}))
    rolled = roll_up([first, second], "某县")
    assert rolled.included == (first,)
    assert rolled.report is not None
    assert rolled.report["proactive.licensing"] == 7
    assert rolled.left_out == (
        (second, "与“a.xlsx”是同一单位（甲镇人民政府），计入了后者：成文日期 2022-01-25 晚于 2022-01-10"),
    )
    assert rolled.choices == ("“甲镇人民政府”有 2 份，计入“a.xlsx”（成文日期 2022-01-25 晚于 2022-01-10）",)


def test_on_the_same_date_the_newer_file_counts(tmp_path: Path) -> None:
    older = write_xlsx(tmp_path / "z.xlsx", unit("甲镇人民政府", **{"proactive.licensing": 1}))
    newer = write_xlsx(tmp_path / "a.xlsx", unit("甲镇人民政府", **{"proactive.licensing": 2}))
    os.utime(older, (1_600_000_000, 1_600_000_000))
    os.utime(newer, (1_700_000_000, 1_700_000_000))
    rolled = roll_up([newer, older], "某县")
    assert rolled.included == (newer,)
    assert "成文日期相同，文件修改时间较晚" in rolled.left_out[0][1]


def test_one_unit_named_with_and_without_its_county_is_added_once(tmp_path: Path) -> None:
    seed = json.loads((ROOT / "inputs" / "seed.json").read_text("utf-8"))
    full = tmp_path / "三泉镇.json"
    full.write_text(json.dumps(seed, ensure_ascii=False), "utf-8")
    short = tmp_path / "三泉镇-简称.json"
    short.write_text(
        json.dumps({**seed, "agency": "三泉镇人民政府", "date": "2022-01-20"}, ensure_ascii=False), "utf-8"
    )
    rolled = roll_up([full, short], "新绛县")
    assert rolled.included == (full,)  # the later 成文日期
    assert rolled.report is not None
    assert rolled.report["requests.new.total"] == load(full).report["requests.new.total"]  # not twice
    assert rolled.left_out == (
        (short, "与“三泉镇.json”是同一单位（新绛县三泉镇人民政府），计入了后者：成文日期 2022-01-25 晚于 2022-01-20"),
    )


@pytest.fixture
def county(runner: CliRunner, tmp_path: Path) -> tuple[Path, Path]:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    out.mkdir()
    write_xlsx(
        source / "a.xlsx",
        unit("甲镇人民政府", **{"requests.new.natural_person": 6, "requests.granted.natural_person": 6}),
    )
    write_xlsx(
        source / "b.xlsx",
        unit("乙镇人民政府", **{"requests.new.commercial": 2, "requests.unable.not_held.commercial": 2}),
    )
    write_json(source / "c.json", unit("某县丙局", **{"appeals.review.upheld": 1, "proactive.fees": 0.25}))
    (source / "d.xlsx").write_bytes((ROOT / "inputs" / "seed-as-printed.xlsx").read_bytes())
    last = tmp_path / "last"
    last.mkdir()
    write_xlsx(
        last / "a.xlsx",
        unit(
            "甲镇人民政府",
            year=2020,
            date=dt.date(2021, 1, 20),
            **{"requests.new.natural_person": 2, "requests.granted.natural_person": 2},
        ),
    )
    result = runner.invoke(
        cli,
        [
            "rollup",
            str(source),
            "-o",
            str(out / "全县.xlsx"),
            "-o",
            str(out / "全县.json"),
            "--previous-dir",
            str(last),
        ],
    )
    assert result.exit_code == 0, result.output
    return source, out


def test_the_detail_sheet_totals_equal_the_roll_up(county: tuple[Path, Path]) -> None:
    from generator.check.load import load

    _, out = county
    book = openpyxl.load_workbook(out / "全县.xlsx")
    assert book.sheetnames == [rollup_book.DETAIL, rollup_book.LEFT_OUT, rollup_book.ANALYSIS]
    detail = book[rollup_book.DETAIL]
    totals = rollup_book.detail_totals(detail)
    summed = complete_values(load(out / "全县.json").report.values)
    assert set(totals) == {field.path for field in rollup_book.FIGURE_FIELDS}
    for path, value in totals.items():
        assert value == pytest.approx(float(summed[path])), path  # type: ignore[arg-type]
    units = list(detail.iter_rows(min_row=rollup_book.DETAIL_HEADER_ROWS + 1, values_only=True))
    assert [row[1] for row in units] == ["甲镇人民政府", "乙镇人民政府", "某县丙局", "合计"]
    column = [detail.cell(rollup_book.DETAIL_HEADER_ROWS, c).value for c in range(1, detail.max_column + 1)]
    new = column.index("requests.new.total")
    assert [row[new] for row in units] == [6, 2, 0, 8]  # each unit's row, and the sum of the column


def test_the_left_out_sheet_says_which_file_and_why(county: tuple[Path, Path]) -> None:
    _, out = county
    sheet = openpyxl.load_workbook(out / "全县.xlsx")[rollup_book.LEFT_OUT]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(row[1], row[2][:10]) for row in rows] == [("d.xlsx", "有 2 个错误，如：")]
    assert "D29" in rows[0][2]
    assert sheet.cell(2, 2).hyperlink.target == "../in/d.xlsx"


def test_the_analysis_sheet_holds_native_charts_of_its_tables(county: tuple[Path, Path]) -> None:
    _, out = county
    with zipfile.ZipFile(out / "全县.xlsx") as archive:
        charts = sorted(name for name in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", name))
        xml = {name: archive.read(name).decode("utf-8") for name in charts}
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
        rels = archive.read("xl/worksheets/_rels/sheet3.xml.rels").decode("utf-8")
    assert 'name="分析" sheetId="3"' in workbook
    assert "drawing" in rels  # the charts belong to the 分析 sheet
    assert len(charts) == 3  # requests by unit, results by kind, last year against this year
    titles = [re.findall(r"<a:t>([^<]+)</a:t>", text)[0] for text in xml.values()]
    assert titles == ["各单位新收申请和办结", "办理结果", "与上年对比"]
    assert '<barDir val="bar"/>' in xml[charts[0]]
    assert "'分析'!$B$" in xml[charts[0]]  # drawn from the table beside it
    sheet = openpyxl.load_workbook(out / "全县.xlsx")[rollup_book.ANALYSIS]
    values = [tuple(value for value in row if value is not None) for row in sheet.iter_rows(values_only=True)]
    assert ("甲镇人民政府", 6, 6) in values
    assert ("无法提供", 2) in values
    assert ("新收申请", 2, 8) in values  # 2020 against 2021
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_requests_by_unit_keeps_the_largest_and_sums_the_rest() -> None:
    units = [
        (
            Path(f"{i}.xlsx"),
            unit(f"第{i}镇", **{"requests.new.natural_person": i, "requests.granted.natural_person": i}),
        )
        for i in range(40)
    ]
    rows = rollup_book.requests_by_unit(units)  # type: ignore[arg-type]
    assert len(rows) == rollup_book.UNITS_SHOWN
    assert rows[0] == ("第39镇", 39, 39)
    assert rows[-1] == ("其余 11 个单位", sum(range(11)), sum(range(11)))


def test_the_county_report_has_the_summed_tables_the_drafted_text_and_every_unit(
    runner: CliRunner, county: tuple[Path, Path], tmp_path: Path
) -> None:
    source, out = county
    report = out / "全县汇总.docx"
    result = runner.invoke(cli, ["rollup", str(source), "--report", "-o", str(report), "--agency", "某某县人民政府"])
    assert result.exit_code == 0, result.output
    document = docx.Document(io.BytesIO(report.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "某某县人民政府\n2021年政府信息公开工作年度报告" in text
    assert "本年度新收政府信息公开申请8件" in text  # drafted from the summed figures
    assert "【请填写：存在的主要问题及改进情况】" in text
    appendix_table = document.tables[-1]
    rows = [[cell.text for cell in row.cells] for row in appendix_table.rows]
    assert rows[0][:3] == ["序号", "单位", "主动公开制发"]
    assert [row[1] for row in rows[1:]] == ["甲镇人民政府", "乙镇人民政府", "某县丙局", "3 个单位"]
    assert rows[-1][4] == "8"  # 新收申请 of all units
    requests = document.tables[1]
    assert requests.rows[3].cells[-1].text == "8"  # table 三 row 一 总计: the same county figure


def test_county_report_data_and_appendix_totals_agree(tmp_path: Path) -> None:
    paths = [write_xlsx(tmp_path / f"{i}.xlsx", unit(f"第{i}镇", **{"proactive.fees": 0.1 * i})) for i in range(1, 4)]
    rolled = roll_up(paths, "某县人民政府")
    rows, totals = appendix(rolled.units)
    assert [row["name"] for row in rows] == ["第1镇", "第2镇", "第3镇"]
    assert rolled.report is not None
    assert totals["fees"] == rolled.report["proactive.fees"]
    data = county_report(rolled)
    assert data["agency_type"] == schema.AGENCY_TYPES[1]
    assert "依申请" in data.overview[1].title
    assert data.overview[1].text.startswith("本年度")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-o", "x.docx"], "请加 --report"),
        (["-o", "x.xlsx", "--report"], "--report 需要用 -o 给出 Word 文件名"),
        (["-o", "x.docx", "--report"], "--agency"),
        (["-o", "x.txt"], "扩展名应为"),
        (["-o", "a.xlsx", "-o", "b.xlsx"], "只能给一个"),
    ],
)
def test_outputs_the_command_cannot_write_are_refused(
    runner: CliRunner, tmp_path: Path, arguments: list[str], message: str
) -> None:
    source = tmp_path / "in"
    source.mkdir()
    write_xlsx(source / "a.xlsx", unit("甲镇人民政府"))
    result = runner.invoke(cli, ["rollup", str(source), *[str(tmp_path / a) if "." in a else a for a in arguments]])
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_output_inside_the_input_folder_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    write_xlsx(source / "a.xlsx", unit("甲镇人民政府"))
    result = runner.invoke(cli, ["rollup", str(source), "-o", str(source / "全县.json")])
    assert result.exit_code == 2
    assert "下次汇总时会被当作一个单位的年报" in result.stderr
    assert not (source / "全县.json").exists()
