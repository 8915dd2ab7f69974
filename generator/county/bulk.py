"""A folder of inputs in one run: discovery, parallel checking and rendering, unique names, the summary."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..check.load import load
from ..errors import NianbaoError
from ..files import atomic_output, write_bytes
from ..publish import isolate
from ..publish.build import docx_to_pdf, render_checked, report_file_name
from ..publish.templates import load_template

INPUT_SUFFIXES = {".xlsx", ".xlsm", ".json"}
OLD_SUFFIXES = {".xls", ".et", ".ett", ".xlt"}
SUMMARY_NAME = "汇总"
SUMMARY_COLUMNS = ("序号", "文件", "机关", "年度", "状态", "错误数", "警告数", "问题", "报告文件")
OK, HAS_ERRORS, CANNOT_READ = "已生成", "有错误", "无法读取"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one input. Never an exception: a bad input is a row of the summary."""

    file: Path
    status: str
    agency: str = ""
    year: int | None = None
    errors: int = 0
    warnings: int = 0
    messages: tuple[str, ...] = ()
    docx: bytes | None = field(default=None, repr=False)
    pdf: bytes | None = field(default=None, repr=False)
    output: str = ""


def discover(folder: Path, recursive: bool = False, exclude: Path | None = None) -> list[Path]:
    """Inputs in a folder, sorted: .xlsx/.json and old .xls/.et (reported), no lock or hidden files."""
    pattern = "**/*" if recursive else "*"
    found = []
    for path in folder.glob(pattern):
        relative = path.relative_to(folder)
        if any(part.startswith((".", "~$")) for part in relative.parts) or not path.is_file():
            continue
        if exclude is not None and exclude in path.parents:
            continue
        if path.suffix.lower() in INPUT_SUFFIXES | OLD_SUFFIXES:
            found.append(path)
    return sorted(found, key=lambda p: str(p.relative_to(folder)))


def process_one(path: Path, template_path: Path | None = None, pdf: bool = False) -> Outcome:
    """Check one input and render its report to bytes; every failure becomes an Outcome."""
    try:
        checked = load(path)
    except NianbaoError as exc:
        return Outcome(path, CANNOT_READ, errors=1, messages=(exc.message,))
    report = checked.report
    docx: bytes | None = None
    result = checked.result
    try:
        if result.ok:
            docx, result = render_checked(checked, load_template(template_path))
        pdf_bytes = docx_to_pdf(docx, path.stem) if pdf and docx is not None else None
    except NianbaoError as exc:
        lines = (*(issue.line for issue in result.issues), exc.message)
        return Outcome(path, CANNOT_READ, report.agency, report.year, 1, len(result.warnings), lines)
    status = OK if docx is not None else HAS_ERRORS
    lines = tuple(issue.line for issue in result.issues)
    return Outcome(
        path, status, report.agency, report.year, len(result.errors), len(result.warnings), lines, docx, pdf_bytes
    )


def _worker_init(template_path: Path | None) -> None:
    """Prepare the template once per worker process; a custom one renders here, under isolate's limits."""
    isolate.enter_worker()
    load_template(template_path)


def run(paths: list[Path], template_path: Path | None = None, jobs: int = 1, pdf: bool = False) -> Iterator[Outcome]:
    """Process inputs, in parallel processes when jobs > 1; outcomes come back in input order."""
    if jobs <= 1 or len(paths) <= 1:
        yield from (process_one(path, template_path, pdf) for path in paths)
        return
    chunk = max(1, min(16, len(paths) // (jobs * 4)))
    with ProcessPoolExecutor(jobs, initializer=_worker_init, initargs=(template_path,)) as pool:
        try:
            yield from pool.map(process_one, paths, [template_path] * len(paths), [pdf] * len(paths), chunksize=chunk)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name（2）`, `name（3）`… when a report of that name was already written in this run."""
    stem, dot, suffix = name.rpartition(".")
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem}（{number}）{dot}{suffix}"
    taken.add(candidate.lower())
    return candidate


def write_outcomes(outcomes: Iterable[Outcome], out_dir: Path, on_each: Callable[[Outcome], None]) -> list[Outcome]:
    """Write each report under a unique name as it arrives; keep only the summary rows in memory."""
    taken: set[str] = set()
    first_of: dict[str, Path] = {}
    rows: list[Outcome] = []
    for outcome in outcomes:
        row = outcome  # outcomes without a report carry no bytes; with one, the bytes are dropped below
        if outcome.docx is not None:
            wanted = report_file_name(outcome.agency, outcome.year)
            name = unique_name(wanted, taken)
            write_bytes(out_dir / name, outcome.docx)
            if outcome.pdf is not None:
                write_bytes(out_dir / Path(name).with_suffix(".pdf"), outcome.pdf)
            duplicate = name != wanted
            messages = outcome.messages
            if duplicate:
                messages = (*messages, f"警告  与“{first_of[wanted].name}”的机关和年度相同，报告另存为“{name}”，请核对")
            else:
                first_of[wanted] = outcome.file
            warnings = outcome.warnings + duplicate
            row = replace(outcome, docx=None, pdf=None, messages=messages, warnings=warnings, output=name)
        on_each(row)
        rows.append(row)
    return rows


def summary_rows(rows: list[Outcome], folder: Path) -> list[list[object]]:
    """The rows of the summary table."""
    table: list[list[object]] = []
    for index, row in enumerate(rows, start=1):
        file = str(row.file.relative_to(folder)) if folder in row.file.parents else str(row.file)
        table.append(
            [
                index,
                file,
                row.agency,
                row.year or "",
                row.status,
                row.errors,
                row.warnings,
                "\n".join(row.messages),
                row.output,
            ]
        )
    return table


def write_summary(rows: list[Outcome], folder: Path, out_dir: Path) -> tuple[Path, Path]:
    """汇总.xlsx (rows with errors highlighted) and 汇总.csv (UTF-8 with BOM, for Excel on Chinese Windows)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    table = summary_rows(rows, folder)
    book = Workbook(write_only=True)  # streams rows: a county's thousands of rows stay fast
    sheet = book.create_sheet(SUMMARY_NAME)
    for column, width in zip("ABCDEFGHI", (6, 30, 30, 8, 10, 8, 8, 100, 50), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    bold, red, wrap = Font(bold=True), PatternFill("solid", fgColor="F8CBAD"), Alignment(wrap_text=True, vertical="top")

    def cells(values: list[Any], **style: object) -> list[Any]:
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # a message starting with "=" is text, not a formula
            for name, setting in style.items():
                setattr(cell, name, setting)
            out.append(cell)
        return out

    sheet.append(cells(list(SUMMARY_COLUMNS), font=bold))
    for values, row in zip(table, rows, strict=True):
        sheet.append(cells(values, alignment=wrap) if row.status == OK else cells(values, alignment=wrap, fill=red))
    xlsx = out_dir / f"{SUMMARY_NAME}.xlsx"
    with atomic_output(xlsx) as temporary:
        book.save(temporary)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SUMMARY_COLUMNS)
    writer.writerows(table)
    csv_path = out_dir / f"{SUMMARY_NAME}.csv"
    write_bytes(csv_path, buffer.getvalue().encode("utf-8-sig"))
    return xlsx, csv_path


def default_jobs() -> int:
    """The machine's cores."""
    return os.cpu_count() or 1
