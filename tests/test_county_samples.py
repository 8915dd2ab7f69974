"""The county samples and the county report's template are generated from the code: regenerating them
changes nothing, and the PNG pages in samples/ were made from the committed files."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from builders import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
spec = importlib.util.spec_from_file_location("county_samples", ROOT / "scripts" / "county_samples.py")
assert spec
assert spec.loader
county_samples = importlib.util.module_from_spec(spec)
spec.loader.exec_module(county_samples)

SAMPLES = ROOT / "samples"


def test_county_template_matches_the_code(tmp_path: Path) -> None:
    from generator.county.county_report import COUNTY_TEMPLATE, build_county_template

    fresh = tmp_path / COUNTY_TEMPLATE
    build_county_template(fresh)
    committed = ROOT / "templates" / COUNTY_TEMPLATE
    assert county_samples.parts(fresh.read_bytes()) == county_samples.parts(committed.read_bytes()), (
        "run python scripts/regenerate.py"
    )


def test_county_samples_match_the_code(tmp_path: Path) -> None:
    fresh = county_samples.write_county_samples(tmp_path, previews=False)
    for path in fresh:
        committed = SAMPLES / path.name
        assert committed.exists(), f"{committed} missing: run python scripts/regenerate.py"
        assert county_samples.parts(path.read_bytes()) == county_samples.parts(committed.read_bytes()), (
            f"samples/{path.name} drifted: run python scripts/regenerate.py"
        )
    digest = (SAMPLES / county_samples.DIGEST).read_text("utf-8").strip()
    assert county_samples.samples_digest(SAMPLES) == digest, "the county PNG pages are stale: regenerate them"
    for stem in ("county-summary", "county-analysis", "county-letter", "county-report"):
        pages = sorted(SAMPLES.glob(f"{stem}-*.png"))
        assert pages, stem
        assert all(page.read_bytes().startswith(b"\x89PNG") for page in pages)
