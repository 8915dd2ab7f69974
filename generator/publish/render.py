"""Rendering a DOCX template: prepared (patched and compiled) once, rendered many times, in a sandbox.

docxtpl re-reads the template, re-patches its XML and re-compiles the Jinja source on every render.
Here the template's parts are patched with docxtpl's own helpers (docxtpl_seam.py) and compiled once,
and the prepared form is kept on disk (template_cache.py); a render only runs the compiled templates,
applies docxtpl's post-processing and writes the zip. The document is the one docxtpl's render makes.
The default template renders in this process; any other in a limited child process (isolate.py), and
whatever stops it (sandbox.py's limits, an error in the template) is RenderFailed with its place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

import jinja2
from jinja2.exceptions import SecurityError
from lxml import etree

from ..errors import TemplateInvalid
from ..issues import T_RECURSION, T_RUNAWAY, T_RUNTIME, T_UNDEFINED, T_UNSAFE
from . import docxtpl_seam, isolate, template_cache
from .locate import locate_line, part_label, where
from .sandbox import (
    RENDER_SECONDS,
    ExtraFieldMissing,
    RenderBudgetExceeded,
    ReportEnvironment,
    complexity_problem,
    make_env,
)
from .template_zip import read_entries, sanitize
from .zipwrite import Entry, build_zip, compress

# parts of a .docx that may hold template tags
RENDERED_PART = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml")
_LITERAL_MARKS = ("{_{", "}_}", "{_%", "%_}")
# resolve_listing turns \n \t \a \f inside text into breaks, tabs, paragraphs; it is slow, so only when needed
_LISTING = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\n\t\a\f]")
# docxtpl fits a table's grid to its widest row; that can only change where rows vary in width
_CELL_LOOP = re.compile(r"\{%-?\s*tc\s")  # in the template's text: patching turns {%tc %} into plain {% %}
_DYNAMIC_SPAN = re.compile(r'gridSpan w:val="\{\{')  # in the patched source: {% colspan %} and {% hm %}
BODY = "word/document.xml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEMPLATE_FILE = "<template>"  # the file name Jinja gives the code of a template compiled without a name
_UNDEFINED = (
    (re.compile(r"'(.+)' is undefined"), "变量“{0}”不存在"),
    (re.compile(r"'(.+) object' has no attribute '(.+)'"), "“{1}”不存在（{0} 中没有这一项）"),
    (re.compile(r"'(.+) object' has no element (.+)"), "{0} 中没有第 {1} 项"),
)
_PYTHON_ERRORS: tuple[tuple[type[BaseException], str], ...] = (
    (ZeroDivisionError, "除数为零"),
    (OverflowError, "数值超出范围"),
    (TypeError, "类型不符"),
    (ValueError, "数值无效"),
    (LookupError, "找不到这一项"),
    (AttributeError, "没有这个属性"),
    (ArithmeticError, "运算无效"),
)


class RenderFailed(TemplateInvalid):
    """Rendering stopped on the template's fault: the issue code (issues.py), why (Chinese) and where."""

    def __init__(self, code: str, reason: str, part: str, place: str, template: str) -> None:
        super().__init__(f"模板“{template}”：{reason}" + (f"（{place}）" if place else ""))
        self.code, self.reason, self.part, self.place, self.template = code, reason, part, place, template

    def __reduce__(self) -> tuple[type[RenderFailed], tuple[str, str, str, str, str]]:
        return type(self), (self.code, self.reason, self.part, self.place, self.template)


class TemplateTooComplex(TemplateInvalid):
    """A template too big or too deeply nested to compile within bounds; `reason` says which."""

    def __init__(self, template: str, reason: str) -> None:
        super().__init__(f"模板“{template}”{reason}。")
        self.template, self.reason = template, reason

    def __reduce__(self) -> tuple[type[TemplateTooComplex], tuple[str, str]]:
        return type(self), (self.template, self.reason)


@dataclass(frozen=True, slots=True)
class PreparedPart:
    """One XML part of the template: its docxtpl-patched source and the compiled template."""

    name: str
    source: str
    template: jinja2.Template
    literal_braces: bool  # the template writes {_{ … }_} to print literal braces (docxtpl's escape)


@dataclass(frozen=True, slots=True)
class PreparedTemplate:
    """A template read, patched and compiled once: every zip entry, and the parts to render."""

    path: Path
    entries: tuple[tuple[str, bytes], ...]
    parts: Mapping[str, PreparedPart]
    env: ReportEnvironment
    fix_tables: bool  # the body's tables need docxtpl's grid fix (see needs_table_fix)
    compressed: Mapping[str, Entry] = field(default_factory=dict)  # the unchanged parts, deflated once
    trusted: bool = False  # the default template: rendered in this process; any other in a limited one


def part_text(path: Path, name: str, data: bytes) -> str:
    """An XML part as text; raises TemplateInvalid if it is not UTF-8 as Word writes it."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateInvalid(f"模板“{path.name}”的 {name} 不是 UTF-8 编码，无法使用。") from exc


def patched_source(xml: str) -> str:
    """The XML as docxtpl prepares it for Jinja (tags split across runs joined, {%p %} etc. resolved)."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", docxtpl_seam.patch_xml(xml))


def needs_table_fix(template_xml: str, source: str) -> bool:
    """Whether docxtpl's fix_tables would change the rendered body: rows of varying width, or a grid
    that already disagrees with its rows in the template."""
    if _DYNAMIC_SPAN.search(source) or _CELL_LOOP.search(re.sub(r"<[^>]+>", "", template_xml)):
        return True
    if "<w:tbl>" not in template_xml and "<w:tbl " not in template_xml:
        return False
    root = etree.fromstring(template_xml.encode("utf-8"))
    for table in root.iter(f"{W}tbl"):
        grid = table.find(f"{W}tblGrid")
        widths = [
            sum(
                int(span.get(f"{W}val", "1")) if (span := cell.find(f"{W}tcPr/{W}gridSpan")) is not None else 1
                for cell in row.findall(f"{W}tc")
            )
            for row in table.iter(f"{W}tr")
        ]
        if grid is None or len(grid.findall(f"{W}gridCol")) != max(widths, default=0):
            return True
    return False


def _environment_signature(env: ReportEnvironment) -> str:
    return f"{type(env).__module__}.{type(env).__qualname__}:{env.autoescape}:{env.keep_trailing_newline}"


def prepare(path: Path, env: ReportEnvironment | None = None, *, trusted: bool = False) -> PreparedTemplate:
    """Read, patch and compile a template (or take it from the cache); a syntax error raises TemplateInvalid.
    What must not reach a report (template_zip.py: foreign entries, external links) is removed first."""
    env = env or make_env()
    original = read_entries(path)
    entries = sanitize(original)
    key = template_cache.cache_key(original, _environment_signature(env))
    stored = template_cache.load(key)
    if stored is None:
        stored = _prepare_afresh(path, entries, env)
        template_cache.store(key, stored)
    sources, fix_tables, deflated = stored
    globals_ = env.make_globals(None)
    parts = {
        name: PreparedPart(
            name,
            source,
            env.template_class.from_code(env, code, globals_, None),
            any(mark in source for mark in _LITERAL_MARKS),
        )
        for name, source, code in sources
    }
    compressed = {name: Entry(name.encode("utf-8"), crc, size, data) for name, crc, size, data in deflated}
    return PreparedTemplate(path, entries, parts, env, fix_tables, compressed, trusted)


def _prepare_afresh(path: Path, entries: tuple[tuple[str, bytes], ...], env: ReportEnvironment) -> tuple[Any, ...]:
    """The prepared form as the cache keeps it: (name, patched source, code) per part, the table-fix flag,
    and the unchanged entries deflated."""
    patched = {
        name: (xml, patched_source(xml))
        for name, data in entries
        if RENDERED_PART.fullmatch(name) and "{" in (xml := part_text(path, name, data))
    }
    problem = complexity_problem(source for _, source in patched.values())
    if problem:
        raise TemplateTooComplex(path.name, f"过于复杂：{problem}")
    sources: list[tuple[str, str, Any]] = []
    fix_tables = False
    for name, (xml, source) in patched.items():
        try:
            code = env.compile(source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateInvalid(f"模板“{path.name}”有语法错误：{exc.message}（{where(source, exc.lineno)}）") from exc
        except (RecursionError, MemoryError, SyntaxError) as exc:  # Python's own limits on the generated code
            raise TemplateTooComplex(
                path.name, f"过于复杂，无法编译：表达式或 {{% %}} 块嵌套过深（{part_label(name)}）"
            ) from exc
        sources.append((name, source, code))
        fix_tables = fix_tables or (name == BODY and needs_table_fix(xml, source))
    rendered = {name for name, _, _ in sources}
    deflated = tuple(
        (name, entry.crc, entry.size, entry.data)
        for name, data in entries
        if name not in rendered
        for entry in (compress(name, data),)
    )
    return tuple(sources), fix_tables, deflated


def _finish(name: str, xml: str, fix_tables: bool, literal_braces: bool) -> bytes:
    """docxtpl's post-processing of a rendered part (each step only where it changes something),
    then a strict XML check."""
    xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # undo patched_source's line breaks
    if literal_braces:
        # only where the template asked for it: otherwise "{_{" typed in the data would change too
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if _has_listing(xml):
        xml = docxtpl_seam.resolve_listing(xml)
    if name == BODY and (fix_tables or "docPr" in xml):
        tree = _strict_tree(xml)
        if fix_tables:
            tree = docxtpl_seam.fix_tables(xml)
        docxtpl_seam.renumber_pictures(tree)
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
    data = xml.encode("utf-8")
    _check_well_formed(data)
    return data


def _has_listing(xml: str) -> bool:
    """Whether text holds \n \t \a or \f (the regular expression only runs when one occurs past line 1)."""
    body = xml[xml.find("\n") + 1 :]
    return any(mark in body for mark in "\n\t\a\f") and bool(_LISTING.search(xml))


def _check_well_formed(data: bytes) -> None:
    """Refuse a rendered part that is not well-formed XML (expat: a check without building a tree)."""
    try:
        expat.ParserCreate().Parse(data, True)
    except expat.ExpatError as exc:
        raise TemplateInvalid(
            f"模板生成的文档结构无效（{expat.ErrorString(exc.code)}，第 {exc.lineno} 行）："
            "请检查 {% %} 标签是否成对、是否跨越了段落或表格。"
        ) from exc


def _strict_tree(xml: str | bytes) -> etree._Element:
    """The part parsed strictly: docxtpl's own parse recovers from broken XML, which would hide it."""
    try:
        return etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml)
    except etree.XMLSyntaxError as exc:
        raise TemplateInvalid(
            f"模板生成的文档结构无效（{exc}）：请检查 {{% %}} 标签是否成对、是否跨越了段落或表格。"
        ) from exc


def render_bytes(
    prepared: PreparedTemplate,
    context: Mapping[str, Any],
    rewrites: Mapping[str, Callable[[bytes], bytes]] | None = None,
) -> bytes:
    """Render the template with a context into the bytes of a .docx (deterministic: fixed zip times);
    `rewrites` then change whole parts by name (the document properties), where the template has them.

    A custom template renders in a child process stopped at the deadline (isolate.py), or under the
    limits of a `bulk` worker; a failure is RenderFailed with its place in the template."""
    if prepared.trusted:
        rendered = _render(prepared, context)
    elif isolate.isolated():
        with isolate.limits(RENDER_SECONDS):
            rendered = _render(prepared, context)
    else:
        try:
            rendered = isolate.call(_render_file, prepared.path, context, seconds=RENDER_SECONDS)
        except isolate.Stopped as exc:
            raise RenderFailed(T_RUNAWAY.code, exc.message, "", "", prepared.path.name) from exc
    for name, data in prepared.entries:
        if rewrites and name in rewrites:
            rendered[name] = rewrites[name](rendered.get(name, data))
    entries = [
        compress(name, rendered[name]) if name in rendered else prepared.compressed[name]
        for name, _ in prepared.entries
    ]
    return build_zip(entries)


def _render_file(path: Path, context: Mapping[str, Any]) -> dict[str, bytes]:
    """In the child process: the template prepared again (from the cache) and its parts rendered."""
    return _render(prepare(path), context)


def _render(prepared: PreparedTemplate, context: Mapping[str, Any]) -> dict[str, bytes]:
    """The rendered parts, by name."""
    prepared.env.start_budget()
    rendered = {}
    for name, part in prepared.parts.items():
        try:
            xml = part.template.render(context)
        except ExtraFieldMissing:
            raise
        except Exception as exc:  # whatever a template does wrong (MemoryError and RecursionError included)
            raise _failure(prepared, part, exc) from exc
        rendered[name] = _finish(name, xml, prepared.fix_tables, part.literal_braces)
    return rendered


def _failure(prepared: PreparedTemplate, part: PreparedPart, exc: Exception) -> RenderFailed:
    """What went wrong in a part, in Chinese, at the template line the traceback points to."""
    code, reason = _reason(exc)
    line = None
    trace = exc.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == _TEMPLATE_FILE:
            line = trace.tb_lineno
        trace = trace.tb_next
    place = locate_line(part.name, part.source, line) if line else part_label(part.name)
    return RenderFailed(code, reason, part.name, place, prepared.path.name)


def _reason(exc: Exception) -> tuple[str, str]:
    """The issue code and the Chinese explanation of an exception raised while rendering."""
    if isinstance(exc, SecurityError):
        return T_UNSAFE.code, exc.message or str(exc)
    if isinstance(exc, RenderBudgetExceeded):
        return T_RUNAWAY.code, exc.message or str(exc)
    if isinstance(exc, MemoryError):
        return T_RUNAWAY.code, f"模板占用的内存超过上限（{isolate.MEMORY_BYTES // 2**20} MB），已停止"
    if isinstance(exc, RecursionError):
        return T_RECURSION.code, "宏调用自身（递归）的层数过多，已停止"
    if isinstance(exc, jinja2.UndefinedError):
        message = exc.message or str(exc)
        for pattern, chinese in _UNDEFINED:
            if match := pattern.fullmatch(message):
                return T_UNDEFINED.code, chinese.format(*match.groups())
        return T_UNDEFINED.code, message
    if isinstance(exc, jinja2.TemplateError):
        return T_RUNTIME.code, exc.message or str(exc)
    meaning = next((chinese for kind, chinese in _PYTHON_ERRORS if isinstance(exc, kind)), type(exc).__name__)
    return T_RUNTIME.code, f"{meaning}（{type(exc).__name__}: {exc}）"
