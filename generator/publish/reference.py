"""The template-variable reference (Markdown, in Chinese), generated from the schema and the filters."""

from __future__ import annotations

import json
from typing import Any

from .. import schema
from .context import FILTERS
from .lint import sample_context

FILTER_EXAMPLES = (
    ("cn_date", '"2022-01-25"', "成文日期：2022年1月25日（阿拉伯数字，不补零）"),
    ("paragraphs", '"第一段\\n\\n第二段"', "把多段文字拆成段落列表，配合 {%p for %} 逐段输出"),
    ("num", "24252.311082", "件数、万元金额按原样输出，不用科学计数法"),
    ("thousands", "1234567", "千分位"),
    ("wan", "24252.311082", "带单位的万元金额"),
    ("cn_year", "2021", "中文年份"),
    ("cn_number", "2", "小数目的中文数字（两件、十二条）"),
    ("cn_ordinal", "12", "（一）（二）…的序号"),
    (
        "title_lines",
        '"内蒙古自治区呼和浩特市赛罕区人民政府办公室"',
        "标题中的机关名称：过长时在词与词之间分成长短均衡的几行（机关全称中输入的换行保留）",
    ),
    ("signature_lines", '"内蒙古自治区呼和浩特市赛罕区人民政府办公室"', "署名：一行放不下时在词与词之间分行，不留孤字"),
    ("one_line", '"某某县\\n市场监督管理局"', "去掉机关全称中输入的换行（正文中引用机关名称时用）"),
    (
        "signature_indent",
        '"新绛县三泉镇人民政府"',
        "署名段落的右缩进（缇，模板中写 `agency` 和 `date`）：右空二字，日期过长时左移",
    ),
    ("date_indent", '"2022-01-25"', "成文日期段落的右缩进（缇，模板中写 `date` 和 `agency`）：首字比署名首字右移二字"),
)
FILTER_ARGUMENTS = {"signature_indent": ("2022-01-25",), "date_indent": ("新绛县三泉镇人民政府",)}


def _example(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def _filter_rows() -> list[str]:
    rows = []
    for name, argument, meaning in FILTER_EXAMPLES:
        value = json.loads(argument)
        result = FILTERS[name](value, *FILTER_ARGUMENTS.get(name, ()))
        shown = str(result).replace("\n", "↵")
        call = name + "".join(f"({json.dumps(a, ensure_ascii=False)})" for a in FILTER_ARGUMENTS.get(name, ()))
        rows.append(f"| `{name}` | `{{{{ {argument} \\| {call} }}}}` | `{shown}` | {meaning} |")
    return rows


def _field_rows(context: dict[str, Any]) -> list[str]:
    rows = []
    for field in schema.FIELDS:
        node: Any = context
        for key in field.path.split("."):
            node = node[key]
        example = _example(node)
        if len(example) > 30:
            example = example[:30] + "…"
        rows.append(f"| `{field.path}` | {field.label} | {example} |")
    return rows


def variables_reference() -> str:
    """The reference of every variable, filter and test a template can use."""
    context = sample_context()
    lines = [
        "# 模板变量说明（由 nianbao 根据数据结构自动生成，请勿手工修改）",
        "",
        "模板是普通的 Word 文档（.docx），其中用 Jinja 语法引用年报数据，例如 `{{ agency }}`、",
        "`{{ requests.new.natural_person }}`。变量名与 `nianbao export` 导出的 JSON 完全一致。",
        "",
        "- 输出变量：`{{ 变量 }}`；按条件或循环输出整段：`{%p if … %}`、`{%p for … %}`（`p` 表示作用于整个段落），",
        "  表格行用 `{%tr … %}`；结束标签 `{%p endif %}`、`{%p endfor %}`。",
        "- 多段文字（总体情况各小节的 `text`、`problems`、`other_matters`）请用 `paragraphs` 过滤器逐段输出，",
        "  直接输出会变成段内换行、失去首行缩进。",
        "- 自定义字段：工作簿“自定义字段”表或 JSON 的 `extra` 中的每一项，模板中写 `{{ extra.字段名 }}`；",
        "  模板用到而某份输入没有的字段，生成该报告时会报错并指明字段名。",
        "- 模板在安全沙箱中运行：不能访问 Python 内部对象、不能读写文件，运行过久（死循环）会被终止。",
        "- 检查模板：`nianbao template check 模板.docx`。",
        "",
        "## 顶层变量",
        "",
        "| 变量 | 含义 | 示例 |",
        "| --- | --- | --- |",
        '| `format` | 格式版本 | "2021" |',
        '| `agency` | 机关全称 | "示例县示例镇人民政府" |',
        "| `year` | 报告年度 | 2021 |",
        '| `date` | 成文日期（ISO 格式，用 `cn_date` 输出） | "2022-01-20" |',
        "| `overview` | 一、总体情况的小节列表，每项有 `title`、`text` | `{%p for section in overview %}` |",
        "| `proactive` | 二、主动公开政府信息情况 | 见下表 |",
        "| `requests` | 三、收到和处理政府信息公开申请情况 | 见下表 |",
        "| `appeals` | 四、政府信息公开行政复议、行政诉讼情况 | 见下表 |",
        "| `problems` | 五、存在的主要问题及改进情况（多段文字） | |",
        "| `other_matters` | 六、其他需要报告的事项（多段文字） | |",
        "| `extra` | 自定义字段 | `{{ extra.联系人 }}` |",
        "",
        "## 全部数据项",
        "",
        "| 变量 | 含义 | 示例 |",
        "| --- | --- | --- |",
        *_field_rows(context),
        "",
        "## 过滤器",
        "",
        "| 过滤器 | 写法 | 结果 | 说明 |",
        "| --- | --- | --- | --- |",
        *_filter_rows(),
        "",
        "## 测试",
        "",
        "| 测试 | 写法 | 说明 |",
        "| --- | --- | --- |",
        "| `heading2` | `{%p if line is heading2 %}` | 以（一）（二）…开头的行，默认模板把它排成二级标题 |",
        "",
    ]
    return "\n".join(lines)
