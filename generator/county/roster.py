"""The county's list of units (名单): read from .xlsx or .csv, unit names normalised, inputs matched to units.

A name matches a unit when both normalise to the same text (spaces, full-width characters, 人民政府/政府,
街道办事处/街道) or, failing that, when one is the other with a place name in front (新绛县三泉镇人民政府 and
三泉镇人民政府) and no other unit fits as well. Anything else is not merged: a near name is only named.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .. import schema
from ..errors import NianbaoError

if TYPE_CHECKING:
    from openpyxl import Workbook

ROSTER_SHEET = "名单"
NAME_HEADER, TYPE_HEADER, CONTACT_HEADER = "机关全称", "机关类型", "联系人"
HEADERS = (NAME_HEADER, TYPE_HEADER, CONTACT_HEADER)
_HEADER_ALIASES = {
    NAME_HEADER: ("机关全称", "机关名称", "单位全称", "单位名称", "机关", "单位", "名称"),
    TYPE_HEADER: ("机关类型", "单位类型", "类型"),
    CONTACT_HEADER: ("联系人",),
}
T = TypeVar("T")
HEADER_SEARCH_ROWS = 10  # a title line or two may stand above the header


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of the roster: its full name, 机关类型 (may be blank) and contact, and the row it is on."""

    name: str
    agency_type: str = ""
    contact: str = ""
    row: int = 0


@dataclass(frozen=True, slots=True)
class Roster:
    """The units a county expects a report from, by normalised name."""

    units: tuple[Unit, ...]
    source: str = ""
    by_key: Mapping[str, Unit] = field(default_factory=dict, compare=False, repr=False)  # (a dict: pickled to workers)


# how a name was matched
SAME, SPELLING, PREFIX, FILE_NAME, NONE, AMBIGUOUS = "same", "spelling", "prefix", "file-name", "none", "ambiguous"
SENDER = "sender"  # the unit that sent it, whatever agency it names


@dataclass(frozen=True, slots=True)
class Match:
    """Which unit a name is, how that was decided (`how`), and the note that says so in Chinese."""

    name: str
    unit: Unit | None
    how: str
    note: str = ""
    near: tuple[str, ...] = ()  # units with a similar name, never merged: for the reader to check


# --- names -------------------------------------------------------------------------------------------------
_IGNORED = re.compile(r"[\s\u200b-\u200f\u2060\ufeff·•・'\"“”‘’「」『』]+")
_BRACKETS = str.maketrans("〔〕【】\uff3b\uff3d\uff5b\uff5d〈〉《》", "()()[]{}<><>")  # full-width brackets too
_SUFFIXES = (("人民政府", "政府"), ("街道办事处", "街道"), ("街道办", "街道"))
_PLACE = re.compile(r".{1,15}?(?:省|市|县|区|旗|州|盟)$")
_NOT_PLACES = frozenset({"城市", "社区", "园区", "小区", "景区", "片区", "街区"})  # words that end like a place
MIN_NAME = 3  # a shorter name ("政府") is never matched by its ending
NEAR_RATIO = 0.75


def normalise_name(name: str) -> str:
    """The form two spellings of one unit's name share: full-width characters as half-width, no spaces or
    quotes, brackets alike, 人民政府 as 政府 and 街道办事处/街道办 as 街道."""
    text = _IGNORED.sub("", unicodedata.normalize("NFKC", name).translate(_BRACKETS)).casefold()
    for long, short in _SUFFIXES:
        text = text.replace(long, short)
    return text


def place_prefix(longer: str, shorter: str) -> str | None:
    """The place name that `longer` puts before `shorter` (某县 in 某县财政局 / 财政局), both normalised."""
    if len(shorter) < MIN_NAME or len(longer) <= len(shorter) or not longer.endswith(shorter):
        return None
    prefix = longer[: -len(shorter)]
    return prefix if _PLACE.fullmatch(prefix) and prefix not in _NOT_PLACES else None


def _apart(first: str, second: str) -> str | None:
    """The place name that sets two normalised names apart, either one in front of the other."""
    return place_prefix(first, second) or place_prefix(second, first)


def make_roster(units: Iterable[Unit], source: str = "") -> Roster:
    """A roster of units; two rows naming one unit (the same normalised name) cannot be told apart: refused."""
    by_key: dict[str, Unit] = {}
    kept = []
    for unit in units:
        key = normalise_name(unit.name)
        if not key:
            continue
        if key in by_key:
            first = by_key[key]
            raise NianbaoError(
                f"名单“{source}”第 {first.row} 行“{first.name}”和第 {unit.row} 行“{unit.name}”是同一单位"
                "（名称只差空格、全角字符或“人民政府/政府”的写法），请删去其中一行。"
            )
        by_key[key] = unit
        kept.append(unit)
    return Roster(tuple(kept), source, by_key)


def match_name(name: str, roster: Roster) -> Match:
    """The unit a name is: the same normalised name, else the one unit it differs from by a place name."""
    key = normalise_name(name)
    unit = roster.by_key.get(key)
    if unit is not None:
        if unit.name == name:
            return Match(name, unit, SAME)
        return Match(name, unit, SPELLING, f"按名单写法“{unit.name}”匹配（名称写法不同：“{name.strip()}”）")
    fits = [(candidate, prefix) for other, candidate in roster.by_key.items() if (prefix := _apart(key, other))]
    if len(fits) == 1:
        unit, prefix = fits[0]
        return Match(name, unit, PREFIX, f"按名单中的“{unit.name}”匹配（两者只差地名“{prefix}”）")
    if len(fits) > 1:
        names = "、".join(f"“{unit.name}”" for unit, _ in fits)
        candidates = tuple(unit.name for unit, _ in fits)
        return Match(name, None, AMBIGUOUS, f"名单中 {names} 都可能是这个单位，未自动匹配，请核对名称", candidates)
    near = tuple(
        roster.by_key[close].name for close in difflib.get_close_matches(key, roster.by_key, n=3, cutoff=NEAR_RATIO)
    )
    hint = f"；相近的有 {'、'.join(f'“{n}”' for n in near)}，名称不同，未合并，请核对" if near else ""
    return Match(name, None, NONE, f"名单中没有“{name.strip()}”{hint}", near)


def is_unit(name: str, unit_name: str) -> bool:
    """Whether a name (a report's 机关全称) is the unit `unit_name`, as `match_name` decides against a roster
    of that one unit: the same normalised name, or one is the other with a place name in front."""
    return sent_by(name, Unit(unit_name)).how != SENDER


def sent_by(name: str, unit: Unit) -> Match:
    """An input the unit sent itself (through its own link): the unit's, as `match_name` says it, or with a
    note when the input names another agency."""
    found = match_name(name, make_roster([unit]))
    if found.unit is not None:
        return found
    note = f"文件中的机关为“{name.strip()}”，与报送单位“{unit.name}”不一致，请核对" if name.strip() else ""
    return Match(name, unit, SENDER, note)


def group_by_unit(items: Sequence[T], name_of: Callable[[T], str]) -> list[list[T]]:
    """The items by unit, in order of first appearance: one group per normalised name, and names that differ
    only by a place name in front (新绛县三泉镇人民政府, 三泉镇人民政府) together, as `match_name` pairs them.
    Names linked through one that could be either (三泉镇 beside 新绛县三泉镇 and 稷山县三泉镇) stay apart:
    a group is merged only when each of its names is a place name away from every other."""
    keys = list(dict.fromkeys(normalise_name(name_of(item)) for item in items))
    near: dict[str, set[str]] = {key: set() for key in keys}
    by_ending: dict[str, list[str]] = {}
    for key in keys:  # names a place apart end alike: only those are compared
        by_ending.setdefault(key[-MIN_NAME:], []).append(key)
    for alike in by_ending.values():
        for index, first in enumerate(alike):
            for second in alike[index + 1 :]:
                if first and _apart(first, second):
                    near[first].add(second)
                    near[second].add(first)
    group_of: dict[str, str] = {}
    for key in keys:  # the first name of each linked set comes first
        if key not in group_of:
            linked = _linked(key, near)
            merged = all(near[member] >= linked - {member} for member in linked)
            group_of.update((member, key if merged else member) for member in linked)
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(group_of[normalise_name(name_of(item))], []).append(item)
    return list(groups.values())


def _linked(key: str, near: Mapping[str, set[str]]) -> set[str]:
    """`key` and every name reached from it a place name at a time."""
    found, todo = {key}, [key]
    while todo:
        for other in near[todo.pop()] - found:
            found.add(other)
            todo.append(other)
    return found


def match_file_name(file_name: str, roster: Roster) -> Match:
    """An input whose unit could not be read: matched by its file name (三泉镇.xlsx), and said so."""
    stem = Path(file_name).stem
    found = roster.by_key.get(normalise_name(stem))
    if found is None:
        candidates = [unit for key, unit in roster.by_key.items() if len(key) >= MIN_NAME and key in stem]
        found = candidates[0] if len(candidates) == 1 else None
    if found is None:
        return Match("", None, NONE, "读不出机关名称，文件名也不是名单中的单位")
    return Match("", found, FILE_NAME, f"读不出机关名称，按文件名“{file_name}”匹配为“{found.name}”")


# --- reading the roster file -------------------------------------------------------------------------------
def read_roster(path: Path) -> Roster:
    """The units of a roster workbook (.xlsx) or CSV (UTF-8, or GB18030 as Excel on Chinese Windows saves it)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise NianbaoError(f"找不到名单文件“{path}”。")
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(path)
    elif suffix in (".xls", ".et"):
        raise NianbaoError(f"名单“{path.name}”是旧版 Excel/WPS 格式，请在 Excel 或 WPS 中“另存为” .xlsx 后再用。")
    else:
        raise NianbaoError(f"名单“{path.name}”应为 .xlsx 工作簿或 .csv 文件。")
    return make_roster(units_from_rows(rows, path.name), path.name)


def _xlsx_rows(path: Path) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, InvalidFileException) as exc:
        raise NianbaoError(f"无法读取名单“{path.name}”：文件已损坏或不是 .xlsx 工作簿。") from exc
    try:
        sheet = book[ROSTER_SHEET] if ROSTER_SHEET in book.sheetnames else book.worksheets[0]
        return [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise NianbaoError(f"无法读取名单“{path.name}”：编码既不是 UTF-8 也不是 GBK。") from exc
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def units_from_rows(rows: Sequence[Sequence[str]], source: str) -> list[Unit]:
    """The units below the header row (found in the first rows by its 机关全称 column); blank rows skipped."""
    header_row, columns = _header(rows, source)
    units = []
    for number, row in enumerate(rows[header_row + 1 :], start=header_row + 2):
        cells = {key: row[column].strip() if column < len(row) else "" for key, column in columns.items()}
        name = cells.get(NAME_HEADER, "")
        if not name:
            continue
        agency_type = _agency_type(cells.get(TYPE_HEADER, ""), source, number, columns.get(TYPE_HEADER, 0))
        units.append(Unit(name, agency_type, cells.get(CONTACT_HEADER, ""), number))
    if not units:
        raise NianbaoError(f"名单“{source}”中“{NAME_HEADER}”列下面没有单位。")
    return units


def _header(rows: Sequence[Sequence[str]], source: str) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        labels = [_IGNORED.sub("", unicodedata.normalize("NFKC", str(cell))) for cell in row]
        columns = {}
        for key, aliases in _HEADER_ALIASES.items():
            found = next((column for column, label in enumerate(labels) if label in aliases), None)
            if found is not None:
                columns[key] = found
        if NAME_HEADER in columns:
            return index, columns
    raise NianbaoError(
        f"名单“{source}”中找不到“{NAME_HEADER}”列：表头一行应为 {'、'.join(HEADERS)}（机关类型和联系人可以不填）。"
        "可以用 nianbao roster new 名单.xlsx 生成空白名单。"
    )


def _agency_type(value: str, source: str, row: int, column: int) -> str:
    """A 机关类型 as one of the schema's choices; a clear part of one (乡镇, 部门) is taken for it."""
    if not value:
        return ""
    if value in schema.AGENCY_TYPES:
        return value
    fits = [choice for choice in schema.AGENCY_TYPES if normalise_name(value) in normalise_name(choice)]
    if len(fits) == 1:
        return fits[0]
    cell = f"{schema.column_letter(column + 1)}{row}"
    raise NianbaoError(
        f"名单“{source}”第 {row} 行（{cell}）的机关类型“{value}”不是可选的类型："
        f"{'、'.join(schema.AGENCY_TYPES)}；不清楚时可以不填（按名称推断）。"
    )


# --- a blank roster ----------------------------------------------------------------------------------------
ROSTER_GUIDE = (
    "名单填写说明",
    "",
    "1. 在“名单”工作表中每行填写一个应报送年报的单位（乡镇、街道、县直部门等）。",
    "2. “机关全称”必填，写法与年报中的机关全称一致最好；空格、全角字符、“人民政府”与“政府”、"
    "“街道办事处”与“街道”的差别会自动忽略，只差地名前缀（如“某某县”）的也会匹配并注明。",
    "3. “机关类型”可不填（按名称推断），填写时从下拉列表中选择；它决定公布时限（是否逾期）。",
    "4. “联系人”可不填，填写后会出现在汇总表的“报送情况”中，便于催报。",
    "",
    "用法：nianbao bulk 收到的年报 -o 输出文件夹 --roster 名单.xlsx",
    "汇总表会列出未报送的单位、名单以外的单位和报送了多份的单位。",
)


def blank_roster_book() -> Workbook:
    """The blank roster as an openpyxl Workbook: the header row, a 机关类型 drop-down, and a guide sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = ROSTER_SHEET
    sheet.append(list(HEADERS))
    for column, width in enumerate((44, 28, 16), start=1):
        cell = sheet.cell(1, column)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[schema.column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    choices = DataValidation(type="list", formula1='"' + ",".join(schema.AGENCY_TYPES) + '"', allow_blank=True)
    choices.promptTitle, choices.prompt, choices.showInputMessage = (
        "机关类型",
        "可不填；填写时请从下拉列表中选择。",
        True,
    )
    choices.add("B2:B2000")
    sheet.add_data_validation(choices)
    guide = book.create_sheet("填写说明")
    guide.column_dimensions["A"].width = 110
    for line in ROSTER_GUIDE:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=14)
    for row in guide.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    return book


def write_blank_roster(path: Path) -> None:
    """Write the blank roster workbook to `path` (atomically)."""
    from ..formats.workbook_writer import save_book

    if path.suffix.lower() != ".xlsx":
        raise NianbaoError(f"“{path.name}”不是工作簿文件名：名单应以 .xlsx 结尾。")
    save_book(blank_roster_book(), path)
