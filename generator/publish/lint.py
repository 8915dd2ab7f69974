"""Linting a Word template without data and with a full sample report: where each problem is, in Chinese.

A template is untrusted: the whole check (parsing, compiling, the trial render) runs in a child process
stopped at the deadline (isolate.py)."""

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

from .. import schema
from ..errors import TemplateInvalid
from ..issues import (
    T_ATTACHED_TEMPLATE,
    T_BROKEN_XML,
    T_EXTERNAL,
    T_EXTRA_FIELDS,
    T_FOREIGN_PART,
    T_FULL_WIDTH,
    T_INCLUDE,
    T_LEFTOVER,
    T_MISSING,
    T_NO_VARIABLES,
    T_RUNAWAY,
    T_SMART_QUOTES,
    T_SPLIT,
    T_SYNTAX,
    T_TOO_COMPLEX,
    T_UNKNOWN,
    TEMPLATE_TYPES,
    CheckResult,
    E,
    Issue,
    IssueType,
)
from ..model import Section, make_report
from . import isolate
from .context import build_context
from .locate import locate_line, part_label
from .render import (
    RENDERED_PART,
    PreparedTemplate,
    RenderFailed,
    TemplateTooComplex,
    part_text,
    patched_source,
    prepare,
    render_bytes,
)
from .sandbox import RENDER_SECONDS, ReportEnvironment, complexity_problem, make_env
from .template_zip import foreign_entries, outside_references, read_entries

_BY_CODE = {issue_type.code: issue_type for issue_type in TEMPLATE_TYPES}
_DICT_METHODS = frozenset(dir(dict))
BODY = "word/document.xml"
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


def _parse_all(parts: dict[str, str], env: jinja2.Environment) -> tuple[dict[str, nodes.Template], list[Issue]]:
    """Each part's syntax tree, and the syntax errors (and parts too deeply nested to parse)."""
    trees: dict[str, nodes.Template] = {}
    found: list[Issue] = []
    for name, source in parts.items():
        try:
            trees[name] = env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            line = exc.lineno
            if "Unexpected end of template" in (exc.message or ""):
                line = _unclosed_line(source) or line
                message = "这个标签没有对应的结束标签（如 {% endif %}、{% endfor %}）"
            else:
                message = exc.message or str(exc)
            found.append(_issue(T_SYNTAX, locate_line(name, source, line), name, found=message))
        except (RecursionError, MemoryError):
            found.append(_issue(T_TOO_COMPLEX, part_label(name), name, found="表达式或 {% %} 块嵌套过深，无法解析"))
    return trees, found


def _chains(tree: nodes.Template) -> Iterator[tuple[list[str], int]]:
    """Dotted variable paths (a.b.c) used in a template, with their line numbers; a dict method called
    on a path (`extra.get(…)`, `requests.new.items()`) is not part of it."""
    called = {id(call.node) for call in tree.find_all(nodes.Call)}
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
            chain = [current.name, *reversed(keys)]
            if id(node) in called and isinstance(node, nodes.Getattr) and node.attr in _DICT_METHODS:
                chain.pop()
            yield chain, node.lineno


def _unknown_issues(
    parts: dict[str, str], trees: dict[str, nodes.Template], env: jinja2.Environment, extra_keys: set[str]
) -> Iterator[Issue]:
    sample = sample_context()
    known = set(schema.TOP_LEVEL_KEYS) | set(env.globals)
    for name, tree in trees.items():
        source = parts[name]
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


def _include_issues(parts: dict[str, str], trees: dict[str, nodes.Template]) -> Iterator[Issue]:
    """{% include %}, {% import %} and {% extends %}: a template is one file, there is nothing to load."""
    for name, tree in trees.items():
        for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            tag = {nodes.Include: "include", nodes.Extends: "extends"}.get(type(node), "import")
            yield _issue(T_INCLUDE, locate_line(name, parts[name], node.lineno), name, found=f"{{% {tag} %}}")


def _uses_data(trees: dict[str, nodes.Template]) -> bool:
    """Whether any part refers to the report's data (a finished report picked by mistake does not)."""
    data = set(schema.TOP_LEVEL_KEYS)
    return any(data & meta.find_undeclared_variables(tree) for tree in trees.values())


def _package_issues(entries: tuple[tuple[str, bytes], ...]) -> Iterator[Issue]:
    """Entries that are not parts of the document, and references to files or addresses outside it."""
    for name in foreign_entries(entries):
        yield _issue(T_FOREIGN_PART, "模板文件", name, found=name)
    for reference in outside_references(entries):
        where_text = part_label(reference.part)
        if reference.local_attached_template:
            yield _issue(T_ATTACHED_TEMPLATE, where_text, reference.part, target=reference.target)
        else:
            yield _issue(T_EXTERNAL, where_text, reference.part, kind=reference.kind, target=reference.target)


def _trial_issues(prepared: PreparedTemplate) -> Iterator[Issue]:
    try:
        docx = render_bytes(prepared, sample_context())
    except RenderFailed as exc:
        yield _BY_CODE[exc.code].in_document(exc.part or BODY, "模板", exc.place or "试渲染", found=exc.reason)
        return
    except TemplateInvalid as exc:
        yield _issue(T_BROKEN_XML, "试渲染", found=exc.message)
        return
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        text = re.sub(r"<[^>]+>", "", archive.read("word/document.xml").decode("utf-8"))
    for match in _TAG.finditer(text):
        yield _issue(T_LEFTOVER, "试渲染", found=match.group()[:40])


def lint(path: Path) -> TemplateLint:
    """Every problem of a template; raises TemplateInvalid if it is not a .docx at all. Runs in a child
    process: a template that makes the check itself run away is reported as such."""
    try:
        return isolate.call(_lint, path, seconds=RENDER_SECONDS)
    except isolate.Stopped as exc:
        return TemplateLint(CheckResult((_issue(T_RUNAWAY, "试渲染", found=f"检查模板时{exc.message}"),)), ())


def _lint(path: Path) -> TemplateLint:
    entries = read_entries(path)
    raw = {name: part_text(path, name, data) for name, data in entries if RENDERED_PART.fullmatch(name)}
    patched = {name: patched_source(xml) for name, xml in raw.items() if "{" in xml}
    env = make_env()
    found = list(_word_issues(raw))
    found += _package_issues(entries)
    extra_keys: set[str] = set()
    problem = complexity_problem(patched.values())
    trees, syntax = (
        _parse_all(patched, env) if problem is None else ({}, [_issue(T_TOO_COMPLEX, "全文", found=problem)])
    )
    found += syntax
    if not syntax:
        unknown = list(_unknown_issues(patched, trees, env, extra_keys))
        found += unknown
        found += _include_issues(patched, trees)
        if not unknown and not _uses_data(trees):
            found.append(_issue(T_NO_VARIABLES, "全文"))
        if not any(issue.severity is E for issue in found):
            found += _trial(path, env)
    found += _missing_issues(raw)
    if extra_keys:
        found.append(_issue(T_EXTRA_FIELDS, "全文", found="、".join(sorted(extra_keys))))
    return TemplateLint(CheckResult(tuple(dict.fromkeys(found))), tuple(sorted(extra_keys)))


def _trial(path: Path, env: ReportEnvironment) -> list[Issue]:
    """Prepare (compile) the template and render the sample report with it."""
    try:
        prepared = prepare(path, env)
    except TemplateTooComplex as exc:
        return [_issue(T_TOO_COMPLEX, "全文", found="模板" + exc.reason)]
    return list(_trial_issues(prepared))
