"""The vocabulary of the report's prose: which words name which quantity of the tables, and that quantity's values.

A sentence states a quantity with a *domain* (what is counted: 申请, 行政复议, 规范性文件 …) and a *measure*
(which count of it: 收到, 予以公开, 结转下年度, 维持 …), optionally narrowed to an applicant column
(自然人, 法人或其他组织 …). `readings` turns (domain, measure, column) into the table values a correct
sentence may state: several when real reports use the words in more than one sense (收到 = 新收, or
新收 + 上年结转), each with its label and workbook cells for the message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from .. import schema
from ..formats.xlsx import cell_position
from ..model import Value


class Word(str, Enum):
    """What a word of the vocabulary does in a sentence."""

    DOMAIN = "domain"  # what is counted: 申请, 行政复议, 规范性文件 …
    MEASURE = "measure"  # which count of it: 收到, 予以公开, 维持, 制发 …
    COLUMN = "column"  # an applicant column of table 三: 自然人, 法人或其他组织 …
    APPLICANT = "applicant"  # people, not requests: 申请人 (counted in 名/位/人)
    QUALIFIER = "qualifier"  # narrows or blurs the claim: 代表, 网上, 累计, 备案 …
    OTHER_MEASURE = "other-measure"  # a count the tables do not hold: 清理, 审核, 事项, 人次 …
    NONE = "none"  # states zero: 未收到, 未发生 …
    COMPARE = "compare"  # against last year: 同比, 较上年 …
    UP = "up"  # 增加, 增长 …
    DOWN = "down"  # 减少, 下降 …
    LAST_YEAR = "last-year"  # 上年, 去年 as a time, not 上年结转
    FILLER = "filler"  # words that may stand between a measure and its number: 共, 政府信息公开, 的 …
    TOTAL = "total"  # 共, 合计: a list of measures adds up
    EACH = "each"  # 均: each measure of a list
    RESPECTIVELY = "respectively"  # 分别: the numbers go with the measures in turn
    AMONG = "among"  # 其中, 含: the following counts are parts of the one before
    JOIN = "join"  # 和, 及, 、
    MODIFIER = "modifier"  # 引发的: the nouns before it only qualify the one after it


@dataclass(frozen=True, slots=True)
class Term:
    """A word of the vocabulary: its role, and for domains, measures and columns which one.

    A measure word may mean different counts in different domains (受理: requests received, appeals
    brought); `measures` maps each domain where it is used to the measure it names there.
    """

    word: Word
    domain: str = ""
    measures: tuple[tuple[str, str], ...] = ()
    column: str = ""

    def measure_in(self, domain: str) -> str | None:
        """The measure this word names in `domain`, if it names one there."""
        for known, measure in self.measures:
            if known in (domain, "*"):
                return measure
        return None


# --- domains ------------------------------------------------------------------------------------
REQUESTS = "requests"
REVIEW = "review"
LITIGATION = "litigation"
LITIGATION_DIRECT = "litigation_direct"
LITIGATION_AFTER = "litigation_after_review"
RULES = "rules"
NORMATIVE = "normative_documents"
LICENSING = "licensing"
PUNISHMENT = "punishment"
COERCION = "coercion"
FEES = "fees"
APPEAL_DOMAINS = (REVIEW, LITIGATION, LITIGATION_DIRECT, LITIGATION_AFTER)
LITIGATION_GROUPS = (LITIGATION_DIRECT, LITIGATION_AFTER)
DOC_DOMAINS = (RULES, NORMATIVE)
DECISION_DOMAINS = (LICENSING, PUNISHMENT, COERCION)

# the units a count of each domain is stated in (a number in any other unit is not that count)
UNITS: dict[str, frozenset[str]] = {
    REQUESTS: frozenset("件个份宗起"),
    **dict.fromkeys(APPEAL_DOMAINS, frozenset("件起宗个例")),
    **dict.fromkeys(DOC_DOMAINS, frozenset("件部个份项")),
    **dict.fromkeys(DECISION_DOMAINS, frozenset("件个宗起次项例")),
    FEES: frozenset({"万元", "元", "亿元"}),
}
PERSON_UNITS = frozenset("名位人个")
MONEY_FACTORS = {"万元": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000)}

_DOMAIN_WORDS = {
    REQUESTS: (
        "政府信息公开申请",
        "信息公开申请",
        "公开申请",
        "依申请公开",
        "依申请",
        "申请件",
        "申请",
        "依申请公开政府信息",
        "依申请信息公开",
        "申请公开",
    ),
    REVIEW: ("行政复议", "复议", "行政复议申请", "复议申请", "复议案件", "行政复议案件"),
    LITIGATION: ("行政诉讼", "诉讼", "行政应诉", "应诉", "行政诉讼案件", "诉讼案件", "起诉"),
    LITIGATION_DIRECT: ("未经复议直接起诉", "直接起诉", "直接提起行政诉讼", "直接提起诉讼", "未经复议起诉"),
    LITIGATION_AFTER: ("复议后起诉", "经复议后起诉", "复议后提起诉讼", "复议后提起行政诉讼", "经复议起诉"),
    RULES: ("规章", "政府规章", "市政府规章", "省政府规章"),
    NORMATIVE: ("行政规范性文件", "规范性文件", "规范性文件数"),
    LICENSING: ("行政许可", "许可", "行政许可申请", "许可申请"),
    PUNISHMENT: ("行政处罚", "处罚"),
    COERCION: ("行政强制", "强制措施", "行政强制措施"),
    FEES: ("行政事业性收费",),
}

# measure word → the measure it names, per domain ("*": in every domain where the measure exists)
_RECEIVED_ANY = (
    (REQUESTS, "received"),
    *((domain, "total") for domain in APPEAL_DOMAINS),
    *((domain, "applied") for domain in DECISION_DOMAINS),
)
_MEASURE_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    # table 三
    **dict.fromkeys(("收到", "受理", "接收", "接到", "收悉", "共收到"), _RECEIVED_ANY),
    "新收": ((REQUESTS, "new"),),
    "本年新收": ((REQUESTS, "new"),),
    "新增": ((REQUESTS, "new"), *((d, "issued") for d in DOC_DOMAINS), *((d, "total") for d in APPEAL_DOMAINS)),
    **dict.fromkeys(
        ("上年结转", "上年度结转", "上一年度结转", "去年结转", "上年遗留", "上年度遗留"), ((REQUESTS, "carried_over"),)
    ),
    **dict.fromkeys(("予以公开", "同意公开", "全部公开"), ((REQUESTS, "granted"),)),
    **dict.fromkeys(("部分公开", "区分处理后部分公开"), ((REQUESTS, "partially_granted"),)),
    "不予公开": ((REQUESTS, "withheld"),),
    "无法提供": ((REQUESTS, "unable"),),
    "不予处理": ((REQUESTS, "not_processed"),),
    **dict.fromkeys(("其他处理", "不再处理"), ((REQUESTS, "other"),)),
    **dict.fromkeys(
        ("办结", "答复", "作出答复", "予以答复", "办理完毕", "处理完毕", "办复", "已办结", "回复", "完成答复"),
        ((REQUESTS, "handled"),),
    ),
    **dict.fromkeys(
        ("办理", "处理"),
        (
            (REQUESTS, "handled_loose"),
            *((d, "total") for d in APPEAL_DOMAINS),
            *((d, "decided") for d in DECISION_DOMAINS),
        ),
    ),
    **dict.fromkeys(
        (
            "结转下年度",
            "结转至",
            "结转到",
            "结转至下年度",
            "结转到下年度",
            "结转下一年度",
            "结转至下一年度",
            "转入下年度",
            "转入下一年度",
            "顺延到下年度",
            "顺延至下年度",
            "结转下年度继续办理",
            "结转至下年度办理",
            "正在办理",
            "仍在办理",
            "尚在办理",
            "正在办理中",
            "尚在办理中",
        ),
        ((REQUESTS, "carried_forward"),),
    ),
    **dict.fromkeys(("跨年度办理", "跨年度"), ((REQUESTS, "cross_year"),)),
    **dict.fromkeys(("属于国家秘密", "国家秘密"), ((REQUESTS, "withheld.state_secret"),)),
    **dict.fromkeys(("法律行政法规禁止公开", "其他法律行政法规禁止公开"), ((REQUESTS, "withheld.prohibited_by_law"),)),
    **dict.fromkeys(
        ("三安全一稳定", "危及“三安全一稳定”", "危及三安全一稳定"), ((REQUESTS, "withheld.security_stability"),)
    ),
    **dict.fromkeys(("第三方合法权益", "保护第三方合法权益"), ((REQUESTS, "withheld.third_party"),)),
    **dict.fromkeys(("内部事务信息", "三类内部事务信息", "内部事务"), ((REQUESTS, "withheld.internal_affairs"),)),
    **dict.fromkeys(("过程性信息", "四类过程性信息"), ((REQUESTS, "withheld.process_information"),)),
    **dict.fromkeys(("行政执法案卷", "执法案卷"), ((REQUESTS, "withheld.enforcement_files"),)),
    "行政查询事项": ((REQUESTS, "withheld.inquiry_matters"),),
    **dict.fromkeys(
        ("本机关不掌握", "不掌握", "本机关不掌握相关政府信息", "信息不存在"), ((REQUESTS, "unable.not_held"),)
    ),
    **dict.fromkeys(("另行制作", "需另行制作", "需要另行制作", "没有现成信息"), ((REQUESTS, "unable.needs_creation"),)),
    **dict.fromkeys(("仍不明确", "补正后申请内容仍不明确"), ((REQUESTS, "unable.still_unclear"),)),
    **dict.fromkeys(("信访举报投诉", "信访举报投诉类"), ((REQUESTS, "not_processed.complaint"),)),
    "重复申请": ((REQUESTS, "not_processed.duplicate"),),
    "公开出版物": ((REQUESTS, "not_processed.publication"),),
    **dict.fromkeys(("大量反复申请", "大量反复"), ((REQUESTS, "not_processed.excessive"),)),
    **dict.fromkeys(
        ("确认或重新出具", "确认或重新出具已获取信息", "要求行政机关确认或重新出具已获取信息"),
        ((REQUESTS, "not_processed.confirmation"),),
    ),
    **dict.fromkeys(("逾期不补正", "无正当理由逾期不补正", "逾期未补正"), ((REQUESTS, "other.no_correction"),)),
    **dict.fromkeys(
        ("逾期未缴费", "逾期未缴纳费用", "未按收费通知要求缴纳费用", "逾期未按收费通知要求缴纳费用"),
        ((REQUESTS, "other.unpaid_fee"),),
    ),
    # table 四
    **dict.fromkeys(("维持", "结果维持", "予以维持", "被维持"), tuple((d, "upheld") for d in APPEAL_DOMAINS)),
    **dict.fromkeys(
        ("纠正", "结果纠正", "被纠正", "纠错", "被纠错", "予以纠正"), tuple((d, "corrected") for d in APPEAL_DOMAINS)
    ),
    "其他结果": tuple((d, "other") for d in APPEAL_DOMAINS),
    **dict.fromkeys(
        ("尚未审结", "未审结", "正在审理", "审理中", "尚在审理"), tuple((d, "pending") for d in APPEAL_DOMAINS)
    ),
    **dict.fromkeys(("发生", "提起", "被提起", "涉及", "被申请"), tuple((d, "total") for d in APPEAL_DOMAINS)),
    # table 二
    **dict.fromkeys(
        ("制发", "本年制发", "印发", "出台", "制定", "制定出台", "制定印发", "新制发", "新出台"),
        tuple((d, "issued") for d in DOC_DOMAINS),
    ),
    **dict.fromkeys(("废止", "本年废止", "宣布失效", "废止失效"), tuple((d, "repealed") for d in DOC_DOMAINS)),
    **dict.fromkeys(("现行有效", "有效", "现行"), tuple((d, "in_force") for d in DOC_DOMAINS)),
    **dict.fromkeys(("公开", "主动公开", "发布", "公布"), tuple((d, "published") for d in DOC_DOMAINS)),
    **dict.fromkeys(("作出", "做出", "实施", "决定"), tuple((d, "decided") for d in DECISION_DOMAINS)),
    **dict.fromkeys(("收取", "征收", "收费"), ((FEES, "collected"),)),  # only beside 行政事业性收费: see text_scan
}

_COLUMN_WORDS = {
    "自然人": "natural_person",
    "公民": "natural_person",
    "法人或其他组织": "organisations",
    "法人和其他组织": "organisations",
    "法人及其他组织": "organisations",
    "法人": "organisations",
    "商业企业": "commercial",
    "企业": "commercial",
    "科研机构": "research",
    "社会公益组织": "public_interest",
    "法律服务机构": "legal_service",
}
_APPLICANT_WORDS = ("申请人", "申请者", "位申请人", "名申请人")

_QUALIFIERS = (
    "代表",
    "本级",
    "网上",
    "网络",
    "在线",
    "当面",
    "信函",
    "邮寄",
    "传真",
    "电子邮件",
    "现场",
    "上半年",
    "下半年",
    "季度",
    "一季度",
    "月份",
    "累计",
    "历年",
    "以来",
    "备案",
    "报备",
    "主要",
    "部分",
    "约",
    "大约",
    "近",
    "左右",
    "以上",
    "超过",
    "逾",
    "不足",
    "不到",
    "预计",
)
APPROXIMATE = {
    "余": "above",
    "多": "above",
    "以上": "above",
    "超过": "above",
    "逾": "above",
    "约": "about",
    "大约": "about",
    "近": "about",
    "左右": "about",
    "不足": "below",
    "不到": "below",
}
_OTHER_MEASURES = (
    "清理",
    "审核",
    "审查",
    "合法性审核",
    "评估",
    "修订",
    "修改",
    "解读",
    "政策解读",
    "宣传",
    "培训",
    "梳理",
    "征求意见",
    "上传",
    "录入",
    "汇编",
    "事项",
    "信息",
    "人次",
    "件次",
    "规章制度",
    "咨询",
    "留言",
    "问政",
    "建议",
    "提案",
    "来信",
    "来电",
    "热线",
    "工单",
    "诉求",
    "信息处理费",
    "处理费",
    "网络问政",
    "条目",
    "栏目",
    "调查",
    "考核",
    "检查",
    "类别",
)
_NONE_WORDS = (
    "未收到",
    "未受理",
    "未接到",
    "没有收到",
    "未发生",
    "没有发生",
    "未产生",
    "未出现",
    "无",
    "没有",
)
_COMPARE = (
    "同比",
    "比上年",
    "较上年",
    "比去年",
    "较去年",
    "与上年相比",
    "与去年相比",
    "较上一年度",
    "比上一年度",
    "较上年度",
    "比上年度",
    "与上年度相比",
    "与上一年度相比",
    "与上年持平",
    "与去年持平",
    "较上年持平",
    "同比持平",
)
_UP = ("增加", "增长", "上升", "提高", "增多", "多")
_DOWN = ("减少", "下降", "降低", "减", "少", "下降了")
_LAST_YEAR = ("上年", "去年", "上一年", "上年度", "上一年度")
_FILLERS = (
    "共",
    "共计",
    "总计",
    "计",
    "为",
    "达",
    "达到",
    "了",
    "数",
    "数量",
    "件数",
    "总数",
    "金额",
    "收入",
    "相关信息",
    "相关政府信息",
    "收费金额",
    "总额",
    "总量",
    "的",
    "有",
    "共有",
    "各类",
    "全年",
    "本年",
    "本年度",
    "年度",
    "当年",
    "今年",
    "年内",
    "政府信息公开",
    "信息公开",
    "政府信息",
    "政务公开",
    "案件",
    "案",
    "类",
    "相关",
    "方面",
    "已",
    "依法",
    "及时",
    "按时",
    "按期",
    "在法定期限内",
    "提出的",
    "提出",
    "提交",
    "提交的",
    "申请的",
    "决定",
    "决定书",
    "文件",
    "情况",
    "此类",
    "政府信息公开类",
    "中",
    "而",
    "被",
    "件",
    "对",
    "行政机关",
    "继续办理",
    "作为被告",
    "被诉",
    "作为被申请人",
    "进行",
    "予以",
    "均已",
    "全部",
    "各",
    "项",
    "等",
    "办理的",
    "的申请",
    "年",
    "新",
)
_TOTAL = ("共", "合计", "共计", "总计", "一共")
_EACH = ("均", "均为", "都", "都为", "各为")
_RESPECTIVELY = ("分别", "分别为", "依次为")
_AMONG = ("其中", "含", "包括", "包含", "内含")
_JOIN = ("和", "及", "与", "以及", "、", "或")
_MODIFIERS = ("因", "引发的", "引起的", "导致的", "产生的")


def _vocabulary() -> dict[str, Term]:
    words: dict[str, Term] = {}

    def add(literals: tuple[str, ...] | list[str], term: Term) -> None:
        for literal in literals:
            words.setdefault(literal, term)

    for domain, literals in _DOMAIN_WORDS.items():
        add(literals, Term(Word.DOMAIN, domain=domain))
    for literal, measures in _MEASURE_WORDS.items():
        words.setdefault(literal, Term(Word.MEASURE, measures=measures))
    for literal, column in _COLUMN_WORDS.items():
        words.setdefault(literal, Term(Word.COLUMN, column=column))
    add(_APPLICANT_WORDS, Term(Word.APPLICANT))
    for group, word in (
        (_NONE_WORDS, Word.NONE),
        (_COMPARE, Word.COMPARE),
        (_UP, Word.UP),
        (_DOWN, Word.DOWN),
        (_LAST_YEAR, Word.LAST_YEAR),
        (_QUALIFIERS, Word.QUALIFIER),
        (_OTHER_MEASURES, Word.OTHER_MEASURE),
        (_TOTAL, Word.TOTAL),
        (_EACH, Word.EACH),
        (_RESPECTIVELY, Word.RESPECTIVELY),
        (_AMONG, Word.AMONG),
        (_JOIN, Word.JOIN),
        (_MODIFIERS, Word.MODIFIER),
        (_FILLERS, Word.FILLER),
    ):
        add(group, Term(word))
    return words


VOCABULARY: dict[str, Term] = _vocabulary()
# subjects and times that may stand anywhere: 我局, 全区, 区政府, 各部门, 2024年度 …
SCOPE_PATTERN = re.compile(
    r"(?:[我本全该]|各级?)(?:市|区|县|镇|乡|局|委|办|厅|署|街道|部门|单位|机关|系统|中心|政府)"
    r"|(?:市|区|县|镇|乡)(?:人民)?政府(?:办公室|办)?|各(?:部门|单位|乡镇|街道|县区|地|区)"
)


# --- the table values a statement may mean -----------------------------------------------------
@dataclass(frozen=True, slots=True)
class Fact:
    """A quantity of the tables: the sum of the values at `paths`; `loose` readings only excuse a nonzero claim."""

    label: str
    paths: tuple[str, ...]
    loose: bool = False


_REQUEST_MEASURES: dict[str, tuple[tuple[str, tuple[str, ...], bool], ...]] = {
    "new": (("本年新收", ("new",), False),),
    "received": (("本年新收", ("new",), False), ("本年新收加上年结转", ("new", "carried_over"), False)),
    "any": (
        ("本年新收", ("new",), False),
        ("本年新收加上年结转", ("new", "carried_over"), False),
        ("（七）总计", ("total",), True),
    ),
    "carried_over": (("上年结转", ("carried_over",), False),),
    "handled": (("（七）总计", ("total",), False),),
    "handled_loose": (
        ("（七）总计", ("total",), False),
        ("本年新收", ("new",), True),
        ("本年新收加上年结转", ("new", "carried_over"), True),
    ),
    "carried_forward": (("结转下年度继续办理", ("carried_forward",), False),),
    "cross_year": (("结转下年度继续办理", ("carried_forward",), False), ("上年结转", ("carried_over",), False)),
}
# measures of the whole: after 其中 they count a part the tables do not hold (其中区政府办公室受理的申请 8 件)
WHOLE_MEASURES = frozenset({"received", "any", "handled", "handled_loose"})
_REQUEST_GROUPS = dict(schema.REQUEST_GROUPS)
_APPEAL_LABELS = dict(schema.APPEAL_COLUMNS)
# 行政复议, 未经复议直接起诉, 复议后起诉 by their own key; 行政诉讼 (both litigation groups) by the level they share
_APPEAL_NAMES = {key: levels[-1] for key, levels in schema.APPEAL_GROUPS} | {
    LITIGATION: dict(schema.APPEAL_GROUPS)[LITIGATION_DIRECT][0]
}
_DOC_LABELS = dict(schema.DOC_COLUMNS)
DEFAULT_MEASURES = {
    REQUESTS: "any",
    **dict.fromkeys(APPEAL_DOMAINS, "total"),
    **dict.fromkeys(DOC_DOMAINS, "published"),
    **dict.fromkeys(DECISION_DOMAINS, "decided"),
    FEES: "collected",
}
# measures whose disagreement is only worth a warning: the words do not say which count they mean
UNCERTAIN_MEASURES = frozenset({"published", "applied"})


def _request_rows(measure: str) -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    if measure in _REQUEST_MEASURES:
        return _REQUEST_MEASURES[measure]
    if measure in _REQUEST_GROUPS:
        rows = tuple(key for key in schema.RESULT_ROWS if key.startswith(measure + "."))
        return ((f"{_REQUEST_GROUPS[measure]}各项之和", rows, False),)
    if measure in schema.RESULT_ROWS:
        labels = dict(schema.REQUEST_ROWS)[measure]
        return ((labels[-1].split("（区分")[0], (measure,), False),)
    return ()


def _request_facts(measure: str, column: str) -> tuple[Fact, ...]:
    columns = schema.ORGANISATION_PARTS if column == "organisations" else (column or "total",)
    if column in ("", "total"):
        suffix = ""
    else:
        suffix = f"·{schema.ORGANISATIONS_LABEL}" if column == "organisations" else f"·{schema.column_label(column)}"
    return tuple(
        Fact(label + suffix, tuple(f"requests.{row}.{col}" for row in rows for col in columns), loose)
        for label, rows, loose in _request_rows(measure)
    )


def _appeal_facts(domain: str, measure: str) -> tuple[Fact, ...]:
    if measure not in _APPEAL_LABELS:
        return ()
    groups = {
        REVIEW: ((REVIEW,), ()),
        LITIGATION: ((LITIGATION_DIRECT, LITIGATION_AFTER), (LITIGATION_DIRECT, LITIGATION_AFTER)),
        LITIGATION_DIRECT: ((LITIGATION_DIRECT,), ()),
        LITIGATION_AFTER: ((LITIGATION_AFTER,), ()),
    }[domain]
    summed, alone = groups
    label = _APPEAL_LABELS[measure]
    facts = [Fact(f"{_APPEAL_NAMES[domain]}·{label}", tuple(f"appeals.{g}.{measure}" for g in summed))]
    facts += [Fact(f"{_APPEAL_NAMES[g]}·{label}", (f"appeals.{g}.{measure}",), True) for g in alone]
    return tuple(facts)


def _doc_facts(domain: str, measure: str) -> tuple[Fact, ...]:
    name = dict(schema.DOC_ROWS)[domain]
    columns = ("issued", "in_force") if measure == "published" else (measure,)
    return tuple(
        Fact(f"{name}·{_DOC_LABELS[column]}", (f"proactive.{domain}.{column}",))
        for column in columns
        if column in _DOC_LABELS
    )


def is_part_of(narrow: str, broad: str) -> bool:
    """不掌握 is part of 无法提供: a row of table 三 within a group, or a litigation group within 行政诉讼."""
    return narrow.startswith(broad + ".")


def narrowest(domains: list[str]) -> list[str]:
    """The domains a phrase names, 行政诉讼 dropped when it names which (复议后起诉的行政诉讼)."""
    if LITIGATION in domains and any(domain in LITIGATION_GROUPS for domain in domains):
        return [domain for domain in domains if domain != LITIGATION]
    return domains


def readings(domain: str, measure: str, column: str = "") -> tuple[Fact, ...]:
    """The quantities of the tables a statement of `measure` in `domain` (and applicant `column`) may mean."""
    if domain == REQUESTS:
        return _request_facts(measure, column)
    if column:
        return ()
    if domain in APPEAL_DOMAINS:
        return _appeal_facts(domain, measure)
    if domain in DOC_DOMAINS:
        return _doc_facts(domain, measure)
    if (domain in DECISION_DOMAINS and measure in ("decided", "applied")) or (
        domain == FEES and measure == "collected"
    ):
        return (Fact(schema.BY_PATH[f"proactive.{domain}"].short_label, (f"proactive.{domain}",)),)
    return ()


def fact_value(fact: Fact, values: Mapping[str, Value]) -> int | Decimal | None:
    """The value of a fact in a report's values (totals computed), or None when a part is not known."""
    found = [values.get(path) for path in fact.paths]
    if any(not isinstance(value, (int, Decimal)) or isinstance(value, bool) for value in found):
        return None
    numbers = [value for value in found if isinstance(value, (int, Decimal))]
    return (
        sum(numbers, Decimal(0))
        if any(isinstance(v, Decimal) for v in numbers)
        else sum(v for v in numbers if isinstance(v, int))
    )


def cells(paths: tuple[str, ...], place: Callable[[str], str] | None = None) -> str:
    """Where a fact sits: in the standard workbook 工作表“三、依申请公开”J6, or J10:J17 for a run of cells;
    where the input is not a workbook, as `place` names it (a page and table of a report, a label)."""
    if place is not None and not place(paths[0]).startswith("工作表"):
        places = [place(path) for path in paths[:2]]
        return "、".join(places) + ("等" if len(paths) > 2 else "")
    fields = [schema.BY_PATH[path] for path in paths]
    addresses = [field.cell for field in fields]
    shown = f"{addresses[0]}:{addresses[-1]}" if len(addresses) > 2 and _one_run(addresses) else "+".join(addresses)
    return f"工作表“{fields[0].sheet}”{shown}"


def _one_run(addresses: list[str]) -> bool:
    """Consecutive cells of one column (J10 … J17) or of one row (E6 … I6)."""
    positions = [cell_position(address) for address in addresses]
    if None in positions:
        return False
    columns = [position[0] for position in positions if position]
    rows = [position[1] for position in positions if position]
    down = len(set(columns)) == 1 and rows == list(range(rows[0], rows[0] + len(rows)))
    across = len(set(rows)) == 1 and columns == list(range(columns[0], columns[0] + len(columns)))
    return down or across
