"""The 退回意见 names the unit and the file and lists every problem with its sheet, cell and fix; a unit is
matched by its name however it is spaced or shortened, and near-misses stay apart."""

from __future__ import annotations

import io

import pytest
from builders import ROOT

from generator.check.load import load
from generator.county.review import FALLBACK_FIX, FIXES, review_docx, review_file_name, review_items, review_text
from generator.county.roster import normalized_name, same_unit
from generator.issues import ALL_TYPES, CheckResult

PRINTED = ROOT / "inputs" / "seed-as-printed.xlsx"


@pytest.fixture(scope="module")
def result() -> CheckResult:
    return load(PRINTED).result


def test_the_letter_names_unit_file_and_each_problem_with_its_cell_and_fix(result: CheckResult) -> None:
    text = review_text("新绛县三泉镇人民政府", "年报.xlsx", result, "2022-01-20 10:31")
    assert "报送单位：新绛县三泉镇人民政府" in text
    assert "收到的文件：年报.xlsx（2022-01-20 10:31 收到）" in text
    assert "有 2 个错误、0 个警告" in text
    assert "1. 位置：工作表“三、依申请公开”D29（三、收到和处理申请 （七）总计·自然人）" in text
    assert "问题：填写 0，按明细合计应为 2" in text
    assert f"修改：{FIXES['requests-total']}" in text
    assert "2. 位置：工作表“三、依申请公开”J29" in text
    assert "二、请核对的警告" not in text


def test_the_letter_as_docx_holds_the_same_problems(result: CheckResult) -> None:
    from docx import Document

    document = Document(io.BytesIO(review_docx("新绛县三泉镇人民政府", "年报.xlsx", result, "2022-01-20 10:31")))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "年度报告退回意见"
    assert "报送单位：新绛县三泉镇人民政府" in paragraphs
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["序号", "类别", "位置", "问题", "修改意见"]
    assert rows[1][:2] == ["1", "错误"]
    assert rows[1][2].startswith("工作表“三、依申请公开”D29")
    assert rows[1][4] == FIXES["requests-total"]
    assert len(rows) == 3


def test_the_same_letter_is_the_same_file(result: CheckResult) -> None:
    from docx import Document

    first = Document(io.BytesIO(review_docx("甲", "a.xlsx", result)))
    second = Document(io.BytesIO(review_docx("甲", "a.xlsx", result)))
    assert first.element.xml == second.element.xml
    assert first.core_properties.created == second.core_properties.created


def test_warnings_come_after_errors_and_a_clean_file_says_so() -> None:
    seed = load(ROOT / "inputs" / "seed.json").result
    assert "检查通过，未发现问题。" in review_text("甲", "a.json", seed)
    assert review_items(seed) == ()


def test_a_file_that_could_not_be_read() -> None:
    text = review_text("甲", "a.xls", "“a.xls”是旧版 Excel（.xls）格式。")
    assert "文件无法读取（“a.xls”是旧版 Excel（.xls）格式）" in text
    assert "位置" not in text


def test_every_fix_belongs_to_a_known_code() -> None:
    codes = {issue_type.code for issue_type in ALL_TYPES}
    assert set(FIXES) <= codes
    assert FALLBACK_FIX


def test_review_file_names_are_safe() -> None:
    assert review_file_name("新绛县三泉镇人民政府") == "退回意见-新绛县三泉镇人民政府.docx"
    assert review_file_name("a/b:c\n镇", ".txt") == "退回意见-a_b_c_镇.txt"
    assert review_file_name("") == "退回意见-单位.docx"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("新绛县三泉镇人民政府", "新绛县三泉镇政府"),
        ("新绛县 三泉镇人民政府", "新绛县三泉镇人民政府"),
        ("新绛县三泉镇人民政府\u3000", "新绛县三泉镇人民政府"),
        ("ＡＢＣ县教育局", "ABC县教育局"),
    ],
)
def test_spellings_of_one_unit_match(first: str, second: str) -> None:
    assert same_unit(first, second)
    assert normalized_name(first) == normalized_name(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("新绛县三泉镇人民政府", "新绛县三泉乡人民政府"),
        ("新绛县三泉镇人民政府", "新绛县泉镇人民政府"),
        ("新绛县古交镇人民政府", "新绛县古交镇人民代表大会"),
        ("新绛县龙兴镇人民政府", "新绛县龙兴镇人民政府办公室"),
        ("", ""),
    ],
)
def test_near_misses_stay_apart(first: str, second: str) -> None:
    assert not same_unit(first, second)
