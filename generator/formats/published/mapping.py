"""From the blocks of a published report to RawInput: title, sections by their headings, texts, tables, 成文日期."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ... import issues as it
from ... import schema
from ...chinese import CN_DIGITS, parse_cn_number, parse_cn_year
from ...issues import Issue
from ..raw import Raw, RawInput
from .blocks import Block, Extracted, Paragraph, Row, squeeze
from .tables import Reading, read_appeals, read_proactive, read_requests

_SECTION = re.compile(r"^([一二三四五六])、(.*)$")
# what else a heading of each section must say (real reports vary the wording: 问题及整改措施, 依申请公开情况 …)
_SECTION_WORDS = (("总体情况", "概述"), ("主动公开",), ("申请",), ("复议", "诉讼"), ("问题", "改进", "整改"), ("其他",))
_MAX_HEADING = 40
_YEAR = rf"(?P<year>\d{{4}}|[{CN_DIGITS}]{{4}})"
_REPORT = r"\s*年\s*度?\s*政\s*府\s*信\s*息\s*公\s*开\s*(?:工\s*作\s*)?年\s*度\s*报\s*告"
_YEAR_LINE = re.compile(rf"^{_YEAR}{_REPORT}$")
_FULL_TITLE = re.compile(rf"^(?P<agency>.+?)\s*{_YEAR}{_REPORT}$")
_TITLE_IN = re.compile(rf"(?P<agency>[^\s_|｜\-—\u2013>\u203a»：:]+?)\s*{_YEAR}{_REPORT}")
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_CN_DATE = re.compile(rf"^([{CN_DIGITS}]{{4}})年([一二三四五六七八九十]{{1,2}})月([一二三四五六七八九十]{{1,3}})日$")
_ORDINAL = re.compile(r"^\s*[（(]([一二三四五六七八九十]+)[）)]\s*(.*)$", re.DOTALL)
_AGENCY_ENDINGS = (
    "政府",
    "办公室",
    "办事处",
    "管委会",
    "委员会",
    "局",
    "委",
    "办",
    "厅",
    "部",
    "院",
    "中心",
    "处",
    "所",
    "站",
    "队",
    "区",
)
_RUN_IN_TITLE = 60  # a sub-section title printed at the start of its first paragraph ends at a 。 within this many


def section_of(text: str) -> int | None:
    """Which of the six sections a paragraph is the heading of (0 for 一、总体情况), or None."""
    shown = squeeze(text)
    match = _SECTION.match(shown)
    if match is None or len(shown) > _MAX_HEADING:
        return None
    index = "一二三四五六".index(match.group(1))
    return index if any(word in match.group(2) for word in _SECTION_WORDS[index]) else None


def parse_date(text: str) -> str | None:
    """2022年1月25日 or 二〇二二年一月二十五日 (spaces allowed) as 2022-01-25; None if it is not such a date."""
    shown = squeeze(text)
    match = _DATE.match(shown)
    if match:
        year, month, day = (int(group) for group in match.groups())
    else:
        match = _CN_DATE.match(shown)
        if match is None:
            return None
        cn_month, cn_day = parse_cn_number(match.group(2)), parse_cn_number(match.group(3))
        if cn_month is None or cn_day is None:  # 一二月: not a date as written
            return None
        year, month, day = _year_value(match.group(1)), cn_month, cn_day
    return f"{year:04d}-{month:02d}-{day:02d}"


def _year_value(text: str) -> int:
    year = int(text) if text.isdigit() else parse_cn_year(text)
    assert year is not None  # the patterns admit four digits only
    return year


@dataclass(frozen=True, slots=True)
class Title:
    """The agency and year read from the title, and where."""

    agency: str
    year: int
    where: str


def find_title(paragraphs: Sequence[Paragraph], titles: Sequence[str]) -> Title | None:
    """The report's title: two lines (机关 / 2021年政府信息公开工作年度报告) or one, in the body, else outside it."""
    for index, paragraph in enumerate(paragraphs):
        text = paragraph.text.strip()
        line = _YEAR_LINE.match(text)
        if line and index > 0 and paragraphs[index - 1].text.strip():
            agency = paragraphs[index - 1].text.strip()
            return Title(agency, _year_value(line.group("year")), paragraphs[index - 1].where)
        whole = _FULL_TITLE.match(text)
        if whole:
            return Title(whole.group("agency").strip(), _year_value(whole.group("year")), paragraph.where)
    for title in titles:
        found = _TITLE_IN.search(title)
        if found:
            return Title(found.group("agency"), _year_value(found.group("year")), "网页标题")
    return None


def to_raw(extracted: Extracted) -> RawInput:
    """The raw values of a published report, with an issue for every part that could not be read."""
    blocks = extracted.blocks
    headings = _headings(blocks)
    found: list[Issue] = []
    values: dict[str, Raw] = {}
    skipped: set[str] = set()
    first = headings[0] if headings[0] is not None else _first_found(headings, len(blocks))
    front = [b for b in blocks[:first] if isinstance(b, Paragraph)]
    title = find_title(front, extracted.titles)
    end, date = _signature(blocks, headings, title)
    if title is not None:
        values["agency"] = Raw(title.agency, where=title.where)
        values["year"] = Raw(title.year, where=title.where)
        opening = _opening(front, title)
        if opening is not None:
            values["opening"] = opening
    else:
        for path in ("agency", "year"):
            found.append(
                it.R_MISSING.in_document(
                    path, it.default_label(path), "报告开头", what="报告标题（机关名称和年度）", consequence="未能读取"
                )
            )
            skipped.add(path)
    if date is None:
        date = next(((iso, b.where) for b in front if (iso := parse_date(b.text)) is not None), None)
    if date is not None:
        values["date"] = Raw(date[0], where=date[1])
    else:
        found.append(it.R_DATE_MISSING.in_document("date", it.default_label("date"), "报告末尾"))
    regions = _regions(blocks, headings, end)
    overview = _overview(regions[0])
    for index, path in ((4, "problems"), (5, "other_matters")):
        if headings[index] is None:
            found.append(_missing_heading(path, index))
            skipped.add(path)
        else:
            paragraphs = [b for b in regions[index] if isinstance(b, Paragraph)]
            text = "\n".join(p.text.strip() for p in paragraphs if p.text.strip())
            values[path] = Raw(text, where=blocks[heading].where if (heading := headings[index]) is not None else None)
    if headings[0] is None:
        found.append(_missing_heading("overview", 0))
    reading = _tables(blocks, regions)
    values.update(reading.values)
    found += reading.issues + reading.notices()
    skipped |= reading.skipped
    return RawInput(values, overview, (), tuple(found), frozenset(skipped))


def _opening(front: Sequence[Paragraph], title: Title) -> Raw | None:
    """The paragraphs between the title and 一、总体情况, unless they are the standard opening (then blank)."""
    after = next((index for index, p in enumerate(front) if p.where == title.where), -1)  # -1: title outside
    lines = [p for p in front[after + 1 :] if p.text.strip() and not _title_line(p.text) and parse_date(p.text) is None]
    text = "\n".join(p.text.strip() for p in lines)
    if not text or squeeze(text) == squeeze(schema.STANDARD_OPENING.format(agency=title.agency, year=title.year)):
        return None
    return Raw(text, where=lines[0].where)


def _title_line(text: str) -> bool:
    shown = text.strip()
    return bool(_YEAR_LINE.match(shown) or _FULL_TITLE.match(shown))


def _first_found(headings: list[int | None], default: int) -> int:
    return min((index for index in headings if index is not None), default=default)


def _missing_heading(path: str, index: int) -> Issue:
    label = schema.HEADINGS[index]
    return it.R_MISSING.in_document(path, label, "全文", what=f"标题“{label}”", consequence="这一部分未能读取")


def _headings(blocks: Sequence[Block]) -> list[int | None]:
    """The block index of each of the six section headings, each after the one before; None when not found."""
    found: list[int | None] = [None] * 6
    start = 0
    for index, block in enumerate(blocks):
        if not isinstance(block, Paragraph):
            continue
        section = section_of(block.text)
        if section is not None and found[section] is None and index >= start:
            found[section] = index
            start = index
    return found


def _signature(
    blocks: Sequence[Block], headings: list[int | None], title: Title | None
) -> tuple[int, tuple[str, str] | None]:
    """Where the body ends (before the 落款: agency and date) and the date, read from the last paragraphs."""
    end = len(blocks)
    last_heading = _last_found(headings)
    paragraphs = [i for i in range(last_heading + 1, end) if _text_of(blocks[i])]
    date: tuple[str, str] | None = None
    for index in reversed(paragraphs[-4:]):
        block = blocks[index]
        assert isinstance(block, Paragraph)
        iso = parse_date(block.text)
        if iso is not None:
            date, end = (iso, block.where), index
            break
    if date is None:
        return end, None
    before = [i for i in paragraphs if i < end]
    if before:
        signer = blocks[before[-1]]
        assert isinstance(signer, Paragraph)
        text = signer.text.strip()
        shown = squeeze(text)
        if (title is not None and shown == squeeze(title.agency)) or (
            len(shown) <= _MAX_HEADING and "。" not in shown and shown.endswith(_AGENCY_ENDINGS)
        ):
            end = before[-1]
    return end, date


def _text_of(block: Block) -> str:
    return block.text.strip() if isinstance(block, Paragraph) else ""


def _last_found(headings: list[int | None]) -> int:
    return max((index for index in headings if index is not None), default=-1)


def _regions(blocks: Sequence[Block], headings: list[int | None], end: int) -> list[list[Block]]:
    """The blocks under each heading, up to the next heading found (the last up to the 落款)."""
    starts = sorted((index, section) for section, index in enumerate(headings) if index is not None)
    regions: list[list[Block]] = [[] for _ in range(6)]
    for position, (index, section) in enumerate(starts):
        stop = starts[position + 1][0] if position + 1 < len(starts) else end
        regions[section] = list(blocks[index + 1 : max(stop, index + 1)])
    return regions


def _tables(blocks: Sequence[Block], regions: list[list[Block]]) -> Reading:
    """Tables 二, 三, 四 from the rows under their headings, or, without a heading, told by their contents."""
    rows: dict[str, list[Row]] = {key: [] for key in ("proactive", "requests", "appeals")}
    for section, key in ((1, "proactive"), (2, "requests"), (3, "appeals")):
        rows[key] = [b for b in regions[section] if isinstance(b, Row)]
    placed = {id(row) for group in rows.values() for row in group}
    filled = {key for key, group in rows.items() if group}
    loose: dict[int, list[Row]] = {}
    for block in blocks:
        if isinstance(block, Row) and id(block) not in placed:
            loose.setdefault(block.table, []).append(block)
    for table in loose.values():
        kind = _table_kind(table)
        if kind is not None and kind not in filled:
            rows[kind].extend(table)
    reading = Reading()
    read_proactive(rows["proactive"], reading)
    read_requests(rows["requests"], reading)
    read_appeals(rows["appeals"], reading)
    return reading


_TABLE_WORDS = (
    ("appeals", ("复议后起诉", "未经复议", "结果维持")),
    ("requests", ("自然人", "本年新收", "上年结转", "予以公开", "不予处理", "结转下年度")),
    ("proactive", ("规章", "规范性文件", "行政许可", "行政处罚", "行政事业性收费", "第二十条")),
)


def _table_kind(rows: Sequence[Row]) -> str | None:
    text = "".join(squeeze(cell) for row in rows for cell in row.cells if cell)
    return next((key for key, words in _TABLE_WORDS if any(word in text for word in words)), None)


def _overview(blocks: Sequence[Block]) -> tuple[tuple[Raw, Raw], ...]:
    """The sub-sections of 一: a paragraph starting with the next （n） opens one; text before the first is untitled."""
    sections: list[tuple[Raw, list[str], str]] = []  # title, lines, where
    titled = 0
    for block in blocks:
        if not isinstance(block, Paragraph) or not block.text.strip():
            continue
        text = block.text.strip()
        match = _ORDINAL.match(text)
        if match and parse_cn_number(match.group(1)) in (titled + 1, len(sections) + 1):
            title, first = _split_title(match.group(2).strip(), block.heading)
            sections.append((Raw(title, where=block.where), [first] if first else [], block.where))
            titled += 1
        elif sections:
            sections[-1][1].append(text)
        else:
            sections.append((Raw("", where=block.where), [text], block.where))
    return tuple((title, Raw("\n".join(lines), where=where)) for title, lines, where in sections)


def _split_title(text: str, heading: bool) -> tuple[str, str]:
    """A sub-section title on its own, or run into the first sentence of its text (（一）主动公开情况。全年…)."""
    stop = text.find("。")
    if heading or stop < 0 or stop > _RUN_IN_TITLE:
        return text, ""
    if stop == len(text) - 1:
        return text[:stop], ""
    return text[:stop], text[stop + 1 :].strip()
