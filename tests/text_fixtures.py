"""The tables of real published reports (hand-transcribed) and of one made-up county department, as Reports.

The corpus of sentences (text_corpus.py) is judged against these tables. Real ones: 新绛县三泉镇 2021 (the seed),
沭阳县发改局 2023, 平潭综合实验区 2024, 淮安市 2024, 洪泽区 2023 and 2024 (figures as printed; 洪泽 2023's two
misprinted 总计 of table 四 are left out, i.e. computed).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from generator import schema
from generator.model import Report, Section, Value, make_report

APPLICANT_KEYS = tuple(key for key, _ in schema.APPLICANT_COLUMNS[:-1])
OVERVIEW_TITLES = {
    "主动": "主动公开政府信息情况",
    "依申请": "政府信息依申请公开办理情况",
    "管理": "政府信息管理情况",
    "平台": "政府信息公开平台建设情况",
    "监督": "监督保障情况",
}


def _rows(rows: dict[str, tuple[int, ...]]) -> dict[str, Value]:
    """Table 三 rows given as (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他)."""
    values: dict[str, Value] = {}
    for row, numbers in rows.items():
        for key, number in zip(APPLICANT_KEYS, numbers, strict=False):
            values[f"requests.{row}.{key}"] = number
    return values


def _appeals(review: tuple[int, ...], direct: tuple[int, ...], after: tuple[int, ...]) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for group, numbers in (("review", review), ("litigation_direct", direct), ("litigation_after_review", after)):
        for (key, _), number in zip(schema.APPEAL_COLUMNS, numbers, strict=False):
            values[f"appeals.{group}.{key}"] = number
    return values


def _proactive(
    rules: tuple[int, int, int], documents: tuple[int, int, int], decisions: tuple[int, int, int], fees: str
) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for row, numbers in (("rules", rules), ("normative_documents", documents)):
        for (key, _), number in zip(schema.DOC_COLUMNS, numbers, strict=True):
            values[f"proactive.{row}.{key}"] = number
    for key, number in zip(("licensing", "punishment", "coercion"), decisions, strict=True):
        values[f"proactive.{key}"] = number
    values["proactive.fees"] = Decimal(fees)
    return values


FIGURES: dict[str, dict[str, Value]] = {
    "seed": {
        "agency": "新绛县三泉镇人民政府",
        "year": 2021,
        "date": dt.date(2022, 1, 25),
        **_rows({"new": (2,), "granted": (2,)}),
    },
    "shuyang": {
        "agency": "沭阳县发展和改革局",
        "year": 2023,
        "date": dt.date(2024, 1, 17),
        **_rows({"new": (26,), "granted": (26,)}),
        **_appeals((0, 0, 0, 1), (0,), (0,)),
        **_proactive((0, 0, 0), (8, 0, 18), (0, 0, 0), "0"),
    },
    "pingtan": {
        "agency": "平潭综合实验区管委会",
        "year": 2024,
        "date": dt.date(2025, 3, 10),
        **_rows(
            {
                "new": (217, 1),
                "granted": (71,),
                "partially_granted": (29,),
                "withheld.state_secret": (4,),
                "withheld.third_party": (3,),
                "withheld.internal_affairs": (32,),
                "unable.not_held": (75,),
                "not_processed.duplicate": (1,),
                "other.no_correction": (1,),
                "other.other": (1, 1),
            }
        ),
        **_appeals((2, 1, 3, 1), (0,), (13, 2, 4, 0)),
        **_proactive((0, 0, 0), (62, 33, 440), (4529, 1100, 65), "18651.06"),
    },
    "huaian": {
        "agency": "淮安市人民政府",
        "year": 2024,
        "date": dt.date(2025, 3, 20),
        **_rows(
            {
                "new": (3001, 53, 0, 0, 61, 4),
                "carried_over": (34,),
                "granted": (1288, 21, 0, 0, 50, 3),
                "partially_granted": (447, 7),
                "withheld.state_secret": (2,),
                "withheld.prohibited_by_law": (30, 1),
                "withheld.security_stability": (5,),
                "withheld.third_party": (6,),
                "withheld.internal_affairs": (7, 1),
                "withheld.process_information": (12,),
                "withheld.enforcement_files": (9,),
                "withheld.inquiry_matters": (105,),
                "unable.not_held": (746, 12, 0, 0, 10, 1),
                "unable.needs_creation": (11,),
                "unable.still_unclear": (1,),
                "not_processed.complaint": (56, 6),
                "not_processed.duplicate": (25,),
                "not_processed.confirmation": (1,),
                "other.no_correction": (67, 3, 0, 0, 1),
                "other.unpaid_fee": (6,),
                "other.other": (108, 2),
                "carried_forward": (103,),
            }
        ),
        **_appeals((72, 64, 178, 37), (13, 4, 8, 1), (12, 1, 1, 6)),
        **_proactive((1, 0, 11), (8, 26, 66), (447228, 3985758, 88283), "96171.6"),
    },
    "hongze2023": {
        "agency": "淮安市洪泽区人民政府",
        "year": 2023,
        "date": dt.date(2024, 2, 26),
        **_rows(
            {
                "new": (21,),
                "partially_granted": (4,),
                "withheld.state_secret": (1,),
                "withheld.process_information": (1,),
                "withheld.enforcement_files": (1,),
                "unable.not_held": (10,),
                "unable.needs_creation": (3,),
                "not_processed.complaint": (1,),
            }
        ),
        **_appeals((10, 1, 0, 0), (0,), (5, 0, 0, 0)),
        **_proactive((0, 0, 0), (0, 5, 5), (550, 4119, 195), "7730.28"),
    },
    "hongze2024": {
        "agency": "淮安市洪泽区人民政府",
        "year": 2024,
        "date": dt.date(2025, 2, 25),
        **_rows(
            {
                "new": (95,),
                "granted": (50,),
                "partially_granted": (9,),
                "withheld.security_stability": (1,),
                "withheld.process_information": (1,),
                "withheld.enforcement_files": (1,),
                "unable.not_held": (31,),
                "unable.needs_creation": (1,),
                "not_processed.complaint": (1,),
            }
        ),
        **_appeals((1, 1, 0, 0), (1, 0, 0, 0), (2, 0, 1, 0)),
        **_proactive((0, 0, 0), (3, 0, 8), (9487, 2776, 84), "7545"),
    },
    # a township whose table 三 prints (七)总计 0 beside 予以公开 2, as the seed did: wrong figures
    "seed-as-printed-2023": {
        "agency": "某某县某某镇人民政府",
        "year": 2023,
        "date": dt.date(2024, 1, 25),
        **_rows({"new": (2,), "granted": (2,), "total": (0,)}),
        "requests.total.total": 0,
    },
    # a county department, made up so that every kind of count differs from every other
    "county": {
        "agency": "某某县自然资源局",
        "year": 2023,
        "date": dt.date(2024, 1, 20),
        **_rows(
            {
                "new": (70, 3, 0, 0, 1),
                "carried_over": (1,),
                "granted": (37, 3),
                "partially_granted": (9, 0, 0, 0, 1),
                "withheld.third_party": (3,),
                "withheld.process_information": (2,),
                "unable.not_held": (12,),
                "unable.needs_creation": (2,),
                "not_processed.duplicate": (1,),
                "other.no_correction": (2,),
                "other.other": (1,),
                "carried_forward": (2,),
            }
        ),
        **_appeals((100, 20, 40, 10), (3, 1), (2, 0, 0, 1)),
        **_proactive((1, 0, 11), (12, 5, 470), (1234, 56, 7), "24252.311082"),
    },
    # the same department a year earlier: for 同比 and repetition
    "county-previous": {
        "agency": "某某县自然资源局",
        "year": 2022,
        "date": dt.date(2023, 1, 18),
        **_rows(
            {"new": (50,), "carried_over": (2,), "granted": (45,), "unable.not_held": (6,), "carried_forward": (1,)}
        ),
        **_appeals((150, 30, 15, 5), (4,), (1,)),
        **_proactive((0, 0, 10), (9, 2, 463), (1000, 80, 7), "20000"),
    },
}


def figures_report(name: str, texts: dict[str, str] | None = None) -> Report:
    """The report of a fixture's tables, with texts placed by section: 主动/依申请/管理/平台/监督, 五, 六, 开头."""
    texts = texts or {}
    overview = tuple(Section(title, texts.get(key, "正文。")) for key, title in OVERVIEW_TITLES.items())
    values: dict[str, Value] = dict(FIGURES[name])
    values["problems"] = texts.get("五", "个别单位政策解读不够深入。下一步将加强培训。")
    values["other_matters"] = texts.get("六", "本年度未收取信息处理费。")
    if "开头" in texts:
        values["opening"] = texts["开头"]
    return make_report(values, overview)


def text_path(section: str) -> str:
    """The JSON path where a corpus sentence of `section` sits in figures_report."""
    if section in OVERVIEW_TITLES:
        return schema.overview_path(list(OVERVIEW_TITLES).index(section), "text")
    return {"五": "problems", "六": "other_matters", "开头": "opening"}[section]
