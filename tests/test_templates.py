"""Custom templates: built from the default with python-docx, linted, used by build; the sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import ROOT, valid_report, write_json, write_xlsx
from click.testing import CliRunner
from docx import Document
from docx_outline import outline

from generator import schema
from generator.cli import cli
from generator.model import make_report
from generator.publish import template_zip as package
from generator.publish.context import cn_number, cn_year, num, thousands, wan
from generator.publish.lint import lint

DEFAULT = ROOT / "templates" / "default.docx"
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
RED = ROOT / "templates" / "red-header.docx"


def edited(tmp_path: Path, change: Callable[[Document], None], name: str = "custom.docx") -> Path:
    document = Document(str(DEFAULT))
    change(document)
    path = tmp_path / name
    document.save(str(path))
    return path


def add_paragraph(text: str) -> Callable[[Document], None]:
    return lambda document: document.paragraphs[3].insert_paragraph_before(text)


def codes(path: Path) -> list[tuple[str, str]]:
    return [(issue.code, issue.label) for issue in lint(path).result.issues]


def test_default_template_is_clean() -> None:
    assert lint(DEFAULT).result.issues == ()


def test_syntax_error_is_located(tmp_path: Path) -> None:
    path = edited(tmp_path, add_paragraph("{% if agency %}没有结束"))
    result = lint(path).result
    assert result.flatten("code") == [("template-syntax",)]
    assert "正文第 4 段" in result.issues[0].message
    assert "没有结束" in result.issues[0].message


def test_unknown_variables_with_suggestions(tmp_path: Path) -> None:
    path = edited(tmp_path, add_paragraph("{{ agnecy }} {{ requests.neww.total }}"))
    messages = [i.message for i in lint(path).result.issues]
    assert [i.code for i in lint(path).result.issues] == ["template-unknown-variable"] * 2
    assert "“agnecy”，是否应为“agency”？" in messages[0]
    assert "“requests.neww”，是否应为“requests.new”？" in messages[1]


def test_unknown_variable_in_a_table_cell_names_the_cell(tmp_path: Path) -> None:
    def change(document: Document) -> None:
        cell = document.tables[1].cell(5, 4).paragraphs[0]
        cell.runs[0].text = "{{ requests.granted.comercial }}"

    issues = lint(edited(tmp_path, change)).result.issues
    assert [i.code for i in issues] == ["template-unknown-variable"]
    assert "正文第 2 个表格第 6 行第 5 列" in issues[0].message
    assert "是否应为“requests.granted.commercial”" in issues[0].message


def test_split_tag_is_a_warning_and_still_renders(tmp_path: Path, runner: CliRunner) -> None:
    def change(document: Document) -> None:
        paragraph = document.paragraphs[3].insert_paragraph_before("")
        paragraph.add_run("机关：{{ agen")
        paragraph.add_run("cy }}").bold = True

    path = edited(tmp_path, change)
    result = lint(path).result
    assert result.flatten("code", "severity") == [("template-split-tag", result.issues[0].severity)]
    assert result.ok
    out = tmp_path / "r.docx"
    assert (
        runner.invoke(
            cli, ["build", str(ROOT / "inputs" / "seed.json"), "--template", str(path), "-o", str(out)]
        ).exit_code
        == 0
    )
    assert "机关：新绛县三泉镇人民政府" in outline(out)


def test_smart_quotes_are_a_warning_and_work(tmp_path: Path, runner: CliRunner) -> None:
    path = edited(tmp_path, add_paragraph("联系人：{{ extra[“联系人”] }}"))
    assert [c for c, _ in codes(path)] == ["template-smart-quotes", "template-extra-fields"]
    source = write_json(
        tmp_path / "r.json", make_report(valid_report().values, valid_report().overview, {"联系人": "张三"})
    )
    out = tmp_path / "r.docx"
    assert runner.invoke(cli, ["build", str(source), "--template", str(path), "-o", str(out)]).exit_code == 0
    assert "联系人：张三" in outline(out)


def test_full_width_braces_warned(tmp_path: Path) -> None:
    path = edited(tmp_path, add_paragraph("｛｛ agency ｝｝"))
    assert [c for c, _ in codes(path)] == ["template-full-width-brace"]


def test_missing_heading_and_table_are_warnings(tmp_path: Path, runner: CliRunner) -> None:
    def change(document: Document) -> None:
        heading = next(p for p in document.paragraphs if p.text == schema.HEADINGS[4])
        heading._p.getparent().remove(heading._p)
        table = document.tables[2]
        table._tbl.getparent().remove(table._tbl)

    result = lint(edited(tmp_path, change)).result
    assert result.ok
    assert [(i.code, i.detail) for i in result.issues] == [
        ("template-missing-section", f"模板中找不到规定的标题“{schema.HEADINGS[4]}”"),
        ("template-missing-section", "模板中找不到规定的表格内容“复议后起诉”"),
    ]
    out = tmp_path / "r.docx"
    path = tmp_path / "custom.docx"
    assert (
        runner.invoke(
            cli, ["build", str(ROOT / "inputs" / "seed.json"), "--template", str(path), "-o", str(out)]
        ).exit_code
        == 0
    )
    text = outline(out)
    assert "▦ 4×15" not in text
    assert schema.HEADINGS[4] not in text
    assert "▦ 28×10" in text


@pytest.mark.parametrize(
    "tag",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ agency.__class__ }}",
        "{{ lipsum.__globals__ }}",
    ],
)
def test_unsafe_template_is_refused(tmp_path: Path, runner: CliRunner, tag: str) -> None:
    path = edited(tmp_path, add_paragraph(tag))
    issues = lint(path).result.issues
    assert [i.code for i in issues][:1] in (["template-unsafe"], ["template-unknown-variable"])
    out = tmp_path / "r.docx"
    result = runner.invoke(cli, ["build", str(ROOT / "inputs" / "seed.json"), "--template", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert "有问题，未使用" in result.stderr
    assert not out.exists()


def test_runaway_loop_is_stopped(tmp_path: Path) -> None:
    loop = "{% for i in range(9999) %}{% for j in range(9999) %}{{ j }}{% endfor %}{% endfor %}"
    issues = lint(edited(tmp_path, add_paragraph(loop))).result.issues
    assert [i.code for i in issues] == ["template-runaway"]


def test_renamed_title_and_red_header_build(tmp_path: Path, runner: CliRunner) -> None:
    def change(document: Document) -> None:
        document.paragraphs[0].runs[0].text = "{{ year|cn_year }}年度{{ agency }}"

    path = edited(tmp_path, change)
    out = tmp_path / "r.docx"
    assert (
        runner.invoke(
            cli, ["build", str(ROOT / "inputs" / "seed.json"), "--template", str(path), "-o", str(out)]
        ).exit_code
        == 0
    )
    assert outline(out).startswith("¶ 年报标题｜二〇二一年度新绛县三泉镇人民政府\n")


def test_red_header_needs_its_custom_fields(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "r.docx"
    result = runner.invoke(cli, ["build", str(ROOT / "inputs" / "seed.xlsx"), "--template", str(RED), "-o", str(out)])
    assert result.exit_code == 1
    assert "模板“red-header.docx”使用了自定义字段“联系人”" in result.stderr
    assert "工作表“自定义字段”" in result.stderr
    assert not out.exists()
    report = make_report(valid_report().values, valid_report().overview, {"联系人": "张三", "咨询电话": "0359-1234567"})
    for source in (write_xlsx(tmp_path / "r.xlsx", report), write_json(tmp_path / "r.json", report)):
        assert runner.invoke(cli, ["build", str(source), "--template", str(RED), "-o", str(out)]).exit_code == 0
        text = outline(out)
        assert text.startswith("¶ 年报标题｜测试县测试镇人民政府\n¶ 年报正文｜\n¶ 年报标题｜测试县测试镇人民政府\n")
        assert "¶ 年报正文｜联系人：张三　　咨询电话：0359-1234567" in text


def test_template_check_cli(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(cli, ["template", "check", str(DEFAULT)]).stdout == "模板检查通过，未发现问题。\n"
    broken = edited(tmp_path, add_paragraph("{{ agnecy }}"))
    result = runner.invoke(cli, ["template", "check", str(broken), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"][0]["code"] == "template-unknown-variable"
    text = tmp_path / "not.docx"
    text.write_text("hello", encoding="utf-8")
    assert runner.invoke(cli, ["template", "check", str(text)]).exit_code == 2
    assert runner.invoke(cli, ["template", "check", str(tmp_path / "missing.docx")]).exit_code == 2
    assert runner.invoke(cli, ["build", str(ROOT / "inputs" / "seed.json"), "--template", str(text)]).exit_code == 2


def test_template_export(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["template", "export", str(tmp_path / "t")], catch_exceptions=False)
    assert result.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "t").iterdir())
    assert names == ["default.docx", "模板变量说明.md", "红头示例.docx"]
    reference = (tmp_path / "t" / "模板变量说明.md").read_text("utf-8")
    assert all(f"`{field.path}`" in reference for field in schema.FIELDS)
    assert lint(tmp_path / "t" / "红头示例.docx").result.ok


@pytest.mark.parametrize(
    ("function", "value", "expected"),
    [
        (cn_number, 2, "两"),
        (cn_number, 12, "十二"),
        (cn_number, 105, "一百零五"),
        (cn_number, 20, "二十"),
        (cn_number, 1010, "一千零一十"),
        (cn_number, 0, "零"),
        (cn_year, 2021, "二〇二一"),
        (thousands, 1234567, "1,234,567"),
        (thousands, 1234.5, "1,234.5"),
        (wan, 24252.311082, "24252.311082万元"),
        (num, 1e-06, "0.000001"),
        (num, 3, "3"),
    ],
)
def test_filters(function: Callable[[object], str], value: object, expected: str) -> None:
    assert function(value) == expected


def test_template_zip_bomb_and_bad_encoding_are_refused(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    monkeypatch.setattr(package, "MAX_TEMPLATE_BYTES", 1000)
    assert runner.invoke(cli, ["template", "check", str(DEFAULT)]).exit_code == 2
    monkeypatch.undo()
    latin = tmp_path / "latin.docx"
    with zipfile.ZipFile(latin, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", "<w:document>{{ agency }} é</w:document>".encode("latin-1"))
    result = runner.invoke(cli, ["template", "check", str(latin)])
    assert result.exit_code == 2
    assert "不是 UTF-8 编码" in result.stderr
