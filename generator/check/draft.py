"""The standard sentences of 一（二）依申请公开 and of 四 (复议、诉讼), written from the figures.

`draft` is a pure function of the report (and last year's); its sentences use only the wording the text
check reads, so a drafted text always passes the check (tests/test_draft.py proves it on random reports).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from .. import schema
from ..issues import READING_CODES, Issue
from ..model import Report, Section, Value, complete_values
from .load import Checked, load

REQUESTS_TITLE = "政府信息依申请公开办理情况"
# the results of table 三 in table order: 予以公开, 部分公开, then the groups (不予公开 …) with their reasons
_RESULTS = tuple(
    (key, schema.sentence_label(key)) for key in dict.fromkeys(row.split(".")[0] for row in schema.RESULT_ROWS)
)
_REASONS = {row: schema.sentence_label(row) for row in schema.RESULT_ROWS if "." in row}
_OUTCOMES = tuple((key, label) for key, label in schema.APPEAL_COLUMNS if key in schema.APPEAL_PARTS)


@dataclass(frozen=True, slots=True)
class Draft:
    """The drafted paragraphs: requests (一（二）) and appeals (四), each one paragraph."""

    requests: str
    appeals: str

    @property
    def text(self) -> str:
        """Both paragraphs, as the text of the 依申请公开 sub-section."""
        return f"{self.requests}\n{self.appeals}"


def draft(report: Report, previous: Report | None = None) -> Draft:
    """The standard sentences from a report's figures; with last year's report also the change against it."""
    now = complete_values(report.values)
    last = complete_values(previous.values) if previous is not None else None
    return Draft(_requests_paragraph(now, last), _appeals_paragraph(now, last))


def _count(values: Mapping[str, Value], path: str) -> int:
    value = values.get(path)
    return value if isinstance(value, int) else 0


def _row(values: Mapping[str, Value], row: str, column: str = "total") -> int:
    return _count(values, f"requests.{row}.{column}")


def _group(values: Mapping[str, Value], group: str) -> int:
    return sum(_row(values, row) for row in schema.RESULT_ROWS if row == group or row.startswith(group + "."))


def _requests_paragraph(now: Mapping[str, Value], last: Mapping[str, Value] | None) -> str:
    new, carried = _row(now, "new"), _row(now, "carried_over")
    if new == 0 and carried == 0:
        return "本年度未收到政府信息公开申请，无上年结转申请。"
    people = _row(now, "new", "natural_person")
    organisations = sum(_row(now, "new", column) for column in schema.ORGANISATION_PARTS)
    split = f"（自然人{people}件，{schema.ORGANISATIONS_LABEL}{organisations}件）" if people and organisations else ""
    text = f"本年度新收政府信息公开申请{new}件{split}{_change(new, _row(last, 'new') if last else None)}"
    if new and not organisations:
        text += "，均为自然人提出" if people else ""
    text += f"；上年结转政府信息公开申请{carried}件。" if carried else "。"
    total = _row(now, "total")
    if total:
        text += f"本年度办结政府信息公开申请{total}件，其中{_results(now)}。"
    forward = _row(now, "carried_forward")
    text += f"结转下年度继续办理{forward}件。" if forward else "无结转下年度继续办理的申请。"
    return text


def _results(values: Mapping[str, Value]) -> str:
    parts = []
    for group, label in _RESULTS:
        count = _group(values, group)
        if count:
            parts.append(f"{label}{count}件{_reasons(values, group, count)}")
    return "，".join(parts)


def _reasons(values: Mapping[str, Value], group: str, count: int) -> str:
    """（保护第三方合法权益3件，属于四类过程性信息2件）, or （均为重复申请） when one reason covers them all."""
    reasons = [(reason, _row(values, row)) for row, reason in _REASONS.items() if row.startswith(group + ".")]
    given = [(reason, number) for reason, number in reasons if number]
    if len(given) == 1 and given[0][1] == count:
        return f"（均为{given[0][0]}）"
    return f"（{'，'.join(f'{reason}{number}件' for reason, number in given)}）" if given else ""


def _appeals_paragraph(now: Mapping[str, Value], last: Mapping[str, Value] | None) -> str:
    review = _count(now, "appeals.review.total")
    direct = _count(now, "appeals.litigation_direct.total")
    after = _count(now, "appeals.litigation_after_review.total")
    if not review and not direct + after:
        return "本年度未发生政府信息公开行政复议和行政诉讼案件。"
    review_last = _count(last, "appeals.review.total") if last else None
    if review:
        text = f"本年度发生政府信息公开行政复议{review}件{_change(review, review_last)}，其中{_outcomes(now, ('review',))}。"
    else:
        text = "本年度未发生政府信息公开行政复议。"
    litigation = direct + after
    if not litigation:
        return text + "未发生政府信息公开行政诉讼。"
    if direct and after:
        groups = f"（未经复议直接起诉{direct}件，复议后起诉{after}件）"
    else:
        groups = "（均为未经复议直接起诉）" if direct else "（均为复议后起诉）"
    litigation_last = (
        _count(last, "appeals.litigation_direct.total") + _count(last, "appeals.litigation_after_review.total")
        if last
        else None
    )
    outcomes = _outcomes(now, ("litigation_direct", "litigation_after_review"))
    change = _change(litigation, litigation_last)
    return text + f"发生政府信息公开行政诉讼{litigation}件{groups}{change}，其中{outcomes}。"


def _outcomes(values: Mapping[str, Value], groups: tuple[str, ...]) -> str:
    parts = []
    for key, label in _OUTCOMES:
        count = sum(_count(values, f"appeals.{group}.{key}") for group in groups)
        if count:
            parts.append(f"{label}{count}件")
    return "，".join(parts)


def _change(now: int, before: int | None) -> str:
    """，较上年增加 N 件、增长 X%: the change against last year, or "" without last year's report."""
    if before is None:
        return ""
    if now == before:
        return "，与上年持平"
    word, rate_word = ("增加", "增长") if now > before else ("减少", "下降")
    text = f"，较上年{word}{abs(now - before)}件"
    if before:
        rate = (Decimal(abs(now - before)) * 100 / before).quantize(Decimal("0.1"), ROUND_HALF_UP)
        text += f"，{rate_word}{format(rate.normalize(), 'f')}%"
    return text


# --- into a copy of the input -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Drafted:
    """An input read and drafted: its check, the draft, and the errors that stop drafting (figures unknown)."""

    checked: Checked
    draft: Draft
    blocking: tuple[Issue, ...]


def draft_file(path: Path, previous: Path | None = None) -> Drafted:
    """Read and check an input (and last year's report), and draft its standard sentences."""
    checked = load(path, previous)
    blocking = tuple(issue for issue in checked.result.errors if _stops_drafting(issue))
    return Drafted(checked, draft(checked.report, checked.previous), blocking)


def _stops_drafting(issue: Issue) -> bool:
    """An error in the figures the sentences are written from (or a value that could not be read)."""
    return issue.code in READING_CODES or issue.path.startswith(("requests.", "appeals."))


def with_draft(report: Report, drafted: Draft) -> tuple[Report, bool]:
    """The report with the drafted text in its empty 依申请公开 sub-section (added if there is none).

    Returns the report and whether the text went in; a sub-section already written is never replaced.
    """
    sections = list(report.overview)
    index = next((i for i, section in enumerate(sections) if "依申请" in section.title), None)
    if index is None:
        sections.insert(min(1, len(sections)), Section(REQUESTS_TITLE, drafted.text))
    elif sections[index].text.strip():
        return report, False
    else:
        sections[index] = Section(sections[index].title, drafted.text)
    return replace(report, overview=tuple(sections)), True
