"""Rendering a DOCX template: prepared (patched and compiled) once, rendered many times, in a sandbox.

docxtpl re-reads the template, re-patches its XML and re-compiles the Jinja source on every render.
Here the template's parts are patched with docxtpl's own `patch_xml` and compiled once; a render only
runs the compiled templates and writes the zip. The output is what docxtpl produces for our templates.
"""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from ..errors import TemplateInvalid
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
_DOCXTPL = DocxTemplate.__new__(DocxTemplate)  # only its pure XML helpers are used


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
        if self.calls > MAX_CALLS or time.monotonic() > self.deadline:
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

    @property
    def literal_braces(self) -> bool:
        """Whether the template writes {_{ … }_} to print literal braces (docxtpl's escape)."""
        return any(mark in self.source for mark in _LITERAL_MARKS)


@dataclass(frozen=True, slots=True)
class PreparedTemplate:
    """A template read, patched and compiled once: every zip entry, and the parts to render."""

    path: Path
    entries: tuple[tuple[str, bytes], ...]
    parts: Mapping[str, PreparedPart]
    env: ReportEnvironment
    fix_tables: bool
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
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", _DOCXTPL.patch_xml(xml))


def prepare(path: Path, env: ReportEnvironment | None = None) -> PreparedTemplate:
    """Read, patch and compile a template; a Jinja syntax error raises TemplateInvalid."""
    env = env or make_env()
    entries = read_entries(path)
    parts: dict[str, PreparedPart] = {}
    for name, data in entries:
        if not RENDERED_PART.fullmatch(name):
            continue
        xml = part_text(path, name, data)
        if "{" not in xml:
            continue
        source = patched_source(xml)
        try:
            parts[name] = PreparedPart(name, source, env.from_string(source))
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateInvalid(f"模板“{path.name}”有语法错误：{exc.message}（{where(source, exc.lineno)}）") from exc
    uses_tc = any(re.search(r"\{%-?\s*tc\b", part.source) for part in parts.values())
    compressed = {name: compress(name, data) for name, data in entries if name not in parts}
    return PreparedTemplate(path, entries, parts, env, uses_tc, compressed)


def where(source: str, lineno: int | None) -> str:
    """The visible text around a line of a patched part, for messages."""
    if not lineno:
        return "位置不明"
    lines = source.splitlines()[max(lineno - 2, 0) : lineno + 1]
    text = " ".join(re.sub(r"<[^>]+>", "", line) for line in lines).strip()
    return f"附近的文字：“{text[:80]}”"


def _finish(xml: str, fix_tables: bool, literal_braces: bool) -> bytes:
    """docxtpl's post-processing of a rendered part, then a strict XML check."""
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    if literal_braces:
        # only where the template asked for it: otherwise "{_{" typed in the data would change too
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if _LISTING.search(xml):
        xml = _DOCXTPL.resolve_listing(xml)
    if fix_tables:
        xml = etree.tostring(_DOCXTPL.fix_tables(xml), encoding="unicode")
    data = xml.encode("utf-8")
    try:
        etree.fromstring(data)
    except etree.XMLSyntaxError as exc:
        raise TemplateInvalid(
            f"模板生成的文档结构无效（{exc}）：请检查 {{% %}} 标签是否成对、是否跨越了段落或表格。"
        ) from exc
    return data


def render_bytes(prepared: PreparedTemplate, context: Mapping[str, Any]) -> bytes:
    """Render the template with a context into the bytes of a .docx (deterministic: fixed zip times)."""
    prepared.env.start_budget()
    rendered = {
        name: _finish(part.template.render(context), prepared.fix_tables, part.literal_braces)
        for name, part in prepared.parts.items()
    }
    entries = [
        compress(name, rendered[name]) if name in rendered else prepared.compressed[name]
        for name, _ in prepared.entries
    ]
    return build_zip(entries)
