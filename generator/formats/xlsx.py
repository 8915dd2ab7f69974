"""A small, fast reader of cell values and formulas from .xlsx files, keeping error cells as errors.

openpyxl's full load of the standard workbook takes ~100 ms because it builds styles and validations;
this reads only cells, in a few milliseconds (zip + lxml, entities never resolved). Unlike python-calamine
it keeps error cells (#REF!, #VALUE!) so they are reported instead of being read as blank. It reads what
other producers write: cells and rows without their optional `r`, inline strings, rich-text and phonetic
runs, shared formulas, `_xHHHH_` escapes and the 1904 date system; addresses beyond Excel's limits are
refused (a crafted `A99999999999` must not make a reader loop).
"""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import UnreadableInput
from ..schema import column_letter

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384  # Excel's limits: XFD1048576
MAX_CELLS = 200_000  # the standard workbook has ~700 cells; a sheet of millions is not a report
STRICT = "purl.oclc.org/ooxml"
_ADDRESS = re.compile(r"([A-Z]{1,3})([1-9]\d{0,6})")
_REFERENCE = re.compile(r"(?<![A-Za-z_\d.])(\$?)([A-Z]{1,3})(\$?)(\d{1,7})(?![\d(A-Za-z_])")
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
_C, _V, _F, _IS, _T, _R, _SI = (MAIN + name for name in ("c", "v", "f", "is", "t", "r", "si"))
_ROW_TAG = MAIN + "row"


class CellError(str):
    """An error value cached in a cell (#REF!, #VALUE!, #DIV/0! …): text, but never valid data."""

    __slots__ = ()


CellValue = str | int | float | bool | CellError | None
Cells = dict[str, CellValue]


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet: cached values and, for formula cells, the formula text (without "=")."""

    values: Cells = field(default_factory=dict)
    formulas: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Book:
    """Every worksheet by name in workbook order, and whether dates count from 1904 (old Mac Excel)."""

    sheets: dict[str, Sheet]
    date1904: bool = False


def column_number(letters: str) -> int:
    """A → 1, XFD → 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def read_book(path: Path) -> Book:
    """Every sheet's non-empty cells; raises UnreadableInput naming what is wrong."""
    with zipfile.ZipFile(path) as archive:
        if STRICT.encode() in archive.read("xl/workbook.xml")[:4096]:
            raise UnreadableInput(
                f"工作簿“{path.name}”是“Strict Open XML”格式，无法读取：请在 Excel 中“另存为”普通的“Excel 工作簿(*.xlsx)”。"
            )
        workbook = _xml(archive, "xl/workbook.xml")
        strings = _shared_strings(archive)
        sheets = {
            name: _read_sheet(archive.read(target), target, name, strings, path.name)
            for name, target in _targets(archive, workbook)
        }
    properties = workbook.find(f"{MAIN}workbookPr")
    date1904 = properties is not None and properties.get("date1904", "0") in ("1", "true")
    cells = sum(len(sheet.values) + len(sheet.formulas) for sheet in sheets.values())
    if cells > MAX_CELLS:
        raise UnreadableInput(
            f"工作簿“{path.name}”有 {cells} 个单元格，超过上限 {MAX_CELLS}，不像是年报工作簿，已拒绝读取。"
        )
    return Book(sheets, date1904)


def read_values(path: Path) -> dict[str, Cells]:
    """Every sheet's non-empty cell values by address ("D29"), sheets by name in workbook order."""
    return {name: sheet.values for name, sheet in read_book(path).sheets.items()}


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    return parse_xml(archive.read(name), name)


def parse_xml(data: bytes, part: str) -> etree._Element:
    """A part parsed without DTDs: Excel, WPS and LibreOffice never write one, and a DTD can hide entities."""
    if b"<!DOCTYPE" in data[:4096]:
        raise UnreadableInput(f"工作簿的 {part} 含有 DTD 声明，Excel/WPS 不会这样保存，已拒绝读取。")
    return etree.fromstring(data, _PARSER)


def _targets(archive: zipfile.ZipFile, workbook: etree._Element) -> list[tuple[str, str]]:
    rels = _xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{PACKAGE_REL}Relationship")}
    sheets = []
    for sheet in workbook.iter(f"{MAIN}sheet"):
        target = targets.get(sheet.get(f"{REL}id"), "")
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        sheets.append((sheet.get("name", ""), name))
    return sheets


def unescape(text: str) -> str:
    """OOXML's _xHHHH_ escapes decoded (_x000D_ is a carriage return; _x005F_ an underscore)."""
    return _OOXML_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text) if "_x" in text else text


def _text(node: etree._Element) -> str:
    """The text of a string item: plain, or rich-text runs; phonetic guides (rPh) left out."""
    pieces = []
    for child in node:
        if child.tag == _T:
            return unescape(child.text or "")
        if child.tag == _R:
            pieces += [t.text or "" for t in child.iterchildren(_T)]
    return unescape("".join(pieces))


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    try:
        root = _xml(archive, "xl/sharedStrings.xml")
    except KeyError:
        return []
    return [_text(item) for item in root.iterchildren(_SI)]


def _read_sheet(data: bytes, part: str, name: str, strings: list[str], book: str) -> Sheet:
    """A worksheet read by the fast scanner when it is in the usual form, else by the XML parser."""
    if data.count(b"<c") > 2 * MAX_CELLS:  # refused before any work: no report has a sheet this large
        raise UnreadableInput(
            f"工作簿“{book}”的工作表“{name}”单元格过多（超过 {MAX_CELLS} 个），不像是年报工作簿，已拒绝读取。"
        )
    fast = scan_sheet(data, name, strings, book)
    return fast if fast is not None else parse_sheet(parse_xml(data, part), name, strings, book)


# --- the fast scanner: the usual form of a sheet, as Excel, WPS, LibreOffice and openpyxl write it ----------
_SHEET_DATA = re.compile(rb"<sheetData(?:/>|>(.*)</sheetData>)", re.S)
_FAST_CELL = re.compile(r'<c r="([A-Z]{1,3}[1-9][0-9]{0,6})"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_FAST_INNER = re.compile(r"(?:<f(?: ([^>]*?))?(?:/>|>([^<]*)</f>))?(?:<v>([^<]*)</v>)?")
_FAST_INLINE = re.compile(r'<is><t(?: xml:space="preserve")?>([^<]*)</t></is>')
_FAST_SHARED = re.compile(r'(?:^| )t="shared"')
_FAST_INDEX = re.compile(r' ?si="(\d+)"')
_ANY_CELL = re.compile(r"<c[\s/>]")
_PREFIXED = re.compile(r"</?[A-Za-z_][\w.-]*:")
_NUMERIC_REFERENCE = re.compile(r"&#(x[0-9A-Fa-f]+|[0-9]+);")


def scan_sheet(data: bytes, name: str, strings: list[str], book: str) -> Sheet | None:
    """The cells of a sheet in the usual form, read without building a tree; None for anything unusual
    (then the XML parser reads it): every cell must carry `r` first and hold only <f>, <v> or a plain <is>."""
    if b"<!" in data:
        return None
    found = _SHEET_DATA.search(data)
    if found is None:
        return None
    text = (found.group(1) or b"").decode("utf-8")
    if _PREFIXED.search(text):
        return None  # elements with a namespace prefix
    cells = _FAST_CELL.findall(text)
    if len(cells) != len(_ANY_CELL.findall(text)):
        return None  # a cell without r, with r later among its attributes, or spaced another way
    values: Cells = {}
    formulas: dict[str, str] = {}
    masters: dict[str, tuple[str, int, int]] = {}
    for address, attributes, inner in cells:
        if not inner:
            continue
        position = cell_position(address)
        if position is None:
            raise _bad_address(address, name, book)
        start = attributes.find(' t="') + 4
        kind = attributes[start : attributes.index('"', start)] if start >= 4 else "n"
        inline = None
        if inner.startswith("<v>") and inner.endswith("</v>") and "<" not in inner[3:-4]:
            raw = inner[3:-4]  # the common case: a cached value and nothing else
            if kind == "n" and raw.isascii() and raw.isdigit() and len(raw) < 16:
                values[address] = int(raw)
                continue
            raw = _xml_unescape(raw)
        elif kind == "inlineStr":
            match = _FAST_INLINE.fullmatch(inner)
            if match is None:
                return None
            inline, raw = _xml_unescape(match.group(1)), None
        else:
            match = _FAST_INNER.fullmatch(inner)
            if match is None:
                return None
            formula_attributes, formula_text, raw = match.groups()
            raw = _xml_unescape(raw) if raw is not None else None
            if formula_attributes is not None or formula_text is not None:
                shared = bool(_FAST_SHARED.search(formula_attributes or ""))
                index = _FAST_INDEX.search(formula_attributes or "")
                column, row = position
                formula = _formula(
                    _xml_unescape(formula_text or ""), shared, index.group(1) if index else "", row, column, masters
                )
                if formula is not None:
                    formulas[address] = formula
        value = unescape(inline) if inline is not None else _value(kind, raw, None, strings, name, address, book)
        if value is not None and value != "":
            values[address] = value
    return Sheet(values, formulas)


def _xml_unescape(text: str) -> str:
    if "&" not in text:
        return text
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
    text = _NUMERIC_REFERENCE.sub(
        lambda m: _character(int(m.group(1)[1:], 16) if m.group(1)[0] == "x" else int(m.group(1))), text
    )
    return text.replace("&amp;", "&")


def _character(code: int) -> str:
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def parse_sheet(root: etree._Element, name: str, strings: list[str], book: str) -> Sheet:
    """The cells of a sheet from its parsed XML: any form that the standard allows."""
    values: Cells = {}
    formulas: dict[str, str] = {}
    masters: dict[str, tuple[str, int, int]] = {}
    row_number = 0
    for row in root.iter(_ROW_TAG):
        row_number = _row_number(row.get("r"), row_number + 1)
        column, unplaced = 0, None  # unplaced: the reference of a skipped empty cell, parsed only if needed
        for cell in row.iterchildren(_C):
            reference = cell.get("r")
            if reference and not len(cell):
                unplaced = reference  # a styled empty cell: nothing to read
                continue
            if reference:
                column, row_number = _position(reference, name, book)
                address = reference
            else:
                if unplaced:
                    column, row_number = _position(unplaced, name, book)
                column += 1
                if column > MAX_COLUMN or row_number > MAX_ROW:
                    raise _bad_address(f"第 {row_number} 行第 {column} 列", name, book)
                if not len(cell):
                    unplaced = None
                    continue
                address = f"{column_letter(column)}{row_number}"
            unplaced = None
            raw, formula, inline = None, None, None
            for child in cell:  # one pass over the (one or two) children: find() is slower per call
                tag = child.tag
                if tag == _V:
                    raw = child.text
                elif tag == _F:
                    formula = child
                elif tag == _IS:
                    inline = child
            if formula is not None:
                shared = formula.get("t") == "shared"
                text = _formula(formula.text or "", shared, formula.get("si", ""), row_number, column, masters)
                if text is not None:
                    formulas[address] = text
            value = _value(cell.get("t", "n"), raw, inline, strings, name, address, book)
            if value is not None and value != "":
                values[address] = value
    return Sheet(values, formulas)


def _row_number(text: str | None, default: int) -> int:
    """A row's number: its `r`, else the one after the previous row; MAX_ROW + 1 when `r` is not a row number
    (cells that carry their own address are still read; one without is refused)."""
    if not text:
        return default
    return int(text) if text.isdigit() and len(text) <= 7 else MAX_ROW + 1


def _position(reference: str, sheet: str, book: str) -> tuple[int, int]:
    position = cell_position(reference)
    if position is None:
        raise _bad_address(reference, sheet, book)
    return position


@functools.lru_cache(maxsize=8192)
def cell_position(reference: str) -> tuple[int, int] | None:
    """(column, row) of an address such as "D29", or None beyond XFD1048576 or malformed."""
    match = _ADDRESS.fullmatch(reference)
    if not match:
        return None
    column, row = column_number(match.group(1)), int(match.group(2))
    return (column, row) if column <= MAX_COLUMN and row <= MAX_ROW else None


def _bad_address(reference: str, sheet: str, book: str) -> UnreadableInput:
    return UnreadableInput(
        f"工作簿“{book}”工作表“{sheet}”中有超出 Excel 范围的单元格地址“{reference[:40]}”（最大为 XFD1048576），文件已损坏。"
    )


def _value(
    kind: str, raw: str | None, inline: etree._Element | None, strings: list[str], sheet: str, address: str, book: str
) -> CellValue:
    if kind == "inlineStr":
        return _text(inline) if inline is not None else None
    if raw is None or raw == "":
        return None
    if kind == "s":
        return _shared(strings, raw, sheet, address, book)
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "e":
        return CellError(raw)
    if kind in ("str", "d"):
        return unescape(raw)
    try:
        number = float(raw)
    except ValueError:
        return raw  # not a number although typed as one: the checker reports it at its cell
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _shared(strings: list[str], raw: str, sheet: str, address: str, book: str) -> str:
    index = int(raw) if raw.strip().isdigit() else -1
    if not 0 <= index < len(strings):
        raise UnreadableInput(
            f"工作簿“{book}”工作表“{sheet}”{address} 引用了不存在的共享字符串（“{raw[:20]}”），文件已损坏。"
        )
    return strings[index]


def _formula(
    text: str, shared: bool, index: str, row: int, column: int, masters: dict[str, tuple[str, int, int]]
) -> str | None:
    """The formula of a cell; a shared formula's dependants get the master's, moved to their place."""
    text = unescape(text).strip()
    if shared:
        if text:
            masters[index] = (text, row, column)
        elif index in masters:
            master, master_row, master_column = masters[index]
            return move_formula(master, row - master_row, column - master_column)
    return text or None


def move_formula(formula: str, rows: int, columns: int) -> str:
    """A formula as copied `rows` down and `columns` right: relative references move, $-fixed ones stay."""

    def moved(match: re.Match[str]) -> str:
        fixed_column, letters, fixed_row, digits = match.groups()
        column = column_number(letters) + (0 if fixed_column else columns)
        row = int(digits) + (0 if fixed_row else rows)
        return f"{fixed_column}{column_letter(max(column, 1))}{fixed_row}{max(row, 1)}"

    return _REFERENCE.sub(moved, formula)
