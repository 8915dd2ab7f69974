"""inputs/ (and later samples/) are generated from the code: regenerating them changes nothing."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import zipfile
from pathlib import Path

import pytest
from builders import ROOT

from generator.check.load import load
from generator.formats.json_document import dumps

spec = importlib.util.spec_from_file_location("regenerate", ROOT / "scripts" / "regenerate.py")
assert spec
assert spec.loader
regenerate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(regenerate)

VOLATILE = {"docProps/core.xml"}  # holds the time of saving


def zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name not in VOLATILE}


def test_inputs_match_the_code_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the samples' SOURCE_DATE_EPOCH, the workbooks written now are the committed files, times and all."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(regenerate.SAMPLE_TIME.timestamp())))
    for fresh in regenerate.write_inputs(tmp_path):
        committed = ROOT / "inputs" / fresh.name
        assert committed.exists(), f"{committed} missing: run python scripts/regenerate.py"
        assert fresh.read_bytes() == committed.read_bytes(), (
            f"{committed.name} drifted: run python scripts/regenerate.py"
        )


def test_a_pdf_made_twice_under_source_date_epoch_is_the_same_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice stamps each PDF with the clock and a random ID: both are replaced, lengths kept."""
    from generator.publish.build import reproducible_pdf

    made = (ROOT / "samples" / "seed.pdf").read_bytes()
    other = re.sub(rb"/CreationDate\(D:\d{14}", b"/CreationDate(D:20300101000000", made)
    other = re.sub(rb"<[0-9A-F]{32}>", b"<" + b"0" * 32 + b">", other)
    assert other != made
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert reproducible_pdf(other) == other
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(regenerate.SAMPLE_TIME.timestamp())))
    assert reproducible_pdf(other) == made
    assert len(reproducible_pdf(other)) == len(other)


def test_seed_json_is_in_canonical_form() -> None:
    seed = ROOT / "inputs" / "seed.json"
    assert dumps(load(seed).report) == seed.read_text("utf-8")


def test_template_matches_the_code(tmp_path: Path) -> None:
    fresh = regenerate.write_template(tmp_path)
    assert zip_parts(fresh) == zip_parts(ROOT / "templates" / "default.docx"), "run python scripts/regenerate.py"


def test_samples_match_the_template(tmp_path: Path) -> None:
    fresh, fresh_html = regenerate.write_samples(tmp_path, ROOT / "templates" / "default.docx", previews=False)
    samples = ROOT / "samples"
    committed = samples / "seed.docx"
    assert zip_parts(fresh) == zip_parts(committed), "samples/ drifted: run python scripts/regenerate.py"
    assert fresh.read_bytes() == committed.read_bytes(), "the samples' docProps are made at a fixed time"
    digest = (samples / "seed.docx.sha256").read_text("utf-8").strip()
    assert regenerate.docx_digest(committed.read_bytes()) == digest, "PDF/PNG previews are stale: regenerate them"
    assert (samples / "seed.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in samples.glob("seed-*.png"))
    assert fresh_html.read_text("utf-8") == (samples / "seed.html").read_text("utf-8"), "samples/seed.html drifted"
    html_digest = hashlib.sha256((samples / "seed.html").read_bytes()).hexdigest()
    assert (samples / "seed.html.sha256").read_text("utf-8").strip() == html_digest, "seed-html.png is stale"
    for png in (
        "seed-html.png",
        "stock-windows-word-1.png",
        "stock-windows-libreoffice-1.png",
        "web-clerk.png",
        "web-county.png",
    ):
        assert (samples / png).read_bytes().startswith(b"\x89PNG"), png


def test_docs_and_example_template_match_the_code(tmp_path: Path) -> None:
    example, reference = regenerate.write_docs(tmp_path)
    assert zip_parts(example) == zip_parts(ROOT / "templates" / "red-header.docx"), "run python scripts/regenerate.py"
    assert reference.read_text("utf-8") == (ROOT / "docs" / "template-variables.md").read_text("utf-8")
