"""The single source of truth: every field of the report, its JSON path, label, table cell and kind.

The workbook writer and reader, JSON import/export, the sum rules, the locations in messages,
the DOCX tables and the template-variable reference are all derived from the definitions here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")

FORMAT_VERSION = "2021"


class Kind(str, Enum):
    """What a field holds, which decides how a raw value is read and checked."""

    COUNT = "count"  # whole number >= 0; blank is 0
    TOTAL = "total"  # whole number >= 0; blank means "not given", computed from its parts
    AMOUNT = "amount"  # decimal >= 0 in 万元, kept as entered
    LINE = "line"  # one line of text
    CHOICE = "choice"  # one of the field's choices, or blank
    TEXT = "text"  # paragraphs separated by \n
    DATE = "date"
    YEAR = "year"


JSON_TYPES = {  # what a JSON document holds for a field of each kind, as messages name it
    Kind.COUNT: "整数",
    Kind.TOTAL: "整数",
    Kind.AMOUNT: "数字",
    Kind.LINE: "文字",
    Kind.CHOICE: "文字（可选值之一）",
    Kind.TEXT: "文字",
    Kind.DATE: "日期文字",
    Kind.YEAR: "整数",
}


# --- sheet names of the standard workbook -------------------------------------------------
SHEET_GUIDE = "填报说明"
SHEET_BASIC = "基本信息"
SHEET_OVERVIEW = "一、总体情况"
SHEET_PROACTIVE = "二、主动公开"
SHEET_REQUESTS = "三、依申请公开"
SHEET_APPEALS = "四、复议诉讼"
SHEET_PROBLEMS = "五、问题及改进"
SHEET_OTHER = "六、其他事项"
SHEET_EXTRA = "自定义字段"
SHEET_PREVIOUS = "上年参考"  # added by `nianbao new --previous`: last year's texts, for reference only (never read)
SHEET_MARKS = "检查结果"  # added by `check --mark` / `bulk --mark`: the problems found, each linked to its cell
REFERENCE_SHEETS = (SHEET_PREVIOUS, SHEET_MARKS)  # sheets nianbao writes for the clerk to read, not to fill
SHEETS = (
    SHEET_GUIDE,
    SHEET_BASIC,
    SHEET_OVERVIEW,
    SHEET_PROACTIVE,
    SHEET_REQUESTS,
    SHEET_APPEALS,
    SHEET_PROBLEMS,
    SHEET_OTHER,
    SHEET_EXTRA,
)

# --- the verbatim headings of the six sections -------------------------------------------
HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
# the opening paragraph of the default template; `opening` in the data replaces it
STANDARD_OPENING = (
    "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条和"
    "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）编制，"
    "由{agency}发布。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
    "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六个部分。"
    "报告中所列数据的统计期限为{year}年1月1日至{year}年12月31日。"
)
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
DEFAULT_OVERVIEW_TITLES = (
    "主动公开政府信息情况",
    "政府信息依申请公开办理情况",
    "政府信息管理情况",
    "政府信息公开平台建设情况",
    "监督保障情况",
)


def column_letter(index: int) -> str:
    """1 → A, 27 → AA: the letters of a 1-based column index."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Field:
    """One value of the report: its JSON path, its label in messages and where it sits."""

    path: str
    label: str
    sheet: str
    cell: str
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    note: str = ""  # the hint beside the cell in the workbook

    @property
    def short_label(self) -> str:
        """The label without the table or sheet it is in: 机关全称, 行政许可·本年处理决定数量."""
        return self.label.split(" ", 1)[-1]


@dataclass(frozen=True, slots=True)
class GridCell:
    """A cell of an official table, by 0-based grid position; holds a label or a field path."""

    row: int
    col: int
    text: str = ""
    path: str = ""
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """An official table as a grid: the workbook sheet and the DOCX template both draw it."""

    key: str
    title: str
    sheet: str
    first_row: int  # 1-based workbook row of the grid's first row
    n_rows: int
    n_cols: int
    header_rows: int
    cells: tuple[GridCell, ...]

    def address(self, row: int, col: int) -> str:
        """The workbook cell of grid position (row, col)."""
        return f"{column_letter(col + 1)}{self.first_row + row}"


@dataclass(frozen=True, slots=True)
class SumRule:
    """`total` equals the sum of `parts`; the total may be left out and is then computed."""

    code: str
    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BalanceRule:
    """R1, the 勾稽关系 of one column of table 三: left[0] + left[1] = right[0] + right[1]."""

    column: str
    left: tuple[str, str]
    right: tuple[str, str]


# --- table 二 -------------------------------------------------------------------------------
DOC_COLUMNS = (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))
DOC_ROWS = (("rules", "规章"), ("normative_documents", "行政规范性文件"))
DECISION_LABEL = "本年处理决定数量"
FEE_LABEL = "本年收费金额（单位：万元）"
PROACTIVE_SINGLES = (
    ("第二十条第（五）项", DECISION_LABEL, (("licensing", "行政许可"),), Kind.COUNT),
    ("第二十条第（六）项", DECISION_LABEL, (("punishment", "行政处罚"), ("coercion", "行政强制")), Kind.COUNT),
    ("第二十条第（八）项", FEE_LABEL, (("fees", "行政事业性收费"),), Kind.AMOUNT),
)

# --- table 三 -------------------------------------------------------------------------------
APPLICANT_COLUMNS = (
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("public_interest", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
APPLICANT_PARTS = tuple(key for key, _ in APPLICANT_COLUMNS[:-1])
ORGANISATIONS_LABEL = "法人或其他组织"
ORGANISATION_COLUMNS = APPLICANT_COLUMNS[1:-1]  # the five columns under 法人或其他组织
ORGANISATION_PARTS = tuple(key for key, _ in ORGANISATION_COLUMNS)
_RESULTS = "三、本年度办理结果"
# the results of table 三 that hold several rows (（三）不予公开 1. … 8.), by the key their rows start with
REQUEST_GROUPS = (
    ("withheld", "（三）不予公开"),
    ("unable", "（四）无法提供"),
    ("not_processed", "（五）不予处理"),
    ("other", "（六）其他处理"),
)
_WITHHELD, _UNABLE, _NOT_PROCESSED, _OTHER = (label for _, label in REQUEST_GROUPS)
# (key under "requests", label levels as in the official table)
REQUEST_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("new", ("一、本年新收政府信息公开申请数量",)),
    ("carried_over", ("二、上年结转政府信息公开申请数量",)),
    ("granted", (_RESULTS, "（一）予以公开")),
    ("partially_granted", (_RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    ("withheld.state_secret", (_RESULTS, _WITHHELD, "1.属于国家秘密")),
    ("withheld.prohibited_by_law", (_RESULTS, _WITHHELD, "2.其他法律行政法规禁止公开")),
    ("withheld.security_stability", (_RESULTS, _WITHHELD, "3.危及“三安全一稳定”")),
    ("withheld.third_party", (_RESULTS, _WITHHELD, "4.保护第三方合法权益")),
    ("withheld.internal_affairs", (_RESULTS, _WITHHELD, "5.属于三类内部事务信息")),
    ("withheld.process_information", (_RESULTS, _WITHHELD, "6.属于四类过程性信息")),
    ("withheld.enforcement_files", (_RESULTS, _WITHHELD, "7.属于行政执法案卷")),
    ("withheld.inquiry_matters", (_RESULTS, _WITHHELD, "8.属于行政查询事项")),
    ("unable.not_held", (_RESULTS, _UNABLE, "1.本机关不掌握相关政府信息")),
    ("unable.needs_creation", (_RESULTS, _UNABLE, "2.没有现成信息需要另行制作")),
    ("unable.still_unclear", (_RESULTS, _UNABLE, "3.补正后申请内容仍不明确")),
    ("not_processed.complaint", (_RESULTS, _NOT_PROCESSED, "1.信访举报投诉类申请")),
    ("not_processed.duplicate", (_RESULTS, _NOT_PROCESSED, "2.重复申请")),
    ("not_processed.publication", (_RESULTS, _NOT_PROCESSED, "3.要求提供公开出版物")),
    ("not_processed.excessive", (_RESULTS, _NOT_PROCESSED, "4.无正当理由大量反复申请")),
    ("not_processed.confirmation", (_RESULTS, _NOT_PROCESSED, "5.要求行政机关确认或重新出具已获取信息")),
    (
        "other.no_correction",
        (_RESULTS, _OTHER, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ),
    (
        "other.unpaid_fee",
        (_RESULTS, _OTHER, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ),
    ("other.other", (_RESULTS, _OTHER, "3.其他")),
    ("total", (_RESULTS, "（七）总计")),
    ("carried_forward", ("四、结转下年度继续办理",)),
)
RESULT_ROWS = tuple(key for key, _ in REQUEST_ROWS[2:-2])  # the 21 rows that (七)总计 adds up
# where a sentence cannot use the official wording without its ordinal: too long, or too short to stand alone
_SENTENCE_LABELS = {
    "other.no_correction": "申请人无正当理由逾期不补正",
    "other.unpaid_fee": "申请人逾期未按收费通知要求缴纳费用",
    "other.other": "其他情形",
}
_ORDINAL_PREFIX = re.compile(r"^(?:（[一二三四五六七八九十]+）|\d+\.)")


def sentence_label(key: str) -> str:
    """A result of table 三 (a row or a group of rows) as a sentence names it: 予以公开, 部分公开, 不予公开,
    属于国家秘密 …, without the ordinal and the table's explanations."""
    if key in _SENTENCE_LABELS:
        return _SENTENCE_LABELS[key]
    label = dict(REQUEST_GROUPS).get(key) or dict(REQUEST_ROWS)[key][-1]
    return _ORDINAL_PREFIX.sub("", label).split("（")[0]


# --- table 四 -------------------------------------------------------------------------------
APPEAL_GROUPS = (
    ("review", ("行政复议",)),
    ("litigation_direct", ("行政诉讼", "未经复议直接起诉")),
    ("litigation_after_review", ("行政诉讼", "复议后起诉")),
)
APPEAL_COLUMNS = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
APPEAL_PARTS = tuple(key for key, _ in APPEAL_COLUMNS[:-1])

# --- the text sheets ----------------------------------------------------------------------
OVERVIEW_FIRST_ROW = 3
OVERVIEW_SLOTS = 15  # rows offered for sub-sections of 一、总体情况
EXTRA_FIRST_ROW = 3
EXTRA_SLOTS = 50


def _proactive_table() -> Table:
    cells: list[GridCell] = []
    row = 0
    cells.append(GridCell(row, 0, "第二十条第（一）项", colspan=4, header=True))
    cells.append(GridCell(row + 1, 0, "信息内容", header=True))
    for col, (_, label) in enumerate(DOC_COLUMNS, start=1):
        cells.append(GridCell(row + 1, col, label, header=True))
    for offset, (key, label) in enumerate(DOC_ROWS, start=2):
        cells.append(GridCell(row + offset, 0, label))
        for col, (column, _) in enumerate(DOC_COLUMNS, start=1):
            cells.append(GridCell(row + offset, col, path=f"proactive.{key}.{column}"))
    row += 2 + len(DOC_ROWS)
    for caption, header, rows, _kind in PROACTIVE_SINGLES:
        cells.append(GridCell(row, 0, caption, colspan=4, header=True))
        cells.append(GridCell(row + 1, 0, "信息内容", header=True))
        cells.append(GridCell(row + 1, 1, header, colspan=3, header=True))
        for offset, (key, label) in enumerate(rows, start=2):
            cells.append(GridCell(row + offset, 0, label))
            cells.append(GridCell(row + offset, 1, path=f"proactive.{key}", colspan=3))
        row += 2 + len(rows)
    return Table("proactive", HEADINGS[1], SHEET_PROACTIVE, 3, row, 4, 0, tuple(cells))


def _spans(levels: list[tuple[str, ...]], depth: int, start: int) -> list[tuple[int, int]]:
    """Runs of consecutive rows (first, length) that share their labels up to `depth`."""
    runs: list[tuple[int, int]] = []
    index = start
    while index < len(levels):
        key = levels[index][: depth + 1]
        length = 1
        while index + length < len(levels) and levels[index + length][: depth + 1] == key:
            length += 1
        runs.append((index, length))
        index += length
    return runs


def _requests_table() -> Table:
    header = [
        GridCell(0, 0, BALANCE_NOTE, rowspan=3, colspan=3, header=True),
        GridCell(0, 3, "申请人情况", colspan=7, header=True),
        GridCell(1, 3, "自然人", rowspan=2, header=True),
        GridCell(1, 4, ORGANISATIONS_LABEL, colspan=len(ORGANISATION_COLUMNS), header=True),
        GridCell(1, 9, "总计", rowspan=2, header=True),
    ]
    header += [GridCell(2, 4 + i, label, header=True) for i, (_, label) in enumerate(ORGANISATION_COLUMNS)]
    levels = [labels for _, labels in REQUEST_ROWS]
    labels: list[GridCell] = []
    for depth in range(3):
        for first, length in _spans(levels, depth, 0):
            row_levels = levels[first]
            if len(row_levels) <= depth:
                continue
            colspan = 3 - depth if len(row_levels) == depth + 1 else 1
            labels.append(GridCell(3 + first, depth, row_levels[depth], rowspan=length, colspan=colspan))
    data = [
        GridCell(3 + r, 3 + c, path=f"requests.{key}.{column}")
        for r, (key, _) in enumerate(REQUEST_ROWS)
        for c, (column, _) in enumerate(APPLICANT_COLUMNS)
    ]
    cells = tuple(sorted(header + labels + data, key=lambda cell: (cell.row, cell.col)))
    return Table("requests", HEADINGS[2], SHEET_REQUESTS, 3, 3 + len(REQUEST_ROWS), 10, 3, cells)


def _appeals_table() -> Table:
    cells = [GridCell(0, 0, "行政复议", colspan=5, header=True), GridCell(0, 5, "行政诉讼", colspan=10, header=True)]
    for g, (_, group_levels) in enumerate(APPEAL_GROUPS):
        first = g * 5
        if len(group_levels) == 2:
            cells.append(GridCell(1, first, group_levels[1], colspan=5, header=True))
        for c, (_, label) in enumerate(APPEAL_COLUMNS):
            if len(group_levels) == 1:
                cells.append(GridCell(1, first + c, label, rowspan=2, header=True))
            else:
                cells.append(GridCell(2, first + c, label, header=True))
    for g, (group, _) in enumerate(APPEAL_GROUPS):
        for c, (column, _) in enumerate(APPEAL_COLUMNS):
            cells.append(GridCell(3, g * 5 + c, path=f"appeals.{group}.{column}"))
    ordered = tuple(sorted(cells, key=lambda cell: (cell.row, cell.col)))
    return Table("appeals", HEADINGS[3], SHEET_APPEALS, 3, 4, 15, 3, ordered)


PROACTIVE_TABLE = _proactive_table()
REQUESTS_TABLE = _requests_table()
APPEALS_TABLE = _appeals_table()
TABLES = (PROACTIVE_TABLE, REQUESTS_TABLE, APPEALS_TABLE)


def _short_request_label(levels: tuple[str, ...]) -> str:
    parts = [level for level in levels if level != _RESULTS]
    return " ".join(part.split("（区分")[0] for part in parts)


def _request_column_label(column: str, label: str) -> str:
    return f"其他（{ORGANISATIONS_LABEL}）" if column == "other_org" else label


def _table_fields() -> list[Field]:
    fields: list[Field] = []
    doc_labels = dict(DOC_COLUMNS)
    row_labels = dict(DOC_ROWS)
    single_labels = {key: (label, header, kind) for _, header, rows, kind in PROACTIVE_SINGLES for key, label in rows}
    request_labels = {f"requests.{key}": _short_request_label(levels) for key, levels in REQUEST_ROWS}
    column_labels = {col: _request_column_label(col, label) for col, label in APPLICANT_COLUMNS}
    appeal_groups = {key: "·".join(levels) for key, levels in APPEAL_GROUPS}
    appeal_columns = dict(APPEAL_COLUMNS)
    for table in TABLES:
        for cell in table.cells:
            if not cell.path:
                continue
            address = table.address(cell.row, cell.col)
            parts = cell.path.split(".")
            kind = Kind.TOTAL if parts[-1] == "total" or parts[:2] == ["requests", "total"] else Kind.COUNT
            if table is PROACTIVE_TABLE and len(parts) == 3:
                label = f"二、主动公开 {row_labels[parts[1]]}·{doc_labels[parts[2]]}"
            elif table is PROACTIVE_TABLE:
                row_label, header, kind = single_labels[parts[1]]
                label = f"二、主动公开 {row_label}·{header.replace('（单位：万元）', '（万元）')}"
            elif table is REQUESTS_TABLE:
                row_path = ".".join(parts[:-1])
                label = f"三、收到和处理申请 {request_labels[row_path]}·{column_labels[parts[-1]]}"
            else:
                label = f"四、复议诉讼 {appeal_groups[parts[1]]}·{appeal_columns[parts[2]]}"
            fields.append(Field(cell.path, label, table.sheet, address, kind))
    return fields


# 机关类型 decides the publication deadline (条例第四十九条 and provincial practice): see rules.deadline
AGENCY_TYPES = ("乡镇人民政府（街道办事处）", "县级以上人民政府", "政府部门", "其他机关")


def _all_fields() -> tuple[Field, ...]:
    head = [
        Field(
            "agency", "基本信息 机关全称", SHEET_BASIC, "B3", Kind.LINE, True, note="机关全称，如：新绛县三泉镇人民政府"
        ),
        Field("year", "基本信息 报告年度", SHEET_BASIC, "B4", Kind.YEAR, True, note="报告所统计的年度，如：2021"),
        Field("date", "基本信息 成文日期", SHEET_BASIC, "B5", Kind.DATE, True, note="成文日期，如：2022-01-25"),
        Field(
            "agency_type",
            "基本信息 机关类型",
            SHEET_BASIC,
            "B6",
            Kind.CHOICE,
            choices=AGENCY_TYPES,
            note="从下拉列表选择；不填时按机关名称推断（决定公布时限）",
        ),
        Field(
            "opening",
            "基本信息 开头段落",
            SHEET_BASIC,
            "B7",
            Kind.TEXT,
            note="可不填：不填时用模板中的标准开头段落；填写则替换它",
        ),
    ]
    tail = [
        Field("problems", HEADINGS[4], SHEET_PROBLEMS, "A3", Kind.TEXT),
        Field("other_matters", HEADINGS[5], SHEET_OTHER, "A3", Kind.TEXT),
    ]
    # the table grids are in row order, table by table: the order in which the contract lists them
    return (*head, *_table_fields(), *tail)


FIELDS: tuple[Field, ...] = _all_fields()
BY_PATH: dict[str, Field] = {field.path: field for field in FIELDS}
BY_CELL: dict[tuple[str, str], Field] = {(field.sheet, field.cell): field for field in FIELDS}
FIELD_INDEX: dict[str, int] = {field.path: index for index, field in enumerate(FIELDS)}
OPTIONAL_KEYS = ("agency_type", "opening")  # left out of the document when blank; rows a first-version workbook lacks
BASIC_FIELDS = tuple(field for field in FIELDS if field.sheet == SHEET_BASIC)


def basic_label(field: Field) -> tuple[str, str]:
    """The cell and text of the label beside a field of 基本信息: ("A3", "机关全称") for B3."""
    return f"A{field.cell[1:]}", field.short_label


TOP_LEVEL_KEYS = (
    "format",
    "agency",
    "agency_type",
    "year",
    "date",
    "opening",
    "overview",
    "proactive",
    "requests",
    "appeals",
    "problems",
    "other_matters",
    "extra",
)


def _sum_rules() -> tuple[SumRule, ...]:
    """R3 for every row but (七)总计, then R2 per column, then R3 for (七)总计; then 四's totals.

    The order is also the order in which omitted totals are computed.
    """
    row_rule = [
        SumRule("row-total", f"requests.{key}.total", tuple(f"requests.{key}.{c}" for c in APPLICANT_PARTS))
        for key, _ in REQUEST_ROWS
    ]
    column_rule = [
        SumRule("requests-total", f"requests.total.{column}", tuple(f"requests.{row}.{column}" for row in RESULT_ROWS))
        for column, _ in APPLICANT_COLUMNS
    ]
    total_row = next(rule for rule in row_rule if rule.total == "requests.total.total")
    appeals = [
        SumRule("appeals-total", f"appeals.{group}.total", tuple(f"appeals.{group}.{c}" for c in APPEAL_PARTS))
        for group, _ in APPEAL_GROUPS
    ]
    rows_first = [rule for rule in row_rule if rule is not total_row]
    return (*rows_first, *column_rule, total_row, *appeals)


SUM_RULES: tuple[SumRule, ...] = _sum_rules()
BALANCE_RULES: tuple[BalanceRule, ...] = tuple(
    BalanceRule(
        column,
        (f"requests.new.{column}", f"requests.carried_over.{column}"),
        (f"requests.total.{column}", f"requests.carried_forward.{column}"),
    )
    for column, _ in APPLICANT_COLUMNS
)
TOTAL_PATHS = frozenset(field.path for field in FIELDS if field.kind is Kind.TOTAL)


@cache
def column_label(column: str) -> str:
    """The Chinese label of an applicant column of table 三."""
    return _request_column_label(column, dict(APPLICANT_COLUMNS)[column])


@cache
def total_formula(path: str) -> str:
    """The standard workbook's formula of a total, without "=": SUM over its parts' cells (first rule wins)."""
    rule = next(rule for rule in SUM_RULES if rule.total == path)
    cells = [BY_PATH[part].cell for part in rule.parts]
    return f"SUM({cells[0]}:{cells[-1]})"


def nest(items: Iterable[tuple[str, T]]) -> dict[str, Any]:
    """Nested dicts from (dotted path, value) pairs: ("a.b", 1) → {"a": {"b": 1}}."""
    tree: dict[str, Any] = {}
    for path, value in items:
        node = tree
        *parents, leaf = _split(path)
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return tree


@cache
def _split(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def overview_path(index: int, part: str) -> str:
    """The JSON path of a sub-section's title or text."""
    return f"overview[{index}].{part}"


def label_cells(table: Table) -> tuple[tuple[str, str], ...]:
    """(cell, expected text) of every label cell of a table's sheet, for the layout check."""
    return tuple((table.address(cell.row, cell.col), cell.text) for cell in table.cells if cell.text)
