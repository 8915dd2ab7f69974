"""A small, fast reader of cell values from .xlsx files (zip + lxml), keeping error cells as their text.

openpyxl's full load of the standard workbook takes ~100 ms because it builds styles and validations;
this reads only what the report needs, in a few milliseconds. Unlike python-calamine it keeps
error cells (#REF!, #VALUE!) so they are reported instead of being read as blank.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ADDRESS = re.compile(r"([A-Z]+)(\d+)")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

CellValue = str | int | float | bool | None
Cells = dict[str, CellValue]


def read_values(path: Path) -> dict[str, Cells]:
    """Every sheet's non-empty cell values by address ("D29"), sheets by name in workbook order."""
    with zipfile.ZipFile(path) as archive:
        strings = _shared_strings(archive)
        return {name: _sheet_cells(archive, target, strings) for name, target in _sheet_targets(archive)}


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    return etree.fromstring(archive.read(name), _PARSER)


def _sheet_targets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    rels = _xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{PACKAGE_REL}Relationship")}
    sheets = []
    for sheet in _xml(archive, "xl/workbook.xml").iter(f"{MAIN}sheet"):
        target = targets.get(sheet.get(f"{REL}id"), "")
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        sheets.append((sheet.get("name", ""), name))
    return sheets


def _text(node: etree._Element) -> str:
    """The text of a string item: plain, or rich-text runs; phonetic guides (rPh) left out."""
    plain = node.find(f"{MAIN}t")
    if plain is not None:
        return plain.text or ""
    return "".join(t.text or "" for run in node.iterchildren(f"{MAIN}r") for t in run.iterchildren(f"{MAIN}t"))


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    try:
        root = _xml(archive, "xl/sharedStrings.xml")
    except KeyError:
        return []
    return [_text(item) for item in root.iterchildren(f"{MAIN}si")]


def _number(text: str) -> int | float:
    number = float(text)
    return int(number) if number.is_integer() else number


def _value(cell: etree._Element, strings: list[str]) -> CellValue:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        node = cell.find(f"{MAIN}is")
        return _text(node) if node is not None else None
    raw = cell.findtext(f"{MAIN}v")
    if raw is None or raw == "":
        return None
    if kind == "s":
        return strings[int(raw)]
    if kind == "b":
        return raw == "1"
    if kind in ("str", "e", "d"):
        return raw
    return _number(raw)


def _sheet_cells(archive: zipfile.ZipFile, name: str, strings: list[str]) -> Cells:
    cells: Cells = {}
    for cell in _xml(archive, name).iter(f"{MAIN}c"):
        value = _value(cell, strings)
        if value is not None and value != "":
            cells[cell.get("r", "")] = value
    return cells
