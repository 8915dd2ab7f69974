"""Long agency names: the title breaks between words into balanced lines, the signature never leaves an
orphan, the date sits as GB/T 9704 7.3.5.2 places it; the opening comes from the workbook when given."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from builders import LONG_AGENCIES, long_name_report, valid_report
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.chinese import cn_date
from generator.publish.build import render_report
from generator.publish.layout import (
    DATE_SHIFT,
    SIGNATURE_RIGHT,
    SIGNATURE_WIDTH,
    TITLE_WIDTH,
    balanced_lines,
    name_words,
    signature_layout,
    text_width,
)
from generator.publish.templates import load_template

NOW = dt.datetime(2022, 1, 25, 1, 0, tzinfo=dt.UTC)


def boundaries(name: str) -> set[int]:
    positions, at = set(), 0
    for word in name_words(name):
        at += len(word)
        positions.add(at)
    return positions


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("新绛县三泉镇人民政府", ("新绛县", "三泉镇", "人民政府")),
        ("某某县市场监督管理局", ("某某县", "市场监督管理局")),
        ("杭州市人民政府办公厅", ("杭州市", "人民政府", "办公厅")),
        ("市中区人民政府", ("市中区", "人民政府")),
        ("某某省某某市人民政府办公室机关事务管理局", ("某某省", "某某市", "人民政府", "办公室", "机关事务管理局")),
        ("平潭综合实验区管理委员会", ("平潭", "综合实验区", "管理委员会")),
        ("某某县人民政府（某某办公室）", ("某某县", "人民政府", "（某某办公室）")),
    ],
)
def test_agency_names_are_cut_into_words(name: str, words: tuple[str, ...]) -> None:
    assert name_words(name) == words


@pytest.mark.parametrize("name", [*LONG_AGENCIES, "某某省某某市人民政府办公室机关事务管理局（某某中心）"])
def test_long_titles_break_between_words_into_balanced_lines(name: str) -> None:
    lines = balanced_lines(name, TITLE_WIDTH)
    assert "".join(lines) == name
    assert all(text_width(line) <= TITLE_WIDTH for line in lines)
    assert len(lines) == -(-int(text_width(name)) // int(TITLE_WIDTH))  # no more lines than needed
    at = 0
    for line in lines[:-1]:
        at += len(line)
        assert at in boundaries(name), lines
    widths = [text_width(line) for line in lines]
    assert max(widths) - min(widths) <= max(text_width(w) for w in name_words(name)), lines


def test_never_breaks_inside_jiguan_shiwu() -> None:
    lines = balanced_lines("某某省某某市人民政府办公室机关事务管理局服务中心", TITLE_WIDTH)
    assert not any(line.endswith("机") or line.startswith("关") for line in lines), lines


def test_a_line_break_typed_in_the_name_is_kept() -> None:
    assert balanced_lines("某某县\n市场监督管理局", TITLE_WIDTH) == ("某某县", "市场监督管理局")
    assert signature_layout("某某县\n市场监督管理局", "2022年1月25日").lines == ("某某县市场监督管理局",)


def test_the_signature_sits_two_characters_in_and_the_date_two_characters_right_of_its_start() -> None:
    placed = signature_layout("新绛县三泉镇人民政府", "2022年1月25日")
    assert placed.signature_right == SIGNATURE_RIGHT
    signature_start = placed.signature_right + text_width("新绛县三泉镇人民政府")
    date_start = placed.date_right + text_width("2022年1月25日")
    assert signature_start - date_start == DATE_SHIFT


def test_a_date_longer_than_the_signature_sits_two_characters_in_and_pushes_the_signature_left() -> None:
    placed = signature_layout("某某镇", "2022年12月25日")
    assert placed.date_right == SIGNATURE_RIGHT
    assert placed.signature_right + text_width("某某镇") - (placed.date_right + text_width("2022年12月25日")) == 2


@pytest.mark.parametrize("name", LONG_AGENCIES)
def test_a_long_signature_never_leaves_an_orphan(name: str) -> None:
    placed = signature_layout(name, "2022年1月25日")
    assert all(text_width(line) + placed.signature_right <= SIGNATURE_WIDTH + SIGNATURE_RIGHT for line in placed.lines)
    if len(placed.lines) > 1:
        assert min(len(line) for line in placed.lines) >= 4, placed.lines


def rendered_parts(report: object) -> dict[str, str]:
    docx = render_report(report, load_template(), NOW)  # type: ignore[arg-type]  # a Report from the builders
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")}


def paragraph_texts(xml: str) -> list[str]:
    """Each paragraph's text, a line break as ↵."""
    texts = []
    for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S):
        texts.append(
            "".join(
                "↵" if m.startswith("<w:br") else m[m.index(">") + 1 : -6]
                for m in re.findall(r"<w:br/>|<w:t[^>]*>[^<]*</w:t>", paragraph)
            )
        )
    return texts


def test_the_docx_title_and_signature_of_a_long_name() -> None:
    name = LONG_AGENCIES[0]
    document = rendered_parts(long_name_report(name))["word/document.xml"]
    texts = paragraph_texts(document)
    assert texts[0] == "↵".join(balanced_lines(name, TITLE_WIDTH))
    assert texts[0].count("↵") == 1
    signature = "↵".join(signature_layout(name, "").lines)
    index = len(texts) - 1 - texts[::-1].index(signature)
    assert texts[index + 1] == "2022年1月20日"
    indents = re.findall(r'<w:ind w:right="(\d+)"/>', document)
    placed = signature_layout(name, cn_date(dt.date(2022, 1, 20)))
    assert indents[-2:] == [str(round(placed.signature_right * 320)), str(round(placed.date_right * 320))]


def test_the_opening_comes_from_the_workbook_when_given() -> None:
    own = paragraph_texts(rendered_parts(valid_report(opening="我们的开头。\n第二段。"))["word/document.xml"])
    assert own[3:5] == ["我们的开头。", "第二段。"]
    assert not any("国办公开办函" in text for text in own)
    standard = paragraph_texts(rendered_parts(valid_report())["word/document.xml"])
    assert standard[3].startswith("本报告依据《中华人民共和国政府信息公开条例》")
    assert "由测试县测试镇人民政府发布" in standard[3]


def test_the_signature_never_stands_on_a_page_without_text() -> None:
    """The report's last line, the blank line and the signature keep with what follows them."""
    document = rendered_parts(valid_report(other_matters="第一段。\n最后一段。"))["word/document.xml"]
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", document, re.S)
    last = next(i for i, p in enumerate(paragraphs) if "最后一段。" in p)
    assert "<w:keepNext/>" not in next(p for p in paragraphs if "第一段。" in p)
    assert all("<w:keepNext/>" in p for p in paragraphs[last : last + 3])


def _brute_force_split(words: tuple[str, ...], width: float) -> list[str]:
    """The reference: every combination of cuts tried in order (what the dynamic programme must equal)."""
    import itertools
    from fractions import Fraction

    from generator.publish.layout import text_width

    widths = [Fraction(text_width(word)) for word in words]
    total = sum(widths)
    for count in range(1, len(words) + 1):
        best = None
        for cuts in itertools.combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            line_widths = [sum(widths[a:b]) for a, b in itertools.pairwise(bounds)]
            widest = max(line_widths)
            if widest > width:
                continue
            spread = sum((total / count - w) ** 2 for w in line_widths)
            if best is None or (widest, spread) < best[:2]:
                best = (widest, spread, ["".join(words[a:b]) for a, b in itertools.pairwise(bounds)])
        if best is not None:
            return best[2]
    return list(words)


@given(
    st.lists(
        st.sampled_from(["某某县", "人民政府", "办公室", "市场监督管理局", "（", "党政", "综合", "街道"]),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([6.0, 9.0, 14.0, 22.0]),
)
@settings(max_examples=200, deadline=None)
def test_balanced_split_equals_trying_every_cut(words: list[str], width: float) -> None:
    from generator.publish.layout import _best_split

    assert _best_split(tuple(words), width) == _brute_force_split(tuple(words), width)


def test_a_very_long_name_is_set_whole() -> None:
    """140 characters, some forty words (trying every combination of cuts never finished)."""
    from generator.publish.layout import balanced_lines

    lines = balanced_lines("某某省某某市某某县某某乡镇人民政府党政综合办公室" * 6, 15.0)
    assert "".join(lines) == "某某省某某市某某县某某乡镇人民政府党政综合办公室" * 6
    assert len(lines) > 6
