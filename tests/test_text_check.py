"""The prose against the tables: the corpus of sentences, the real seed, messages and locations, 五, 六, --previous."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from builders import ROOT, valid_report, write_json, write_xlsx
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from text_corpus import CATEGORIES, Case, load_corpus, outcome, text_issues
from text_fixtures import figures_report, text_path

from generator.check.load import check_report, load
from generator.check.text_facts import VOCABULARY
from generator.check.text_scan import claims
from generator.chinese import cn_number, parse_cn_number
from generator.cli import cli
from generator.model import Report, Section, make_report

CASES = load_corpus()


def _param(case: Case) -> object:
    marks = [pytest.mark.xfail(reason="a known miss of the check", strict=True)] if case.known_miss else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_corpus_sentence(case: Case) -> None:
    assert outcome(text_issues(case)) == case.expected


def test_corpus_is_large_enough_and_covers_every_category() -> None:
    counts = Counter(case.category for case in CASES)
    assert len(CASES) >= 150
    assert set(counts) == set(CATEGORIES)
    assert counts["disagree"] >= 40
    assert all(case.category not in ("agree", "irrelevant") or not case.expected for case in CASES)


def test_known_misses_stay_under_a_tenth_of_disagreements() -> None:
    disagreements = [case for case in CASES if case.category == "disagree"]
    missed = [case for case in disagreements if case.known_miss]
    assert len(missed) <= len(disagreements) // 10


@pytest.mark.parametrize("name", ["seed.json", "seed.xlsx"])
def test_the_seed_texts_raise_nothing(name: str) -> None:
    result = load(ROOT / "inputs" / name).result
    assert [issue for issue in result.issues if issue.code.startswith(("text-", "fee-", "problems-"))] == []


def test_a_wrong_number_names_quote_values_and_cell() -> None:
    report = figures_report(
        "county", {"管理": "我局不断加强规范性文件管理。截至2023年底，我局现行有效行政规范性文件393件，均已公开。"}
    )
    (issue,) = [i for i in check_report(report).issues if i.code == "text-number-mismatch"]
    assert issue.path == text_path("管理")
    assert issue.message == (
        "一、总体情况 第3个小节·内容（overview[2].text）："
        "“…我局现行有效行政规范性文件393件，均已公开。”中的“393件”与表格不符："
        "表中行政规范性文件·现行有效件数为 470（proactive.normative_documents.in_force）"
    )


def test_quotes_stay_short_in_a_long_paragraph() -> None:
    filler = "认真贯彻落实条例要求，持续推进政务公开标准化规范化建设，" * 5
    report = figures_report("county", {"依申请": filler + "全年共收到政府信息公开申请90件，" + filler})
    (issue,) = [i for i in check_report(report).issues if i.code == "text-number-mismatch"]
    quoted = issue.detail.split("”中的")[0].lstrip("“")
    assert "90件" in quoted
    assert len(quoted) <= 30


def test_qualified_claim_is_a_warning_and_says_why() -> None:
    report = figures_report(
        "hongze2024", {"依申请": "2024 年，区政府办代表区政府受理政府信息公开申请 17 件，均已在法定期限内予以答复。"}
    )
    result = check_report(report)
    (issue,) = [i for i in result.issues if i.code.startswith("text-number")]
    assert (issue.code, issue.path, result.ok) == ("text-number-uncertain", text_path("依申请"), True)
    assert "“代表”" in issue.detail
    assert "95（requests.new.total）" in issue.detail


def test_workbook_issue_is_located_at_the_text_cell(tmp_path: Path) -> None:
    report = figures_report("county", {"依申请": "本年度新收政府信息公开申请75件。"})
    result = load(write_xlsx(tmp_path / "r.xlsx", report)).result
    (issue,) = [i for i in result.issues if i.code == "text-number-mismatch"]
    assert (issue.sheet, issue.cell, issue.path) == ("一、总体情况", "C4", "overview[1].text")


def test_check_json_carries_the_code_at_the_text_path(runner: CliRunner, tmp_path: Path) -> None:
    report = figures_report("county", {"五": "全年共收到申请47件，答复能力有待提升。"})
    result = runner.invoke(cli, ["check", str(write_json(tmp_path / "r.json", report)), "--json"])
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert [(e["code"], e["path"]) for e in errors] == [("text-number-mismatch", "problems")]


def test_same_input_same_issues_in_the_same_order() -> None:
    report = figures_report(
        "county", {"依申请": "本年度办结75件，其中予以公开41件，部分公开11件。", "五": "共收到申请47件。"}
    )
    assert check_report(report).issues == check_report(report).issues
    assert [i.path for i in check_report(report).issues if i.code.startswith("text-number")] == [
        "overview[1].text",
        "overview[1].text",
        "overview[1].text",
        "problems",
    ]


@given(st.integers(0, 99_999))
@settings(max_examples=40, deadline=None)
def test_chinese_numerals_read_back(number: int) -> None:
    assert parse_cn_number(cn_number(number)) == number if number < 10_000 else True


@pytest.mark.parametrize(
    ("text", "value"),
    [("七十五", 75), ("两", 2), ("一百零五", 105), ("三千一百一十九", 3119), ("一万二千", 12000), ("二〇二一", 2021)],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert parse_cn_number(text) == value


@pytest.mark.parametrize("text", ["三五", "一两", "万", "五五十", "", "七十五件"])
def test_not_one_chinese_number(text: str) -> None:
    assert parse_cn_number(text) is None


def test_four_bare_digits_are_a_year_but_no_count() -> None:
    assert list(claims("收到申请三四五六件")) == []  # read as a range, like 三五件, not as 3456
    for year in ("二〇二三", "二O二三"):  # a Latin O typed for the zero
        (claim,) = claims(f"{year}年收到申请十二件")
        assert (claim.year, claim.stated) == (2023, 12)
    (claim,) = claims("一九九九年收到申请十二件")  # a year is written digit by digit, with or without a zero
    assert claim.year == 1999


@pytest.mark.parametrize(
    ("sentence", "stated"),
    [
        ("收到申请１２件", "１２件"),
        ("收到申请1,234件", "1,234件"),
        ("收到申请 3119 件", "3119 件"),
        ("收到申请七十五件", "七十五件"),
    ],
)
def test_numbers_as_reports_write_them(sentence: str, stated: str) -> None:
    (claim,) = claims(sentence)
    assert sentence[claim.start : claim.end] == stated


# --- 五 and 六 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("problems", ["", "无", "暂无。", " 无 "])
def test_empty_problems_is_an_error(problems: str) -> None:
    result = check_report(valid_report(problems=problems))
    assert result.flatten("code", "path", "severity") == [("problems-empty", "problems", result.errors[0].severity)]
    assert not result.ok


def test_empty_other_matters_stays_a_warning() -> None:
    result = check_report(valid_report(other_matters=""))
    assert (result.flatten("code", "path"), result.ok) == ([("text-empty", "other_matters")], True)


def test_unpaid_fee_row_without_a_word_in_six_is_a_warning() -> None:
    report = valid_report(**{"requests.other.unpaid_fee.natural_person": 1, "requests.new.natural_person": 1})
    assert check_report(report).flatten("code", "path") == [("fee-not-reported", "other_matters")]
    said = valid_report(
        **{
            "requests.other.unpaid_fee.natural_person": 1,
            "requests.new.natural_person": 1,
            "other_matters": "本年度收取信息处理费 100 元。",
        }
    )
    assert check_report(said).issues == ()


def test_information_fee_mentioned_elsewhere_without_a_word_in_six_is_a_warning() -> None:
    report = make_report(
        valid_report().values, (Section("依申请公开", "严格执行信息处理费管理办法，全年收取信息处理费400元。"),)
    )
    (issue,) = check_report(report).issues
    assert (issue.code, issue.path) == ("fee-not-reported", "other_matters")
    assert "信息处理费" in issue.detail


def test_information_fee_in_the_opening_or_a_custom_field_without_a_word_in_six_is_a_warning() -> None:
    for opening, extra in (("本年度收取信息处理费400元。", {}), ("", {"收费说明": "全年收取信息处理费400元。"})):
        report = make_report(valid_report(opening=opening).values, valid_report().overview, extra)
        assert check_report(report).flatten("code", "path") == [("fee-not-reported", "other_matters")]


def test_information_fee_is_not_the_administrative_fee() -> None:
    report = figures_report("county", {"六": "全年收取信息处理费 24252 元，行政事业性收费 24252.31 万元。"})
    assert [i for i in check_report(report).issues if i.code.startswith("text-")] == []
    wrong = figures_report("county", {"六": "全年收取信息处理费 3940 元，行政事业性收费 3940 万元。"})
    assert outcome([i for i in check_report(wrong).issues if i.code.startswith("text-number")]) == ("E 3940万元",)


# --- against last year ------------------------------------------------------------------------------
PROBLEMS_2022 = (
    "一是政策解读形式较为单一，图解、视频解读较少；二是依申请公开答复文书规范性有待提高。下一步将加强培训，规范答复。"
)
OVERVIEW_2022 = (
    "严格落实三审三校制度，所有公开信息均经分管领导审核后发布，确保信息准确规范。"
    "持续优化政府信息公开专栏设置，及时更新机构职能、政策文件、财政预决算等栏目内容。"
)


def _year_pair(overview_now: str, problems_now: str) -> tuple[Report, Report]:
    last = figures_report("county-previous", {"管理": OVERVIEW_2022, "五": PROBLEMS_2022})
    now = figures_report("county", {"管理": overview_now, "五": problems_now})
    return now, last


def test_text_repeating_last_year_by_more_than_half_is_named_with_its_share() -> None:
    now, last = _year_pair(OVERVIEW_2022.replace("2022", "2023") + "新增一项便民措施。", "本年度新问题：队伍力量不足。")
    repeated = [i for i in check_report(now, last).issues if i.code == "text-repeated"]
    assert [i.path for i in repeated] == ["overview[2].text"]
    assert re.search(r"约 (8|9)\d% 相同", repeated[0].detail)


def test_rewritten_text_is_not_repeated() -> None:
    now, last = _year_pair(
        "本年度围绕重点领域信息公开开展专项行动，修订了信息发布审核办法，建立季度通报机制。" * 2,
        "本年度新问题：队伍力量不足。",
    )
    assert [i for i in check_report(now, last).issues if i.code == "text-repeated"] == []
    assert [i for i in check_report(now).issues if i.code == "text-repeated"] == []


def test_problems_copied_word_for_word_are_named() -> None:
    now, last = _year_pair(
        "本年度围绕重点领域开展专项行动，修订信息发布审核办法，建立季度通报机制，效果明显。",
        "存在的问题：依申请公开答复文书规范性有待提高。今年将开展三次培训，编印答复模板。",
    )
    (issue,) = [i for i in check_report(now, last).issues if i.code == "text-repeated"]
    assert issue.path == "problems"
    assert "“依申请公开答复文书规范性有待提高”" in issue.detail


def test_previous_report_figures_check_year_on_year_claims(runner: CliRunner, tmp_path: Path) -> None:
    now = write_json(
        tmp_path / "2023.json", figures_report("county", {"依申请": "本年度共收到政府信息公开申请74件，同比增长20%。"})
    )
    last = write_json(tmp_path / "2022.json", figures_report("county-previous"))
    result = runner.invoke(cli, ["check", str(now), "--previous", str(last), "--json"])
    errors = json.loads(result.stdout)["errors"]
    assert [(e["code"], e["path"]) for e in errors] == [("text-number-mismatch", "overview[1].text")]
    assert "上年报告 50" in errors[0]["message"]
    assert "增长 48%" in errors[0]["message"]
    alone = runner.invoke(cli, ["check", str(now), "--json"])
    assert json.loads(alone.stdout)["ok"] is True


# --- the same check in build and bulk ---------------------------------------------------------------
def test_build_and_bulk_refuse_a_text_that_contradicts_the_tables(runner: CliRunner, tmp_path: Path) -> None:
    from generator.county import bulk

    source = write_json(tmp_path / "r.json", figures_report("county", {"依申请": "本年度新收政府信息公开申请75件。"}))
    out = tmp_path / "r.docx"
    result = runner.invoke(cli, ["build", str(source), "-o", str(out)])
    assert (result.exit_code, out.exists()) == (1, False)
    assert "“本年度新收政府信息公开申请75件。”中的“75件”与表格不符" in result.stderr
    outcome_ = bulk.process_one(source)
    assert (outcome_.status, outcome_.docx) == (bulk.HAS_ERRORS, None)
    assert any("75件" in line for line in outcome_.messages)


def test_rollup_still_adds_up_a_unit_whose_only_errors_are_in_its_prose(tmp_path: Path) -> None:
    from generator.county.rollup import roll_up

    prose = write_json(
        tmp_path / "a.json", figures_report("county", {"五": "", "依申请": "本年度新收政府信息公开申请75件。"})
    )
    figures = write_json(tmp_path / "b.json", figures_report("seed-as-printed-2023"))
    rolled = roll_up([prose, figures], "某县", 2023)
    assert rolled.included == (prose,)
    assert [path for path, _ in rolled.left_out] == [figures]


_COMMON_PIECES = (
    *("5件", "17 件", "七十五件", "两名", "3.5万元", "2亿元", "20%", "3个百分点", "2023年", "1-6月", "12月31日"),
    *("代表", "申请", "受理", "行政复议", "行政诉讼", "其中", "维持", "予以公开", "共", "均", "分别", "和", "申请人"),
    *("同比", "增加", "无", "未发生", "上年", "约", "余", "规范性文件", "制发", "行政事业性收费", "因", "引发的"),
    *"，。；、（）：的",
    *("征地", "方面", "工作"),
)


def test_any_mix_of_report_words_is_read_without_failing() -> None:
    """3000 seeded random texts of report words, numbers and punctuation (an offline run of 60000 found nothing more)."""
    rng = random.Random(11)
    vocabulary = sorted(VOCABULARY)
    previous = figures_report("county-previous")
    for _ in range(3000):
        size = rng.randint(1, 30)
        text = "".join(
            rng.choice(_COMMON_PIECES) if rng.random() < 0.7 else rng.choice(vocabulary) for _ in range(size)
        )
        report = figures_report(rng.choice(["county", "hongze2024", "seed"]), {"依申请": text})
        for issue in check_report(report, previous).issues:
            assert issue.detail.strip()


def test_the_table_value_is_cited_where_the_input_holds_it(tmp_path: Path) -> None:
    """A workbook names its cell; a published report its page and table; never a cell a PDF does not have."""
    from generator.check.load import load
    from generator.formats.workbook_writer import write_workbook
    from generator.model import Section, make_report

    report = make_report(
        {**figures_report("hongze2024", {}).values},
        (Section("依申请公开", "2024 年，区政府办代表区政府受理政府信息公开申请 17 件，均已答复。"),),
    )
    workbook = tmp_path / "r.xlsx"
    write_workbook(workbook, report)
    (issue,) = [i for i in load(workbook).result.issues if i.code.startswith("text-number")]
    assert "95（工作表“三、依申请公开”J6）" in issue.detail
    pdf = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "14-hongze-qu-renmin-zhengfu-2024.pdf"
    if pdf.exists():
        (issue,) = [i for i in load(pdf).result.issues if i.code.startswith("text-number")]
        assert "工作表" not in issue.detail
        assert "95（第3页第2个表格" in issue.detail
