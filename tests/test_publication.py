"""What is published besides the text: honest document properties, a font table that falls back, the PDF's
fonts, build --html / --package and bulk's index page."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from builders import ROOT, valid_report, write_json
from click.testing import CliRunner
from lxml import html as lxml_html

from generator.cli import cli
from generator.publish import pdf_fonts
from generator.publish.build import render_report
from generator.publish.default_template import font_table
from generator.publish.layout import FACES
from generator.publish.package import INFO_NAME
from generator.publish.templates import load_template

NOW = dt.datetime(2023, 1, 30, 8, 15, 0, tzinfo=dt.UTC)
SAMPLES = ROOT / "samples"
SOFFICE = shutil.which("soffice")


def parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_properties_name_the_agency_the_title_and_the_build_time() -> None:
    docx = parts(render_report(valid_report(agency="某某县\n市场监督管理局"), load_template(), NOW))
    core, app = docx["docProps/core.xml"].decode(), docx["docProps/app.xml"].decode()
    assert "<dc:title>某某县市场监督管理局2021年政府信息公开工作年度报告</dc:title>" in core
    assert "<dc:creator>某某县市场监督管理局</dc:creator>" in core
    assert "<cp:lastModifiedBy>某某县市场监督管理局</cp:lastModifiedBy>" in core
    assert core.count("2023-01-30T08:15:00Z") == 2
    assert "<dc:language>zh-CN</dc:language>" in core
    assert "<Company>某某县市场监督管理局</Company>" in app
    for leftover in ("python-docx", "2013-", "Macintosh", "nianbao</dc:creator>"):
        assert leftover not in core + app, leftover
    assert "docProps/thumbnail.jpeg" not in docx
    assert b"thumbnail" not in docx["_rels/.rels"]


def test_the_same_report_at_the_same_time_is_the_same_file() -> None:
    report = valid_report()
    assert render_report(report, load_template(), NOW) == render_report(report, load_template(), NOW)


def test_source_date_epoch_sets_the_build_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643072400")
    core = parts(render_report(valid_report(), load_template()))["docProps/core.xml"].decode()
    assert "2022-01-25T01:00:00Z" in core


def test_a_custom_templates_properties_are_rewritten_too(tmp_path: Path) -> None:
    from docx import Document

    document = Document(str(ROOT / "templates" / "default.docx"))
    document.core_properties.author = "模板作者"
    document.core_properties.comments = "本单位模板"
    custom = tmp_path / "t.docx"
    document.save(str(custom))
    core = parts(render_report(valid_report(), load_template(custom), NOW))["docProps/core.xml"].decode()
    assert "模板作者" not in core
    assert "<dc:creator>测试县测试镇人民政府</dc:creator>" in core
    assert "本单位模板" in core  # the template's own description stays


def test_the_document_defaults_are_chinese() -> None:
    styles = parts((ROOT / "templates" / "default.docx").read_bytes())["word/styles.xml"].decode()
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S)
    assert defaults
    assert 'w:val="zh-CN"' in defaults.group()
    assert 'w:eastAsia="zh-CN"' in defaults.group()
    assert 'w:eastAsia="仿宋_GB2312"' in defaults.group()


def test_every_face_the_template_uses_is_declared_with_its_stock_windows_alternates() -> None:
    docx = (ROOT / "templates" / "default.docx").read_bytes()
    table = parts(docx)["word/fontTable.xml"]
    assert table == font_table()
    declared = dict(re.findall(rb'<w:font w:name="([^"]+)">(.*?)</w:font>', table))
    stock_windows = {"宋体", "SimSun", "黑体", "SimHei", "仿宋", "FangSong", "楷体", "KaiTi", "Times New Roman"}
    for face in pdf_fonts.requested_faces(docx):
        entry = declared[face.encode()].decode()
        assert 'w:charset w:val="86"' in entry or face == "Times New Roman"
        assert re.search(r'w:panose1 w:val="[0-9A-F]{20}"', entry)
        alternates = re.search(r'w:altName w:val="([^"]+)"', entry)
        names = {face, *(alternates.group(1).split(",") if alternates else ())}
        assert names & stock_windows, f"{face} has no alternate a stock Windows PC has"
    assert {face.name for face in FACES} == set(pdf_fonts.requested_faces(docx))


def test_pdf_fonts_reads_the_fonts_and_their_embedding() -> None:
    fake = (
        b"%PDF-1.4\n1 0 obj\n<</Type/Font/BaseFont/ABCDEF+SimHei>>\nendobj\n"
        b"2 0 obj\n<</Type/FontDescriptor/FontName/ABCDEF+SimHei/FontFile2 3 0 R>>\nendobj\n"
        b"4 0 obj\n<</Type/Font/BaseFont/Helvetica>>\nendobj\n"
    )
    fonts = pdf_fonts.pdf_fonts(fake)
    assert fonts == (pdf_fonts.PdfFont("Helvetica", False), pdf_fonts.PdfFont("SimHei", True))
    assert pdf_fonts.present("黑体", fonts)
    assert not pdf_fonts.present("仿宋_GB2312", fonts)


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) is not installed")
def test_pdf_fonts_agrees_with_pdffonts() -> None:
    listing = subprocess.run(["pdffonts", str(SAMPLES / "seed.pdf")], capture_output=True, text=True, check=True)
    rows = [line.split() for line in listing.stdout.splitlines()[2:]]
    expected = sorted({(re.sub(r"^[A-Z]{6}\+", "", row[0]), row[-5] == "yes") for row in rows})
    assert sorted((f.name, f.embedded) for f in pdf_fonts.pdf_fonts((SAMPLES / "seed.pdf").read_bytes())) == expected


def test_the_substituted_faces_of_the_sample_pdf_are_named() -> None:
    """samples/seed.pdf was made where none of the report's faces is installed: each one is named."""
    found = pdf_fonts.substitutions((SAMPLES / "seed.docx").read_bytes(), (SAMPLES / "seed.pdf").read_bytes(), {})
    assert {s.face for s in found} == {face.name for face in FACES}
    assert all(s.substitute for s in found)


def test_build_html_writes_the_page_beside_the_report(runner: CliRunner, tmp_path: Path) -> None:
    source = write_json(tmp_path / "in.json", valid_report())
    result = runner.invoke(cli, ["build", str(source), "-o", str(tmp_path / "r.docx"), "--html"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "r.html").read_text("utf-8")
    assert lxml_html.fromstring(page).find(".//title").text == "测试县测试镇人民政府2021年政府信息公开工作年度报告"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json", "r.docx", "r.html"]


def test_build_html_with_errors_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    source = write_json(tmp_path / "in.json", valid_report(**{"requests.total.total": 99}))
    result = runner.invoke(cli, ["build", str(source), "-o", str(tmp_path / "r.docx"), "--html", "--package"])
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json"]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_build_package_holds_the_three_files_and_their_digests(runner: CliRunner, tmp_path: Path) -> None:
    source = write_json(tmp_path / "in.json", valid_report())
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "old.txt").write_text("previous package", "utf-8")
    result = runner.invoke(cli, ["build", str(source), "-o", str(tmp_path / "r.docx"), "--package"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "r"
    assert sorted(p.name for p in folder.iterdir()) == sorted(["r.docx", "r.pdf", "r.html", INFO_NAME])
    info = json.loads((folder / INFO_NAME).read_text("utf-8"))
    assert info["标题"] == "测试县测试镇人民政府2021年政府信息公开工作年度报告"
    assert (info["发布机构"], info["成文日期"], info["统计期限"]) == (
        "测试县测试镇人民政府",
        "2022-01-20",
        "2021年1月1日至2021年12月31日",
    )
    for entry in info["文件"]:
        data = (folder / entry["文件名"]).read_bytes()
        assert (entry["字节数"], entry["SHA-256"]) == (len(data), hashlib.sha256(data).hexdigest())
    assert [e["文件名"] for e in info["文件"]] == ["r.docx", "r.pdf", "r.html"]
    assert not list(tmp_path.glob(".nianbao-*"))


def test_bulk_html_writes_an_index_of_every_unit(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    write_json(source / "a.json", valid_report(agency="甲镇人民政府"))
    write_json(source / "b.json", valid_report(agency="乙镇人民政府", **{"requests.total.total": 99}))
    out = tmp_path / "out"
    result = runner.invoke(cli, ["bulk", str(source), "-o", str(out), "--html", "-q", "-j", "1"])
    assert result.exit_code == 1  # one input has errors
    index = lxml_html.fromstring((out / "index.html").read_text("utf-8"))
    rows = [[c.text_content() for c in tr.iter("td", "th")] for tr in index.iter("tr")][1:]
    assert [row[1] for row in rows] == ["甲镇人民政府", "乙镇人民政府"]
    links = sorted(unquote(str(a.get("href"))) for a in index.iter("a"))
    assert links == [
        "甲镇人民政府2021年政府信息公开工作年度报告.docx",
        "甲镇人民政府2021年政府信息公开工作年度报告.html",
    ]
    assert all((out / link).is_file() for link in links)


def test_fontconfig_is_asked_once_per_face_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch of PDFs names the same faces report after report: fc-match runs once for each."""
    from types import SimpleNamespace

    asked: list[list[str]] = []

    def fake_run(command: list[str], **_: object) -> SimpleNamespace:
        asked.append(command)
        return SimpleNamespace(stdout="Noto Serif CJK SC")

    pdf_fonts._fontconfig_match.cache_clear()
    monkeypatch.setattr(pdf_fonts.shutil, "which", lambda _name: "/usr/bin/fc-match")
    monkeypatch.setattr(subprocess, "run", fake_run)
    for _ in range(3):
        assert pdf_fonts.fontconfig_match("仿宋_GB2312", {"FONTCONFIG_FILE": "a.conf"}) == "Noto Serif CJK SC"
    pdf_fonts.fontconfig_match("仿宋_GB2312", {"FONTCONFIG_FILE": "b.conf"})
    assert len(asked) == 2
    pdf_fonts._fontconfig_match.cache_clear()
