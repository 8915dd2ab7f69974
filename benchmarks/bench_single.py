"""Benchmark: `nianbao check` and `nianbao build` of one workbook as whole processes, against the plain way.

    python benchmarks/bench_single.py

The plain way is a script a user would write: openpyxl load, a DocxTemplate of the default template,
render, save (also timed as a whole process). Prints the median of 7 runs of each.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "inputs" / "seed.xlsx"
PLAIN = """
import sys, openpyxl, jinja2
from docxtpl import DocxTemplate
sys.path.insert(0, {root!r})
from generator import schema
from generator.publish.context import FILTERS, TESTS
from generator.model import make_report, to_document
book = openpyxl.load_workbook({seed!r}, data_only=True)
values = {{f.path: book[f.sheet][f.cell].value for f in schema.FIELDS}}
values["date"] = values["date"].date()
values["proactive.fees"] = values["proactive.fees"] or 0
env = jinja2.Environment(autoescape=True)
env.filters.update(FILTERS); env.tests.update(TESTS)
template = DocxTemplate({template!r})
template.render(to_document(make_report(values)), jinja_env=env)
template.save(sys.argv[1])
"""


def median_seconds(command: list[str], runs: int = 7) -> float:
    """Median wall time of a command run as a new process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print the figures."""
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        out = str(Path(folder) / "r.docx")
        check = median_seconds([python, "-m", "generator", "check", str(SEED)])
        build = median_seconds([python, "-m", "generator", "build", str(SEED), "-o", out])
        code = PLAIN.format(root=str(ROOT), seed=str(SEED), template=str(ROOT / "templates" / "default.docx"))
        plain = median_seconds([python, "-c", code, out])
        idle = median_seconds([python, "-c", "pass"])
    print(f"python start-up alone      {idle * 1000:6.0f} ms")
    print(f"nianbao check seed.xlsx    {check * 1000:6.0f} ms")
    print(f"nianbao build seed.xlsx    {build * 1000:6.0f} ms")
    print(f"plain openpyxl + docxtpl   {plain * 1000:6.0f} ms  (no checks)")


if __name__ == "__main__":
    main()
