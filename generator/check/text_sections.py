"""Rules over whole sections of prose: 六 and the 信息处理费, and (with --previous) text repeated from last year."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import issues as it
from .. import schema
from ..issues import Issue
from ..model import Report, Totals, texts
from .text_rules import quote

INFORMATION_FEE = "信息处理费"
_FEE_WORDS = (INFORMATION_FEE, "处理费", "收费", "费用")
_UNPAID_FEE = "requests.other.unpaid_fee.total"
REPEATED_SHARE = 0.5  # 宿迁's assessment deducts points when more than half repeats last year's text
_SHINGLE = 8  # characters: shorter runs repeat by chance (政府信息公开工作)
_SHORTEST = 40  # characters: a shorter section (无, one standard sentence) is not judged
_PROBLEM_WORDS = re.compile(
    r"不足|有待|不够|差距|欠缺|薄弱|尚需|还需|仍需|不强|不高|不到位|不完善|不规范|滞后|不及时|不全面|单一"
)
_PIECE_SPLIT = re.compile(r"[。；;！？!?\n，,、：:]")
_PIECE_LEAD = re.compile(
    r"^(?:[一二三四五六七八九十]+是|如|主要是|主要表现在|表现在|例如|比如|同时|但|但是|还存在|存在)"
)


def fee_issues(report: Report, totals: Totals) -> Iterator[Issue]:
    """六 says nothing of the 信息处理费 although (六)2 逾期未缴费 is nonzero or another section mentions the fee."""
    other = str(report.values.get("other_matters") or "")
    if any(word in other for word in _FEE_WORDS):
        return
    unpaid = totals.given.get(_UNPAID_FEE)
    if isinstance(unpaid, int) and unpaid > 0:
        yield it.FEE_NOT_REPORTED.at("other_matters", found=f"表三“逾期未按收费通知要求缴纳费用”为 {unpaid} 件")
        return
    for path, text in texts(report):
        position = text.find(INFORMATION_FEE)
        if position >= 0:
            where = issue_label(path)
            shown = quote(text, position, position + len(INFORMATION_FEE))
            yield it.FEE_NOT_REPORTED.at("other_matters", found=f"{where}提到了信息处理费（“{shown}”）")
            return


def issue_label(path: str) -> str:
    """A text's place for a message: 一、总体情况 第2个小节, 五、存在的主要问题及改进情况 …"""
    label = it.default_label(path)
    return label.removesuffix("·内容")


# --- repetition against last year's report -----------------------------------------------------
def repeated_issues(report: Report, previous: Report) -> Iterator[Issue]:
    """一's sub-sections and 五 that repeat last year's text by more than half; 五's problems copied word for word."""
    for path, now, before in _pairs(report, previous):
        share = repeated_share(now, before)
        if share > REPEATED_SHARE:
            yield it.TEXT_REPEATED.at(
                path,
                found=f"与上年报告的同一部分约 {int(share * 100)}% 相同（超过一半），请结合本年工作重新撰写",
            )
    now_problems, last_problems = str(report["problems"] or ""), str(previous["problems"] or "")
    copied = copied_problems(now_problems, last_problems)
    if copied:
        named = "、".join(f"“{piece}”" for piece in copied[:3])
        more = f"等 {len(copied)} 处" if len(copied) > 3 else ""
        yield it.TEXT_REPEATED.at("problems", found=f"与上年报告一字不差的问题：{named}{more}；存在的问题应写本年实际")


def _pairs(report: Report, previous: Report) -> Iterator[tuple[str, str, str]]:
    """(path, this year's text, last year's text) for 一's sub-sections (by title, else by position) and 五."""
    titles = {_normal(section.title): section.text for section in previous.overview if section.title}
    for index, section in enumerate(report.overview):
        before = titles.get(_normal(section.title))
        if before is None and index < len(previous.overview):
            before = previous.overview[index].text
        if before:
            yield schema.overview_path(index, "text"), section.text, before
    yield "problems", str(report["problems"] or ""), str(previous["problems"] or "")


def _normal(text: str) -> str:
    """Letters only, digits as 0: 2024年 and 2023年 read the same, punctuation and spaces do not count."""
    return re.sub(r"\d", "0", re.sub(r"[\W_]", "", text))


def repeated_share(now: str, before: str) -> float:
    """The share of this year's characters that lie in a run of 8 or more also found in last year's text."""
    text, old = _normal(now), _normal(before)
    if len(text) < _SHORTEST or len(old) < _SHINGLE:
        return 0.0
    known = {old[i : i + _SHINGLE] for i in range(len(old) - _SHINGLE + 1)}
    covered = [False] * len(text)
    for i in range(len(text) - _SHINGLE + 1):
        if text[i : i + _SHINGLE] in known:
            covered[i : i + _SHINGLE] = [True] * _SHINGLE
    return sum(covered) / len(text)


def copied_problems(now: str, before: str) -> list[str]:
    """The problem statements of 五 (有待提高, 不够 …) that last year's 五 already holds word for word."""
    old = re.sub(r"\s", "", before)
    copied: list[str] = []
    for piece in _PIECE_SPLIT.split(now):
        plain = _PIECE_LEAD.sub("", re.sub(r"\s", "", piece))
        if len(plain) >= 6 and _PROBLEM_WORDS.search(plain) and plain in old and plain not in copied:
            copied.append(plain if len(plain) <= 30 else plain[:29] + "…")
    return copied
