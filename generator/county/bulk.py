"""A folder of inputs in one run: discovery, parallel checking and rendering, unique names, the summary."""

from __future__ import annotations

import contextlib
import csv
import ctypes
import datetime as dt
import hashlib
import io
import json
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..check.load import load
from ..errors import NianbaoError
from ..files import atomic_output, write_bytes, write_text
from ..issues import CheckResult
from ..publish import isolate
from ..publish.build import Publication, publish, render_checked, report_file_name
from ..publish.package import INDEX_NAME, IndexRow, index_html, publication_header, write_package
from ..publish.templates import load_template
from .workers import Failure, Supervisor

INPUT_SUFFIXES = {".xlsx", ".xlsm", ".json", ".docx", ".html", ".htm", ".pdf"}  # and published reports
OLD_SUFFIXES = {".xls", ".et", ".ett", ".xlt", ".doc", ".wps", ".mht", ".mhtml"}  # read only to say what to do
SUMMARY_NAME = "汇总"
SUMMARY_COLUMNS = ("序号", "文件", "机关", "年度", "状态", "错误数", "警告数", "问题", "报告文件")
OK, HAS_ERRORS, CANNOT_READ = "已生成", "有错误", "无法读取"
STOPPED, INTERNAL, NOT_AN_INPUT, CANNOT_WRITE = "无法处理", "内部错误", "未处理", "无法写入"
INPUT_SECONDS = 120.0  # wall clock per input: a real report takes well under a second
PDF_SECONDS = 180.0  # more when LibreOffice makes a PDF


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
    files: tuple[tuple[str, bytes], ...] = field(default=(), repr=False)  # by suffix: .docx, .pdf, .html
    output: str = ""
    date: str = ""  # 成文日期 (ISO), for the index page and 发布信息.json
    package: dict[str, Any] | None = field(default=None, repr=False)  # 发布信息.json's header, for a package
    written: tuple[str, ...] = ()  # the files written, relative to the output folder

    @property
    def docx(self) -> bytes | None:
        """The report's DOCX, if one was made."""
        return dict(self.files).get(".docx")


@dataclass(frozen=True, slots=True)
class Outputs:
    """What to make beside each DOCX: a PDF, an HTML page, or a package folder holding all three."""

    pdf: bool = False
    html: bool = False
    package: bool = False

    @property
    def needs_pdf(self) -> bool:
        """Whether a PDF is made."""
        return self.pdf or self.package

    @property
    def needs_html(self) -> bool:
        """Whether an HTML page is made (and so the index page)."""
        return self.html or self.package


def _files(folder: Path, recursive: bool, exclude: Path | None) -> list[Path]:
    """Every file in a folder (sorted), hidden ones and those in `exclude` (the output folder) left out."""
    pattern = "**/*" if recursive else "*"
    found = []
    for path in folder.glob(pattern):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if exclude is not None and (exclude == path.parent.resolve() or exclude in path.resolve().parents):
            continue
        found.append(path)
    return sorted(found, key=lambda p: str(p.relative_to(folder)))


def _is_input(path: Path) -> bool:
    return path.suffix.lower() in INPUT_SUFFIXES | OLD_SUFFIXES and not path.name.startswith("~$")


def discover(folder: Path, recursive: bool = False, exclude: Path | None = None) -> list[Path]:
    """Inputs in a folder, sorted: .xlsx/.json, published reports, old .xls/.et/.doc (reported); no lock files."""
    return [path for path in _files(folder, recursive, exclude) if _is_input(path)]


def unprocessed(folder: Path, recursive: bool = False, exclude: Path | None = None) -> list[Outcome]:
    """The other files of the folder, each a row of the summary saying why it was not processed."""
    rows = []
    for path in _files(folder, recursive, exclude):
        if _is_input(path):
            continue
        if path.name.startswith("~$"):
            reason = "这是 Excel/WPS/Word 打开文件时生成的临时文件（原文件可能正开着），已跳过"
        else:
            reason = "不是年报文件：只处理工作簿（.xlsx）、JSON 和已发布的报告（.docx、.html、.pdf）"
        rows.append(Outcome(path, NOT_AN_INPUT, messages=(reason,)))
    return rows


def process_one(path: Path, template_path: Path | None = None, outputs: Outputs | bool = False) -> Outcome:
    """Check one input and render its report (and PDF, HTML) to bytes; every failure becomes an Outcome."""
    try:
        return _process(path, template_path, outputs if isinstance(outputs, Outputs) else Outputs(pdf=outputs))
    except Exception as exc:  # a bug of ours with this input: its row says so, the batch goes on
        message = f"内部错误（{type(exc).__name__}: {str(exc)[:200]}）：请把这个文件和这条信息发给维护者"
        return Outcome(path, INTERNAL, errors=1, messages=(message,))


def _process(path: Path, template_path: Path | None, outputs: Outputs) -> Outcome:
    try:
        checked = load(path)
    except NianbaoError as exc:
        return Outcome(path, CANNOT_READ, errors=1, messages=(exc.message,))
    report = checked.report
    result = checked.result
    made: Publication | None = None
    try:
        if result.ok:
            docx, result = render_checked(checked, load_template(template_path))
            if docx is not None:
                made = publish(report, docx, path.stem, pdf=outputs.needs_pdf, html=outputs.needs_html)
    except NianbaoError as exc:
        lines = (*(issue.line for issue in result.issues), exc.message)
        return Outcome(path, CANNOT_READ, report.agency, report.year, 1, len(result.warnings), lines)
    if made is not None:
        result = CheckResult.of((*result.issues, *made.issues))
    status = OK if made is not None else HAS_ERRORS
    lines = tuple(issue.line for issue in result.issues)
    date = report["date"]
    return Outcome(
        path,
        status,
        report.agency,
        report.year,
        len(result.errors),
        len(result.warnings),
        lines,
        made.files if made is not None else (),
        date=date.isoformat() if isinstance(date, dt.date) else "",
        package=publication_header(report) if outputs.package and made is not None else None,
    )


def _worker_init(template_path: Path | None) -> None:
    """Prepare the template once per worker process; a custom one renders here, under isolate's limits."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the main process stops us
    isolate.enter_worker()
    load_template(template_path)


def die_with_parent() -> None:
    """On Linux, have the kernel stop this worker when the bulk process dies (even by SIGKILL): no orphans."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def run(
    paths: list[Path],
    template_path: Path | None = None,
    jobs: int = 1,
    outputs: Outputs | bool = False,
    inline: bool = False,
) -> Iterator[Outcome]:
    """Process inputs in worker processes (or here, `inline`); outcomes come back in input order.

    No input stops the batch: an exception is its row; an input that overruns its wall clock or kills its
    worker is its row too (workers.Supervisor)."""
    if inline:
        yield from (process_one(path, template_path, outputs) for path in paths)
        return
    wanted = outputs if isinstance(outputs, Outputs) else Outputs(pdf=outputs)
    seconds = INPUT_SECONDS + (PDF_SECONDS if wanted.needs_pdf else 0)
    supervisor: Supervisor[Outcome] = Supervisor(
        process_one, (template_path, wanted), jobs, seconds, _worker_init, (template_path,)
    )
    for item in supervisor.run(paths):
        yield Outcome(item.path, STOPPED, errors=1, messages=(item.reason,)) if isinstance(item, Failure) else item


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
    """Write each report under a unique name as it arrives (a package as a folder); keep only the summary
    rows in memory; then, when HTML pages were made, the index page listing them all."""
    taken: set[str] = set()
    first_of: dict[str, Path] = {}
    rows: list[Outcome] = []
    for outcome in outcomes:
        row = outcome  # outcomes without a report carry no bytes; with one, the bytes are dropped below
        if outcome.files:
            wanted = report_file_name(outcome.agency, outcome.year)
            name = unique_name(wanted, taken)
            try:
                written = _write_report(out_dir, name, outcome)
            except NianbaoError as exc:  # this report could not be written (disk full, name refused): its row
                row = replace(outcome, files=(), package=None, status=CANNOT_WRITE, errors=1, messages=(exc.message,))
                on_each(row)
                rows.append(row)
                continue
            duplicate = name != wanted
            messages = outcome.messages
            if duplicate:
                messages = (*messages, f"警告  与“{first_of[wanted].name}”的机关和年度相同，报告另存为“{name}”，请核对")
            else:
                first_of[wanted] = outcome.file
            warnings = outcome.warnings + duplicate
            output = str(Path(name).with_suffix("")) if outcome.package is not None else name
            row = replace(
                outcome, files=(), package=None, messages=messages, warnings=warnings, output=output, written=written
            )
        on_each(row)
        rows.append(row)
    if any(Path(f).suffix == ".html" for row in rows for f in row.written):
        write_text(out_dir / INDEX_NAME, index_html([_index_row(row) for row in rows]))
    return rows


def _write_report(out_dir: Path, name: str, outcome: Outcome) -> tuple[str, ...]:
    """Write one report's files beside each other, or as a package folder; their paths relative to out_dir."""
    named = [(Path(name).with_suffix(suffix).name, data) for suffix, data in outcome.files]
    if outcome.package is not None:
        folder = Path(name).with_suffix("")
        paths = write_package(out_dir / folder, outcome.package, named)
        return tuple(str(folder / p.name) for p in paths)
    for file_name, data in named:
        write_bytes(out_dir / file_name, data)
    return tuple(file_name for file_name, _ in named)


def _index_row(row: Outcome) -> IndexRow:
    return IndexRow(row.agency or row.file.name, row.year, row.date, row.status, row.written)


def neutral(value: object) -> object:
    """A text a spreadsheet would run as a formula (=, +, -, @ first) made plain text with a leading '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


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
        values = [neutral(value) for value in values]
        sheet.append(cells(values, alignment=wrap) if row.status == OK else cells(values, alignment=wrap, fill=red))
    xlsx = out_dir / f"{SUMMARY_NAME}.xlsx"
    with atomic_output(xlsx) as temporary:
        book.save(temporary)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SUMMARY_COLUMNS)
    writer.writerows([[neutral(value) for value in values] for values in table])
    csv_path = out_dir / f"{SUMMARY_NAME}.csv"
    write_bytes(csv_path, buffer.getvalue().encode("utf-8-sig"))
    return xlsx, csv_path


MANIFEST_NAME = ".nianbao-bulk-manifest.json"  # what the last run wrote here, to remove it when it is stale


def written_files(out_dir: Path, rows: list[Outcome]) -> dict[str, str]:
    """Every report file this run wrote, relative to `out_dir`, with its SHA-256."""
    return {name: _digest(out_dir / name) for row in rows for name in row.written if (out_dir / name).is_file()}


def remove_stale(out_dir: Path, written: dict[str, str]) -> list[str]:
    """Remove the reports a previous run wrote here that this run did not write again (their input now has
    errors, or is gone), unless someone changed them since; then record what this run wrote. The lines to
    tell the user: what was removed, what was kept because it was edited."""
    manifest = out_dir / MANIFEST_NAME
    try:
        before = json.loads(manifest.read_text("utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        before = {}
    lines = []
    for name, digest in sorted(before.items()):
        path = out_dir / name
        if name in written or not path.is_file() or not _inside(out_dir, path):
            continue
        if _digest(path) == digest:
            path.unlink()
            if path.parent != out_dir:
                with contextlib.suppress(OSError):
                    path.parent.rmdir()  # a package folder now empty
            lines.append(f"已删除上次生成、本次未再生成的“{name}”（其输入已有错误或已不在文件夹中）")
        else:
            lines.append(f"“{name}”是上次生成的，本次未再生成；它在那之后被修改过，所以保留，请核对是否还要用它")
    write_text(manifest, json.dumps({"files": written}, ensure_ascii=False, indent=1, sort_keys=True))
    return lines


def _inside(folder: Path, path: Path) -> bool:
    return folder.resolve() in path.resolve().parents


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def default_jobs() -> int:
    """The machine's cores."""
    return os.cpu_count() or 1
