"""The PDF as LibreOffice makes it: a long name's title and signature break where the DOCX says, the
properties name the report and the agency, every font is embedded and each substituted face is named."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from builders import LONG_AGENCIES, long_name_report, write_json

from generator.publish.build import Built, build
from generator.publish.layout import SIGNATURE_WIDTH, TITLE_WIDTH, balanced_lines

SOFFICE = shutil.which("soffice")
REQUIRED = os.environ.get("NIANBAO_REQUIRE_LIBREOFFICE") == "1"
pytestmark = pytest.mark.skipif(SOFFICE is None and not REQUIRED, reason="LibreOffice (soffice) is not installed")
NAME = LONG_AGENCIES[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    source = write_json(folder / "in.json", long_name_report(NAME))
    result = build(source, folder / "r.docx", pdf=True)
    return result, folder / "r.pdf"


def poppler(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def lines(pdf: Path) -> list[str]:
    """The PDF's lines of text, spaces removed."""
    return [
        "".join(line.split()) for line in poppler("pdftotext", "-layout", str(pdf), "-").splitlines() if line.strip()
    ]


def test_the_title_and_the_signature_break_between_words(built: tuple[Built, Path]) -> None:
    text = lines(built[1])
    title = list(balanced_lines(NAME, TITLE_WIDTH))
    assert len(title) == 2
    assert text[: len(title)] == title
    signature = list(balanced_lines(NAME, SIGNATURE_WIDTH))
    date_at = text.index("2022年1月20日")
    assert text[date_at - len(signature) : date_at] == signature


def test_the_pdf_names_the_report_and_the_agency(built: tuple[Built, Path]) -> None:
    info = dict(line.split(":", 1) for line in poppler("pdfinfo", str(built[1])).splitlines() if ":" in line)
    assert info["Title"].strip() == f"{NAME}2021年政府信息公开工作年度报告"
    assert info["Author"].strip() == NAME


def test_every_font_is_embedded_and_each_substituted_face_is_named(built: tuple[Built, Path]) -> None:
    listing = poppler("pdffonts", str(built[1])).splitlines()[2:]
    assert listing
    assert all(row.split()[-5] == "yes" for row in listing)
    result, _ = built
    warned = {issue.where for issue in result.result.warnings if issue.code == "pdf-font-substituted"}
    installed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    for face in ("仿宋_GB2312", "楷体_GB2312", "方正小标宋简体"):
        if face not in installed:
            assert f"字体“{face}”" in warned
