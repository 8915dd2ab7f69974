"""Benchmark: `nianbao bulk` against the I/O floor and the plain hand-written loop, on N workbooks of distinct units.

    python benchmarks/bench_bulk.py            # N = 1000, 2 workers
    python benchmarks/bench_bulk.py -n 200 --jobs 2 --plain 50
    python benchmarks/bench_bulk.py --texts    # units whose 一 is written: no 退回意见 to write
    python benchmarks/bench_bulk.py --roster   # also with a roster of the N units

By default the units leave the sub-sections of 一 empty (six warnings each), so every unit also gets its
退回意见 (.docx and .txt) and its row of warnings: the heaviest summary a county can have. With --texts no unit
has a problem, as in a county whose reports are all in order.

Prints reports per second, bulk's cost per report and core as a multiple of the I/O floor measured in the
same run, the ratio to the plain loop, and the peak memory (RSS) of a worker at N and 10×N.

The I/O floor is what no implementation can avoid, per report: reading every part of the workbook zip,
and writing the report zip with only document.xml compressed afresh (the template's other parts ready
compressed, as any cached renderer would keep them). Rates differ between machines; the multiple does not.
The plain approach is what a user would write: per file openpyxl load, a fresh DocxTemplate of the
default template, render, save, in one process. It is timed on the first --plain files (default 100)
because at ~0.3 s a file it would take minutes for all N; its rate is per file, so it compares directly.
"""

from __future__ import annotations

import argparse
import io
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import schema  # noqa: E402
from generator.formats.workbook_writer import write_workbook  # noqa: E402
from generator.model import blank_report, with_values  # noqa: E402
from generator.publish.templates import default_template_path  # noqa: E402

PLACEHOLDER = "基准测试单位PLACEHOLDER"


def base_workbook(texts: bool = False) -> bytes:
    """A filled standard workbook (styled, 9 sheets, data validation) with a placeholder agency; its sub-sections
    of 一 left empty (six warnings: every unit gets a 退回意见), or with `texts` written (no problem at all)."""
    import datetime as dt
    from dataclasses import replace

    from generator.model import Section

    report = with_values(
        blank_report(),
        agency=PLACEHOLDER,
        year=2025,
        date=dt.date(2026, 1, 20),
        problems="存在的问题。\n改进措施。",
        other_matters="无",
        **{"requests.new.natural_person": 7, "requests.granted.natural_person": 7},
    )
    if texts:
        report = replace(report, overview=tuple(Section(s.title, "本年度按规定开展工作。") for s in report.overview))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "base.xlsx"
        write_workbook(path, report)
        return path.read_bytes()


def variant(base: bytes, index: int) -> bytes:
    """The base workbook for unit `index`: its own name, and its own (consistent) request counts."""
    count = index % 97
    cells = {schema.BY_PATH["requests.new.natural_person"].cell, schema.BY_PATH["requests.granted.natural_person"].cell}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                text = data.decode().replace(PLACEHOLDER, f"基准县第{index:05d}号单位")
                for cell in cells:
                    text = re.sub(rf'(<c r="{cell}"[^>]*><v>)7(</v>)', rf"\g<1>{count}\g<2>", text)
                data = text.encode()
            target.writestr(info, data)
    return out.getvalue()


def write_roster(path: Path, n: int) -> Path:
    """A county roster (CSV) naming the N units, as `bulk --roster` reads it."""
    names = "\n".join(f"基准县第{index:05d}号单位" for index in range(n))
    path.write_text(f"机关全称\n{names}\n", encoding="utf-8")
    return path


def make_inputs(folder: Path, n: int, texts: bool = False) -> None:
    """N workbooks of distinct units."""
    folder.mkdir(parents=True, exist_ok=True)
    base = base_workbook(texts)
    for index in range(n):
        (folder / f"unit{index:05d}.xlsx").write_bytes(variant(base, index))


def time_bulk(inputs: Path, out: Path, jobs: int, extra: tuple[str, ...] = ()) -> tuple[float, float, float]:
    """Seconds for `nianbao bulk` as a whole process, its CPU seconds (all processes), and the peak RSS (MiB)
    of its largest worker."""
    code = (
        "import sys, resource; from generator.cli import cli\n"
        "try: cli(sys.argv[1:], standalone_mode=False)\n"
        "finally: print('PEAK', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, "bulk", str(inputs), "-o", str(out), "--jobs", str(jobs), "-q", *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"bulk failed ({done.returncode}): {done.stderr[-2000:]}")
    children, _ = (int(x) for x in done.stderr.split("PEAK")[1].split()[:2])
    return seconds, cpu, children / 1024


def time_plain(paths: list[Path], out: Path) -> float:
    """The hand-written loop: openpyxl load, fresh DocxTemplate, render, save; one process."""
    import jinja2
    import openpyxl
    from docxtpl import DocxTemplate

    from generator.model import make_report, to_document
    from generator.publish.context import FILTERS

    env = jinja2.Environment(autoescape=True)
    env.filters.update(FILTERS)
    env.tests["heading2"] = lambda text: str(text).startswith("（")
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for path in paths:
        book = openpyxl.load_workbook(path, data_only=True)
        values = {f.path: book[f.sheet][f.cell].value for f in schema.FIELDS}
        values = {
            k: (0 if v is None and k not in schema.TOTAL_PATHS and k not in ("date",) else v) for k, v in values.items()
        }
        values["date"] = values["date"].date() if values["date"] else None
        document = to_document(make_report(values))
        template = DocxTemplate(default_template_path())
        template.render(document, jinja_env=env)
        template.save(out / f"{path.stem}.docx")
    return time.perf_counter() - start


def time_floor(paths: list[Path], out: Path) -> float:
    """Seconds per report of the I/O floor: read every workbook part, write a report zip (one part deflated)."""
    from generator.publish.templates import load_template
    from generator.publish.zipwrite import build_zip, compress

    template = load_template(None)
    document = dict(template.entries)["word/document.xml"]
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                archive.read(info)
        entries = [
            compress(name, document) if name == "word/document.xml" else template.compressed[name]
            for name, _ in template.entries
            if name in template.compressed or name == "word/document.xml"
        ]
        (out / f"{path.stem}.docx").write_bytes(build_zip(entries))
    return (time.perf_counter() - start) / len(paths)


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--plain", type=int, default=100, help="files timed with the plain loop")
    parser.add_argument("--no-10x", action="store_true", help="skip the 10×N memory run")
    parser.add_argument("--texts", action="store_true", help="units with their texts written: no 退回意见 to write")
    parser.add_argument("--roster", action="store_true", help="also run with a roster of the N units (--roster)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as folder:
        root = Path(folder)
        made = time.perf_counter()
        make_inputs(root / "in", args.n, args.texts)
        print(f"generated {args.n} workbooks in {time.perf_counter() - made:.1f} s")
        floor = time_floor(sorted((root / "in").glob("*.xlsx")), root / "floor")
        print(f"I/O floor     {floor * 1000:.2f} ms per report (read every workbook part, write the report zip)")
        seconds, cpu, peak = time_bulk(root / "in", root / "out", args.jobs)
        rate = args.n / seconds
        per_core = cpu / args.n
        print(
            f"nianbao bulk  N={args.n} jobs={args.jobs}: {seconds:.2f} s, {rate:.0f} reports/s, worker peak RSS {peak:.0f} MiB"
        )
        print(
            f"              {per_core * 1000:.2f} ms of CPU per report = {per_core / floor:.1f}x the I/O floor "
            f"(all processes, start-up and summary included; wall x jobs: {seconds * args.jobs / args.n / floor:.1f}x)"
        )
        if args.roster:
            roster = ("--roster", str(write_roster(root / "名单.csv", args.n)))
            seconds_r, cpu_r, _ = time_bulk(root / "in", root / "out-roster", args.jobs, roster)
            print(
                f"with --roster ({args.n} units): {seconds_r:.2f} s, {args.n / seconds_r:.0f} reports/s, "
                f"{cpu_r / args.n * 1000:.2f} ms of CPU per report"
            )
        plain_paths = sorted((root / "in").glob("*.xlsx"))[: args.plain]
        plain_seconds = time_plain(plain_paths, root / "plain")
        plain_rate = len(plain_paths) / plain_seconds
        print(f"plain loop    {len(plain_paths)} files, 1 process: {plain_seconds:.2f} s, {plain_rate:.1f} reports/s")
        print(f"ratio: nianbao bulk is {rate / plain_rate:.1f}x the plain loop")
        if not args.no_10x:
            make_inputs(root / "in10", args.n * 10, args.texts)
            seconds10, _, peak10 = time_bulk(root / "in10", root / "out10", args.jobs)
            print(
                f"nianbao bulk  N={args.n * 10} jobs={args.jobs}: {seconds10:.2f} s, {args.n * 10 / seconds10:.0f} reports/s, worker peak RSS {peak10:.0f} MiB"
            )
    print(f"(max RSS of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
