"""The JSON document: reading it into the same RawInput as a workbook, and writing it."""

from __future__ import annotations

import difflib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import issues as it
from .. import schema
from ..errors import UnreadableInput
from ..issues import Issue
from ..model import Report, to_document
from .raw import Raw, RawInput

Tree = dict[str, Any]


TREE: Tree = schema.nest((field.path, field) for field in schema.FIELDS)
TYPE_NAMES = {dict: "对象", list: "数组", str: "文字", int: "数字", float: "数字", Decimal: "数字", bool: "布尔值"}


def type_name(value: Any) -> str:
    """The Chinese name of a JSON value's type."""
    return "null" if value is None else TYPE_NAMES.get(type(value), type(value).__name__)


MAX_DEPTH = 50  # the document is 4 levels deep; thousands of levels exhaust the parser's stack


def load_json(path: Path) -> Any:
    """Parse a JSON file (UTF-8, or UTF-16 with its BOM); numbers with a fraction become Decimal, kept exactly.
    A key given twice, nesting beyond any document's and numbers too long to read are refused, named."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"JSON 文件“{path.name}”不是 UTF-8 编码，请另存为 UTF-8。") from exc
    if _depth(text) > MAX_DEPTH:
        raise UnreadableInput(f"JSON 文件“{path.name}”嵌套超过 {MAX_DEPTH} 层，不是年报数据。")
    try:
        return json.loads(text, parse_float=Decimal, parse_int=_integer, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise UnreadableInput(
            f"JSON 文件“{path.name}”第 {exc.lineno} 行第 {exc.colno} 列有语法错误：{exc.msg}。"
        ) from exc
    except DuplicateKey as exc:
        raise UnreadableInput(f"JSON 文件“{path.name}”中键“{exc.key}”出现了两次，无法确定用哪一个值。") from exc
    except TooLong as exc:
        raise UnreadableInput(
            f"JSON 文件“{path.name}”中的数字 {exc.text[:20]}… 有 {len(exc.text)} 位，不是件数。"
        ) from exc


class DuplicateKey(ValueError):
    """A JSON object that names a key twice (the standard library would keep the last silently)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class TooLong(ValueError):
    """A JSON number with more digits than any count or amount has."""

    def __init__(self, text: str) -> None:
        super().__init__(text[:20])
        self.text = text


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKey(key)
        found[key] = value
    return found


def _integer(text: str) -> int | Decimal:
    if len(text.lstrip("-")) > 30:
        raise TooLong(text)
    return int(text)


def _depth(text: str) -> int:
    """How deeply objects and arrays nest (strings skipped), without recursion."""
    deepest = depth = 0
    in_string = escaped = False
    for character in text:
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


def read_document(path: Path) -> RawInput:
    """The raw values of a JSON document; unknown keys and wrong types become issues."""
    return document_to_raw(load_json(path))


def document_to_raw(document: Any) -> RawInput:
    """Walk a parsed JSON document against the schema tree."""
    if not isinstance(document, dict):
        raise UnreadableInput(f"JSON 文件的最外层应为对象 {{…}}，实际是{type_name(document)}。")
    found: list[Issue] = []
    values: dict[str, Raw] = {}
    skipped: set[str] = set()
    known = {*TREE, "format", "overview", "extra"}
    for key in document:
        if key not in known:
            found.append(_unknown(key, known))
    if "format" in document and str(document["format"]) != schema.FORMAT_VERSION:
        found.append(it.UNSUPPORTED_FORMAT.at("format", label="格式版本", found=document["format"]))
    _walk(document, TREE, "", values, skipped, found)
    overview = _overview(document.get("overview"), found)
    extra = _extra(document.get("extra"), found)
    return RawInput(values, overview, extra, tuple(found), frozenset(skipped))


def _unknown(path: str, known: Any) -> Issue:
    key = path.rsplit(".", 1)[-1]
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f"（是否应为“{close[0]}”？）" if close else ""
    return it.UNKNOWN_KEY.at(path, label="JSON", hint=hint)


def _leaves(tree: Tree) -> list[str]:
    paths: list[str] = []
    for node in tree.values():
        paths.extend([node.path] if isinstance(node, schema.Field) else _leaves(node))
    return paths


def _walk(node: Any, tree: Tree, prefix: str, values: dict[str, Raw], skipped: set[str], found: list[Issue]) -> None:
    for key, sub in tree.items():
        if key not in node:
            continue
        path = f"{prefix}{key}"
        value = node[key]
        if isinstance(sub, schema.Field):
            if isinstance(value, (dict, list)):
                found.append(it.BAD_TYPE.at(path, expected=schema.JSON_TYPES[sub.kind], found=type_name(value)))
                skipped.add(path)
            else:
                values[path] = Raw(value)
        elif isinstance(value, dict):
            for extra_key in value:
                if extra_key not in sub:
                    found.append(_unknown(f"{path}.{extra_key}", sub))
            _walk(value, sub, f"{path}.", values, skipped, found)
        else:
            found.append(it.BAD_TYPE.at(path, label="JSON", expected="对象 {…}", found=type_name(value)))
            skipped.update(_leaves(sub))


def _overview(value: Any, found: list[Issue]) -> tuple[tuple[Raw, Raw], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        found.append(it.BAD_TYPE.at("overview", label="JSON", expected="数组 […]", found=type_name(value)))
        return ()
    rows: list[tuple[Raw, Raw]] = []
    for index, item in enumerate(value):
        path = f"overview[{index}]"
        if not isinstance(item, dict):
            found.append(it.BAD_TYPE.at(path, label="JSON", expected="对象 {“title”, “text”}", found=type_name(item)))
            continue
        for key in item:
            if key not in ("title", "text"):
                found.append(_unknown(f"{path}.{key}", ("title", "text")))
        rows.append((Raw(item.get("title")), Raw(item.get("text"))))
    return tuple(rows)


def _extra(value: Any, found: list[Issue]) -> tuple[tuple[Raw, Raw], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        found.append(it.BAD_TYPE.at("extra", label="JSON", expected="对象 {…}", found=type_name(value)))
        return ()
    rows = []
    for key, item in value.items():
        if isinstance(item, (dict, list, bool)) or item is None:
            found.append(it.BAD_TYPE.at(f"extra.{key}", expected="文字或数字", found=type_name(item)))
            continue
        rows.append((Raw(key), Raw(float(item) if isinstance(item, Decimal) else item)))
    return tuple(rows)


def dumps(report: Report) -> str:
    """The report as the contract's JSON text (totals filled), ending with a newline."""
    return json.dumps(to_document(report), ensure_ascii=False, indent=2) + "\n"
