"""The work the server hands to its worker processes: checking, building, the county's downloads.

Each function takes file paths and plain values and returns picklable frozen values (or raises a
NianbaoError, which travels back as it is). They call the library as `cli.py` does.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..check.load import load
from ..county import bulk
from ..county.rollup import roll_up
from ..county.roster import Unit as RosterUnit
from ..county.roster import make_roster
from ..errors import NianbaoError
from ..formats.json_document import dumps
from ..issues import CheckResult
from ..publish import isolate
from ..publish.build import publish, render_checked, report_file_name, safe_file_name
from ..publish.html import report_html
from ..publish.templates import load_template
from .view import Note, PageView, notes_of, page_view

FORMATS = {"docx": ".docx", "pdf": ".pdf", "html": ".html"}
MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".html": "text/html; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}


def init_worker() -> None:
    """Each worker: custom templates render here under isolate's limits; the default template is prepared once."""
    isolate.enter_worker()
    load_template()


def check_json_text(result: CheckResult) -> str:
    """Exactly what `nianbao check --json` prints."""
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"


def check_text(path: str, previous: str | None = None) -> str:
    """Read and check an input: exactly what `nianbao check --json` prints (the API's answer, nothing more)."""
    return check_json_text(load(Path(path), Path(previous) if previous else None).result)


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """A checked input: the result, the page, the JSON document (when it has no error) and what it is."""

    result: CheckResult
    page: PageView
    document: str | None
    input_format: str


def check_file(path: str, previous: str | None = None) -> CheckOutcome:
    """Read and check an input (against last year's report when given)."""
    checked = load(Path(path), Path(previous) if previous else None)
    document = dumps(checked.report) if checked.result.ok else None
    page = page_view(Path(path).name, checked.report, checked.result)
    return CheckOutcome(checked.result, page, document, checked.input_format.value)


@dataclass(frozen=True, slots=True)
class BuildOutcome:
    """A build: the result and, when there was no error, the file's name and bytes."""

    result: CheckResult
    name: str = ""
    data: bytes | None = None


def build_file(path: str, fmt: str, template: str | None = None) -> BuildOutcome:
    """Check an input and make its report as DOCX, PDF or HTML (the county's template, if it has one)."""
    suffix = FORMATS[fmt]
    checked = load(Path(path))
    if not checked.result.ok:
        return BuildOutcome(checked.result)
    name = report_file_name(checked.report.agency, checked.report.year, suffix)
    if suffix == ".html":  # the page follows the default layout whatever the template
        return BuildOutcome(checked.result, name, report_html(checked.report).encode("utf-8"))
    docx, result = render_checked(checked, load_template(Path(template) if template else None))
    if docx is None:
        return BuildOutcome(result)
    made = publish(checked.report, docx, name, pdf=suffix == ".pdf")
    return BuildOutcome(CheckResult.of((*result.issues, *made.issues)), name, dict(made.files)[suffix])


def unreadable_json(message: str) -> str:
    """What is stored for a file that could not be read: the reason, in the shape of a failed check."""
    return json.dumps({"ok": False, "errors": [], "warnings": [], "message": message}, ensure_ascii=False) + "\n"


def page_notes(result: CheckResult) -> tuple[Note, ...]:
    """A check's issues as the page lists them (a template's problems, for instance)."""
    return notes_of(result)


def blank_workbook() -> bytes:
    """The blank standard workbook."""
    from ..formats.workbook_writer import write_workbook
    from ..model import blank_report

    with tempfile.TemporaryDirectory(prefix="nianbao-blank-") as folder:
        path = Path(folder) / "blank.xlsx"
        write_workbook(path, blank_report())
        return path.read_bytes()


def lint_template(path: str) -> CheckResult:
    """The check of a Word template the county uploads (in a child process with limits: publish.lint)."""
    from ..publish.lint import lint

    return lint(Path(path)).result


# --- the county's downloads ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Latest:
    """A unit of the roster (its 机关类型 and contact) and its latest submission (if any): the stored file and
    the name the unit gave it."""

    unit: str
    path: str | None = None
    file_name: str = ""
    agency_type: str = ""
    contact: str = ""


SENT_FOLDER = "报送文件"  # the files as the units sent them, in the zip beside the reports: 报送文件/单位/文件名


def reports_zip(latest: list[Latest], template: str | None = None) -> bytes:
    """Every unit's latest submission without errors built to DOCX and HTML, the 退回意见 of the others, an
    index page, the summary and the files the units sent, in one zip (as `nianbao bulk --roster --html`
    writes them)."""
    with tempfile.TemporaryDirectory(prefix="nianbao-zip-") as folder:
        out = Path(folder)
        county_run(latest, template, out)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(out).as_posix())
        return buffer.getvalue()


def summary_workbook(latest: list[Latest], template: str | None = None) -> bytes:
    """汇总.xlsx of every unit's latest submission: the one reports.zip holds, without links (the files it
    names are not beside it)."""
    with tempfile.TemporaryDirectory(prefix="nianbao-summary-") as folder:
        return county_run(latest, template, Path(folder), links=False).xlsx.read_bytes()


def county_run(latest: list[Latest], template: str | None, out: Path, links: bool = True) -> bulk.Summary:
    """`nianbao bulk --roster --html` over every unit's latest submission, written in `out`: the roster made
    of the server's units, each submission (copied to 报送文件/单位/ under the name the unit gave it) checked
    and built with the county's template, its row the unit's, then the summary with 未报送 and 报送情况."""
    units = [RosterUnit(e.unit, e.agency_type, e.contact, row) for row, e in enumerate(latest, start=1)]
    roster = make_roster(units)
    sent = out / SENT_FOLDER
    template_path = Path(template) if template else None
    outcomes = (
        bulk.process_one(_copy_sent(entry, sent), template_path, bulk.Outputs(html=True), bulk.Context(sender=unit))
        for entry, unit in zip(latest, units, strict=True)
        if entry.path
    )
    rows = bulk.write_outcomes(outcomes, out, lambda _row: None)
    return bulk.summarise(rows, [], sent, out, bulk.Context(roster), links)


def _copy_sent(entry: Latest, sent: Path) -> Path:
    """The stored file copied to 报送文件/单位/ under the name the unit gave it (its letter names that file)."""
    folder = sent / safe_file_name(entry.unit, blank="单位")
    while folder.exists():  # two units whose names clean alike (某局/办, 某局_办) each keep their own folder
        folder = folder.with_name(f"{folder.name}_")
    given = Path(entry.file_name or Path(entry.path or "").name)
    target = folder / (safe_file_name(given.stem, blank="年报") + given.suffix)
    folder.mkdir(parents=True)
    shutil.copyfile(entry.path or "", target)
    return target


@dataclass(frozen=True, slots=True)
class RolledUp:
    """The county's roll-up workbook (None when nothing could be added) and the files left out, with why."""

    data: bytes | None
    year: int | None
    included: int
    left_out: tuple[tuple[str, str], ...]


def rollup_workbook(latest: list[Latest], agency: str, year: int | None = None) -> RolledUp:
    """The tables of every unit's latest valid submission added up, as `nianbao rollup` writes them: 明细 (a row
    per unit, named by the file it sent), 未计入 and 分析."""
    from ..county.rollup_book import county_workbook
    from ..formats.workbook_writer import save_book

    names = {entry.path: entry.unit for entry in latest if entry.path}
    sent = {entry.path: Path(entry.file_name or entry.unit) for entry in latest if entry.path}
    rolled = roll_up([Path(path) for path in names], agency, year)
    left_out = tuple((names.get(str(path), path.name), reason) for path, reason in rolled.left_out)
    if rolled.report is None:
        return RolledUp(None, rolled.year, 0, left_out)
    shown = replace(
        rolled,
        units=tuple((sent.get(str(path), path), report) for path, report in rolled.units),
        left_out=tuple((sent.get(str(path), path), reason) for path, reason in rolled.left_out),
    )
    with tempfile.TemporaryDirectory(prefix="nianbao-rollup-") as folder:
        path = Path(folder) / "rollup.xlsx"
        save_book(county_workbook(shown), path)
        return RolledUp(path.read_bytes(), rolled.year, len(rolled.included), left_out)


def review_files(unit: str, path: str, file_name: str, received: str, suffix: str) -> tuple[bytes, str]:
    """The 退回意见 of a unit's submission (`received`: ISO time) as DOCX or text, and its file name."""
    from ..county import review

    shown = dt.datetime.fromisoformat(received).strftime("%Y-%m-%d %H:%M")
    try:
        checked = load(Path(path))
    except NianbaoError as exc:
        letter = replace(review.unreadable_letter(unit, file_name, exc.message), received=shown)
    else:
        letter = review.letter(unit, file_name, checked.result, checked.report.year)
        letter = replace(letter, received=shown)
    name = review.letter_file_name(unit, letter.year) + suffix
    if suffix == ".txt":
        return review.letter_text(letter).encode("utf-8"), name
    return review.letter_docx(letter), name
