"""Benchmark: precision and recall of the text check on the corpus, by category, against the plain approach.

    python benchmarks/bench_text_check.py

The corpus is tests/corpus/text-claims.txt (sentences in the register of real reports, each with the outcome a
careful reader expects). An issue is correct when the corpus expects it (same severity, same number); every
other issue is a false alarm. The plain approach is what a script would do without reading the words: every
number followed by 件/起/万元 that equals no value anywhere in the tables is an error.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from text_corpus import CATEGORIES, Case, load_corpus, outcome, text_issues  # noqa: E402
from text_fixtures import figures_report  # noqa: E402

from generator.check.load import check_report  # noqa: E402
from generator.chinese import parse_cn_number  # noqa: E402
from generator.model import complete_values  # noqa: E402

_PLAIN_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?|[零一二两三四五六七八九十百千万]+)\s*(件|起|万元)")


def plain_outcome(case: Case) -> tuple[str, ...]:
    """Errors for every number with a unit that no table value equals."""
    values = complete_values(figures_report(case.fixture).values)
    known = {
        Decimal(value) for value in values.values() if isinstance(value, (int, Decimal)) and not isinstance(value, bool)
    }
    found = []
    for match in _PLAIN_NUMBER.finditer(case.sentence):
        text = match.group(1).replace(",", "")
        number = Decimal(text) if text[0].isdigit() else parse_cn_number(text)
        if number is not None and Decimal(number) not in known:
            found.append("E " + re.sub(r"\s+", "", match.group(0)))
    return tuple(sorted(found))


def score(cases: list[Case], judge: Callable[[Case], tuple[str, ...]]) -> dict[str, Counter[str]]:
    """Per category: expected issues, raised issues, correct ones, and errors expected / caught."""
    table: dict[str, Counter[str]] = {category: Counter() for category in CATEGORIES}
    for case in cases:
        got = Counter(judge(case))
        want = Counter(case.expected)
        row = table[case.category]
        row["sentences"] += 1
        row["expected"] += sum(want.values())
        row["raised"] += sum(got.values())
        row["correct"] += sum((got & want).values())
        row["errors expected"] += sum(n for item, n in want.items() if item.startswith("E"))
        row["errors caught"] += sum(n for item, n in (got & want).items() if item.startswith("E"))
        row["sentences with a false alarm"] += bool(got - want)
    return table


def print_table(title: str, table: dict[str, Counter[str]]) -> None:
    """One line per category and a total line."""
    print(title)
    print(
        f"  {'category':<11}{'sentences':>10}{'expected':>10}{'raised':>8}{'correct':>9}{'false alarms':>14}{'precision':>11}{'recall':>8}"
    )
    total: Counter[str] = Counter()
    for category, row in [*table.items(), ("all", None)]:
        row = row if row is not None else total
        if category != "all":
            total.update(row)
        precision = row["correct"] / row["raised"] if row["raised"] else 1.0
        recall = row["correct"] / row["expected"] if row["expected"] else 1.0
        false = row["raised"] - row["correct"]
        print(
            f"  {category:<11}{row['sentences']:>10}{row['expected']:>10}{row['raised']:>8}{row['correct']:>9}"
            f"{false:>14}{precision:>11.1%}{recall:>8.1%}"
        )
    caught, expected = total["errors caught"], total["errors expected"]
    print(f"  disagreements caught as errors: {caught}/{expected} = {caught / expected:.1%}")
    print(f"  sentences with a false alarm: {total['sentences with a false alarm']} of {total['sentences']}")


def main() -> None:
    """Print the figures."""
    cases = load_corpus()
    start = time.perf_counter()
    ours = score(cases, lambda case: outcome(text_issues(case)))
    elapsed = time.perf_counter() - start
    print_table(f"nianbao text check ({len(cases)} sentences)", ours)
    print_table("plain approach (number with a unit that equals no table value)", score(cases, plain_outcome))
    characters = sum(len(case.sentence) for case in cases)
    print(
        f"time: {elapsed * 1000 / len(cases):.2f} ms per sentence checked as a whole report ({characters} characters in all)"
    )
    long_text = "".join(case.sentence for case in cases if case.fixture == "county")
    report = figures_report("county", {"依申请": long_text})
    with_text = min(_seconds(lambda: check_report(report)) for _ in range(5))
    without = min(_seconds(lambda: check_report(figures_report("county"))) for _ in range(5))
    print(
        f"a {len(long_text)}-character text: check {with_text * 1000:.1f} ms, of which reading the text "
        f"{(with_text - without) * 1000:.1f} ms (the same report without it: {without * 1000:.1f} ms)"
    )


def _seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
