"""Linting a Word template without data and with a full sample report: where each problem is, in Chinese."""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError

from .. import schema
from ..errors import TemplateInvalid
from ..issues import (
    T_BROKEN_XML,
    T_EXTRA_FIELDS,
    T_FULL_WIDTH,
    T_LEFTOVER,
    T_MISSING,
    T_RUNAWAY,
    T_SMART_QUOTES,
    T_SPLIT,
    T_SYNTAX,
    T_UNDEFINED,
    T_UNKNOWN,
    T_UNSAFE,
    CheckResult,
    E,
    Issue,
    IssueType,
)
from ..model import Section, make_report
from .context import build_context
from .render import (
    RENDERED_PART,
    PreparedTemplate,
    RenderBudgetExceeded,
    make_env,
    part_text,
    patched_source,
    prepare,
    read_entries,
    render_bytes,
    where,
)

SAMPLE_TEXT = "示例 & < > 😀"  # no braces: any {{ left in the output is then the template's
_TAG = re.compile(r"\{[{%#].*?[}%#]\}", re.DOTALL)
_RAW_TAG = re.compile(r"\{(?:<[^>]*>)*[{%](?:(?!\{[{%]).)*?[}%](?:<[^>]*>)*\}", re.DOTALL)
MANDATED_TABLE_LABELS = (
    "第二十条第（一）项",
    "第二十条第（八）项",
    schema.BALANCE_NOTE,
    "四、结转下年度继续办理",
    "复议后起诉",
)


class SampleExtra(dict[str, Any]):
    """The custom fields of the sample report: any key a template asks for has a sample value."""

    def __missing__(self, key: str) -> str:
        return f"示例{key}"


@dataclass(frozen=True, slots=True)
class TemplateLint:
    """The result of linting a template, and the custom fields it uses."""

    result: CheckResult
    extra_keys: tuple[str, ...]


def sample_context() -> dict[str, Any]:
    """A full report: every count non-zero and distinct, texts with characters that need escaping."""
    values: dict[str, Any] = {"agency": "示例县示例镇人民政府", "year": 2021, "date": dt.date(2022, 1, 20)}
    for index, field in enumerate(schema.FIELDS, start=1):
        if field.kind is schema.Kind.COUNT:
            values[field.path] = index
    values["proactive.fees"] = Decimal("1.5")
    values["problems"] = values["other_matters"] = f"{SAMPLE_TEXT}\n（一）示例小标题\n第二段"
    sections = (Section("示例小节", SAMPLE_TEXT), Section("第二小节", "内容"))
    context = build_context(make_report(values, sections))
    context["extra"] = SampleExtra()
    return context


def _issue(issue_type: IssueType, where_text: str, part: str = "word/document.xml", **facts: Any) -> Issue:
    return issue_type.in_document(part, "模板", where_text, **facts)


def locate_line(part: str, source: str, lineno: int | None) -> str:
    """Where a line of a patched part is: paragraph, or table/row/column, with the text around."""
    if not lineno:
        return part
    before = "\n".join(source.splitlines()[: lineno - 1])
    name = {"word/document.xml": "正文"}.get(part, part.removeprefix("word/").removesuffix(".xml"))
    depth = before.count("<w:tbl>") - before.count("</w:tbl>")
    if depth > 0:
        table_start = before.rfind("<w:tbl>")
        rows = before[table_start:]
        row = len(re.findall(r"<w:tr[ >]", rows))
        cells = re.split(r"<w:tc[ >]", rows[rows.rfind("<w:tr") :])[1:]
        column = 1 + sum(
            int(m.group(1)) if (m := re.search(r'<w:gridSpan w:val="(\d+)"', c)) else 1 for c in cells[:-1]
        )
        place = f"{name}第 {before.count('<w:tbl>')} 个表格第 {row} 行第 {column} 列"
    else:
        place = f"{name}第 {len(re.findall(r'<w:p[ >]', before)) + 1} 段"
    return f"{place}，{where(source, lineno)}"


_BLOCK = re.compile(
    r"\{%-?\s*(?:[pr]|tr|tc)?\s*(if|for|macro|call|filter|with|raw|block|endif|endfor|endmacro|endcall|endfilter|endwith|endraw|endblock)\b"
)


def _unclosed_line(source: str) -> int | None:
    """The line of the innermost block tag ({% if %}, {% for %} …) that is never closed."""
    stack: list[int] = []
    for match in _BLOCK.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        if match.group(1).startswith("end"):
            if stack:
                stack.pop()
        else:
            stack.append(line)
    return stack[-1] if stack else None


def _syntax_issues(parts: dict[str, str], env: jinja2.Environment) -> Iterator[Issue]:
    for name, source in parts.items():
        try:
            env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            line = exc.lineno
            if "Unexpected end of template" in (exc.message or ""):
                line = _unclosed_line(source) or line
                message = "这个标签没有对应的结束标签（如 {% endif %}、{% endfor %}）"
            else:
                message = exc.message or str(exc)
            yield _issue(T_SYNTAX, locate_line(name, source, line), name, found=message)


def _chains(tree: nodes.Template) -> Iterator[tuple[list[str], int]]:
    """Dotted variable paths (a.b.c) used in a template, with their line numbers."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        keys: list[str] = []
        current: nodes.Node = node
        while isinstance(current, (nodes.Getattr, nodes.Getitem)):
            if isinstance(current, nodes.Getattr):
                keys.append(current.attr)
            elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, str):
                keys.append(current.arg.value)
            else:
                break
            current = current.node
        if isinstance(current, nodes.Name):
            yield [current.name, *reversed(keys)], node.lineno


def _unknown_issues(parts: dict[str, str], env: jinja2.Environment, extra_keys: set[str]) -> Iterator[Issue]:
    sample = sample_context()
    known = set(schema.TOP_LEVEL_KEYS) | set(env.globals)
    for name, source in parts.items():
        tree = env.parse(source)
        declared = meta.find_undeclared_variables(tree)
        for variable in sorted(declared - known):
            line = next((n.lineno for n in tree.find_all(nodes.Name) if n.name == variable), None)
            yield _issue(
                T_UNKNOWN, locate_line(name, source, line), name, name=variable, hint=_suggest(variable, known)
            )
        for chain, line in _chains(tree):
            if chain[0] not in declared or chain[0] not in sample:
                continue
            if chain[0] == "extra":
                extra_keys.update(chain[1:2])
                continue
            node: Any = sample
            for depth, key in enumerate(chain):
                if not isinstance(node, dict):
                    break
                if key not in node:
                    full = ".".join(chain[: depth + 1])
                    hint = _suggest(key, list(node), prefix=".".join(chain[:depth]))
                    yield _issue(T_UNKNOWN, locate_line(name, source, line), name, name=full, hint=hint)
                    break
                node = node[key]


def _suggest(name: str, known: Any, prefix: str = "") -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
    if not close:
        return ""
    return f"，是否应为“{prefix + '.' if prefix else ''}{close[0]}”？"


def _word_issues(raw: dict[str, str]) -> Iterator[Issue]:
    """What Word does to tags: splitting them into runs, smart quotes, full-width braces."""
    for name, xml in raw.items():
        for match in _RAW_TAG.finditer(xml):
            tag = match.group()
            text = re.sub(r"<[^>]+>", "", tag)
            where_text = f"{name}，标签“{text[:60]}”"
            if "<w:r>" in tag or "<w:r " in tag:
                yield _issue(T_SPLIT, where_text, name, found=text[:60])
            if re.search("[“”‘’]", text):
                yield _issue(T_SMART_QUOTES, where_text, name, found=text[:60])
        plain = re.sub(r"<[^>]+>", "", xml)
        for match in re.finditer(r"[｛{][｛％%][^｝}]*[％%｝][｝}]", plain):
            if re.search("[｛｝％]", match.group()):
                yield _issue(T_FULL_WIDTH, name, name, found=match.group())


def _missing_issues(raw: dict[str, str]) -> Iterator[Issue]:
    text = "".join(re.sub(r"<[^>]+>", "", raw.get("word/document.xml", "")).split())
    for heading in schema.HEADINGS:
        if heading not in text:
            yield _issue(T_MISSING, "全文", what="标题", found=heading)
    for label in MANDATED_TABLE_LABELS:
        if "".join(label.split()) not in text:
            yield _issue(T_MISSING, "全文", what="表格内容", found=label)


def _trial_issues(prepared: PreparedTemplate) -> Iterator[Issue]:
    try:
        docx = render_bytes(prepared, sample_context())
    except SecurityError as exc:
        yield _issue(T_UNSAFE, "试渲染", found=exc.message or str(exc))
        return
    except RenderBudgetExceeded as exc:
        yield _issue(T_RUNAWAY, "试渲染", found=exc.message)
        return
    except jinja2.UndefinedError as exc:
        yield _issue(T_UNDEFINED, "试渲染", found=exc.message)
        return
    except TemplateInvalid as exc:
        yield _issue(T_BROKEN_XML, "试渲染", found=exc.message)
        return
    except jinja2.TemplateError as exc:
        yield _issue(T_UNDEFINED, "试渲染", found=exc.message or str(exc))
        return
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        text = re.sub(r"<[^>]+>", "", archive.read("word/document.xml").decode("utf-8"))
    for match in _TAG.finditer(text):
        yield _issue(T_LEFTOVER, "试渲染", found=match.group()[:40])


def lint(path: Path) -> TemplateLint:
    """Every problem of a template; raises TemplateInvalid if it is not a .docx at all."""
    entries = read_entries(path)
    raw = {name: part_text(path, name, data) for name, data in entries if RENDERED_PART.fullmatch(name)}
    patched = {name: patched_source(xml) for name, xml in raw.items() if "{" in xml}
    env = make_env()
    found = list(_word_issues(raw))
    syntax = list(_syntax_issues(patched, env))
    found += syntax
    extra_keys: set[str] = set()
    if not syntax:
        found += _unknown_issues(patched, env, extra_keys)
        if not any(issue.severity is E for issue in found):
            found += _trial_issues(prepare(path, env))
    found += _missing_issues(raw)
    if extra_keys:
        found.append(_issue(T_EXTRA_FIELDS, "全文", found="、".join(sorted(extra_keys))))
    return TemplateLint(CheckResult(tuple(dict.fromkeys(found))), tuple(sorted(extra_keys)))
