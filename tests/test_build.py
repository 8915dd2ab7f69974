"""`nianbao build`: validates first, names the file, writes atomically, converts to PDF when asked."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from builders import ROOT, valid_report, write_json, write_xlsx
from click.testing import CliRunner
from docx_outline import outline

from generator.cli import cli
from generator.errors import NianbaoError
from generator.publish.build import report_file_name

SEED = ROOT / "inputs" / "seed.xlsx"


def test_default_name_in_current_directory(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", str(SEED)], catch_exceptions=False)
    assert result.exit_code == 0
    expected = tmp_path / "新绛县三泉镇人民政府2021年政府信息公开工作年度报告.docx"
    assert expected.exists()
    assert result.stdout == f"已生成：{expected.name}\n"
    assert [p.name for p in tmp_path.iterdir()] == [expected.name]  # no temporary file left


def test_windows_safe_file_name() -> None:
    assert report_file_name('A/B:C*D?"E<F>G|H\\I. ', 2021) == "A_B_C_D__E_F_G_H_I2021年政府信息公开工作年度报告.docx"


def test_errors_write_nothing_and_keep_existing_report(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    out.write_bytes(b"previous report")
    result = runner.invoke(cli, ["build", str(ROOT / "inputs" / "seed-as-printed.xlsx"), "-o", str(out)])
    assert result.exit_code == 1
    assert out.read_bytes() == b"previous report"
    assert "（七）总计·自然人" in result.stderr
    assert result.stdout == ""


def test_existing_report_replaced_whole(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    out.write_bytes(b"previous report")
    assert runner.invoke(cli, ["build", str(SEED), "-o", str(out)]).exit_code == 0
    assert outline(out).startswith("¶ 年报标题｜新绛县三泉镇人民政府\n")


def test_failed_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import files

    out = tmp_path / "r.docx"

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(NianbaoError, match="磁盘空间不足"):
        files.write_bytes(out, b"data")
    assert list(tmp_path.iterdir()) == []


def test_warnings_are_shown_and_report_built(runner: CliRunner, tmp_path: Path) -> None:
    source = write_json(tmp_path / "r.json", valid_report(other_matters=""))
    result = runner.invoke(cli, ["build", str(source), "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 0
    assert "警告  六、其他需要报告的事项" in result.stderr


def test_unreadable_input_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["build", str(tmp_path / "missing.xlsx")])
    assert result.exit_code == 2
    assert "找不到文件" in result.stderr


def test_pdf_without_libreoffice_exits_2_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    out = tmp_path / "r.docx"
    result = runner.invoke(cli, ["build", str(SEED), "-o", str(out), "--pdf"])
    assert result.exit_code == 2
    assert "需要 LibreOffice" in result.stderr
    assert not out.exists()


@pytest.mark.skipif(
    shutil.which("soffice") is None and os.environ.get("NIANBAO_REQUIRE_LIBREOFFICE") != "1", reason="no LibreOffice"
)
def test_pdf_with_libreoffice(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    result = runner.invoke(cli, ["build", str(SEED), "-o", str(out), "--pdf"], catch_exceptions=False)
    assert result.exit_code == 0
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")


def test_illegal_control_character_reported_by_check_not_build(runner: CliRunner, tmp_path: Path) -> None:
    source = write_json(tmp_path / "r.json", valid_report(problems="问题\x0b说明"))
    result = runner.invoke(cli, ["build", str(source), "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 1
    assert "U+000B" in result.stderr


def test_xlsx_and_json_of_the_same_report_build_the_same_document(runner: CliRunner, tmp_path: Path) -> None:
    report = valid_report(**{"requests.new.research": 2, "requests.granted.research": 2})
    paths = [write_xlsx(tmp_path / "r.xlsx", report), write_json(tmp_path / "r.json", report)]
    outs = [tmp_path / "a.docx", tmp_path / "b.docx"]
    for source, out in zip(paths, outs, strict=True):
        assert runner.invoke(cli, ["build", str(source), "-o", str(out)]).exit_code == 0
    assert outline(outs[0]) == outline(outs[1])


def test_output_that_cannot_be_replaced_is_a_message(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import files

    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", locked)
    result = runner.invoke(cli, ["build", str(SEED), "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 2
    assert "正在 Word/Excel/WPS 中打开" in result.stderr
    assert list(tmp_path.iterdir()) == []
