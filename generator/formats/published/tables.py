"""Tables 二, 三 and 四 of a published report: rows told by their labels, columns by their headers, cells as numbers.

Whatever a reader could not place is an issue at its place in the report, never a silent 0; what was assumed
(a blank cell read as 0, a label printed differently, an old layout) is a warning saying so.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ... import issues as it
from ... import schema
from ...issues import Issue
from ..raw import Raw
from .blocks import Row, squeeze

BLANK_MARKS = frozenset({"", "/", "\\", "-", "--", "—", "——", "\u2013", "―", "无", "空"})
_COUNT = re.compile(r"\d+")
_AMOUNT = re.compile(r"\d+(?:\.\d+)?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_NUMBERISH = re.compile(r"[\d,.]+")
_NOT_WORD = re.compile(r"[\W_]+")
_REQUESTS_NOTE = re.compile(r"区分处理.*$")
FUZZY = 0.6  # how alike a printed label must be to an official one to be read as it (typos, dropped words)

TITLES = {"proactive": "表二", "requests": "表三", "appeals": "表四"}


def label_key(text: str | None) -> str:
    """A label reduced to letters and digits: （一） / (一) / 一、, 1. / 1、, quotes and spaces all compare equal."""
    return _NOT_WORD.sub("", squeeze(text))


def closest(key: str, candidates: Sequence[str]) -> tuple[int, bool] | None:
    """The index of the candidate key equal to `key`, else of the most alike one (and False: not exact)."""
    if key in candidates:
        return candidates.index(key), True
    ratios = [difflib.SequenceMatcher(None, key, candidate).ratio() for candidate in candidates]
    best = max(range(len(candidates)), key=ratios.__getitem__, default=None)
    return (best, False) if best is not None and ratios[best] >= FUZZY else None


def is_blank(text: str | None) -> bool:
    """An empty cell, or one holding only /, — or the like."""
    return squeeze(text) in BLANK_MARKS


def is_numberish(text: str | None) -> bool:
    """A cell that holds a number or is blank: the value cells of a row."""
    shown = squeeze(text)
    return shown in BLANK_MARKS or bool(_NUMBERISH.fullmatch(shown))


@dataclass
class Reading:
    """What reading the tables found: values with their places, issues, paths not read, notices to sum up."""

    values: dict[str, Raw] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)
    blanks: dict[str, list[str]] = field(default_factory=dict)
    grouped: dict[str, list[str]] = field(default_factory=dict)

    def number(self, path: str, text: str | None, where: str) -> None:
        """Read one cell as the value of `path`; what is not a number is kept as printed for the checks to report."""
        table = path.split(".")[0]
        amount = schema.BY_PATH[path].kind is schema.Kind.AMOUNT
        shown = squeeze(text).removesuffix("万元") if amount else squeeze(text)
        if shown in BLANK_MARKS:
            self.blanks.setdefault(table, []).append(where)
            shown = "0"
        elif _GROUPED.fullmatch(shown):
            self.grouped.setdefault(table, []).append(shown)
            shown = shown.replace(",", "")
        value: object = (text or "").strip()
        if _COUNT.fullmatch(shown):
            value = Decimal(shown) if amount else int(shown)
        elif amount and _AMOUNT.fullmatch(shown):
            value = Decimal(shown)
        self.values[path] = Raw(value, where=where)

    def missing(self, paths: Iterable[str], label: str, where: str, what: str) -> None:
        """Values that could not be read: an error, and the paths marked as not read (never 0)."""
        paths = list(paths)
        self.issues.append(it.R_MISSING.in_document(paths[0], label, where, what=what, consequence="其中的数字未读取"))
        self._skip(paths)

    def fail(self, issue: Issue, paths: Iterable[str]) -> None:
        """An error that leaves `paths` unread."""
        self.issues.append(issue)
        self._skip(paths)

    def _skip(self, paths: Iterable[str]) -> None:
        for path in paths:
            self.values.pop(path, None)
            self.skipped.add(path)

    def notices(self) -> list[Issue]:
        """One warning per table for its blank cells and one for its numbers with thousands separators."""
        found = []
        for table, places in self.blanks.items():
            found.append(
                it.R_BLANK_AS_ZERO.in_document(
                    table, schema_title(table), TITLES[table], count=len(places), example=places[0]
                )
            )
        for table, numbers in self.grouped.items():
            found.append(
                it.R_THOUSANDS.in_document(
                    table, schema_title(table), TITLES[table], count=len(numbers), example=numbers[0]
                )
            )
        return found


def schema_title(table: str) -> str:
    """The heading of the section a table belongs to."""
    return next(t.title for t in schema.TABLES if t.key == table)


# --- table 二 ---------------------------------------------------------------------------------------------------
_DOC_ROWS = {label: key for key, label in schema.DOC_ROWS}
_SINGLE_ROWS = {label: key for _, _, rows, _ in schema.PROACTIVE_SINGLES for key, label in rows}
_PROACTIVE_LABELS = (*_DOC_ROWS, *_SINGLE_ROWS)
_PROACTIVE_KEYS = tuple(label_key(label) for label in _PROACTIVE_LABELS)
_PROACTIVE_HEADERS = (
    *(label for _, label in schema.DOC_COLUMNS),
    schema.DECISION_LABEL,
    schema.FEE_LABEL,
)
_PROACTIVE_HEADER_KEYS = tuple(label_key(label) for label in _PROACTIVE_HEADERS)
_CAPTION = re.compile(r"^第二十条")


def read_proactive(rows: Sequence[Row], reading: Reading) -> None:
    """Table 二: 规章 and 行政规范性文件 with three columns each, then 行政许可 … 行政事业性收费 with one value."""
    order = [column for column, _ in schema.DOC_COLUMNS]
    seen: dict[str, str] = {}
    for row in rows:
        filled = [(col, text) for col, text in enumerate(row.cells) if text is not None]
        if not filled or _CAPTION.match(squeeze(filled[0][1])):
            continue
        label_col, label = filled[0]
        if squeeze(label) == "信息内容" or any("件数" in squeeze(text) for _, text in filled):
            order = _doc_columns(row, filled, reading) or order
            continue
        match = closest(label_key(label), _PROACTIVE_KEYS)
        values = filled[1:]
        if match is None:
            if any(not is_blank(text) for _, text in values):
                reading.issues.append(
                    it.R_UNKNOWN_ROW.in_document(
                        "proactive", "二、主动公开", row.where, found=label.strip(), table="表二"
                    )
                )
            continue
        official = _PROACTIVE_LABELS[match[0]]
        if not match[1]:
            reading.issues.append(_variant("proactive", row.at(label_col), label, official))
        if official in seen:
            continue
        seen[official] = row.where
        if official in _DOC_ROWS:
            _doc_row(_DOC_ROWS[official], order, values, row, reading)
        else:
            _single_row(f"proactive.{_SINGLE_ROWS[official]}", values, row, reading)
    for label in _PROACTIVE_LABELS:
        if label not in seen:
            key = _DOC_ROWS.get(label)
            paths = (
                [f"proactive.{key}.{c}" for c, _ in schema.DOC_COLUMNS] if key else [f"proactive.{_SINGLE_ROWS[label]}"]
            )
            reading.missing(paths, f"二、主动公开 {label}", "表二", f"表二中“{label}”一行")


def _doc_columns(row: Row, filled: list[tuple[int, str]], reading: Reading) -> list[str] | None:
    """The order of 本年制发/本年废止/现行有效 in a header row, with a warning for each misprinted header."""
    found: list[str] = []
    for col, text in filled[1:]:
        match = closest(label_key(text), _PROACTIVE_HEADER_KEYS)
        if match is None:
            continue
        header = _PROACTIVE_HEADERS[match[0]]
        if not match[1]:
            reading.issues.append(_variant("proactive", row.at(col), text, header))
        if match[0] < len(schema.DOC_COLUMNS):
            found.append(schema.DOC_COLUMNS[match[0]][0])
    return found if sorted(found) == sorted(c for c, _ in schema.DOC_COLUMNS) else None


def _doc_row(key: str, order: list[str], values: list[tuple[int, str]], row: Row, reading: Reading) -> None:
    paths = [f"proactive.{key}.{column}" for column in order]
    if len(values) != len(order):
        found = it.R_CELL_COUNT.in_document(
            paths[0], f"二、主动公开 {dict(schema.DOC_ROWS)[key]}", row.where, found=len(values), expected=len(order)
        )
        reading.fail(found, paths)
        return
    for path, (col, text) in zip(paths, values, strict=True):
        reading.number(path, text, row.at(col))


def _single_row(path: str, values: list[tuple[int, str]], row: Row, reading: Reading) -> None:
    written = [(col, text) for col, text in values if not is_blank(text)]
    if len(written) > 1 or not values:
        found = it.R_CELL_COUNT.in_document(path, schema.BY_PATH[path].label, row.where, found=len(written), expected=1)
        reading.fail(found, [path])
        return
    col, text = written[0] if written else values[0]
    reading.number(path, text, row.at(col))


def _variant(path: str, where: str, printed: str, official: str) -> Issue:
    label = {"proactive": "二、主动公开", "requests": "三、收到和处理申请", "appeals": "四、复议诉讼"}[
        path.split(".")[0]
    ]
    return it.R_LABEL_VARIANT.in_document(path, label, where, found=squeeze(printed), expected=official)


# --- table 三 ---------------------------------------------------------------------------------------------------
_ROW_KEYS = tuple(key for key, _ in schema.REQUEST_ROWS)
_ROW_LABELS = tuple(levels[-1] for _, levels in schema.REQUEST_ROWS)
_ROW_LABEL_KEYS = tuple(_REQUESTS_NOTE.sub("", label_key(label)) for label in _ROW_LABELS)
_OLD_OTHER = label_key("（六）其他处理")  # the 2019 layout: (六) one row, not three
_OLD_OTHER_ROWS = ("other.no_correction", "other.unpaid_fee")
_APPLICANT_WORDS = (
    ("natural_person", "自然人"),
    ("commercial", "商业"),
    ("research", "科研"),
    ("public_interest", "公益"),
    ("legal_service", "法律服务"),
    ("total", "总计"),
    ("other_org", "其他"),
)
_SUBTOTAL = "subtotal"
_HEADER_WORDS = ("自然人", "申请人情况", "勾稽关系", "商业企业", "法人或其他组织")


def _row_label(text: str | None) -> str:
    return _REQUESTS_NOTE.sub("", label_key(text))


def _applicant_key(stacked: str) -> str | None:
    """Which column a stack of header texts names; the non-official 法人或其他组织小计 is told apart first."""
    if "小计" in stacked:
        return _SUBTOTAL
    stacked = stacked.replace("法人或其他组织", "").replace("申请人情况", "")
    return next((key for key, word in _APPLICANT_WORDS if word in stacked), None)


def _is_request_row(row: Row) -> bool:
    return any(text and _row_label(text) in _ROW_LABEL_KEYS[:2] for text in row.cells)


def _is_header_row(row: Row) -> bool:
    return any(word in squeeze(text) for text in row.cells if text for word in _HEADER_WORDS)


@dataclass(frozen=True, slots=True)
class Columns:
    """Where each applicant column of table 三 is in the grid, and where its labels end."""

    by_key: dict[str, int]
    first_value: int


def _columns(rows: Sequence[Row], reading: Reading) -> tuple[Columns, int]:
    """The columns of table 三 from its header rows, and the index of its first data row."""
    first = next((index for index, row in enumerate(rows) if _is_request_row(row)), 0)
    header = [row for row in rows[:first] if _is_header_row(row)]
    width = max((len(row.cells) for row in rows), default=0)
    by_key: dict[str, int] = {}
    for col in range(width):
        stacked = "".join(squeeze(row.cells[col]) for row in header if col < len(row.cells))
        key = _applicant_key(stacked)
        if key == _SUBTOTAL:
            where = next(row.at(col) for row in header if col < len(row.cells) and "小计" in squeeze(row.cells[col]))
            reading.issues.append(it.R_EXTRA_COLUMN.in_document("requests", "三、收到和处理申请", where, found=stacked))
        elif key is not None and key not in by_key:
            by_key[key] = col
    if not by_key:
        if rows:
            reading.issues.append(it.R_NO_HEADER.in_document("requests", "三、收到和处理申请", rows[0].where))
        keys = [key for key, _ in schema.APPLICANT_COLUMNS]
        by_key = {key: width - len(keys) + index for index, key in enumerate(keys)}
    for key, label in schema.APPLICANT_COLUMNS:
        if key not in by_key:
            paths = [f"requests.{row}.{key}" for row in _ROW_KEYS]
            where = header[0].where if header else "表三"
            reading.missing(paths, f"三、收到和处理申请 {schema.column_label(key)}", where, f"表三中“{label}”一列")
    first_value = min(by_key.values(), default=width)
    return Columns({k: v for k, v in by_key.items() if v >= 0}, first_value), first


def read_requests(rows: Sequence[Row], reading: Reading) -> None:
    """Table 三: 25 rows (or the 2019 layout's 23) by their labels, 7 applicant columns by their headers."""
    columns, first = _columns(rows, reading)
    seen: dict[str, tuple[str, tuple[object, ...]]] = {}
    old_layout: Row | None = None
    for row in rows[first:]:
        if _is_header_row(row):
            continue
        cells = [(key, col, row.cells[col] if col < len(row.cells) else None) for key, col in columns.by_key.items()]
        if all(text is None for _, _, text in cells):
            continue
        label = next((t for t in reversed(row.cells[: columns.first_value]) if t is not None and squeeze(t)), None)
        key = _row_key(label, row, reading)
        if key is None:
            continue
        if key == _OLD_OTHER:
            old_layout, key = row, "other.other"
        printed = tuple(squeeze(text) for _, _, text in cells)
        if key in seen:
            if seen[key][1] != printed:
                paths = [f"requests.{key}.{column}" for column, _ in schema.APPLICANT_COLUMNS]
                issue = it.R_DUPLICATE_ROW.in_document(
                    f"requests.{key}", _request_label(key), row.where, first=seen[key][0]
                )
                reading.fail(issue, paths)
            continue
        seen[key] = (row.where, printed)
        for column, col, text in cells:
            path = f"requests.{key}.{column}"
            if path not in reading.skipped:
                reading.number(path, text, row.at(col))
    if old_layout is not None:
        _old_layout(old_layout, reading)
        seen.update(dict.fromkeys(_OLD_OTHER_ROWS, ("", ())))
    for key in _ROW_KEYS:
        if key not in seen:
            paths = [f"requests.{key}.{column}" for column, _ in schema.APPLICANT_COLUMNS]
            label = _ROW_LABELS[_ROW_KEYS.index(key)]
            reading.missing(paths, _request_label(key), "表三", f"表三中“{label}”一行")


def _row_key(label: str | None, row: Row, reading: Reading) -> str | None:
    """The key of a data row of table 三 by its label; None (and an error if it holds numbers) when unknown."""
    key = _row_label(label)
    if key == _OLD_OTHER:
        return _OLD_OTHER
    match = closest(key, _ROW_LABEL_KEYS) if key else None
    if match is None:
        if any(not is_blank(text) for text in row.cells if text is not None and is_numberish(text)):
            found = squeeze(label) or "（没有标签）"
            reading.issues.append(
                it.R_UNKNOWN_ROW.in_document("requests", "三、收到和处理申请", row.where, found=found, table="表三")
            )
        return None
    official = _ROW_KEYS[match[0]]
    if not match[1]:
        reading.issues.append(_variant(f"requests.{official}", row.where, label or "", _ROW_LABELS[match[0]]))
    return official


def _request_label(key: str) -> str:
    return schema.BY_PATH[f"requests.{key}.natural_person"].label.split("·")[0]


def _old_layout(row: Row, reading: Reading) -> None:
    """（六）其他处理 as one row (the 2019 layout): its figures go to 3.其他, the two other rows are 0."""
    for key in _OLD_OTHER_ROWS:
        for column, _ in schema.APPLICANT_COLUMNS:
            reading.values[f"requests.{key}.{column}"] = Raw(0, where=row.where)
    reading.issues.append(
        it.R_OLD_LAYOUT.in_document(
            "requests.other",
            "三、收到和处理申请 （六）其他处理",
            row.where,
            found="（六）其他处理印为一行（2019 年格式，表三共 23 行）",
            assumed="这一行的数字计入“3.其他”，“1.申请人无正当理由逾期不补正…”和“2.申请人逾期未按收费通知要求缴纳费用…”按 0 计",
        )
    )


# --- table 四 ---------------------------------------------------------------------------------------------------
_APPEAL_HEADERS = (
    *dict.fromkeys(level for _, levels in schema.APPEAL_GROUPS for level in levels),
    *(label for _, label in schema.APPEAL_COLUMNS),
)
_APPEAL_HEADER_KEYS = tuple(label_key(label) for label in _APPEAL_HEADERS)
_APPEAL_PATHS = tuple(
    f"appeals.{group}.{column}" for group, _ in schema.APPEAL_GROUPS for column, _ in schema.APPEAL_COLUMNS
)


def read_appeals(rows: Sequence[Row], reading: Reading) -> None:
    """Table 四: one row of 15 numbers, in the official order (复议, 直接起诉, 复议后起诉; 维持 … 总计 each)."""
    data: list[tuple[Row, list[tuple[int, str]]]] = []
    for row in rows:
        filled = [(col, text) for col, text in enumerate(row.cells) if text is not None]
        tail = _numeric_tail(filled)
        if len(tail) >= len(schema.APPEAL_COLUMNS) and len(tail) >= len(filled) - 1:
            data.append((row, tail))
        elif not data:
            _check_appeal_headers(row, filled, reading)
    if not data:
        reading.missing(_APPEAL_PATHS, "四、复议诉讼", "表四", "表四的数字行")
        return
    row, tail = data[0]
    if len(tail) != len(_APPEAL_PATHS):
        issue = it.R_CELL_COUNT.in_document(
            "appeals", "四、复议诉讼", row.where, found=len(tail), expected=len(_APPEAL_PATHS)
        )
        reading.fail(issue, _APPEAL_PATHS)
        return
    for other, other_tail in data[1:]:
        if [squeeze(t) for _, t in other_tail] != [squeeze(t) for _, t in tail]:
            issue = it.R_DUPLICATE_ROW.in_document("appeals", "四、复议诉讼", other.where, first=row.where)
            reading.fail(issue, _APPEAL_PATHS)
            return
    for path, (col, text) in zip(_APPEAL_PATHS, tail, strict=True):
        reading.number(path, text, row.at(col))


def _numeric_tail(filled: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The cells at the end of a row that hold numbers or are blank."""
    index = len(filled)
    while index and is_numberish(filled[index - 1][1]):
        index -= 1
    return filled[index:]


def _check_appeal_headers(row: Row, filled: list[tuple[int, str]], reading: Reading) -> None:
    for col, text in filled:
        key = label_key(text)
        match = closest(key, _APPEAL_HEADER_KEYS) if key else None
        if match is not None and not match[1]:
            reading.issues.append(_variant("appeals", row.at(col), text, _APPEAL_HEADERS[match[0]]))
