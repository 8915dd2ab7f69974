"""Problems in the data as values: the catalogue of issue types, Issue and CheckResult."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from . import schema


class Severity(str, Enum):
    """Errors stop a report from being built; warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class IssueType:
    """A catalogue entry: a stable public code, a severity, a Chinese title, message template and fix."""

    code: str
    severity: Severity
    title: str
    template: str
    fix: str = ""  # what the unit does about it, in the 退回意见 and the marked copy (blank: DEFAULT_FIX)

    def at(self, path: str, label: str | None = None, **facts: Any) -> Issue:
        """An issue of this type at `path`; `label` defaults to the field's label in the schema."""
        return Issue(self.code, self.severity, path, label or default_label(path), self.template.format(**facts))

    def in_document(self, part: str, label: str, where: str, **facts: Any) -> Issue:
        """An issue of this type at a place in a document without cells (`part`: which file part)."""
        return Issue(self.code, self.severity, part, label, self.template.format(**facts), where=where)


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in an input: where it is and what is wrong."""

    code: str
    severity: Severity
    path: str
    label: str
    detail: str
    sheet: str | None = None
    cell: str | None = None
    where: str | None = None  # a place in a document that has no cells: a template's paragraph, a report's page

    @property
    def message(self) -> str:
        """The whole Chinese message: label, location, what was found and what was expected."""
        return f"{self.label}（{self.place}）：{self.detail}"

    @property
    def place(self) -> str:
        """Where the problem is, as a reader finds it: sheet and cell, a place in a document, or the path."""
        if self.sheet and self.cell:
            return f"工作表“{self.sheet}”{self.cell}"
        if self.sheet:
            return f"工作表“{self.sheet}”"
        return self.where or self.path or "文件"

    def located(self, sheet: str | None, cell: str | None) -> Issue:
        """The issue with its workbook location attached."""
        return replace(self, sheet=sheet, cell=cell)

    @property
    def line(self) -> str:
        """The issue as one line of the human listing: 错误/警告, two spaces, the message."""
        return f"{'错误' if self.severity is Severity.ERROR else '警告'}  {self.message}"

    def to_json(self) -> dict[str, Any]:
        """The contract's ISSUE object."""
        return {"code": self.code, "message": self.message, "sheet": self.sheet, "cell": self.cell, "path": self.path}


def default_label(path: str) -> str:
    """The label of a path for messages: the schema's label, or a readable form of the path."""
    field = schema.BY_PATH.get(path)
    if field:
        return field.label
    match = re.fullmatch(r"overview\[(\d+)\]\.(title|text)", path)
    if match:
        part = "标题" if match.group(2) == "title" else "内容"
        return f"一、总体情况 第{int(match.group(1)) + 1}个小节·{part}"
    if path.startswith("extra."):
        return f"自定义字段 {path[len('extra.') :]}"
    return path


def _order_key(issue: Issue) -> tuple[int, float, int]:
    top = re.split(r"[.\[]", issue.path, maxsplit=1)[0]
    rank = schema.TOP_LEVEL_KEYS.index(top) if top in schema.TOP_LEVEL_KEYS else len(schema.TOP_LEVEL_KEYS)
    match = re.match(r"overview\[(\d+)\]", issue.path)
    index = int(match.group(1)) if match else _field_index(issue.path)
    return rank, index, CODE_ORDER.get(issue.code, len(CODE_ORDER))


def _field_index(path: str) -> float:
    """The schema position of a path, or of the first field under it, or of its nearest parent."""
    while path:
        if path in schema.FIELD_INDEX:
            return schema.FIELD_INDEX[path]
        below = [index for known, index in schema.FIELD_INDEX.items() if known.startswith(path + ".")]
        if below:
            return min(below) - 0.5
        path = path.rpartition(".")[0]
    return 0


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of checking one input: every issue, errors first in report order."""

    issues: tuple[Issue, ...]

    @classmethod
    def of(cls, issues: Iterable[Issue]) -> CheckResult:
        """Sort issues into report order (schema order, then code), keeping the first of duplicates."""
        unique = list(dict.fromkeys(issues))
        return cls(tuple(sorted(unique, key=_order_key)))

    @property
    def errors(self) -> tuple[Issue, ...]:
        """The issues that stop a report from being built."""
        return tuple(issue for issue in self.issues if issue.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """The issues worth a look that do not stop the build."""
        return tuple(issue for issue in self.issues if issue.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        """The contract's object: {"ok", "errors", "warnings"}."""
        return {
            "ok": self.ok,
            "errors": [issue.to_json() for issue in self.errors],
            "warnings": [issue.to_json() for issue in self.warnings],
        }

    def to_text(self) -> str:
        """The human listing: one line per issue, then the closing count."""
        lines = [issue.line for issue in self.issues]
        lines.append(f"共 {len(self.errors)} 个错误、{len(self.warnings)} 个警告。")
        return "\n".join(lines)

    def flatten(self, *attrs: str) -> list[tuple[Any, ...]]:
        """Tuples of the named attributes of each issue, for terse assertions in tests."""
        return [tuple(getattr(issue, attr) for attr in attrs) for issue in self.issues]


E, W = Severity.ERROR, Severity.WARNING

# --- reading: types and ranges ------------------------------------------------------------
SUMS_FIX = "把总计改为按明细合计的值，或找出填错的明细格；标准工作簿中总计是自动合计的公式，不要手工填写"
DEFAULT_FIX = "按问题说明改正"  # for an issue whose type names no fix of its own

NOT_INTEGER = IssueType(
    "not-integer",
    E,
    "不是整数",
    "填写“{found}”，应为不小于 0 的整数",
    fix="改为不小于 0 的整数（件数），不要写单位或文字",
)
NEGATIVE = IssueType("negative", E, "负数", "填写 {found}，不能为负数", fix="改为不小于 0 的整数")
BAD_AMOUNT = IssueType(
    "bad-amount",
    E,
    "金额无效",
    "填写“{found}”，应为不小于 0 的数字（单位：万元）",
    fix="改为不小于 0 的数字，单位为万元，不要写“万元”等文字",
)
BAD_DATE = IssueType(
    "bad-date",
    E,
    "日期无效",
    "填写“{found}”，应为日期，如 2022-01-25、2022/1/25 或 2022年1月25日",
    fix="改为日期，如 2022-01-25",
)
BAD_YEAR = IssueType("bad-year", E, "年度无效", "填写“{found}”，应为四位年份，如 2021", fix="改为四位年份，如 2021")
BAD_TEXT = IssueType("bad-text", E, "文字无效", "填写的是{found}，应为文字", fix="改为文字")
BAD_CHOICE = IssueType(
    "bad-choice", E, "不在可选范围内", "填写“{found}”，应为以下之一：{choices}", fix="从下拉列表中选择"
)
REQUIRED = IssueType("required", E, "必填项为空", "未填写，这是必填项", fix="填写这一项")
ILLEGAL_CHARACTER = IssueType(
    "illegal-character",
    E,
    "不可见的控制字符",
    "含有 Word 无法保存的控制字符 {found}（第 {position} 个字符），请删除",
    fix="删除这个看不见的控制字符（可把这段文字粘贴到记事本中再粘贴回来）",
)
BAD_TYPE = IssueType("bad-type", E, "类型不符", "应为{expected}，实际是{found}", fix="按说明改为应有的类型")
NUMBER_AS_TEXT = IssueType(
    "number-as-text",
    E,
    "以文本形式存储的数字",
    "填写的“{found}”是以文本形式存储的数字，合计公式不会计入，请改为数字（在 Excel/WPS 中选中单元格，点提示图标选“转换为数字”，或删除开头的 ' 后重新输入）",
    fix="改为数字：选中单元格，点提示图标选“转换为数字”，或删除开头的 ' 后重新输入",
)
NUMBER_NORMALISED = IssueType(
    "number-normalised",
    W,
    "数字的写法不规范",
    "填写“{found}”，含有{dropped}，已按 {value} 读取；请改为普通数字",
    fix="改为普通数字（不带空格、单位或全角字符）",
)
CELL_ERROR = IssueType(
    "cell-error",
    E,
    "单元格显示错误值",
    "单元格显示错误值 {found}（公式出错），请改为正确的数字或文字",
    fix="改正这个单元格的公式，或直接填写数字",
)
OUT_OF_RANGE = IssueType(
    "out-of-range",
    E,
    "数值过大",
    "填写 {found}，超出合理范围（不超过 {limit}），请核对",
    fix="核对这个数字，改为实际的数",
)
UNSUPPORTED_FORMULA = IssueType(
    "unsupported-formula",
    E,
    "无法计算的公式",
    "公式 {found} 没有保存计算结果，nianbao 只能计算简单的加减乘除和 SUM（{reason}）；请在 Excel/WPS 中打开并保存，或改为数字",
    fix="在 Excel/WPS 中打开并保存一次，或把公式改为数字",
)
EXTRA_SHEET = IssueType(
    "extra-sheet",
    W,
    "多出的工作表",
    "这个工作表有 {found} 个数字（如 {first}），但年报只读取标准工作表中的数据；{hint}如果数字填错了地方，请移回标准工作表",
    fix="把数字移回标准工作表中对应的单元格",
)
TOO_PRECISE = IssueType(
    "too-precise",
    E,
    "小数位数过多",
    "填写 {found}，金额最多保留 {places} 位小数（单位：万元）",
    fix="金额最多保留 6 位小数（单位：万元）",
)
UNKNOWN_KEY = IssueType(
    "unknown-key", E, "未知的键", "不是年报数据中的键，请检查拼写{hint}", fix="检查键名的拼写，或删除这个键"
)
UNSUPPORTED_FORMAT = IssueType(
    "unsupported-format",
    E,
    "格式版本不支持",
    "填写“{found}”，目前只支持“2021”（国办公开办函〔2021〕30号）",
    fix="用 2021 年格式（国办公开办函〔2021〕30号）的标准工作簿重新填报",
)
LAYOUT_MISMATCH = IssueType(
    "layout-mismatch",
    E,
    "工作簿结构与标准不符",
    "{found}，{expected}",
    fix="不要增删行列或改动表格标签；可用 nianbao new 生成标准工作簿后把数字填入",
)
DUPLICATE_KEY = IssueType(
    "duplicate-key", E, "自定义字段重复", "字段名“{key}”已在第 {first} 行出现", fix="删除或改名重复的自定义字段"
)
BAD_KEY = IssueType(
    "bad-key", E, "自定义字段名无效", "有值但没有字段名，请在 A 列填写字段名", fix="在 A 列填写字段名，或删除这一行的值"
)

# --- arithmetic ---------------------------------------------------------------------------
ROW_TOTAL = IssueType(
    "row-total", E, "行总计不符", "填写 {found}，按本行各列合计应为 {expected}（明细：{parts}）", fix=SUMS_FIX
)
REQUESTS_TOTAL = IssueType(
    "requests-total", E, "（七）总计不符", "填写 {found}，按明细合计应为 {expected}（明细：{parts}）", fix=SUMS_FIX
)
APPEALS_TOTAL = IssueType(
    "appeals-total", E, "复议诉讼总计不符", "填写 {found}，按明细合计应为 {expected}（明细：{parts}）", fix=SUMS_FIX
)
REQUESTS_BALANCE = IssueType(
    "requests-balance",
    E,
    "勾稽关系不成立",
    "第一项加第二项 = {new} + {carried_over} = {left}，第三项（七）总计加第四项 = {total} + {carried_forward} = {right}，两者应相等",
    fix="核对这一列：一、本年新收＋二、上年结转，应等于三、（七）总计＋四、结转下年度继续办理",
)

# --- dates and completeness ---------------------------------------------------------------
DATE_BEFORE_YEAR_END = IssueType(
    "date-before-year-end",
    E,
    "成文日期早于年度结束",
    "填写 {found}，成文日期应在 {year} 年 12 月 31 日之后",
    fix="成文日期应为报告年度结束之后的日期，请改正",
)
DATE_LATE = IssueType(
    "date-late",
    W,
    "成文日期晚于公布时限",
    "填写 {found}，晚于公布时限 {deadline}（{basis}）",
    fix="核对成文日期；确实晚于公布时限的，请在报告中如实说明",
)
TEXT_EMPTY = IssueType(
    "text-empty", W, "内容为空", "未填写内容，年报的这一部分不宜空缺{hint}", fix="补写这一部分的内容"
)
TABLES_EMPTY = IssueType(
    "tables-empty",
    W,
    "表格全为 0",
    "正文写了“{found}”，但表格二、三、四全部为 0：数字是否填在了别的工作表或漏填了？",
    fix="把表格二、三、四的数字填入标准工作表",
)
TITLE_NUMBERED = IssueType(
    "title-numbered",
    W,
    "标题带了编号",
    "标题以“{found}”开头；模板会自动编号，已去掉这个编号，以免报告中印成“（二）（二）”",
    fix="删去标题前的编号，模板会自动编号",
)
TEXT_HEADING1 = IssueType(
    "text-heading1",
    W,
    "正文中像一级标题的行",
    "第 {line} 段以“{found}”开头，像一级标题；一级标题由模板给出，正文中的小标题请用（一）（二）…",
    fix="把这一行改为（一）（二）…小标题，或并入正文",
)

# --- the prose against the tables --------------------------------------------------------
TEXT_NUMBER_MISMATCH = IssueType(
    "text-number-mismatch",
    E,
    "文中数字与表格不符",
    "“{quote}”中的“{stated}”与表格不符：{expected}",
    fix="把文中的数字改为与表格一致，或改正表格",
)
TEXT_NUMBER_UNCERTAIN = IssueType(
    "text-number-uncertain",
    W,
    "文中数字与表格不一致（口径可能不同）",
    "“{quote}”中的“{stated}”与表格不一致：{expected}；{why}，如确属不同统计口径可忽略",
    fix="核对文中的数字与表格的口径，确属不同口径的可以不改",
)
TEXT_REPEATED = IssueType(
    "text-repeated", W, "与上年报告重复", "{found}", fix="按本年的实际情况重写这一段，不要照搬上年"
)
PROBLEMS_EMPTY = IssueType(
    "problems-empty",
    E,
    "未写存在的主要问题及改进情况",
    "未填写内容{hint}：年报格式要求写明存在的主要问题和改进情况",
    fix="写明本年存在的主要问题和改进情况，不能空着或只写“无”",
)
FEE_NOT_REPORTED = IssueType(
    "fee-not-reported",
    W,
    "六、其他事项未说明信息处理费",
    "{found}，但本部分没有说明信息处理费的收取情况",
    fix="在“六、其他需要报告的事项”中说明信息处理费的收取情况",
)
# errors in the prose only: the figures are sound (a county still adds them up)
PROSE_CODES = frozenset(t.code for t in (TEXT_NUMBER_MISMATCH, PROBLEMS_EMPTY))

# --- against last year's report (--previous) ----------------------------------------------
CARRIED_OVER_MISMATCH = IssueType(
    "carried-over-mismatch",
    E,
    "上年结转与上年报告不符",
    "填写 {found}，上年报告“四、结转下年度继续办理”为 {expected}",
    fix="“二、上年结转”应等于上年报告的“四、结转下年度继续办理”，请核对",
)
IN_FORCE_DRIFT = IssueType(
    "in-force-drift",
    W,
    "现行有效件数与上年不衔接",
    "填写 {found}，按上年现行有效 {previous} + 本年制发 {issued} − 本年废止 {repealed} 应为 {expected}（有修订时可忽略）",
    fix="核对现行有效件数：上年现行有效＋本年制发－本年废止；有修订的请说明",
)
# --- rendering with a custom template -----------------------------------------------------
MISSING_EXTRA = IssueType(
    "extra-missing",
    E,
    "缺少自定义字段",
    "模板“{template}”使用了自定义字段“{key}”，但这份输入中没有；请在“自定义字段”表（或 JSON 的 extra）中添加",
    fix="在“自定义字段”表中添加这个字段",
)

PREVIOUS_YEAR = IssueType(
    "previous-year", W, "上年报告年度不符", "上年报告的年度是 {found}，应为 {expected}", fix="核对报告年度"
)
# --- the published files (build --pdf) ---
PDF_FONT_SUBSTITUTED = IssueType(
    "pdf-font-substituted",
    W,
    "PDF 字体被替换",
    "生成 PDF 的电脑没有这种字体，PDF 中用它的文字改用了 {substitute}；请在装有“{face}”的电脑上生成 PDF，"
    "或以 Word 文档为准",
)
PDF_FONT_NOT_EMBEDDED = IssueType(
    "pdf-font-not-embedded", W, "PDF 字体未嵌入", "这种字体没有嵌入 PDF，在没有它的电脑上会显示为其他字体"
)

# --- templates (`nianbao template check`) ------------------------------------------------
T_SYNTAX = IssueType("template-syntax", E, "模板语法错误", "{found}")
T_UNKNOWN = IssueType("template-unknown-variable", E, "未知变量", "模板使用了未知变量“{name}”{hint}")
T_UNDEFINED = IssueType("template-undefined", E, "变量不存在", "试渲染时出错：{found}")
T_UNSAFE = IssueType("template-unsafe", E, "不安全的模板", "模板试图访问 Python 内部对象（{found}），已拒绝")
T_RUNAWAY = IssueType("template-runaway", E, "模板运行过久", "{found}")
T_BROKEN_XML = IssueType("template-broken-xml", E, "生成的文档结构无效", "{found}")
T_LEFTOVER = IssueType(
    "template-leftover-tag", E, "残留的模板标签", "渲染后仍有未处理的标签“{found}”：标签可能被 Word 改坏了"
)
T_SPLIT = IssueType(
    "template-split-tag",
    W,
    "标签被拆分",
    "标签“{found}”在 Word 中被拆成了几段不同格式的文字（已自动合并，但其中的格式会丢失）；建议整段重新输入",
)
T_SMART_QUOTES = IssueType(
    "template-smart-quotes",
    W,
    "标签中有中文引号",
    "标签“{found}”中的弯引号“”‘’已按英文引号处理；建议关闭 Word 的“自动更正引号”后重新输入",
)
T_FULL_WIDTH = IssueType(
    "template-full-width-brace",
    W,
    "全角括号",
    "“{found}”用了全角括号，不会被当作模板标签；请改为半角 {{{{ }}}} 或 {{% %}}",
)
T_MISSING = IssueType("template-missing-section", W, "缺少规定内容", "模板中找不到规定的{what}“{found}”")
T_EXTRA_FIELDS = IssueType(
    "template-extra-fields",
    W,
    "使用了自定义字段",
    "模板使用了自定义字段 {found}：每份输入都须在“自定义字段”表（或 JSON 的 extra）中提供",
)
T_RUNTIME = IssueType("template-runtime-error", E, "模板运行出错", "模板运行出错：{found}")
T_RECURSION = IssueType("template-recursion", E, "模板递归过深", "{found}；请不要让宏调用自身")
T_TOO_COMPLEX = IssueType("template-too-complex", E, "模板过于复杂", "{found}")
T_NO_VARIABLES = IssueType(
    "template-no-variables",
    E,
    "模板没有引用任何数据",
    "模板中没有任何数据变量（如 {{{{ agency }}}}）：这可能是一份已经写好的报告，而不是模板",
)
T_INCLUDE = IssueType(
    "template-include",
    E,
    "模板引用了其他模板",
    "模板不能引用其他模板文件（{found}）；请把内容直接写在这个模板中",
)
T_EXTERNAL = IssueType(
    "template-external-link",
    E,
    "模板引用了外部文件或网址",
    "{kind}指向模板之外的“{target}”：打开或转换报告时会去读取它，生成报告时会被删除；请在 Word 中改为嵌入（插入图片时选“插入”，不要选“链接到文件”）",
)
T_ATTACHED_TEMPLATE = IssueType(
    "template-attached-template",
    W,
    "附加了本机的模板文件",
    "模板附加了本机的模板文件“{target}”，生成的报告不会带上这个附加关系",
)
T_FOREIGN_PART = IssueType(
    "template-foreign-part", W, "不属于文档的文件", "模板中的“{found}”不属于 Word 文档的内容，生成报告时不会复制"
)

TEMPLATE_TYPES = (  # the codes of `nianbao template check`
    T_SYNTAX,
    T_UNKNOWN,
    T_UNDEFINED,
    T_UNSAFE,
    T_RUNAWAY,
    T_BROKEN_XML,
    T_LEFTOVER,
    T_SPLIT,
    T_SMART_QUOTES,
    T_FULL_WIDTH,
    T_MISSING,
    T_EXTRA_FIELDS,
    T_RUNTIME,
    T_RECURSION,
    T_TOO_COMPLEX,
    T_NO_VARIABLES,
    T_INCLUDE,
    T_EXTERNAL,
    T_ATTACHED_TEMPLATE,
    T_FOREIGN_PART,
)

# --- reading a published report (DOCX, HTML page, PDF: `nianbao import`, or as any INPUT) -----
R_SOURCE = IssueType(
    "report-source",
    W,
    "输入是已发布的报告",
    "数字和文字是从{kind}中读出的，不是从标准工作簿；问题的位置指报告中的表格、行和列，请对照原报告核对",
)
R_BLANK_AS_ZERO = IssueType(
    "report-blank-as-zero",
    W,
    "空白单元格按 0 读取",
    "{count} 个单元格是空白或“/”“—”，已按 0 读取（如{example}）",
    fix="核对空白单元格：确为 0 的请填 0",
)
R_THOUSANDS = IssueType(
    "report-thousands-separator",
    W,
    "数字带千位分隔符",
    "{count} 个数字带千位分隔符（如“{example}”），已按数字读取",
    fix="核对数字",
)
R_OLD_LAYOUT = IssueType(
    "report-old-layout", W, "表格为旧版格式", "{found}：{assumed}", fix="请按 2021 年格式的表格填报"
)
R_EXTRA_COLUMN = IssueType(
    "report-extra-column",
    W,
    "表格有多余的列",
    "表格有“{found}”列（统一格式中没有这一列），已忽略这一列",
    fix="删去统一格式中没有的列",
)
R_LABEL_VARIANT = IssueType(
    "report-label-variant", W, "标签与统一格式不同", "印作“{found}”，按“{expected}”读取", fix="表格标签请按统一格式填写"
)
R_DATE_MISSING = IssueType(
    "report-date-missing",
    W,
    "找不到成文日期",
    "报告末尾没有落款日期，成文日期未读取（JSON 中为 null）",
    fix="在报告末尾写明成文日期",
)
R_NO_HEADER = IssueType(
    "report-no-header", W, "找不到表头", "表格没有可识别的表头，按统一格式的列顺序读取", fix="表格请保留统一格式的表头"
)
R_MISSING = IssueType(
    "report-missing", E, "报告中找不到", "找不到{what}，{consequence}", fix="请按统一格式补全这一部分，或报送标准工作簿"
)
R_UNKNOWN_ROW = IssueType(
    "report-unknown-row",
    E,
    "无法识别的表格行",
    "“{found}”不是{table}中的行，这一行的数字未读取",
    fix="表格各行请按统一格式填写，或报送标准工作簿",
)
R_CELL_COUNT = IssueType(
    "report-cell-count",
    E,
    "数字格数目不符",
    "这一行有 {found} 个数字格，应为 {expected} 个，无法确定各数字属于哪一列",
    fix="每行数字格的数目请与统一格式一致，或报送标准工作簿",
)
R_DUPLICATE_ROW = IssueType(
    "report-duplicate-row",
    E,
    "表格行重复",
    "这一行在{first}已出现过，且数字不同；两处都未采用",
    fix="删去重复的行，或报送标准工作簿",
)
REPORT_READING = (R_MISSING, R_UNKNOWN_ROW, R_CELL_COUNT, R_DUPLICATE_ROW)  # parts of a report not read

ALL_TYPES: tuple[IssueType, ...] = tuple(value for value in list(globals().values()) if isinstance(value, IssueType))
# Problems that leave a value unknown: a report with one of these cannot be written to a workbook.
READING_CODES = frozenset(
    t.code
    for t in (
        *(NOT_INTEGER, NEGATIVE, BAD_AMOUNT, BAD_DATE, BAD_YEAR, BAD_TEXT, BAD_CHOICE, ILLEGAL_CHARACTER, BAD_TYPE),
        *(NUMBER_AS_TEXT, CELL_ERROR, OUT_OF_RANGE, TOO_PRECISE, UNSUPPORTED_FORMULA),
        *(UNKNOWN_KEY, UNSUPPORTED_FORMAT, LAYOUT_MISMATCH, DUPLICATE_KEY, BAD_KEY),
    )
)
# ...nor can a report with parts of its tables unread (`new --from` a published report)
UNWRITABLE_CODES = READING_CODES | {t.code for t in REPORT_READING}
CODE_ORDER = {t.code: index for index, t in enumerate(ALL_TYPES)}
BY_CODE = {t.code: t for t in ALL_TYPES}


def fix_for(code: str) -> str:
    """What to do about an issue of this code: its type's fix, else DEFAULT_FIX."""
    found = BY_CODE.get(code)
    return found.fix if found is not None and found.fix else DEFAULT_FIX


def catalogue_markdown() -> str:
    """The issue codes as a Markdown table (code, severity, name, the fix a 退回意见 gives), for docs/contract.md."""
    rows = ["| 代码 | 严重程度 | 含义 | 退回意见中的修改方法 |", "| --- | --- | --- | --- |"]
    rows += [f"| `{t.code}` | {'错误' if t.severity is E else '警告'} | {t.title} | {t.fix} |" for t in ALL_TYPES]
    return "\n".join(rows) + "\n"
