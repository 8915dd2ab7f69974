"""Regenerate inputs/ (and samples/, once the report exists) from inputs/seed.json and the code.

Run from the project root:  python scripts/regenerate.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.check import read_raw  # noqa: E402
from generator.jsonio import document_to_raw, dumps  # noqa: E402
from generator.model import blank_report  # noqa: E402
from generator.parse import parse  # noqa: E402
from generator.workbook import write_workbook  # noqa: E402

SEED = ROOT / "inputs" / "seed.json"


def as_printed(document: dict) -> dict:
    """The seed as the township published it: its (七)总计 row printed as all zeros."""
    printed = json.loads(json.dumps(document))
    printed["requests"]["total"] = dict.fromkeys(printed["requests"]["total"], 0)
    return printed


def write_inputs(folder: Path) -> list[Path]:
    """The blank workbook and the seed, corrected and as printed, as workbook and JSON."""
    folder.mkdir(parents=True, exist_ok=True)
    seed_report = parse(read_raw(SEED)[0]).report
    printed_report = parse(document_to_raw(as_printed(json.loads(SEED.read_text("utf-8"))))).report
    written = {
        "blank.xlsx": blank_report(),
        "seed.xlsx": seed_report,
        "seed-as-printed.xlsx": printed_report,
    }
    for name, report in written.items():
        write_workbook(folder / name, report)
    (folder / "seed-as-printed.json").write_text(dumps(printed_report), encoding="utf-8")
    return [folder / name for name in [*written, "seed-as-printed.json"]]


def main() -> None:
    """Regenerate everything derived from the code."""
    for path in write_inputs(ROOT / "inputs"):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
