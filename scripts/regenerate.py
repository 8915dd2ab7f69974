"""Regenerate inputs/ (and samples/, once the report exists) from inputs/seed.json and the code.

Run from the project root:  python scripts/regenerate.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from county_samples import write_county_samples  # noqa: E402

from generator import schema  # noqa: E402
from generator.check.parse import parse  # noqa: E402
from generator.county.county_report import COUNTY_TEMPLATE, build_county_template  # noqa: E402
from generator.formats.inputs import read_input  # noqa: E402
from generator.formats.json_document import document_to_raw, dumps  # noqa: E402
from generator.formats.workbook_writer import save_book, write_workbook  # noqa: E402
from generator.issues import catalogue_markdown  # noqa: E402
from generator.model import (  # noqa: E402
    Report,
    blank_report,
)
from generator.publish.build import docx_to_pdf, render_report  # noqa: E402
from generator.publish.default_template import build_default_template, build_red_header_template  # noqa: E402
from generator.publish.html import report_html  # noqa: E402
from generator.publish.reference import variables_reference  # noqa: E402
from generator.publish.render import prepare  # noqa: E402

SEED = ROOT / "inputs" / "seed.json"
# the samples' build time (docProps), fixed so that regenerating changes nothing: the seed's 成文日期, 9:00 Beijing
SAMPLE_TIME = dt.datetime(2022, 1, 25, 1, 0, tzinfo=dt.UTC)
STOCK_WINDOWS = ROOT / "scripts" / "stock-windows-fonts.conf"


def as_printed(document: dict) -> dict:
    """The seed as the township published it: its (七)总计 row printed as all zeros."""
    printed = json.loads(json.dumps(document))
    printed["requests"]["total"] = dict.fromkeys(printed["requests"]["total"], 0)
    return printed


def write_inputs(folder: Path) -> list[Path]:
    """The blank workbook and the seed, corrected and as printed, as workbook and JSON."""
    folder.mkdir(parents=True, exist_ok=True)
    seed_report = parse(read_input(SEED)[0]).report
    printed_report = parse(document_to_raw(as_printed(json.loads(SEED.read_text("utf-8"))))).report
    written = {
        "blank.xlsx": blank_report(),
        "seed.xlsx": seed_report,
        "seed-as-printed.xlsx": printed_report,
    }
    for name, report in written.items():
        write_workbook(folder / name, report)
    typed_over(folder / "seed-as-printed.xlsx", printed_report)
    (folder / "seed-as-printed.json").write_text(dumps(printed_report), encoding="utf-8")
    return [folder / name for name in [*written, "seed-as-printed.json"]]


def typed_over(path: Path, report: Report) -> None:
    """The workbook as the township filled it: its (七)总计 row typed over the formulas with the printed 0s."""
    book = openpyxl.load_workbook(path)
    for column, _ in schema.APPLICANT_COLUMNS:
        field = schema.BY_PATH[f"requests.total.{column}"]
        book[field.sheet][field.cell] = report[field.path]
    save_book(book, path)


def write_template(folder: Path) -> Path:
    """The default template, built from code."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "default.docx"
    build_default_template(path)
    return path


def write_county_template(folder: Path) -> Path:
    """The county report's template (the default one and the appendix of units), built from code."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / COUNTY_TEMPLATE
    build_county_template(path)
    return path


def write_docs(root: Path) -> list[Path]:
    """The worked example of a custom template and the template-variable reference."""
    (root / "templates").mkdir(parents=True, exist_ok=True)
    (root / "docs").mkdir(parents=True, exist_ok=True)
    example = root / "templates" / "red-header.docx"
    build_red_header_template(example)
    reference = root / "docs" / "template-variables.md"
    reference.write_text(variables_reference(), encoding="utf-8")
    return [example, reference]


CODES_START, CODES_END = "<!-- issue-codes: generated from generator/issues.py -->", "<!-- /issue-codes -->"


def contract_with_codes(text: str) -> str:
    """docs/contract.md with its issue-code table rewritten from the catalogue."""
    head, rest = text.split(CODES_START, 1)
    _, tail = rest.split(CODES_END, 1)
    return f"{head}{CODES_START}\n{catalogue_markdown()}{CODES_END}{tail}"


def write_contract(root: Path) -> Path:
    """docs/contract.md, its generated table brought up to date."""
    path = root / "docs" / "contract.md"
    path.write_text(contract_with_codes((ROOT / "docs" / "contract.md").read_text("utf-8")), encoding="utf-8")
    return path


def render_seed_docx(template: Path) -> bytes:
    """The corrected seed report rendered with a template."""
    return render_report(parse(read_input(SEED)[0]).report, prepare(template), SAMPLE_TIME)


def seed_html() -> str:
    """The corrected seed report as the HTML page."""
    return report_html(parse(read_input(SEED)[0]).report)


def write_samples(folder: Path, template: Path, previews: bool = True) -> list[Path]:
    """samples/: the seed report as DOCX and HTML, and (with LibreOffice, pdftoppm and Chromium) as PDF,
    PNG pages, the page's screenshot and the first page as a PC without the GB2312 faces shows it."""
    folder.mkdir(parents=True, exist_ok=True)
    docx = render_seed_docx(template)
    written = [folder / "seed.docx", folder / "seed.html"]
    written[0].write_bytes(docx)
    written[1].write_text(seed_html(), encoding="utf-8")
    if previews:
        pdf = folder / "seed.pdf"
        pdf.write_bytes(docx_to_pdf(docx, "seed.docx"))
        for old in folder.glob("seed-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(folder / "seed")], check=True)
        (folder / "seed.docx.sha256").write_text(docx_digest(docx) + "\n", encoding="utf-8")
        written += [pdf, *sorted(folder.glob("seed-*.png"))]
        written += write_stock_windows_previews(folder, docx)
        written.append(write_html_screenshot(folder))
        written += write_web_screenshots(folder)
    return written


def with_alternates(docx: bytes) -> bytes:
    """The DOCX as Word and WPS read it on a PC without the GB2312 faces: each face the font table gives an
    alternate for (w:altName) set in its first alternate. LibreOffice ignores w:altName, so the preview of
    what Word shows needs this done beforehand."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    table = parts["word/fontTable.xml"].decode("utf-8")
    alternates = dict(re.findall(r'<w:font w:name="([^"]+)"><w:altName w:val="([^",]+)', table))
    for name in ("word/styles.xml", "word/document.xml"):
        text = parts[name].decode("utf-8")
        for face, alternate in alternates.items():
            text = text.replace(f'"{face}"', f'"{alternate}"')
        parts[name] = text.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def first_page_png(docx: bytes, fonts: Path, png: Path) -> Path:
    """Page 1 of a DOCX as LibreOffice renders it with the font configuration `fonts`."""
    environment = {**os.environ, "FONTCONFIG_FILE": str(fonts)}
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "page.pdf"
        pdf.write_bytes(docx_to_pdf(docx, "page.docx", environment))
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(png.with_suffix(""))],
            check=True,
        )
    return png


def write_stock_windows_previews(folder: Path, docx: bytes) -> list[Path]:
    """Page 1 on a stock Windows PC (宋体 黑体 仿宋 楷体, no GB2312 faces, no 方正小标宋): as Word/WPS show
    it (the font table's alternates), and as LibreOffice does (it ignores them)."""
    return [
        first_page_png(with_alternates(docx), STOCK_WINDOWS, folder / "stock-windows-word-1.png"),
        first_page_png(docx, STOCK_WINDOWS, folder / "stock-windows-libreoffice-1.png"),
    ]


def write_html_screenshot(folder: Path) -> Path:
    """The HTML page as headless Chromium shows it, and the digest of the page it shows."""
    from browser import chromium, screenshot

    page = folder / "seed.html"
    with chromium() as driver:
        png = screenshot(driver, page, folder / "seed-html.png")
    (folder / "seed.html.sha256").write_text(hashlib.sha256(page.read_bytes()).hexdigest() + "\n", encoding="utf-8")
    return png


def write_web_screenshots(folder: Path) -> list[Path]:
    """The clerk's page and the county's page of `nianbao serve`, as Chromium shows them."""
    from web_demo import write_screenshots

    return write_screenshots(folder)


def docx_digest(docx: bytes) -> str:
    """A digest of the rendered parts, recorded beside the PDF/PNG made from them."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        parts = b"".join(archive.read(name) for name in sorted(archive.namelist()))
    return hashlib.sha256(parts).hexdigest()


def main() -> None:
    """Regenerate everything derived from the code."""
    os.environ["SOURCE_DATE_EPOCH"] = str(int(SAMPLE_TIME.timestamp()))  # regenerating twice changes nothing
    template = write_template(ROOT / "templates")
    paths = [
        template,
        write_county_template(ROOT / "templates"),
        *write_docs(ROOT),
        write_contract(ROOT),
        *write_inputs(ROOT / "inputs"),
        *write_samples(ROOT / "samples", template),
        *write_county_samples(ROOT / "samples"),
    ]
    for path in paths:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
