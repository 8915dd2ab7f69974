"""The workbook opened in LibreOffice computes its formulas and the status row; the reader reads the results."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from builders import ROOT, valid_report

from generator import schema
from generator.check.load import load
from generator.formats.workbook_writer import STATUS_ROW, write_workbook
from generator.formats.xlsx import read_values
from generator.model import complete_values

SOFFICE = shutil.which("soffice")
REQUIRED = os.environ.get("NIANBAO_REQUIRE_LIBREOFFICE") == "1"
pytestmark = pytest.mark.skipif(SOFFICE is None and not REQUIRED, reason="LibreOffice (soffice) is not installed")


def recalculate(source: Path, folder: Path) -> Path:
    """Open and save the workbook with LibreOffice headless, which computes and caches formula values."""
    assert SOFFICE, "NIANBAO_REQUIRE_LIBREOFFICE=1 but soffice is missing"
    folder.mkdir()
    profile = folder / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return folder / source.name


def test_formulas_and_status_computed_by_libreoffice(tmp_path: Path) -> None:
    report = valid_report(
        **{
            "requests.new.natural_person": 3,
            "requests.granted.natural_person": 2,
            "requests.carried_forward.natural_person": 1,
        }
    )
    source = tmp_path / "filled.xlsx"
    write_workbook(source, report)
    assert load(source).report["requests.total.natural_person"] is None  # formula, never calculated
    done = recalculate(source, tmp_path / "lo")
    checked = load(done)
    assert checked.result.ok, checked.result.flatten("code", "cell")
    # the standard totals are formulas: computed from the counts whatever their cached values say
    assert checked.report["requests.total.natural_person"] is None
    assert complete_values(checked.report.values) == complete_values(report.values) | {
        "proactive.fees": checked.report["proactive.fees"]
    }
    cached = read_values(done)[schema.SHEET_REQUESTS]
    assert (cached["D29"], cached["J6"]) == (2, 3)  # LibreOffice did compute them
    status = read_values(done)[schema.SHEET_REQUESTS]
    assert [status[f"{col}{STATUS_ROW}"] for col in "DEFGHIJ"] == ["相符"] * 7


def test_status_row_shows_the_seed_error(tmp_path: Path) -> None:
    done = recalculate(ROOT / "inputs" / "seed-as-printed.xlsx", tmp_path / "lo")
    status = read_values(done)[schema.SHEET_REQUESTS]
    assert [status[f"{col}{STATUS_ROW}"] for col in "DEFGHIJ"] == [
        "不符",
        "相符",
        "相符",
        "相符",
        "相符",
        "相符",
        "不符",
    ]
    assert load(done).result.flatten("code", "cell") == [("requests-total", "D29"), ("requests-total", "J29")]


def test_a_number_stored_as_text_is_named_once_after_recalculation(tmp_path: Path) -> None:
    """The clerk pastes "3" as text into D6: LibreOffice's SUM skips it, so its totals disagree; the check
    names D6 once, as it does before the recalculation."""
    import openpyxl

    source = tmp_path / "text.xlsx"
    write_workbook(source, valid_report(**{"requests.granted.natural_person": 3}))
    book = openpyxl.load_workbook(source)
    book[schema.SHEET_REQUESTS]["D6"] = "3"
    book.save(source)
    expected = [("number-as-text", "D6")]
    assert load(source).result.flatten("code", "cell") == expected
    done = recalculate(source, tmp_path / "lo")
    assert read_values(done)[schema.SHEET_REQUESTS]["J6"] == 0  # the spreadsheet's own total skipped the text
    assert load(done).result.flatten("code", "cell") == expected
