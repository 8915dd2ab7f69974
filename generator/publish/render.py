"""Rendering a DOCX template: prepared (patched and compiled) once, rendered many times, in a sandbox.

docxtpl re-reads the template, re-patches its XML and re-compiles the Jinja source on every render.
Here the template's parts are patched with docxtpl's own helpers (docxtpl_seam.py) and compiled once,
and the prepared form is kept on disk (template_cache.py); a render only runs the compiled templates,
applies docxtpl's post-processing and writes the zip. The document is the one docxtpl's render makes.
"""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from ..errors import TemplateInvalid
from . import docxtpl_seam, template_cache
from .context import FILTERS, TESTS
from .zipwrite import Entry, build_zip, compress

# parts of a .docx that may hold template tags
RENDERED_PART = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml")
RENDER_SECONDS = 10.0
MAX_TEMPLATE_BYTES = 200 * 2**20  # unpacked; a logo or two is fine, a zip bomb is not
MAX_CALLS = 2_000_000
MAX_RANGE = 10_000
_LITERAL_MARKS = ("{_{", "}_}", "{_%", "%_}")
# resolve_listing turns \n \t \a \f inside text into breaks, tabs, paragraphs; it is slow, so only when needed
_LISTING = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\n\t\a\f]")
# docxtpl fits a table's grid to its widest row; that can only change where rows vary in width
_CELL_LOOP = re.compile(r"\{%-?\s*tc\s")  # in the template's text: patching turns {%tc %} into plain {% %}
_DYNAMIC_SPAN = re.compile(r'gridSpan w:val="\{\{')  # in the patched source: {% colspan %} and {% hm %}
BODY = "word/document.xml"
_DICT_ATTRIBUTES = frozenset(dir(dict))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class RenderBudgetExceeded(jinja2.TemplateError):
    """A template ran too long (a runaway loop): rendering was stopped."""


class ReportEnvironment(SandboxedEnvironment):
    """Jinja sandbox with autoescape, strict undefined, the report filters and a time/step budget."""

    deadline: float = 0.0
    calls: int = 0
    intercepted_binops = frozenset({"*", "**"})

    def tick(self) -> None:
        """Count one step of a render; stop a template that runs too long."""
        self.calls += 1
        if self.calls > MAX_CALLS or (self.calls % 64 == 0 and time.monotonic() > self.deadline):
            raise RenderBudgetExceeded("模板运行时间过长（可能有死循环），已停止")

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Every call in a template counts against the budget."""
        __self.tick()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """`"x" * 10**9` and `9 ** 9 ** 9` would exhaust memory or time: refused."""
        if operator == "**" and isinstance(right, int) and right > 100:
            raise RenderBudgetExceeded("乘方的指数过大，已停止")
        if operator == "*" and any(isinstance(v, (str, list, tuple)) for v in (left, right)):
            count = right if isinstance(right, int) else left
            if isinstance(count, int) and count > MAX_RANGE:
                raise RenderBudgetExceeded("重复次数过多，已停止")
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`a.b` on the report's own dicts without the exception Jinja's lookup raises first (same result)."""
        if type(obj) is dict and attribute in obj and attribute not in _DICT_ATTRIBUTES:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def finalize_output(self, value: Any) -> Any:
        """Called for every {{ }} output: counts against the budget too."""
        self.tick()
        return value

    def start_budget(self) -> None:
        """Reset the budget before a render."""
        self.deadline = time.monotonic() + RENDER_SECONDS
        self.calls = 0


def _safe_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise RenderBudgetExceeded(f"range() 最多 {MAX_RANGE} 项")
    return numbers


def make_env() -> ReportEnvironment:
    """The Jinja environment templates are rendered in."""
    env = ReportEnvironment(undefined=jinja2.StrictUndefined, autoescape=True, keep_trailing_newline=True)
    env.finalize = env.finalize_output
    env.filters.update(FILTERS)
    env.tests.update(TESTS)
    env.globals["range"] = _safe_range
    return env


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


def read_entries(path: Path) -> tuple[tuple[str, bytes], ...]:
    """The entries of a .docx in order; raises TemplateInvalid if it is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_TEMPLATE_BYTES:
                raise TemplateInvalid(f"模板“{path.name}”解压后超过 {MAX_TEMPLATE_BYTES // 2**20} MB，已拒绝。")
            entries = tuple((info.filename, archive.read(info)) for info in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise TemplateInvalid(f"模板“{path.name}”不是有效的 Word 文档（.docx）：{exc}") from exc
    if "word/document.xml" not in dict(entries):
        raise TemplateInvalid(f"模板“{path.name}”不是 Word 文档（.docx）：缺少 word/document.xml。")
    return entries


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


def prepare(path: Path, env: ReportEnvironment | None = None) -> PreparedTemplate:
    """Read, patch and compile a template (or take it from the cache); a syntax error raises TemplateInvalid."""
    env = env or make_env()
    entries = read_entries(path)
    key = template_cache.cache_key(entries, _environment_signature(env))
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
    return PreparedTemplate(path, entries, parts, env, fix_tables, compressed)


def _prepare_afresh(path: Path, entries: tuple[tuple[str, bytes], ...], env: ReportEnvironment) -> tuple[Any, ...]:
    """The prepared form as the cache keeps it: (name, patched source, code) per part, the table-fix flag,
    and the unchanged entries deflated."""
    sources: list[tuple[str, str, Any]] = []
    fix_tables = False
    for name, data in entries:
        if not RENDERED_PART.fullmatch(name):
            continue
        xml = part_text(path, name, data)
        if "{" not in xml:
            continue
        source = patched_source(xml)
        try:
            code = env.compile(source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateInvalid(f"模板“{path.name}”有语法错误：{exc.message}（{where(source, exc.lineno)}）") from exc
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


def where(source: str, lineno: int | None) -> str:
    """The visible text around a line of a patched part, for messages."""
    if not lineno:
        return "位置不明"
    lines = source.splitlines()[max(lineno - 2, 0) : lineno + 1]
    text = " ".join(re.sub(r"<[^>]+>", "", line) for line in lines).strip()
    return f"附近的文字：“{text[:80]}”"


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
    `rewrites` then change whole parts by name (the document properties), where the template has them."""
    prepared.env.start_budget()
    rendered = {
        name: _finish(name, part.template.render(context), prepared.fix_tables, part.literal_braces)
        for name, part in prepared.parts.items()
    }
    if rewrites:
        for name, data in prepared.entries:
            if name in rewrites:
                rendered[name] = rewrites[name](rendered.get(name, data))
    entries = [
        compress(name, rendered[name]) if name in rendered else prepared.compressed[name]
        for name, _ in prepared.entries
    ]
    return build_zip(entries)
