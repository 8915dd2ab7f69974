"""The schema's invariants, and that each artefact is derived from it."""

from __future__ import annotations

import re

from generator import schema
from generator.formats.json_document import TREE
from generator.model import make_report, to_document

CONTRACT_KEYS = {
    "format",
    "agency",
    "year",
    "date",
    "overview",
    "proactive",
    "requests",
    "appeals",
    "problems",
    "other_matters",
    "extra",
}


def test_paths_and_cells_are_unique() -> None:
    assert len(schema.BY_PATH) == len(schema.FIELDS)
    assert len(schema.BY_CELL) == len(schema.FIELDS)


def test_field_counts_match_the_official_tables() -> None:
    by_table = {
        key: [f for f in schema.FIELDS if f.path.startswith(key + ".")] for key in ("proactive", "requests", "appeals")
    }
    assert len(by_table["proactive"]) == 10
    assert len(by_table["requests"]) == 25 * 7 == 175
    assert len(by_table["appeals"]) == 15


def test_every_label_is_non_empty_and_names_its_table() -> None:
    for field in schema.FIELDS:
        assert field.label.strip()
        assert re.match(r"(基本信息|二、|三、|四、|五、|六、)", field.label), field


def test_every_total_has_parts_and_every_rule_total_is_a_total_field() -> None:
    totals = {rule.total for rule in schema.SUM_RULES}
    assert totals == set(schema.TOTAL_PATHS)
    for rule in schema.SUM_RULES:
        assert rule.parts
        assert all(part in schema.BY_PATH for part in rule.parts)


def test_the_spec_example_cell() -> None:
    field = schema.BY_PATH["requests.total.natural_person"]
    assert (field.sheet, field.cell) == ("三、依申请公开", "D29")
    assert field.label == "三、收到和处理申请 （七）总计·自然人"


def test_requests_table_grid_covers_every_cell_once() -> None:
    for table in schema.TABLES:
        covered: dict[tuple[int, int], schema.GridCell] = {}
        for cell in table.cells:
            for row in range(cell.row, cell.row + cell.rowspan):
                for col in range(cell.col, cell.col + cell.colspan):
                    assert (row, col) not in covered, (table.key, row, col)
                    covered[row, col] = cell
        assert len(covered) == table.n_rows * table.n_cols, table.key


def test_contract_keys_are_all_present_in_the_document() -> None:
    document = to_document(make_report({}))
    assert set(document) == CONTRACT_KEYS  # the optional keys of the second version only when filled
    filled = to_document(make_report({"agency_type": schema.AGENCY_TYPES[0], "opening": "本报告……"}))
    assert set(filled) - CONTRACT_KEYS == set(schema.OPTIONAL_KEYS)
    assert set(document["requests"]) == {
        "new",
        "carried_over",
        "granted",
        "partially_granted",
        "withheld",
        "unable",
        "not_processed",
        "other",
        "total",
        "carried_forward",
    }
    assert set(document["requests"]["withheld"]) == {
        "state_secret",
        "prohibited_by_law",
        "security_stability",
        "third_party",
        "internal_affairs",
        "process_information",
        "enforcement_files",
        "inquiry_matters",
    }
    assert set(document["requests"]["new"]) == {
        "natural_person",
        "commercial",
        "research",
        "public_interest",
        "legal_service",
        "other_org",
        "total",
    }
    assert set(document["appeals"]) == {"review", "litigation_direct", "litigation_after_review"}
    assert set(document["appeals"]["review"]) == {"upheld", "corrected", "other", "pending", "total"}
    assert set(document["proactive"]) == {"rules", "normative_documents", "licensing", "punishment", "coercion", "fees"}


def test_json_reader_tree_is_the_schema() -> None:
    def leaves(node: dict, prefix: str = "") -> set[str]:
        out: set[str] = set()
        for key, sub in node.items():
            out |= {sub.path} if isinstance(sub, schema.Field) else leaves(sub, prefix + key + ".")
        return out

    assert leaves(TREE) == set(schema.BY_PATH)


def test_verbatim_labels_of_table_three() -> None:
    labels = [cell.text for cell in schema.REQUESTS_TABLE.cells if cell.text]
    for expected in (
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "3.危及“三安全一稳定”",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "四、结转下年度继续办理",
    ):
        assert expected in labels


def test_sentence_labels_are_the_official_words_without_ordinals_or_explanations() -> None:
    assert [schema.sentence_label(key) for key in ("granted", "partially_granted", "withheld")] == [
        "予以公开",
        "部分公开",
        "不予公开",
    ]
    assert schema.sentence_label("withheld.state_secret") == "属于国家秘密"
    assert schema.sentence_label("other.no_correction") == "申请人无正当理由逾期不补正"
    official = dict(schema.REQUEST_ROWS)
    for row in schema.RESULT_ROWS:
        label = schema.sentence_label(row)
        assert label, row
        assert not re.match(r"\d", label), row
        assert "（" not in label, row
        assert label in official[row][-1] or row.startswith("other."), row
