"""Bad input files: each gets a clear Chinese message and the contract's exit status, never a traceback."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from builders import valid_report, write_json, write_xlsx
from click.testing import CliRunner

from generator import schema
from generator.cli import cli
from generator.formats.sniff import OLE2_MAGIC


def run_check(runner: CliRunner, path: Path) -> tuple[int, str]:
    result = runner.invoke(cli, ["check", str(path), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def bomb_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    path.write_bytes(bomb_bytes())
    return path


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.xlsx", b"", "是空的"),
        ("text.xlsx", "这是一段文字".encode(), "不是有效的 Excel 工作簿"),
        ("report.xlsx", docx_bytes(), "Word 文档“report.xlsx”已损坏"),
        ("old.xls", OLE2_MAGIC + b"\0" * 600, "另存为” .xlsx"),
        ("wps.et", OLE2_MAGIC + b"\0" * 600, "WPS 表格（.et）"),
        ("locked.xlsx", OLE2_MAGIC + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le"), "设置了打开密码"),
        ("notes.txt", b"hello", "只支持 Excel 工作簿"),
        ("broken.json", b'{"agency": "x",\n  "year": }', "第 2 行第 11 列有语法错误"),
        ("list.json", b"[1, 2]", "最外层应为对象"),
        ("gbk.json", '{"agency": "镇"}'.encode("gbk"), "不是 UTF-8 编码"),
    ],
)
def test_unreadable_files_exit_2_with_a_message(
    runner: CliRunner, tmp_path: Path, name: str, content: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, output = run_check(runner, path)
    assert code == 2
    assert words in output


def test_missing_file_and_directory(runner: CliRunner, tmp_path: Path) -> None:
    assert run_check(runner, tmp_path / "nope.xlsx") == (2, f"无法执行：找不到文件“{tmp_path / 'nope.xlsx'}”。\n")
    code, output = run_check(runner, tmp_path)
    assert code == 2
    assert "是文件夹" in output


def test_corrupt_zip(runner: CliRunner, tmp_path: Path) -> None:
    data = write_xlsx(tmp_path / "good.xlsx", valid_report()).read_bytes()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(data[: len(data) // 2])
    code, output = run_check(runner, broken)
    assert code == 2
    assert "已损坏" in output


def test_zip_bomb_is_refused_before_expanding(runner: CliRunner, bomb: Path) -> None:
    code, output = run_check(runner, bomb)
    assert code == 2
    assert "解压后过大" in output


def test_json_unknown_key_and_wrong_type_name_their_path(runner: CliRunner, tmp_path: Path) -> None:
    document = json.loads((write_json(tmp_path / "r.json", valid_report())).read_text("utf-8"))
    document["requests"]["new"]["natual_person"] = 1
    document["requests"]["granted"] = [1, 2]
    document["appeals"]["review"]["upheld"] = {"a": 1}
    document["year"] = "二〇二一"
    document["overview"][0]["txet"] = "x"
    document["extra"] = {"电话": [1]}
    document["agencyy"] = "x"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code, output = run_check(runner, path)
    assert code == 1
    errors = json.loads(output)["errors"]
    assert [(e["code"], e["path"]) for e in errors] == [
        ("bad-year", "year"),
        ("unknown-key", "overview[0].txet"),
        ("unknown-key", "requests.new.natual_person"),
        ("bad-type", "requests.granted"),
        ("bad-type", "appeals.review.upheld"),
        ("bad-type", "extra.电话"),
        ("unknown-key", "agencyy"),
    ]
    assert "是否应为“natural_person”" in errors[2]["message"]
    assert "是否应为“agency”" in errors[6]["message"]
    assert all(e["sheet"] is None and e["cell"] is None for e in errors)


def test_unsupported_format_version(runner: CliRunner, tmp_path: Path) -> None:
    document = json.loads(write_json(tmp_path / "r.json", valid_report()).read_text("utf-8"))
    document["format"] = "2019"
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code, output = run_check(runner, path)
    assert code == 1
    assert json.loads(output)["errors"][0]["code"] == "unsupported-format"


def test_json_told_apart_from_workbook_by_content(runner: CliRunner, tmp_path: Path) -> None:
    json_named_xlsx = write_json(tmp_path / "really-json.xlsx", valid_report())
    xlsx_named_json = write_xlsx(tmp_path / "really-xlsx.json", valid_report())
    assert run_check(runner, json_named_xlsx)[0] == 0
    assert run_check(runner, xlsx_named_json)[0] == 0


def test_a_json_value_of_the_wrong_type_is_named_by_its_field_kind(runner: CliRunner, tmp_path: Path) -> None:
    """A choice field given an array is asked for text, not for a whole number."""
    document = json.loads(write_json(tmp_path / "r.json", valid_report()).read_text("utf-8"))
    document["agency_type"] = ["政府部门"]
    path = tmp_path / "choice.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code, output = run_check(runner, path)
    assert code == 1
    errors = json.loads(output)["errors"]
    assert [(e["code"], e["path"]) for e in errors] == [("bad-type", "agency_type")]
    assert "应为文字（可选值之一），实际是数组" in errors[0]["message"]


def test_every_field_kind_has_its_json_type() -> None:
    assert set(schema.JSON_TYPES) == set(schema.Kind)
