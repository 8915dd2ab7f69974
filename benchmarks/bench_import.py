"""Benchmark: reading a published report (`nianbao import`) per format, in-process, against the plain way.

    python benchmarks/bench_import.py

Formats: the sample Word report (5 pages), a portal page made from it, the real portal page and PDFs in
shared/realworld when they are beside the repository, and a 10-page PDF made with LibreOffice (skipped without
it). Each figure is the median of 15 reads of the whole import (read, map, coerce), after one warm-up read.
The plain way is what a script would do to get the bare text out with the same libraries: python-docx's
Document() and every table cell; lxml.html's parse and text_content(); pdfplumber's extract_text() of every
page. Targets: a DOCX or an HTML page under 50 ms, a 10-page PDF under 1 s.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from timing import median_ms

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from generator.check.imported import import_report  # noqa: E402
from generator.check.load import load  # noqa: E402
from generator.model import Section, make_report  # noqa: E402

REALWORLD = next(
    (p for p in (ROOT.parent / "shared" / "realworld", ROOT.parent.parent / "shared" / "realworld") if p.exists()), None
)


def plain_docx(path: Path) -> None:
    from docx import Document

    document = Document(str(path))
    [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    [paragraph.text for paragraph in document.paragraphs]


def plain_html(path: Path) -> None:
    import lxml.html

    lxml.html.parse(str(path)).getroot().text_content()


def plain_pdf(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        [page.extract_text() for page in pdf.pages]


def long_report_pdf(folder: Path) -> Path | None:
    """A 10-page PDF: the seed report with long texts, built and converted by LibreOffice."""
    if shutil.which("soffice") is None:
        return None
    from generator.publish.build import docx_to_pdf, render_report
    from generator.publish.templates import load_template

    seed = load(ROOT / "inputs" / "seed.json").report
    paragraph = seed.overview[2].text.replace("\n", "")
    sections = tuple(Section(s.title, "\n".join([paragraph] * 4)) for s in seed.overview)
    report = make_report(dict(seed.values), sections)
    docx = render_report(report, load_template())
    path = folder / "long.pdf"
    path.write_bytes(docx_to_pdf(docx, "long.docx"))
    return path


def pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def main() -> None:
    """Print the figures."""
    from report_fixtures import portal_page

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        page = folder / "portal.html"
        page.write_text(portal_page(load(ROOT / "inputs" / "seed.json").report), encoding="utf-8")
        cases: list[tuple[str, Path, Callable[[Path], None]]] = [
            ("DOCX samples/seed.docx (5 pages)", ROOT / "samples" / "seed.docx", plain_docx),
            ("HTML portal page from the seed", page, plain_html),
        ]
        if REALWORLD is not None:
            cases.append(
                ("HTML real portal page (01, 111 KB)", REALWORLD / "01-shuyang-xian-fagaiju-2023.html", plain_html)
            )
            cases.append(
                ("PDF real, WPS (08, 6 pages)", REALWORLD / "08-huaian-shi-renmin-zhengfu-2024.pdf", plain_pdf)
            )
        long_pdf = long_report_pdf(folder)
        if long_pdf is not None:
            cases.append((f"PDF LibreOffice ({pages(long_pdf)} pages)", long_pdf, plain_pdf))
        print(f"{'input':40} {'nianbao import':>15} {'plain text only':>16}")
        for label, path, plain in cases:
            ours = median_ms(lambda path=path: import_report(path), runs=5 if path.suffix == ".pdf" else 15)
            theirs = median_ms(lambda path=path, plain=plain: plain(path), runs=5 if path.suffix == ".pdf" else 15)
            print(f"{label:40} {ours:12.1f} ms {theirs:13.1f} ms")


if __name__ == "__main__":
    main()
