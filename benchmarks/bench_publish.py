"""Benchmark: what --html and --package cost per report, against the plain ways.

    python benchmarks/bench_publish.py

In process (the library, as `bulk` runs it): the DOCX alone; the HTML page alone; the DOCX with the HTML;
the PDF (LibreOffice); a whole package (DOCX, PDF, HTML, 发布信息.json written as a folder).
The plain way to an HTML page is LibreOffice's own DOCX→HTML export (`soffice --convert-to html`), which
is what a clerk without nianbao would do; it keeps no table headers, so it is a time reference only.
Prints the median of several runs of each.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_ms

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.check.load import load  # noqa: E402
from generator.publish.build import docx_to_pdf, libreoffice_environment, publish, render_report  # noqa: E402
from generator.publish.html import report_html  # noqa: E402
from generator.publish.package import publication_header, write_package  # noqa: E402
from generator.publish.templates import load_template  # noqa: E402

SEED = ROOT / "inputs" / "seed.json"


def main() -> None:
    """Print the figures."""
    report = load(SEED).report
    template = load_template()
    docx = render_report(report, template)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        source = out / "seed.docx"
        source.write_bytes(docx)

        def package() -> None:
            made = publish(report, render_report(report, template), "seed.docx", pdf=True, html=True)
            named = [(f"seed{suffix}", data) for suffix, data in made.files]
            write_package(out / "seed", publication_header(report), named)

        def libreoffice_html() -> None:
            subprocess.run(
                [
                    "soffice",
                    f"-env:UserInstallation={(out / 'profile').as_uri()}",
                    "--headless",
                    "--convert-to",
                    "html",
                    "--outdir",
                    str(out),
                    str(source),
                ],
                check=True,
                capture_output=True,
                env=libreoffice_environment(),
            )

        figures = [
            ("DOCX alone (render_report)", median_ms(lambda: render_report(report, template), 50)),
            ("HTML page alone (report_html)", median_ms(lambda: report_html(report), 50)),
            (
                "DOCX + HTML (build --html)",
                median_ms(lambda: publish(report, render_report(report, template), "s", html=True), 50),
            ),
            ("PDF alone (LibreOffice)", median_ms(lambda: docx_to_pdf(docx, "seed.docx"), 5)),
            ("package: DOCX+PDF+HTML+json (--package)", median_ms(package, 5)),
            ("plain: soffice --convert-to html", median_ms(libreoffice_html, 5)),
        ]
    print(f"per report, {SEED.name}, median:")
    for label, ms in figures:
        print(f"  {label:42s} {ms:8.1f} ms")


if __name__ == "__main__":
    main()
