"""`nianbao bulk` and `nianbao rollup`: discovery, failures among good inputs, names, summary, sums."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from builders import ROOT, valid_report, write_json, write_xlsx
from click.testing import CliRunner
from docx_outline import part
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import valid_reports

from generator import schema
from generator.check.load import check_report, load
from generator.cli import cli
from generator.county import bulk
from generator.county.rollup import add_up
from generator.formats.sniff import OLE2_MAGIC
from generator.issues import CheckResult
from generator.model import complete_values, with_values


def unit(name: str, **values: object) -> object:
    return with_values(valid_report(**values), agency=name)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    source = tmp_path / "in"
    (source / "乡镇").mkdir(parents=True)
    write_xlsx(source / "a.xlsx", unit("甲镇人民政府"))
    write_json(source / "b.json", unit("乙局"))
    write_xlsx(source / "乡镇" / "c.xlsx", unit("丙镇人民政府"))
    (source / "~$a.xlsx").write_bytes(b"lock")
    (source / ".hidden.xlsx").write_bytes(b"hidden")
    (source / "old.xls").write_bytes(OLE2_MAGIC + b"\0" * 600)
    (source / "broken.xlsx").write_bytes(b"PK\x03\x04broken")
    (source / "notes.txt").write_text("ignored", encoding="utf-8")
    (source / "printed.xlsx").write_bytes((ROOT / "inputs" / "seed-as-printed.xlsx").read_bytes())
    return source


def test_discovery_skips_lock_hidden_and_other_files(folder: Path) -> None:
    names = [str(p.relative_to(folder)) for p in bulk.discover(folder)]
    assert names == ["a.xlsx", "b.json", "broken.xlsx", "old.xls", "printed.xlsx"]
    recursive = [str(p.relative_to(folder)) for p in bulk.discover(folder, recursive=True)]
    assert recursive == ["a.xlsx", "b.json", "broken.xlsx", "old.xls", "printed.xlsx", "乡镇/c.xlsx"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_bulk_reports_failures_and_builds_the_rest(runner: CliRunner, folder: Path, tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "out"
    result = runner.invoke(cli, ["bulk", str(folder), "-o", str(out), "-r", "--jobs", jobs])
    assert result.exit_code == 1
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(
        [
            "甲镇人民政府2021年政府信息公开工作年度报告.docx",
            "乙局2021年政府信息公开工作年度报告.docx",
            "丙镇人民政府2021年政府信息公开工作年度报告.docx",
            "汇总.xlsx",
            "汇总.csv",
        ]
    )
    assert "共 6 份：生成 3 份，3 份有错误或无法读取" in result.stdout
    assert "“另存为” .xlsx 格式" in result.stderr


def test_summary_contents(runner: CliRunner, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner.invoke(cli, ["bulk", str(folder), "-o", str(out), "--jobs", "1"])
    raw = (out / "汇总.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == list(bulk.SUMMARY_COLUMNS)
    by_file = {row[1]: row for row in rows[1:]}
    assert by_file["a.xlsx"][2:7] == ["甲镇人民政府", "2021", "已生成", "0", "0"]
    assert by_file["a.xlsx"][8] == "甲镇人民政府2021年政府信息公开工作年度报告.docx"
    assert by_file["printed.xlsx"][4:6] == ["有错误", "4"]
    assert "D29" in by_file["printed.xlsx"][7]
    assert by_file["old.xls"][4] == "无法读取"
    assert by_file["broken.xlsx"][4] == "无法读取"
    sheet = openpyxl.load_workbook(out / "汇总.xlsx")["汇总"]
    fills = {sheet.cell(r, 2).value: sheet.cell(r, 1).fill.fgColor.rgb for r in range(2, sheet.max_row + 1)}
    assert fills["printed.xlsx"].endswith("F8CBAD")
    assert not fills["a.xlsx"].endswith("F8CBAD")


def test_same_agency_and_year_do_not_overwrite(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    write_xlsx(source / "1.xlsx", unit("甲镇人民政府", **{"requests.new.research": 1, "requests.granted.research": 1}))
    write_json(source / "2.json", unit("甲镇人民政府"))
    out = tmp_path / "out"
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 0
    assert (out / "甲镇人民政府2021年政府信息公开工作年度报告.docx").exists()
    assert (out / "甲镇人民政府2021年政府信息公开工作年度报告（2）.docx").exists()
    rows = list(csv.reader(io.StringIO((out / "汇总.csv").read_text("utf-8-sig"))))
    assert "与“1.xlsx”的机关和年度相同" in rows[2][7]
    assert rows[2][6] == "1"


def test_bulk_reports_equal_build_reports(runner: CliRunner, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner.invoke(cli, ["bulk", str(folder), "-o", str(out), "--jobs", "2"])
    single = tmp_path / "single.docx"
    assert runner.invoke(cli, ["build", str(folder / "a.xlsx"), "-o", str(single)]).exit_code == 0
    assert (out / "甲镇人民政府2021年政府信息公开工作年度报告.docx").read_bytes() == single.read_bytes()
    assert part(single, "word/document.xml")


def test_all_good_exits_0_and_command_errors_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    write_xlsx(source / "a.xlsx", unit("甲镇人民政府"))
    assert runner.invoke(cli, ["bulk", str(source), "-o", str(tmp_path / "out")]).exit_code == 0
    assert runner.invoke(cli, ["bulk", str(tmp_path / "missing"), "-o", str(tmp_path / "out")]).exit_code == 2
    bad_template = tmp_path / "t.docx"
    bad_template.write_text("not a docx", encoding="utf-8")
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(tmp_path / "out2"), "--template", str(bad_template)])
    assert result.exit_code == 2
    assert not (tmp_path / "out2").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert runner.invoke(cli, ["bulk", str(empty), "-o", str(tmp_path / "out3")]).exit_code == 2


def test_custom_template_missing_field_is_a_failed_row(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    write_xlsx(source / "a.xlsx", unit("甲镇人民政府"))
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["bulk", str(source), "-o", str(out), "--template", str(ROOT / "templates" / "red-header.docx")]
    )
    assert result.exit_code == 1
    assert "使用了自定义字段“联系人”" in result.stderr


def test_interrupted_run_keeps_written_reports_and_no_partial_file(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    for name in ("甲", "乙", "丙"):
        write_xlsx(source / f"{name}.xlsx", unit(f"{name}镇人民政府"))
    out = tmp_path / "out"
    out.mkdir()
    seen: list[str] = []

    def interrupt(row: bulk.Outcome) -> None:
        seen.append(row.output)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bulk.write_outcomes(bulk.run(bulk.discover(source), jobs=1), out, interrupt)
    assert sorted(p.name for p in out.iterdir()) == sorted(seen)


def test_rollup_adds_up_and_passes_check(runner: CliRunner, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    write_json(folder / "d.json", with_values(unit("丁局"), year=2020))
    result = runner.invoke(cli, ["rollup", str(folder), "-o", str(out), "--agency", "某县"])
    assert result.exit_code == 0
    assert "已汇总 2 份 2021 年度报告" in result.stdout
    assert "未计入" in result.stderr
    assert "年度为 2020" in result.stderr
    assert only_problems_missing(load(out).result)
    xlsx = tmp_path / "all.xlsx"
    assert runner.invoke(cli, ["rollup", str(folder), "-o", str(xlsx)]).exit_code == 0
    assert only_problems_missing(load(xlsx).result)


def only_problems_missing(result: CheckResult) -> bool:
    """The county's figures add up; its 五 is still to be written by the county office (an error until then)."""
    return [issue.code for issue in result.errors] == ["problems-empty"]


@given(st.lists(valid_reports(), min_size=1, max_size=5))
@settings(max_examples=30, deadline=None)
def test_rollup_equals_column_sums_and_passes_check(reports: list) -> None:
    import datetime as dt

    reports = [with_values(report, year=2021, date=dt.date(2022, 1, 15)) for report in reports]
    total = add_up(reports, "汇总")
    values = complete_values(total.values)
    for field in schema.FIELDS:
        if field.kind in (schema.Kind.COUNT, schema.Kind.TOTAL):
            assert values[field.path] == sum(complete_values(r.values)[field.path] for r in reports)
    assert values["proactive.fees"] == sum(r["proactive.fees"] for r in reports)
    assert only_problems_missing(check_report(total))
    assert json.dumps(total.values["agency"], ensure_ascii=False) == '"汇总"'


def test_ctrl_c_leaves_no_half_written_report(tmp_path: Path) -> None:
    """A real SIGINT in the middle of a parallel run: exit 130, every file left behind is whole."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import zipfile

    source = tmp_path / "in"
    source.mkdir()
    base = write_xlsx(tmp_path / "base.xlsx", unit("甲镇人民政府")).read_bytes()
    for index in range(400):
        (source / f"{index:03d}.xlsx").write_bytes(base)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "bulk", str(source), "-o", str(out), "--jobs", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(list(out.glob("*.docx"))) < 20:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C does: the main process and its workers
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "已中断" in stderr
    assert "Traceback" not in stderr
    left = list(out.iterdir())
    assert not [p for p in left if p.suffix == ".tmp" or p.name.startswith(".")]
    assert 20 <= len(left) < 400
    for path in left:
        assert zipfile.ZipFile(path).testzip() is None
