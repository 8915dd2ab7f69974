"""A folder of inputs in one run: discovery, parallel checking and rendering, unique names, the summary."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..check.load import Checked, check_parsed, report_from_json
from ..check.parse import parse
from ..check.rules import guess_agency_type
from ..errors import NianbaoError
from ..files import TEMP_SUFFIX, explain, is_same_file, remove_leftovers, temporary_prefix, write_bytes, write_text
from ..formats.inputs import read_input
from ..formats.sniff import InputFormat
from ..issues import CARRIED_OVER_MISMATCH, CheckResult
from ..model import Report, with_values
from ..publish import isolate
from ..publish.build import Publication, publish, render_checked, report_file_name
from ..publish.package import INDEX_NAME, IndexRow, index_html, publication_header, write_package
from ..publish.templates import load_template
from . import review
from .figures import is_late, key_figures
from .mark import marked_bytes
from .outcome import CANNOT_READ as CANNOT_READ
from .outcome import CANNOT_WRITE as CANNOT_WRITE
from .outcome import HAS_ERRORS as HAS_ERRORS
from .outcome import INTERNAL as INTERNAL
from .outcome import NOT_AN_INPUT as NOT_AN_INPUT
from .outcome import OK as OK
from .outcome import STOPPED as STOPPED
from .outcome import Context as Context
from .outcome import Outcome as Outcome
from .outcome import Outputs as Outputs
from .previous import index_previous
from .roster import Match, match_file_name, match_name, read_roster, sent_by
from .summary import SUMMARY_COLUMNS as SUMMARY_COLUMNS
from .summary import Attendance, Shown, reconcile
from .summary import neutral as neutral
from .summary import summary_rows as summary_rows
from .summary import write_summary as write_summary
from .workers import Failure, Supervisor, die_with_parent

INPUT_SUFFIXES = {".xlsx", ".xlsm", ".json", ".docx", ".html", ".htm", ".pdf"}  # and published reports
OLD_SUFFIXES = {".xls", ".et", ".ett", ".xlt", ".doc", ".wps", ".mht", ".mhtml"}  # read only to say what to do
REVIEW_FOLDER = "退回意见"  # the letters and marked copies to send back, beside the reports
INPUT_SECONDS = 120.0  # wall clock per input: a real report takes well under a second
PDF_SECONDS = 180.0  # more when LibreOffice makes a PDF


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


def set_aside(paths: list[Path], others: list[Outcome], roster: Path | None) -> tuple[list[Path], list[Outcome]]:
    """The roster kept in the input folder is no report: a row of its own saying so, not an input."""
    if roster is None:
        return paths, others
    kept = [path for path in paths if not is_same_file(path, roster)]
    aside = [
        Outcome(path, NOT_AN_INPUT, messages=("这是单位名单（--roster），不是年报",))
        for path in paths
        if path not in kept
    ]
    return kept, [*others, *aside]


def process_one(
    path: Path, template_path: Path | None = None, outputs: Outputs | bool = False, context: Context | None = None
) -> Outcome:
    """Check one input and render its report (and PDF, HTML) to bytes, with its figures, last year's pairing
    and the 退回意见 when it has problems; every failure becomes an Outcome."""
    wanted = outputs if isinstance(outputs, Outputs) else Outputs(pdf=outputs)
    try:
        return _process(path, template_path, wanted, context or Context())
    except Exception as exc:  # a bug of ours with this input: its row says so, the batch goes on
        message = f"内部错误（{type(exc).__name__}: {str(exc)[:200]}）：请把这个文件和这条信息发给维护者"
        return Outcome(path, INTERNAL, errors=1, messages=(message,))


def _process(path: Path, template_path: Path | None, outputs: Outputs, context: Context) -> Outcome:
    try:
        raw, input_format = read_input(path)
    except NianbaoError as exc:
        return _unreadable(path, exc.message, context)
    parsed = parse(raw)
    matched = _matched(parsed.report.agency, context)
    unit_type = matched.unit.agency_type if matched and matched.unit else ""
    if unit_type and not parsed.report["agency_type"]:  # the county knows the unit's type: it sets the deadline
        parsed = replace(parsed, report=with_values(parsed.report, agency_type=unit_type))
    last_path, last = _last_year(parsed.report.agency, matched, context)
    checked = Checked(parsed.report, check_parsed(parsed, last), input_format)
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
    agency_type = str(report["agency_type"] or "") or guess_agency_type(report.agency)
    outcome = Outcome(
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
        agency_type=agency_type,
        late=is_late(report, agency_type),
        figures=key_figures(report),
        previous_file=str(last_path or ""),
        previous_figures=key_figures(last) if last is not None else (),
        carried_over=_carried_over(result) if last is not None else "",
    )
    outcome = _with_unit(outcome, matched)
    if not review.needs_letter(result):
        return outcome
    unit = outcome.unit or report.agency or path.stem
    marked = b""
    if context.mark and input_format is InputFormat.XLSX:
        with contextlib.suppress(NianbaoError):  # the letter alone still goes back
            marked = marked_bytes(path, result.issues)
    letter = review.letter(
        unit, path.name, result, report.year, review.marked_name(unit, report.year) if marked else ""
    )
    return replace(outcome, letter=letter, returned=_returned(letter, marked, context))


def _matched(agency: str, context: Context) -> Match | None:
    """The unit an input is: the one that sent it, if known; else the roster's unit its agency names."""
    if context.sender is not None:
        return sent_by(agency, context.sender)
    return match_name(agency, context.roster) if context.roster else None


def _with_unit(outcome: Outcome, matched: Match | None) -> Outcome:
    """The outcome with the roster's unit it is (and how that was decided)."""
    if matched is None:
        return outcome
    return replace(outcome, unit=matched.unit.name if matched.unit else "", match=matched.note)


def _unreadable(path: Path, reason: str, context: Context) -> Outcome:
    """An input that could not be read: its row, and a letter asking for it again (matched by file name)."""
    matched = _matched("", context) if context.sender else None
    if matched is None and context.roster is not None:
        matched = match_file_name(path.name, context.roster)
    outcome = _with_unit(Outcome(path, CANNOT_READ, errors=1, messages=(reason,)), matched)
    letter = review.unreadable_letter(outcome.unit or path.stem, path.name, reason)
    return replace(outcome, letter=letter, returned=_returned(letter, b"", context))


def _returned(letter: review.Letter, marked: bytes, context: Context) -> tuple[tuple[str, bytes | str], ...]:
    """The letter (.docx, .txt) and the marked copy: written here under temporary names when the run has a
    letters folder (the writer only renames them: many letters are written in parallel), else their bytes."""
    files: list[tuple[str, bytes | str]] = [
        (".docx", review.letter_docx(letter)),
        (".txt", review.letter_text(letter).encode("utf-8")),
    ]
    if marked:
        files.append((".xlsx", marked))
    if context.review_dir is None:
        return tuple(files)
    try:
        context.review_dir.mkdir(exist_ok=True)
        return tuple((suffix, _stage(context.review_dir, data)) for suffix, data in files if isinstance(data, bytes))
    except OSError:
        return tuple(files)  # the writer writes them, and says why it cannot


def _stage(folder: Path, data: bytes) -> str:
    """`data` in a new temporary file of this process in `folder` (left for the writer to rename)."""
    temporary = folder / f"{temporary_prefix('letter')}{secrets.token_hex(6)}{TEMP_SUFFIX}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)
    return str(temporary)


def _last_year(agency: str, matched: Match | None, context: Context) -> tuple[Path | None, Report | None]:
    """Last year's input of this unit and its report (read when last year's inputs were indexed)."""
    if context.previous is None:
        return None, None
    found = match_name(agency, context.previous) if agency.strip() else None
    if (found is None or found.unit is None) and matched is not None and matched.unit is not None:
        found = match_name(matched.unit.name, context.previous)  # last year's name may be the roster's
    if found is None or found.unit is None:
        return None, None
    row = found.unit.row
    return context.previous_file(row), report_from_json(context.previous_documents[row - 1])


def _carried_over(result: CheckResult) -> str:
    return "不符" if any(issue.code == CARRIED_OVER_MISMATCH.code for issue in result.issues) else "相符"


# What every task of a worker shares, sent once when the worker starts: a county's roster and last year's
# index pickled with every task cost more than checking the input.
_run_settings: tuple[Path | None, Outputs, Context] = (None, Outputs(), Context())


def _worker_init(template_path: Path | None, outputs: Outputs, context: Context) -> None:
    """Prepare the template and keep the run's settings once per worker process; a custom template renders
    here, under isolate's limits."""
    global _run_settings
    die_with_parent()
    isolate.enter_worker()
    load_template(template_path)
    _run_settings = (template_path, outputs, context)


def _process_in_worker(path: Path) -> Outcome:
    """One input, with the settings the worker was started with."""
    return process_one(path, *_run_settings)


def run(
    paths: list[Path],
    template_path: Path | None = None,
    jobs: int = 1,
    outputs: Outputs | bool = False,
    inline: bool = False,
    context: Context | None = None,
) -> Generator[Outcome, None, None]:
    """Process inputs in worker processes (or here, `inline`); outcomes come back in input order.

    No input stops the batch: an exception is its row; an input that overruns its wall clock or kills its
    worker is its row too (workers.Supervisor)."""
    if inline:
        yield from (process_one(path, template_path, outputs, context) for path in paths)
        return
    wanted = outputs if isinstance(outputs, Outputs) else Outputs(pdf=outputs)
    seconds = INPUT_SECONDS + (PDF_SECONDS if wanted.needs_pdf else 0)
    supervisor: Supervisor[Outcome] = Supervisor(
        _process_in_worker, (), jobs, seconds, _worker_init, (template_path, wanted, context or Context())
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
    """Write each report under a unique name as it arrives (a package as a folder), and the 退回意见 (and marked
    copy) of an input with problems in 退回意见/; keep only the summary rows in memory; then, when HTML pages
    were made, the index page listing them all."""
    taken: set[str] = set()
    returned_taken: set[str] = set()
    first_of: dict[str, Path] = {}
    rows: list[Outcome] = []
    for outcome in outcomes:
        row = outcome  # outcomes without a report carry no bytes; with one, the bytes are dropped below
        try:
            if outcome.returned:
                row = replace(row, returned=(), letter=None, review_files=_write_returned(out_dir, row, returned_taken))
        except NianbaoError as exc:  # the letter could not be written: said in the row, the report still goes
            row = replace(row, returned=(), letter=None, messages=(*row.messages, f"退回意见未能写出：{exc.message}"))
        if outcome.files:
            wanted = report_file_name(outcome.agency, outcome.year)
            name = unique_name(wanted, taken)
            try:
                written = _write_report(out_dir, name, outcome)
            except NianbaoError as exc:  # this report could not be written (disk full, name refused): its row
                row = replace(row, files=(), package=None, status=CANNOT_WRITE, errors=1, messages=(exc.message,))
                on_each(row)
                rows.append(row)
                continue
            duplicate = name != wanted
            messages = row.messages
            if duplicate:
                messages = (*messages, f"警告  与“{first_of[wanted].name}”的机关和年度相同，报告另存为“{name}”，请核对")
            else:
                first_of[wanted] = outcome.file
            warnings = outcome.warnings + duplicate
            output = str(Path(name).with_suffix("")) if outcome.package is not None else name
            row = replace(
                row, files=(), package=None, messages=messages, warnings=warnings, output=output, written=written
            )
        on_each(row)
        rows.append(row)
    if any(Path(f).suffix == ".html" for row in rows for f in row.written):
        write_text(out_dir / INDEX_NAME, index_html([_index_row(row) for row in rows]))
    return rows


def _write_returned(out_dir: Path, outcome: Outcome, taken: set[str]) -> tuple[str, ...]:
    """Put an input's 退回意见 (.docx and .txt, named after the unit) and its marked copy in 退回意见/; their
    paths relative to out_dir. A second letter to one unit gets a number; the letter names its copy."""
    letter = outcome.letter
    assert letter is not None
    folder = out_dir / REVIEW_FOLDER
    files = dict(outcome.returned)
    docx_name = unique_name(review.letter_file_name(letter.unit, letter.year) + ".docx", taken)
    text_name = str(Path(docx_name).with_suffix(".txt"))
    taken.add(text_name.lower())
    names = {".docx": docx_name, ".txt": text_name}
    if ".xlsx" in files:
        names[".xlsx"] = unique_name(letter.marked, taken)
        if names[".xlsx"] != letter.marked:  # renamed: the letter must name the copy it comes with
            letter = replace(letter, marked=names[".xlsx"])
            for suffix, data in ((".docx", review.letter_docx(letter)), (".txt", review.letter_text(letter))):
                _discard(files[suffix])
                files[suffix] = data if isinstance(data, bytes) else data.encode("utf-8")
    try:
        for suffix, name in names.items():
            _place(files.pop(suffix), folder / name)
    finally:
        for left in files.values():
            _discard(left)
    return tuple(f"{REVIEW_FOLDER}/{name}" for name in names.values())


def _place(content: bytes | str, target: Path) -> None:
    """Write the bytes to `target`, or rename the temporary file a worker wrote them to."""
    if isinstance(content, bytes):
        target.parent.mkdir(exist_ok=True)
        write_bytes(target, content)
        return
    try:
        os.replace(content, target)
    except OSError as exc:
        _discard(content)
        raise NianbaoError(f"无法写入“{target}”：{explain(exc)}。") from exc


def _discard(content: bytes | str) -> None:
    if isinstance(content, str):
        with contextlib.suppress(OSError):
            os.unlink(content)


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


def prepare_context(
    roster_path: Path | None,
    previous_dir: Path | None,
    mark: bool,
    recursive: bool = False,
    jobs: int = 1,
    out_dir: Path | None = None,
) -> tuple[Context, tuple[str, ...]]:
    """The roster read and last year's inputs indexed by unit (NianbaoError when either cannot be used), and
    the letters folder in `out_dir`; the notes on last year's inputs (unreadable, duplicates) to tell the user."""
    roster = read_roster(roster_path) if roster_path is not None else None
    review_dir = out_dir / REVIEW_FOLDER if out_dir is not None else None
    if previous_dir is None:
        return Context(roster, mark=mark, review_dir=review_dir), ()
    if not previous_dir.is_dir():
        raise NianbaoError(f"找不到上年年报的文件夹“{previous_dir}”。")
    index = index_previous(discover(previous_dir, recursive), jobs)
    context = Context(
        roster,
        index.roster,
        index.files,
        previous_documents=index.documents,
        mark=mark,
        review_dir=review_dir,
    )
    return context, index.notes


@dataclass(frozen=True, slots=True)
class Plan:
    """A folder's run made ready: its inputs, the files that are none, what each input is checked against, and
    the notes on last year's inputs to tell the user."""

    input_dir: Path
    out_dir: Path
    paths: tuple[Path, ...]
    others: tuple[Outcome, ...]
    context: Context
    notes: tuple[str, ...]
    template_path: Path | None
    outputs: Outputs
    jobs: int


def plan_folder(
    input_dir: Path,
    out_dir: Path,
    outputs: Outputs,
    template_path: Path | None = None,
    jobs: int = 1,
    recursive: bool = False,
    roster_path: Path | None = None,
    previous_dir: Path | None = None,
    mark: bool = False,
) -> Plan:
    """Everything a run needs before its first input, refused with NianbaoError when it cannot be had: the
    folders (never one the other), LibreOffice when PDFs are wanted, the roster and last year's index. The
    files a killed run left half-written in `out_dir` are removed (never those of a run still going)."""
    from ..publish.build import require_libreoffice

    if not input_dir.is_dir():
        raise NianbaoError(f"找不到文件夹“{input_dir}”。")
    if out_dir.exists() and is_same_file(out_dir, input_dir):
        raise NianbaoError("输出文件夹不能是输入文件夹本身：生成的报告会和收到的报告混在一起。请另选一个文件夹。")
    if outputs.needs_pdf:
        require_libreoffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_leftovers_of_killed_runs(out_dir)
    paths = discover(input_dir, recursive, exclude=out_dir.resolve())
    others = unprocessed(input_dir, recursive, exclude=out_dir.resolve())
    paths, others = set_aside(paths, others, roster_path)
    if not paths:
        raise NianbaoError(f"文件夹“{input_dir}”中没有 .xlsx、.json 文件或已发布的报告（.docx、.html、.pdf）。")
    context, notes = prepare_context(roster_path, previous_dir, mark, recursive, jobs, out_dir)
    return Plan(input_dir, out_dir, tuple(paths), tuple(others), context, notes, template_path, outputs, jobs)


def _remove_leftovers_of_killed_runs(out_dir: Path, only_this_process: bool = False) -> None:
    for folder in (out_dir, out_dir / REVIEW_FOLDER):
        if folder.is_dir():
            remove_leftovers(folder, only_this_process and folder == out_dir)


def write_folder(plan: Plan, on_each: Callable[[Outcome], None]) -> list[Outcome]:
    """Run every input of the plan and write its files as it comes; stopped (an exception, Ctrl-C), the
    workers are stopped and every half-written file removed before the exception goes on."""
    outcomes = run(list(plan.paths), plan.template_path, plan.jobs, plan.outputs, context=plan.context)
    try:
        return write_outcomes(outcomes, plan.out_dir, on_each)
    except BaseException:
        outcomes.close()  # the workers stopped now: the letters they left half-placed are of dead processes
        _remove_leftovers_of_killed_runs(plan.out_dir, only_this_process=True)
        raise


def finish_folder(plan: Plan, rows: list[Outcome]) -> tuple[Summary, tuple[str, ...]]:
    """The reports an earlier run wrote and this one did not removed, the summary written; the notes to tell."""
    notices = remove_stale(plan.out_dir, written_files(plan.out_dir, rows))
    summary = summarise(rows, list(plan.others), plan.input_dir, plan.out_dir, plan.context)
    return summary, (*notices, *plan.notes)


@dataclass(frozen=True, slots=True)
class Summary:
    """The summary written, and what the roster says of the run (None without a roster)."""

    xlsx: Path
    rows: tuple[Outcome, ...]
    attendance: Attendance | None


def summarise(
    rows: list[Outcome], others: list[Outcome], folder: Path, out_dir: Path, context: Context, links: bool = True
) -> Summary:
    """汇总.xlsx and 汇总.csv: every file of the folder, and with a roster every unit that sent nothing (`links`:
    write_summary's)."""
    table = [*rows, *others]
    attendance = None
    if context.roster is not None:
        table, attendance = reconcile(table, context.roster, folder)
    shown = Shown(roster=context.roster is not None, previous=context.previous is not None, mark=context.mark)
    xlsx, _ = write_summary(table, folder, out_dir, shown, context.roster, links)
    return Summary(xlsx, tuple(table), attendance)


MANIFEST_NAME = ".nianbao-bulk-manifest.json"  # what the last run wrote here, to remove it when it is stale


def written_files(out_dir: Path, rows: list[Outcome]) -> dict[str, str]:
    """Every report file this run wrote, relative to `out_dir`, with its SHA-256."""
    names = [name for row in rows for name in (*row.written, *row.review_files)]
    return {name: _digest(out_dir / name) for name in names if (out_dir / name).is_file()}


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
