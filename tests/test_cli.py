"""The command line: exit statuses, streams, and that --json equals the library's result."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from builders import ROOT, valid_report, write_json, write_xlsx
from click.testing import CliRunner

from generator import schema
from generator.check.load import load
from generator.cli import cli

SEED_PRINTED_XLSX = ROOT / "inputs" / "seed-as-printed.xlsx"
SEED_PRINTED_JSON = ROOT / "inputs" / "seed-as-printed.json"
SEED_XLSX = ROOT / "inputs" / "seed.xlsx"
SEED_JSON = ROOT / "inputs" / "seed.json"


def test_seed_as_printed_fails_naming_the_total_row(runner: CliRunner) -> None:
    for path, where in ((SEED_PRINTED_XLSX, "sheet_cell"), (SEED_PRINTED_JSON, "path")):
        result = runner.invoke(cli, ["check", str(path), "--json"])
        assert result.exit_code == 1
        errors = json.loads(result.stdout)["errors"]
        located = [(e["code"], e["cell"] if where == "sheet_cell" else e["path"]) for e in errors]
        if where == "sheet_cell":
            assert located == [("requests-total", "D29"), ("requests-total", "J29")]  # the seed: exactly two
        else:
            assert located == [
                ("requests-total", "requests.total.natural_person"),
                ("requests-total", "requests.total.total"),
            ]
        assert "填写 0，按明细合计应为 2" in errors[0]["message"]


def test_corrected_seed_passes(runner: CliRunner) -> None:
    for path in (SEED_XLSX, SEED_JSON):
        result = runner.invoke(cli, ["check", str(path)], catch_exceptions=False)
        assert (result.exit_code, result.stdout) == (0, "检查通过，未发现问题。\n")


def test_check_wording_golden(runner: CliRunner, golden: Callable[[str, str], None]) -> None:
    result = runner.invoke(cli, ["check", str(SEED_PRINTED_XLSX)])
    golden("check-seed-as-printed.txt", result.stdout)


def test_json_output_equals_library_result(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", str(SEED_PRINTED_XLSX), "--json"])
    assert json.loads(result.stdout) == load(SEED_PRINTED_XLSX).result.to_json()


def test_warnings_only_exit_0(runner: CliRunner, tmp_path: Path) -> None:
    path = write_json(tmp_path / "r.json", valid_report(other_matters=""))
    result = runner.invoke(cli, ["check", str(path)])
    assert result.exit_code == 0
    assert result.stdout.startswith("警告  六、其他需要报告的事项（other_matters）：未填写内容")
    assert result.stdout.endswith("共 0 个错误、1 个警告。\n")


def test_previous_option(runner: CliRunner, tmp_path: Path) -> None:
    import datetime as dt

    last = write_json(
        tmp_path / "2020.json",
        valid_report(
            year=2020,
            date=dt.date(2021, 1, 10),
            **{"requests.carried_forward.research": 1, "requests.new.research": 1, "requests.granted.research": 0},
        ),
    )
    this = write_xlsx(tmp_path / "2021.xlsx", valid_report())
    result = runner.invoke(cli, ["check", str(this), "--previous", str(last), "--json"])
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert [(e["code"], e["cell"]) for e in errors] == [
        ("carried-over-mismatch", "F7"),
        ("carried-over-mismatch", "J7"),
    ]


def test_export_writes_the_document_with_totals(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = runner.invoke(cli, ["export", str(SEED_XLSX), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0
    assert json.loads(out.read_text("utf-8")) == json.loads(SEED_JSON.read_text("utf-8"))
    stdout = runner.invoke(cli, ["export", str(SEED_XLSX)]).stdout
    assert stdout == SEED_JSON.read_text("utf-8")


def test_export_with_errors_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = runner.invoke(cli, ["export", str(SEED_PRINTED_XLSX), "-o", str(out)])
    assert result.exit_code == 1
    assert not out.exists()
    assert "requests" not in result.stdout
    assert "（七）总计·自然人" in result.stderr


def test_export_keeps_an_existing_file_when_input_is_bad(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("old", encoding="utf-8")
    runner.invoke(cli, ["export", str(SEED_PRINTED_XLSX), "-o", str(out)])
    assert out.read_text("utf-8") == "old"


def test_new_blank_with_agency_and_year(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "新.xlsx"
    result = runner.invoke(
        cli, ["new", str(out), "--agency", "某某镇人民政府", "--year", "2025"], catch_exceptions=False
    )
    assert result.exit_code == 0
    sheet = openpyxl.load_workbook(out)[schema.SHEET_BASIC]
    assert (sheet["B3"].value, sheet["B4"].value, sheet["B5"].value) == ("某某镇人民政府", 2025, None)


def test_new_from_json_writes_live_totals_and_says_which_given_ones_it_replaced(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "printed.xlsx"
    result = runner.invoke(cli, ["new", str(out), "--from", str(SEED_PRINTED_JSON)], catch_exceptions=False)
    assert result.exit_code == 0
    assert openpyxl.load_workbook(out)[schema.SHEET_REQUESTS]["D29"].value == "=SUM(D8:D28)"
    assert "D29" in result.stderr
    assert "J29" in result.stderr
    assert "填写 0" in result.stderr
    assert load(out).result.ok


def test_new_from_unreadable_json_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_text('{"agency": "x", "requests": {"new": {"natural_person": "两件"}}}', encoding="utf-8")
    out = tmp_path / "out.xlsx"
    result = runner.invoke(cli, ["new", str(out), "--from", str(source)])
    assert result.exit_code == 1
    assert not out.exists()
    assert "not-integer" not in result.stderr
    assert "两件" in result.stderr


def test_usage_errors_exit_2_in_chinese(runner: CliRunner, tmp_path: Path) -> None:
    cases = [
        (["check"], "用法错误：缺少参数 “INPUT”。\n请运行“nianbao check --help”查看用法。\n"),
        (["nonsense"], "用法错误：没有命令 “nonsense”。\n请运行“nianbao --help”查看用法。\n"),
        (["chek"], "用法错误：没有命令 “chek”。是否要输入 “check”？\n请运行“nianbao --help”查看用法。\n"),
        (["check", "--foo", "x"], "用法错误：没有选项 “--foo”。\n请运行“nianbao check --help”查看用法。\n"),
        (
            ["new", str(tmp_path)],
            f"用法错误：“OUT” 的值无效：文件 “{tmp_path}” 是文件夹，不是文件。\n请运行“nianbao new --help”查看用法。\n",
        ),
    ]
    for args, message in cases:
        result = runner.invoke(cli, args, prog_name="nianbao")
        assert (result.exit_code, result.stderr) == (2, message)


def test_bare_nianbao_prints_the_help_and_exits_0(runner: CliRunner) -> None:
    result = runner.invoke(cli, [], prog_name="nianbao")
    assert result.exit_code == 0
    assert "用法：" in result.stdout
    assert "命令：" in result.stdout or "命令" in result.stdout


def test_no_english_from_click_in_help(runner: CliRunner) -> None:
    for args in ([], ["bulk", "--help"], ["check", "--help"], ["template", "--help"]):
        text = runner.invoke(cli, [*args] if args else ["--help"], prog_name="nianbao").stdout
        for english in ("Usage:", "Options:", "Commands:", "[required]", "Show this message"):
            assert english not in text, (args, english)
    assert "[必填]" in runner.invoke(cli, ["bulk", "--help"]).stdout


def test_every_command_has_chinese_help(runner: CliRunner) -> None:
    for command in cli.commands:
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0
        assert "例：" in result.stdout, command
        assert "显示本帮助并退出。" in result.stdout, command


def test_python_dash_m_works() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "generator", "--version"], capture_output=True, text=True, check=True
    )
    assert "nianbao" in result.stdout


def test_unexpected_error_is_a_message_not_a_traceback(runner: CliRunner, monkeypatch, tmp_path: Path) -> None:
    import generator.cli as cli_module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.delenv("NIANBAO_DEBUG")
    monkeypatch.setattr(cli_module, "load", broken)
    result = runner.invoke(cli, ["check", str(SEED_JSON)])
    assert result.exit_code == 2
    assert "内部错误（RuntimeError: boom）" in result.stderr
    assert "Traceback" not in result.output


def test_new_refuses_to_replace_a_workbook_or_to_write_a_docx(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "年报.xlsx"
    out.write_bytes(b"the clerk's filled workbook")
    result = runner.invoke(cli, ["new", str(out)])
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert out.read_bytes() == b"the clerk's filled workbook"
    assert runner.invoke(cli, ["new", str(out), "--force"]).exit_code == 0
    assert load(out).report.agency == ""
    wrong = runner.invoke(cli, ["new", str(tmp_path / "x.docx")])
    assert wrong.exit_code == 2
    assert not (tmp_path / "x.docx").exists()


def test_template_export_keeps_a_template_its_owner_edited(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "模板"
    assert runner.invoke(cli, ["template", "export", str(folder)]).exit_code == 0
    assert runner.invoke(cli, ["template", "export", str(folder)]).exit_code == 0  # unchanged: harmless again
    edited = folder / "红头示例.docx"
    edited.write_bytes(edited.read_bytes() + b"EDITED")  # the owner's changes
    result = runner.invoke(cli, ["template", "export", str(folder)])
    assert result.exit_code == 2
    assert "红头示例.docx" in result.stderr
    assert edited.read_bytes().endswith(b"EDITED")
    assert runner.invoke(cli, ["template", "export", str(folder), "--force"]).exit_code == 0
    assert not edited.read_bytes().endswith(b"EDITED")


def test_build_output_named_pdf_is_a_pdf_or_refused(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)  # no LibreOffice: refused, nothing written
    target = tmp_path / "报告.pdf"
    result = runner.invoke(cli, ["build", str(SEED_JSON), "-o", str(target)])
    assert result.exit_code == 2
    assert "LibreOffice" in result.stderr
    assert list(tmp_path.iterdir()) == []
    odd = runner.invoke(cli, ["build", str(SEED_JSON), "-o", str(tmp_path / "报告.txt")])
    assert odd.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_build_never_writes_over_its_input(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "r.docx"
    source.write_bytes((ROOT / "samples" / "seed.docx").read_bytes())
    result = runner.invoke(cli, ["build", str(source), "-o", str(source)])
    assert result.exit_code == 2
    assert "就是输入文件" in result.stderr
    assert source.read_bytes() == (ROOT / "samples" / "seed.docx").read_bytes()


def test_build_of_a_published_report_by_its_own_name_keeps_it(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A published report carries the very name build gives its output: the default name is refused too."""
    monkeypatch.chdir(tmp_path)
    original = (ROOT / "samples" / "seed.docx").read_bytes()
    source = tmp_path / "新绛县三泉镇人民政府2021年政府信息公开工作年度报告.docx"
    source.write_bytes(original)
    result = runner.invoke(cli, ["build", source.name])
    assert result.exit_code == 2, result.output
    assert "就是输入文件" in result.stderr
    assert source.read_bytes() == original


def test_build_html_beside_the_report_never_replaces_an_html_input(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "x.html"
    source.write_bytes((ROOT / "samples" / "seed.html").read_bytes())
    before = source.read_bytes()
    result = runner.invoke(cli, ["build", str(source), "-o", str(tmp_path / "x.docx"), "--html"])
    assert result.exit_code == 2, result.output
    assert "就是输入文件" in result.stderr
    assert source.read_bytes() == before
    assert not (tmp_path / "x.docx").exists()  # refused before anything was written
