"""Hostile and broken input (issue 10): each attack seen gives a Chinese message and the right exit, never a hang."""

from __future__ import annotations

import json
import os
import time
import zipfile
from pathlib import Path

import pytest
from builders import ROOT, valid_report, write_json, write_xlsx
from click.testing import CliRunner

from generator.cli import cli
from generator.county import bulk
from generator.formats import sniff, xlsx

SEED = ROOT / "inputs" / "seed.xlsx"


def check(runner: CliRunner, path: Path) -> tuple[int, str]:
    result = runner.invoke(cli, ["check", str(path)])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout + result.stderr


def rezip(source: Path, target: Path, change: object) -> Path:
    """The zip rewritten entry by entry through `change(info, data) -> (info, data)`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(*change(info, old.read(info)))  # type: ignore[operator]
    return target


def test_json_nested_thousands_deep(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"extra": ' + "[" * 3000 + "]" * 3000 + "}", encoding="utf-8")
    code, text = check(runner, path)
    assert code == 2
    assert "嵌套超过" in text


def test_json_number_of_five_thousand_digits(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "long.json"
    path.write_text('{"agency": "甲", "requests": {"new": {"natural_person": ' + "9" * 5000 + "}}}", encoding="utf-8")
    code, text = check(runner, path)
    assert code == 2
    assert "5000 位" in text


def test_json_number_beyond_float(runner: CliRunner, tmp_path: Path) -> None:
    data = json.loads(write_json(tmp_path / "a.json", valid_report()).read_text("utf-8"))
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(data).replace('"coercion": 0', '"coercion": 1e5000'), encoding="utf-8")
    result = runner.invoke(cli, ["check", str(path), "--json"])
    assert result.exit_code == 1
    assert [e["code"] for e in json.loads(result.stdout)["errors"]] == ["out-of-range"]


def test_json_key_given_twice(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text('{"agency": "甲镇人民政府", "agency": "乙镇人民政府"}', encoding="utf-8")
    code, text = check(runner, path)
    assert code == 2
    assert "“agency”出现了两次" in text


def test_json_saved_as_utf16_with_a_bom(runner: CliRunner, tmp_path: Path) -> None:
    source = write_json(tmp_path / "a.json", valid_report())
    path = tmp_path / "utf16.json"
    path.write_bytes(source.read_text("utf-8").encode("utf-16"))
    code, _ = check(runner, path)
    assert code == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_waiting(runner: CliRunner, tmp_path: Path) -> None:
    fifo = tmp_path / "年报.xlsx"
    os.mkfifo(fifo)
    started = time.monotonic()
    code, text = check(runner, fifo)
    assert time.monotonic() - started < 5
    assert code == 2
    assert "不是普通文件" in text


def test_flipped_bytes_in_compressed_data(runner: CliRunner, tmp_path: Path) -> None:
    data = bytearray(SEED.read_bytes())
    with zipfile.ZipFile(SEED) as archive:
        info = archive.getinfo("xl/worksheets/sheet5.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + 40
    for offset in range(start, start + 50):
        data[offset] ^= 0xA5
    path = tmp_path / "flipped.xlsx"
    path.write_bytes(bytes(data))
    code, text = check(runner, path)
    assert code == 2
    assert "已损坏" in text


@pytest.mark.parametrize("command", ["check", "import"])
def test_flipped_bytes_in_a_published_word_report(runner: CliRunner, tmp_path: Path, command: str) -> None:
    """A damaged .docx is said in Chinese by every command that reads it, `import` as much as `check`."""
    source = ROOT / "samples" / "seed.docx"
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + 40
    for offset in range(start, start + 50):
        data[offset] ^= 0xA5
    path = tmp_path / "flipped.docx"
    path.write_bytes(bytes(data))
    result = runner.invoke(cli, [command, str(path)])
    assert result.exit_code == 2, result.output
    assert "已损坏" in result.stderr
    assert "内部错误" not in result.stderr


@pytest.mark.parametrize(("flag", "words"), [("encrypted", "被加密"), ("method", "不支持的压缩方式")])
def test_entries_marked_encrypted_or_packed_strangely(runner: CliRunner, tmp_path: Path, flag: str, words: str) -> None:
    data = bytearray(SEED.read_bytes())
    field, value = (6, 0x0001) if flag == "encrypted" else (8, 99)
    with zipfile.ZipFile(SEED) as archive:
        offsets = [info.header_offset for info in archive.infolist() if info.filename.startswith("xl/worksheets/")]
    for offset in offsets:
        data[offset + field : offset + field + 2] = value.to_bytes(2, "little")
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = int.from_bytes(data[central + 28 : central + 30], "little")
        name = bytes(data[central + 46 : central + 46 + name_length])
        if name.startswith(b"xl/worksheets/"):
            data[central + field + 2 : central + field + 4] = value.to_bytes(2, "little")
        central = data.find(b"PK\x01\x02", central + 4)
    path = tmp_path / f"{flag}.xlsx"
    path.write_bytes(bytes(data))
    code, text = check(runner, path)
    assert code == 2
    assert words in text


def test_a_zip_of_two_thousand_and_one_entries(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(SEED) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for index in range(2001):
            target.writestr(f"xl/media/{index}.bin", b"")
    code, text = check(runner, path)
    assert code == 2
    assert "个部件，超过上限 2000" in text


def test_strict_open_xml_workbook_is_named(runner: CliRunner, tmp_path: Path) -> None:
    strict = rezip(
        SEED,
        tmp_path / "strict.xlsx",
        lambda info, data: (
            info,
            data.replace(
                b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                b"http://purl.oclc.org/ooxml/spreadsheetml/main",
            ),
        ),
    )
    code, text = check(runner, strict)
    assert code == 2
    assert "Strict Open XML" in text


def test_a_sheet_of_millions_of_cells_is_refused_quickly(runner: CliRunner, tmp_path: Path) -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="B{r}"><v>1</v></c></row>' for r in range(1, 250_001))

    def grow(info: zipfile.ZipInfo, data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
        if info.filename == "xl/worksheets/sheet1.xml":
            data = data.replace(b"</sheetData>", rows.encode() + b"</sheetData>", 1)
        return info, data

    path = rezip(SEED, tmp_path / "big.xlsx", grow)
    started = time.monotonic()
    code, text = check(runner, path)
    assert time.monotonic() - started < 10
    assert code == 2
    assert "单元格过多" in text


def test_a_batch_survives_every_trigger_above(runner: CliRunner, tmp_path: Path) -> None:
    """One folder holding the inputs that used to kill `bulk`, and one good workbook: the good one is built."""
    source = tmp_path / "in"
    source.mkdir()
    (source / "deep.json").write_text("[" * 3000 + "]" * 3000, encoding="utf-8")
    (source / "long.json").write_text('{"requests": {"new": {"natural_person": ' + "9" * 5000 + "}}}", encoding="utf-8")
    (source / "cells.xlsx").write_bytes(
        rezip(
            SEED,
            tmp_path / "norefs.xlsx",
            lambda info, data: (info, data.replace(b' r="A', b' x="A')),
        ).read_bytes()
    )
    long_name = "某某省某某市某某县某某乡镇人民政府党政综合办公室" * 6
    write_xlsx(source / "long-name.xlsx", valid_report(agency=long_name))
    write_xlsx(source / "good.xlsx", valid_report(agency="甲镇人民政府"))
    out = tmp_path / "out"
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--jobs", "2"])
    assert "Traceback" not in result.output
    assert (out / "甲镇人民政府2021年政府信息公开工作年度报告.docx").exists()
    assert (out / "汇总.xlsx").exists()
    names = [p.name for p in out.iterdir()]
    assert all(len(name.encode("utf-8")) <= 255 for name in names)
    assert any("…" in name for name in names)  # the long agency, shortened in its middle


def test_limits_are_documented() -> None:
    contract = (ROOT / "docs" / "contract.md").read_text("utf-8")
    for number in (sniff.MAX_FILE_BYTES // 2**20, sniff.MAX_ENTRIES, xlsx.MAX_CELLS, bulk.INPUT_SECONDS):
        assert f"{number:g}" in contract.replace(",", ""), number


def test_rollup_and_export_never_write_over_an_input(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    first = write_xlsx(source / "a.xlsx", valid_report(agency="甲镇人民政府"))
    kept = first.read_bytes()
    result = runner.invoke(cli, ["rollup", str(source), "-o", str(first)])
    assert result.exit_code == 2
    assert first.read_bytes() == kept
    as_json = write_json(tmp_path / "b.json", valid_report())
    kept_json = as_json.read_bytes()
    assert runner.invoke(cli, ["export", str(as_json), "-o", str(as_json)]).exit_code == 2
    assert as_json.read_bytes() == kept_json


def test_an_iso_date_time_cell_is_a_date(runner: CliRunner, tmp_path: Path) -> None:
    """LibreOffice and some generators store dates as t="d" cells holding an ISO date-time."""
    path = write_xlsx(tmp_path / "a.xlsx", valid_report())

    def iso(info: zipfile.ZipInfo, data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
        if info.filename == "xl/worksheets/sheet2.xml":
            start = data.index(b'<c r="B5"')
            end = data.index(b"</c>", start) + 4
            data = data[:start] + b'<c r="B5" t="d"><v>2022-01-20T00:00:00</v></c>' + data[end:]
        return info, data

    dated = rezip(path, tmp_path / "dated.xlsx", iso)
    from generator.check.load import load

    assert str(load(dated).report["date"]) == "2022-01-20"
