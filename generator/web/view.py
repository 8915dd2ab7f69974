"""The checked report as the web page shows it: the three tables from the schema's grids with each faulty
cell marked and its message in the same row, the texts by paragraph with their problems at the paragraph,
errors apart from warnings. Plain frozen values (they come back from a worker process), drawn by the
page templates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .. import schema
from ..check.rules import heading_line
from ..chinese import num
from ..issues import CheckResult, Issue, Severity
from ..model import Report, Value, complete_values

BASIC_PATHS = ("agency", "year", "date", "agency_type", "opening")
TEXT_PATHS = ("problems", "other_matters")


@dataclass(frozen=True, slots=True)
class Note:
    """One issue as the page shows it, numbered in the order of the check."""

    number: int
    error: bool
    code: str
    label: str
    place: str
    detail: str
    cell: str = ""  # the workbook cell, when the input is a workbook

    @property
    def short_place(self) -> str:
        """Where, in few words: the cell beside a table row, else the whole place."""
        return self.cell or self.place

    @property
    def kind(self) -> str:
        """错误 or 警告: said in words, not by colour alone."""
        return "错误" if self.error else "警告"

    @property
    def css(self) -> str:
        """The class that colours it."""
        return "error" if self.error else "warning"

    @property
    def anchor(self) -> str:
        """Its id on the page."""
        return f"issue-{self.number}"


def _worst(notes: Iterable[Note]) -> str:
    notes = tuple(notes)
    return "error" if any(n.error for n in notes) else "warning" if notes else ""


@dataclass(frozen=True, slots=True)
class CellView:
    """A cell of an official table: a header, a row label or a figure (with the workbook cell it comes from)."""

    tag: str  # "th" or "td"
    text: str
    rowspan: int = 1
    colspan: int = 1
    scope: str = ""  # "col" for column headers, "row" for row labels
    address: str = ""  # the workbook cell of a figure, e.g. D29
    notes: tuple[Note, ...] = ()
    computed: bool = False  # a total the input left out, shown as computed from its parts

    @property
    def css(self) -> str:
        """error / warning when the figure has a problem; computed for a total worked out here."""
        return _worst(self.notes) or ("computed" if self.computed else "")

    @property
    def described_by(self) -> str:
        """The ids of its messages, for screen readers."""
        return " ".join(note.anchor for note in self.notes)


@dataclass(frozen=True, slots=True)
class RowView:
    """A row of a table, and the messages of its faulty cells shown beside it."""

    cells: tuple[CellView, ...]
    notes: tuple[Note, ...]
    header: bool = False


@dataclass(frozen=True, slots=True)
class TableView:
    """An official table with its problems."""

    key: str
    heading: str
    caption: str
    sheet: str
    rows: tuple[RowView, ...]
    header_rows: int  # the rows of column headers at the top (the notes column's header spans them)

    @property
    def notes(self) -> tuple[Note, ...]:
        """Every problem in the table."""
        return tuple(note for row in self.rows for note in row.notes)


@dataclass(frozen=True, slots=True)
class ParagraphView:
    """A paragraph of text and the problems found in it."""

    text: str
    notes: tuple[Note, ...] = ()

    @property
    def css(self) -> str:
        """error / warning when it has a problem."""
        return _worst(self.notes)


@dataclass(frozen=True, slots=True)
class TextView:
    """A text of the report (a sub-section of 一, or 五, 六): its title, paragraphs and its own problems."""

    title: str
    paragraphs: tuple[ParagraphView, ...]
    notes: tuple[Note, ...] = ()  # problems of the text as a whole (empty, numbered title)


@dataclass(frozen=True, slots=True)
class FieldView:
    """A value of 基本信息."""

    label: str
    value: str
    address: str
    notes: tuple[Note, ...] = ()

    @property
    def css(self) -> str:
        """error / warning when it has a problem."""
        return _worst(self.notes)


@dataclass(frozen=True, slots=True)
class SectionView:
    """One of the six parts: a table, or texts."""

    heading: str
    table: TableView | None = None
    texts: tuple[TextView, ...] = ()
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class PageView:
    """Everything the result page shows of one checked input."""

    file: str
    agency: str
    year: int | None
    errors: tuple[Note, ...]
    warnings: tuple[Note, ...]
    basics: tuple[FieldView, ...]
    sections: tuple[SectionView, ...]
    others: tuple[Note, ...]  # problems with no place on the page (a sheet, the file as a whole)

    @property
    def ok(self) -> bool:
        """No error: the report can be built."""
        return not self.errors


def notes_of(result: CheckResult) -> tuple[Note, ...]:
    """Every issue as a note: errors first, numbered in that order."""
    ordered = (*result.errors, *result.warnings)
    return tuple(_note(number, issue) for number, issue in enumerate(ordered, start=1))


def _note(number: int, issue: Issue) -> Note:
    error = issue.severity is Severity.ERROR
    return Note(number, error, issue.code, issue.label, issue.place, issue.detail, issue.cell or "")


Take = Callable[[str], tuple[Note, ...]]  # the notes at a path, marked as placed


def page_view(file: str, report: Report, result: CheckResult) -> PageView:
    """The page of a checked input: every issue placed once, at its cell, paragraph or value, else apart."""
    notes = notes_of(result)
    ordered = (*result.errors, *result.warnings)
    by_path: dict[str, list[tuple[Issue, Note]]] = defaultdict(list)
    for issue, note in zip(ordered, notes, strict=True):
        by_path[issue.path].append((issue, note))
    placed: set[int] = set()

    def take(path: str) -> tuple[Note, ...]:
        found = tuple(note for _, note in by_path.get(path, ()))
        placed.update(note.number for note in found)
        return found

    basics = tuple(
        FieldView(
            schema.BY_PATH[path].label.removeprefix("基本信息 "),
            _shown(report[path]),
            schema.BY_PATH[path].cell,
            take(path),
        )
        for path in BASIC_PATHS
    )
    sections = []
    tables = {1: schema.PROACTIVE_TABLE, 2: schema.REQUESTS_TABLE, 3: schema.APPEALS_TABLE}
    for index, heading in enumerate(schema.HEADINGS):
        if index == 0:
            texts = tuple(
                _text(section.title, section.text, take(f"overview[{i}].title"), by_path.get(f"overview[{i}].text", ()))
                for i, section in enumerate(report.overview)
            )
            for i in range(len(report.overview)):
                take(f"overview[{i}].text")
            sections.append(SectionView(heading, texts=texts, notes=take("overview")))
        elif index in tables:
            sections.append(SectionView(heading, table=_table(tables[index], report.values, take)))
        else:
            path = TEXT_PATHS[index - 4]
            text = _text("", str(report[path] or ""), (), by_path.get(path, ()))
            take(path)
            sections.append(SectionView(heading, texts=(text,)))
    others = tuple(note for note in notes if note.number not in placed)
    errors, warnings = notes[: len(result.errors)], notes[len(result.errors) :]
    return PageView(file, report.agency, report.year, errors, warnings, basics, tuple(sections), others)


def _shown(value: object) -> str:
    return "" if value is None else num(value)


def _text(title: str, text: str, title_notes: tuple[Note, ...], found: Iterable[tuple[Issue, Note]]) -> TextView:
    """A text's paragraphs; a line that looks like a heading carries its warning, the rest stay on the text."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    at_line: dict[int, list[Note]] = defaultdict(list)
    whole = list(title_notes)
    for issue, note in found:
        line = heading_line(text) if issue.code == "text-heading1" else None
        if line is not None:
            at_line[line].append(note)
        else:
            whole.append(note)
    paragraphs = tuple(ParagraphView(line, tuple(at_line[number])) for number, line in enumerate(lines, start=1))
    return TextView(title, paragraphs, tuple(whole))


def _table(table: schema.Table, values: Mapping[str, Value], take: Take) -> TableView:
    """The table's grid row by row; a figure's cell carries its notes, and its row lists them. Totals the
    input left out are shown as computed."""
    completed = complete_values(values)
    rows = []
    for row in range(table.n_rows):
        cells = []
        for cell in (c for c in table.cells if c.row == row):
            cells.append(_cell(table, cell, values, completed, take))
        notes = tuple(note for cell in cells for note in cell.notes)
        rows.append(RowView(tuple(cells), notes, header=all(c.scope == "col" for c in cells)))
    leading = next((index for index, row in enumerate(rows) if not row.header), len(rows))
    return TableView(table.key, table.title, table.title.split("、", 1)[-1], table.sheet, tuple(rows), leading)


def _cell(
    table: schema.Table, cell: schema.GridCell, values: Mapping[str, Value], completed: Mapping[str, Value], take: Take
) -> CellView:
    if cell.header or cell.text:
        return CellView("th", cell.text, cell.rowspan, cell.colspan, scope="col" if cell.header else "row")
    address = table.address(cell.row, cell.col)
    given = values.get(cell.path)
    shown = _shown(given if given is not None else completed.get(cell.path))
    computed = given is None and shown != ""
    return CellView("td", shown, cell.rowspan, cell.colspan, "", address, take(cell.path), computed)
