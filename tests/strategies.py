"""Hypothesis strategies: random valid reports, built from the schema."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from hypothesis import strategies as st

from generator import schema
from generator.check.parse import TITLE_NUMBER
from generator.check.rules import says_nothing
from generator.model import Report, Section, Value, complete_values, make_report

TEXT_ALPHABET = st.characters(
    categories=("L", "N", "P", "S", "Zs"),
    exclude_characters="\r\x0b\x0c\x85\u2028\u2029\ufffe\uffff",
)
counts = st.integers(min_value=0, max_value=60)


def clean_text(max_size: int = 40, lines: bool = True) -> st.SearchStrategy[str]:
    """Text as the reader returns it: no outer white space, \\n between lines."""
    alphabet = st.one_of(TEXT_ALPHABET, st.just("\n")) if lines else TEXT_ALPHABET
    return st.text(alphabet, max_size=max_size).map(lambda text: "\n".join(line for line in text.split("\n")).strip())


# a title that starts with a number is read without it (the template numbers sub-sections itself)
titles = clean_text(12, lines=False).filter(lambda title: not TITLE_NUMBER.match(title))


@st.composite
def valid_reports(draw: st.DrawFn, give_totals: bool | None = None) -> Report:
    """A report that passes check: leaf counts random, `new` chosen so that R1 holds, totals given or not."""
    values: dict[str, Value] = {}
    for field in schema.FIELDS:
        if field.kind is schema.Kind.COUNT:
            values[field.path] = draw(counts)
    for column in schema.APPLICANT_PARTS:
        total = sum(values[f"requests.{row}.{column}"] for row in schema.RESULT_ROWS)  # type: ignore[misc]
        forward = values[f"requests.carried_forward.{column}"]
        over = draw(st.integers(0, total + forward))  # type: ignore[operator]
        values[f"requests.carried_over.{column}"] = over
        values[f"requests.new.{column}"] = total + forward - over  # type: ignore[operator]
    values["proactive.fees"] = draw(st.decimals(min_value=0, max_value=10**6, places=draw(st.integers(0, 6))))
    year = draw(st.integers(2019, 2030))
    values.update(
        agency=draw(clean_text(20, lines=False).filter(bool)),
        year=year,
        date=dt.date(year + 1, 1, 1) + dt.timedelta(days=draw(st.integers(0, 29))),
        problems=draw(clean_text().filter(lambda text: not says_nothing(text))),
        other_matters=draw(clean_text()),
    )
    values = complete_values(values) if (give_totals if give_totals is not None else draw(st.booleans())) else values
    sections = draw(
        st.lists(
            st.builds(Section, titles, clean_text()).filter(lambda s: s.title or s.text),
            max_size=5,
        )
    )
    keys = st.text(TEXT_ALPHABET, min_size=1, max_size=8).map(str.strip).filter(bool)
    extra = draw(st.dictionaries(keys, st.one_of(clean_text(10, lines=False), st.integers(0, 10**9)), max_size=3))
    return make_report(values, tuple(sections), extra)


def normal(report: Report) -> dict[str, object]:
    """What must survive a round trip: every value with totals completed, fees compared as numbers."""
    values = complete_values(report.values)
    values["proactive.fees"] = Decimal(values["proactive.fees"]).normalize()  # type: ignore[arg-type]
    return {"values": values, "overview": report.overview, "extra": dict(report.extra)}


def _printable_line(line: str) -> bool:
    """A line of text that reads back as itself from a printed report (not a heading, a date or a sub-section)."""
    from generator.formats.published.mapping import parse_date, section_of

    return (
        section_of(line) is None
        and parse_date(line) is None
        and not re.match(r"\s*[（(][一二三四五六七八九十]+[）)]", line)
    )


def printed_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Text in the form a report prints it: one paragraph per line, none empty, none with outer white space."""
    return clean_text(max_size).map(lambda text: "\n".join(line.strip() for line in text.split("\n") if line.strip()))


@st.composite
def printable_reports(draw: st.DrawFn) -> Report:
    """A valid report in the form a published report prints it, so that reading it back must give it exactly.

    What a printed report cannot tell apart is left out: custom fields and 机关类型 (not printed), a sub-section
    without a title after the first (its text would run into the one before), lines that look like headings.
    """
    report = draw(valid_reports())
    agency = draw(clean_text(20, lines=False).filter(lambda a: bool(a) and _printable_line(a)))
    texts = printed_text().filter(lambda t: all(_printable_line(line) for line in t.split("\n")))
    titled = st.builds(Section, titles.filter(bool), texts)
    sections = draw(st.lists(titled, max_size=4))
    if draw(st.booleans()):
        sections.insert(0, Section("", draw(texts.filter(bool))))
    values = dict(report.values)
    values.update(agency=agency, problems=draw(texts), other_matters=draw(texts))
    return make_report(values, tuple(sections), {})
