"""`nianbao bulk` and `nianbao rollup`: discovery, failures among good inputs, names, summary, sums."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
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
    written = sorted(p.name for p in out.iterdir() if p.name != bulk.MANIFEST_NAME)
    assert written == sorted(
        [
            "甲镇人民政府2021年政府信息公开工作年度报告.docx",
            "乙局2021年政府信息公开工作年度报告.docx",
            "丙镇人民政府2021年政府信息公开工作年度报告.docx",
            "汇总.xlsx",
            "汇总.csv",
            "退回意见",  # for the inputs with problems: a letter each to send back
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
    assert by_file["printed.xlsx"][4:6] == ["有错误", "2"]  # D29 and J29, nothing else
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


def test_bulk_reports_equal_build_reports(
    runner: CliRunner, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643072400")  # the same build time: the same bytes
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
        bulk.write_outcomes(bulk.run(bulk.discover(source), jobs=1, inline=True), out, interrupt)
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
    assert openpyxl.load_workbook(xlsx).sheetnames == ["明细", "未计入", "分析"]  # the county's figures, not a form


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


def _bulk_process(tmp_path: Path, count: int = 400) -> tuple[subprocess.Popen[str], Path]:

    source = tmp_path / "in"
    source.mkdir()
    base = write_xlsx(tmp_path / "base.xlsx", unit("甲镇人民政府")).read_bytes()
    for index in range(count):
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
    return process, out


def _only_whole_reports(out: Path) -> list[Path]:
    import zipfile

    left = list(out.iterdir())
    assert not [p for p in left if p.suffix == ".tmp" or (p.name.startswith(".") and p.name != bulk.MANIFEST_NAME)]
    for path in left:
        assert zipfile.ZipFile(path).testzip() is None
    return left


def test_ctrl_c_leaves_no_half_written_report(tmp_path: Path) -> None:
    """A real SIGINT in the middle of a parallel run: exit 130, every file left behind is whole."""
    import os
    import signal

    process, out = _bulk_process(tmp_path)
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C does: main process and workers
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "已中断" in stderr
    assert "Traceback" not in stderr
    assert 20 <= len(_only_whole_reports(out)) < 400


def test_sigterm_to_bulk_alone_leaves_no_workers_and_no_temporary_files(tmp_path: Path) -> None:
    """A service manager's SIGTERM reaches only the main process: its workers stop too, nothing half-written."""
    import signal

    process, out = _bulk_process(tmp_path)
    workers = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    assert "Traceback" not in stderr
    _only_whole_reports(out)
    time.sleep(0.5)
    alive = [pid for pid in workers if subprocess.run(["kill", "-0", pid], capture_output=True).returncode == 0]
    assert workers
    assert alive == []


def test_leftovers_of_a_live_run_are_never_removed_by_another(tmp_path: Path) -> None:
    import os

    from generator import files

    mine = tmp_path / f".nianbao-{os.getpid()}-r.abc.tmp"
    dead = tmp_path / ".nianbao-999999999-r.abc.tmp"
    other = tmp_path / f".nianbao-{os.getppid()}-r.abc.tmp"  # a live process: another nianbao writing here
    for path in (mine, dead, other):
        path.write_bytes(b"half")
    files.remove_leftovers(tmp_path)
    assert (mine.exists(), dead.exists(), other.exists()) == (False, False, True)


def test_every_file_of_the_folder_is_in_the_summary(runner: CliRunner, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner.invoke(cli, ["bulk", str(folder), "-o", str(out), "--jobs", "1"])
    rows = list(csv.reader(io.StringIO((out / "汇总.csv").read_text("utf-8-sig"))))
    status = {row[1]: row[4] for row in rows[1:]}
    assert status["notes.txt"] == "未处理"
    assert status["~$a.xlsx"] == "未处理"  # a lock file: the workbook is probably open in Excel
    assert ".hidden.xlsx" not in status


def test_a_report_whose_input_now_fails_is_removed_unless_edited(runner: CliRunner, tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    write_xlsx(source / "a.xlsx", unit("甲镇人民政府"))
    write_xlsx(source / "b.xlsx", unit("乙镇人民政府"))
    assert runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--jobs", "1"]).exit_code == 0
    first = out / "甲镇人民政府2021年政府信息公开工作年度报告.docx"
    second = out / "乙镇人民政府2021年政府信息公开工作年度报告.docx"
    assert first.exists()
    assert second.exists()
    (source / "a.xlsx").write_bytes((ROOT / "inputs" / "seed-as-printed.xlsx").read_bytes())  # now has errors
    second.write_bytes(b"edited by the county office")
    (source / "b.xlsx").unlink()  # and this one is gone
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--jobs", "1"])
    assert not first.exists()  # no stale report beside the new ones
    assert second.read_bytes() == b"edited by the county office"  # edited since: kept, and said so
    assert "已删除上次生成" in result.stderr
    assert "被修改过，所以保留" in result.stderr


def test_output_folder_inside_the_input_folder_is_never_read(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    write_xlsx(source / "a.xlsx", unit("甲镇人民政府"))
    for _ in range(2):
        result = runner.invoke(cli, ["bulk", str(source), "-o", str(source / "报告"), "--jobs", "1"])
        assert result.exit_code == 0
        assert "共 1 份" in result.stdout
    same = runner.invoke(cli, ["bulk", str(source), "-o", str(source), "--jobs", "1"])
    assert same.exit_code == 2
    assert "输出文件夹不能是输入文件夹本身" in same.stderr


def test_an_unexpected_failure_is_that_inputs_row(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in"
    source.mkdir()
    write_xlsx(source / "a.xlsx", unit("甲镇人民政府"))
    write_xlsx(source / "b.xlsx", unit("乙镇人民政府"))
    real = bulk._process

    def flaky(path: Path, *args: object) -> bulk.Outcome:
        if path.name == "a.xlsx":
            raise ZeroDivisionError("a bug")
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk, "_process", flaky)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 1
    assert "内部错误（ZeroDivisionError: a bug）" in result.stderr
    assert (out / "乙镇人民政府2021年政府信息公开工作年度报告.docx").exists()


def test_a_stuck_input_or_a_dead_worker_does_not_stop_the_batch(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import time

    source = tmp_path / "in"
    source.mkdir()
    for name in ("a", "b", "c", "d"):
        write_xlsx(source / f"{name}.xlsx", unit(f"{name}镇人民政府"))
    real = bulk._process

    def trouble(path: Path, *args: object) -> bulk.Outcome:
        if path.name == "a.xlsx":
            time.sleep(60)  # stuck
        if path.name == "c.xlsx":
            os._exit(9)  # the worker dies (as when a memory limit kills it)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk, "_process", trouble)
    monkeypatch.setattr(bulk, "INPUT_SECONDS", 3.0)
    out = tmp_path / "out"
    started = time.monotonic()
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--jobs", "2"])
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    rows = {row[1]: row for row in csv.reader(io.StringIO((out / "汇总.csv").read_text("utf-8-sig")))}
    assert rows["a.xlsx"][4] == "无法处理"
    assert "超过 3 秒" in rows["a.xlsx"][7]
    assert rows["c.xlsx"][4] == "无法处理"
    assert "工作进程异常退出" in rows["c.xlsx"][7]
    assert rows["b.xlsx"][4] == rows["d.xlsx"][4] == "已生成"


def test_summary_cells_cannot_run_as_formulas(tmp_path: Path) -> None:
    rows = [bulk.Outcome(tmp_path / "x.xlsx", bulk.HAS_ERRORS, agency='=HYPERLINK("http://x")', messages=("+1",))]
    xlsx, csv_path = bulk.write_summary(rows, tmp_path, tmp_path)
    line = list(csv.reader(io.StringIO(csv_path.read_text("utf-8-sig"))))[1]
    assert line[2] == '\'=HYPERLINK("http://x")'
    assert line[7] == "'+1"
    cell = openpyxl.load_workbook(xlsx)["汇总"]["C2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("'=")
