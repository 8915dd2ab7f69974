"""The corpus of report sentences (tests/corpus/text-claims.txt): reading it and judging one sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from text_fixtures import figures_report, text_path

from generator.check.load import check_report
from generator.issues import Issue, Severity

CORPUS = Path(__file__).resolve().parent / "corpus" / "text-claims.txt"
CATEGORIES = ("agree", "disagree", "qualified", "irrelevant", "previous")
TEXT_CODES = ("text-number-mismatch", "text-number-uncertain")


@dataclass(frozen=True, slots=True)
class Case:
    """One sentence of the corpus with the outcome a careful reader expects."""

    line: int
    fixture: str
    previous: str | None
    section: str
    category: str
    expected: tuple[str, ...]  # "E 17件" / "W 17件"
    known_miss: bool
    sentence: str

    @property
    def id(self) -> str:
        """A short test id: line number, category and the sentence's start."""
        return f"{self.line}-{self.category}-{self.sentence[:12]}"


def load_corpus(path: Path = CORPUS) -> list[Case]:
    """Every case of the corpus file, in file order."""
    cases: list[Case] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fixture, section, category, expected, sentence = (part.strip() for part in line.split("|", 4))
        current, _, previous = fixture.partition("@")
        miss = expected.startswith("miss:")
        expected = expected.removeprefix("miss:").strip()
        outcomes = () if expected == "-" else tuple(sorted(item.strip() for item in expected.split(";")))
        assert category in CATEGORIES, f"line {number}: unknown category {category}"
        cases.append(
            Case(number, current, previous or None, section, category, outcomes, miss, sentence.removeprefix("real: "))
        )
    return cases


def text_issues(case: Case) -> list[Issue]:
    """The text-number issues the check raises on the case's sentence, placed in its section of its fixture."""
    report = figures_report(case.fixture, {case.section: case.sentence})
    previous = figures_report(case.previous) if case.previous else None
    path = text_path(case.section)
    return [issue for issue in check_report(report, previous).issues if issue.path == path and issue.code in TEXT_CODES]


def outcome(issues: list[Issue]) -> tuple[str, ...]:
    """The issues as the corpus writes them: E/W and the number as written in the text."""
    found = []
    for issue in issues:
        match = re.search(r"中的“(.*?)”", issue.detail)
        assert match, issue.detail
        found.append(f"{'E' if issue.severity is Severity.ERROR else 'W'} {match.group(1)}")
    return tuple(sorted(found))
