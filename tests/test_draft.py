"""nianbao draft: the standard sentences from the figures pass the text check by construction, and are read by it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from builders import write_json, write_xlsx
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import valid_reports
from text_fixtures import figures_report

from generator.check.draft import draft, with_draft
from generator.check.load import check_report, load
from generator.cli import cli
from generator.model import Report, Section

TEXT_CODES = ("text-number-mismatch", "text-number-uncertain")


def text_issues(report: Report, previous: Report | None = None) -> list[tuple[str, str]]:
    return [(i.code, i.path) for i in check_report(report, previous).issues if i.code in TEXT_CODES]


@given(valid_reports(), st.one_of(st.none(), valid_reports()))
@settings(max_examples=40, deadline=None)
def test_drafted_text_passes_the_text_check(report: Report, previous: Report | None) -> None:
    filled, placed = with_draft(report, draft(report, previous))
    assert placed or any("依申请" in s.title and s.text for s in report.overview)
    assert text_issues(filled if placed else _only_draft(report, previous), previous) == []


def _only_draft(report: Report, previous: Report | None) -> Report:
    return Report(report.values, (Section("政府信息依申请公开办理情况", draft(report, previous).text),), report.extra)


@given(valid_reports())
@settings(max_examples=25, deadline=None)
def test_a_changed_number_in_the_draft_is_caught(report: Report) -> None:
    text = draft(report).text
    match = re.search(r"新收政府信息公开申请(\d+)件", text)
    if match is None:  # no request at all: 本年度未收到政府信息公开申请
        assert text.startswith("本年度未收到")
        return
    wrong = text[: match.start(1)] + str(int(match.group(1)) + 1) + text[match.end(1) :]
    changed = Report(report.values, (Section("政府信息依申请公开办理情况", wrong),), report.extra)
    assert ("text-number-mismatch", "overview[0].text") in text_issues(changed)


def test_draft_wording(golden: Callable[[str, str], None]) -> None:
    drafted = draft(figures_report("huaian"))
    golden("draft-huaian.txt", drafted.text + "\n")
    with_last_year = draft(figures_report("county"), figures_report("county-previous"))
    assert (
        "本年度新收政府信息公开申请74件（自然人70件，法人或其他组织4件），较上年增加24件，增长48%"
        in with_last_year.text
    )
    assert "行政复议170件，较上年减少30件，下降15%" in with_last_year.text


def test_nothing_to_say_is_said_in_words() -> None:
    drafted = draft(figures_report("seed")).text.splitlines()
    assert drafted == [
        "本年度新收政府信息公开申请2件，均为自然人提出。本年度办结政府信息公开申请2件，其中予以公开2件。无结转下年度继续办理的申请。",
        "本年度未发生政府信息公开行政复议和行政诉讼案件。",
    ]


def test_draft_prints_the_sentences(runner: CliRunner, tmp_path: Path) -> None:
    source = write_json(tmp_path / "r.json", figures_report("county"))
    result = runner.invoke(cli, ["draft", str(source)])
    assert result.exit_code == 0
    assert result.stdout == draft(figures_report("county")).text + "\n"


def test_draft_fills_the_empty_subsection_of_a_json_copy(runner: CliRunner, tmp_path: Path) -> None:
    source = write_json(tmp_path / "r.json", figures_report("county", {"依申请": ""}))
    last = write_json(tmp_path / "last.json", figures_report("county-previous"))
    out = tmp_path / "filled.json"
    result = runner.invoke(cli, ["draft", str(source), "--previous", str(last), "-o", str(out)])
    assert result.exit_code == 0, result.output
    overview = json.loads(out.read_text("utf-8"))["overview"]
    assert overview[1]["title"] == "政府信息依申请公开办理情况"
    assert "较上年增加24件" in overview[1]["text"]
    assert overview[0]["text"] == "正文。"
    assert json.loads(source.read_text("utf-8"))["overview"][1]["text"] == ""
    assert text_issues(load(out).report, load(last).report) == []


def test_draft_fills_a_workbook_copy(runner: CliRunner, tmp_path: Path) -> None:
    source = write_xlsx(tmp_path / "r.xlsx", figures_report("hongze2024", {"依申请": ""}))
    out = tmp_path / "filled.xlsx"
    assert runner.invoke(cli, ["draft", str(source), "-o", str(out)]).exit_code == 0
    checked = load(out)
    assert checked.report.overview[1].text.startswith("本年度新收政府信息公开申请95件")
    assert checked.result.ok


def test_draft_keeps_written_text(runner: CliRunner, tmp_path: Path) -> None:
    source = write_json(tmp_path / "r.json", figures_report("county", {"依申请": "已经写好的内容。"}))
    out = tmp_path / "copy.json"
    result = runner.invoke(cli, ["draft", str(source), "-o", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text("utf-8"))["overview"][1]["text"] == "已经写好的内容。"
    assert "已有内容，未改动" in result.stderr
    assert result.stdout.startswith("本年度新收")


def test_draft_adds_the_subsection_when_there_is_none(tmp_path: Path) -> None:
    report = figures_report("county")
    bare = Report(report.values, (report.overview[0],), report.extra)
    filled, placed = with_draft(bare, draft(bare))
    assert placed
    assert [s.title for s in filled.overview] == ["主动公开政府信息情况", "政府信息依申请公开办理情况"]


def test_draft_refuses_wrong_figures_and_never_writes_over_an_input(runner: CliRunner, tmp_path: Path) -> None:
    from builders import ROOT

    printed = ROOT / "inputs" / "seed-as-printed.json"
    out = tmp_path / "out.json"
    result = runner.invoke(cli, ["draft", str(printed), "-o", str(out)])
    assert (result.exit_code, out.exists()) == (1, False)
    assert "requests.total" in result.stderr
    source = write_json(tmp_path / "r.json", figures_report("county", {"依申请": ""}))
    before = source.read_bytes()
    same = runner.invoke(cli, ["draft", str(source), "-o", str(source)])
    assert same.exit_code == 2
    assert "不能覆盖输入文件" in same.stderr
    assert source.read_bytes() == before
    wrong_suffix = runner.invoke(cli, ["draft", str(source), "-o", str(tmp_path / "out.docx")])
    assert wrong_suffix.exit_code == 2
