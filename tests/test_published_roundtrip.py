"""Round trips through published reports: what nianbao builds, nianbao reads back exactly.

import(build(x)) == x for random valid reports, texts included; after LibreOffice has opened and re-saved the
DOCX; and, for the tables, from the PDF that LibreOffice makes of it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from builders import SEED_JSON, distinct_report
from hypothesis import HealthCheck, given, settings
from strategies import normal, printable_reports

from generator import schema
from generator.check.imported import import_report
from generator.check.load import load
from generator.model import Report, Section, make_report, with_values
from generator.publish.build import docx_to_pdf, render_report
from generator.publish.render import PreparedTemplate
from generator.publish.templates import load_template

SOFFICE = shutil.which("soffice")
REQUIRED = os.environ.get("NIANBAO_REQUIRE_LIBREOFFICE") == "1"
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None and not REQUIRED, reason="LibreOffice (soffice) is not installed"
)
TABLE_PATHS = [f.path for f in schema.FIELDS if f.kind in (schema.Kind.COUNT, schema.Kind.TOTAL, schema.Kind.AMOUNT)]


@pytest.fixture(scope="module")
def template() -> PreparedTemplate:
    return load_template()


@contextlib.contextmanager
def scratch(name: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="nianbao-published-") as folder:
        yield Path(folder) / name


@given(report=printable_reports())
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
def test_import_of_the_built_docx_is_the_report(template: PreparedTemplate, report: Report) -> None:
    with scratch("r.docx") as path:
        path.write_bytes(render_report(report, template))
        imported = import_report(path)
    assert imported.result.issues == ()
    assert normal(imported.report) == normal(report)


def tricky_reports() -> list[Report]:
    """A few reports for the slow LibreOffice round trips: the seed, every count distinct, awkward texts and fees."""
    seed = with_values(load(SEED_JSON).report, agency_type="")  # 机关类型 is not printed in a report
    distinct = distinct_report()
    values = {path: distinct[path] for path in TABLE_PATHS if distinct[path] is not None}
    awkward = make_report(
        {
            **seed.values,
            "agency": "某某县 “城关” 镇人民政府 & 便民服务中心",
            "proactive.fees": Decimal("24252.311082"),
            "requests.new.natural_person": 1234,
            "requests.granted.natural_person": 1234,
            "problems": "一是 <标签> & {{ 大括号 }}\n（一）改进措施\n😀 表情与　全角空格",
            "other_matters": "无",
        },
        (Section("", "引言段落。"), Section("标题。带句号", "第一行\n第二行"), Section("第二个小节", "")),
    )
    return [seed, with_values(seed, **values), awkward]


def soffice_convert(sources: list[Path], target: str, folder: Path) -> list[Path]:
    """Open and save the files with LibreOffice headless (one run for all), as a clerk re-saving them would."""
    assert SOFFICE, "NIANBAO_REQUIRE_LIBREOFFICE=1 but soffice is missing"
    out = folder / target
    out.mkdir()
    command = [SOFFICE, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", target]
    subprocess.run([*command, "--outdir", str(out), *map(str, sources)], check=True, capture_output=True, timeout=300)
    return [out / source.with_suffix(f".{target}").name for source in sources]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, template: PreparedTemplate) -> list[tuple[Report, Path]]:
    folder = tmp_path_factory.mktemp("built")
    files = []
    for index, report in enumerate(tricky_reports()):
        path = folder / f"report{index}.docx"
        path.write_bytes(render_report(report, template))
        files.append((report, path))
    return files


def test_awkward_reports_round_trip(built: list[tuple[Report, Path]]) -> None:
    """Titles with a full stop, an untitled first sub-section, markup characters, 1234, six decimals."""
    for report, path in built:
        imported = import_report(path)
        assert imported.result.issues == ()
        assert normal(imported.report) == normal(report)


@needs_libreoffice
def test_import_after_libreoffice_resaves_the_docx(built: list[tuple[Report, Path]], tmp_path: Path) -> None:
    resaved = soffice_convert([path for _, path in built], "docx", tmp_path)
    for (report, original), path in zip(built, resaved, strict=True):
        assert path.read_bytes() != original.read_bytes()
        imported = import_report(path)
        assert imported.result.issues == ()
        assert normal(imported.report) == normal(report)


@needs_libreoffice
def test_import_of_the_pdf_gives_the_tables(built: list[tuple[Report, Path]]) -> None:
    for report, path in built[1:]:  # every count distinct; large numbers and a fee with six decimals
        with scratch("r.pdf") as pdf:
            pdf.write_bytes(docx_to_pdf(path.read_bytes(), path.name))
            imported = import_report(pdf)
        assert imported.result.errors == ()
        expected = normal(report)["values"]
        found = normal(imported.report)["values"]
        assert {p: found[p] for p in TABLE_PATHS} == {p: expected[p] for p in TABLE_PATHS}
        assert (imported.report.agency, imported.report.year, imported.report["date"]) == (
            report.agency,
            report.year,
            report["date"],
        )
