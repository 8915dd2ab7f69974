"""Builds templates/default.docx from code: the mandated report layout and GB/T 9704 typography.

The tables are drawn from the same grids (schema.TABLES) as the workbook, so the two never disagree.
Run `python scripts/regenerate.py` after a change; a test fails while the committed file differs.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Mm, Pt, RGBColor
from docx.styles.style import CharacterStyle, ParagraphStyle
from docx.table import Table as DocxTable
from docx.table import _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .. import schema
from . import layout
from .zipwrite import build_zip, compress, repack

FANGSONG = layout.FANGSONG.name
HEITI = layout.HEITI.name
KAITI = layout.KAITI.name
XIAOBIAOSONG = layout.XIAOBIAOSONG.name
SONGTI = layout.SONGTI.name
LATIN = layout.LATIN.name
BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
TABLE_SIZE = Pt(9)  # 小五
PAGE_NUMBER_SIZE = Pt(14)  # 4号
LINE_PITCH = Pt(28.95)  # 22 lines in the 225 mm type area
TYPE_WIDTH = Mm(156)

STYLE_TITLE = "年报标题"
STYLE_BODY = "年报正文"
STYLE_HEADING1 = "一级标题"
STYLE_HEADING2 = "二级标题"
STYLE_TABLE = "表格文字"
STYLE_SIGNATURE = "署名"
STYLE_PAGE_NUMBER = "页码"

OPENING = layout.OPENING.format(agency="{{ agency|one_line }}", year="{{ year }}")
TEMPLATE_TIME = dt.datetime(2021, 9, 26, tzinfo=dt.UTC)  # the format's date: the template's own properties stay fixed
WIDTHS = layout.TABLE_WIDTHS


def build_default_template(path: Path | io.BytesIO) -> None:
    """Write the default report template to `path`."""
    document = Document()
    _set_up_page(document)
    _set_up_styles(document)
    _set_up_properties(document)
    document.add_paragraph("{{ agency|title_lines }}", STYLE_TITLE)
    document.add_paragraph("{{ year }}年政府信息公开工作年度报告", STYLE_TITLE)
    document.add_paragraph("", STYLE_BODY)
    _opening(document)
    _heading(document, 0)
    _overview(document)
    _heading(document, 1)
    _table(document, schema.PROACTIVE_TABLE)
    _heading(document, 2)
    _table(document, schema.REQUESTS_TABLE)
    _heading(document, 3)
    _table(document, schema.APPEALS_TABLE)
    _heading(document, 4)
    _text_lines(document, "problems")
    _heading(document, 5)
    _text_lines(document, "other_matters", last_keeps_with_signature=True)
    document.add_paragraph("", STYLE_BODY).paragraph_format.keep_with_next = True
    signature = document.add_paragraph("{{ agency|signature_lines }}", STYLE_SIGNATURE)
    signature.paragraph_format.keep_with_next = True
    _right_indent(signature, SIGNATURE_INDENT)
    _right_indent(document.add_paragraph("{{ date|cn_date }}", STYLE_SIGNATURE), DATE_INDENT)
    _page_numbers(document)
    saved = io.BytesIO()
    document.save(saved)
    finished = finish_package(saved.getvalue())
    if isinstance(path, io.BytesIO):
        path.write(finished)
        path.seek(0)
    else:
        Path(path).write_bytes(finished)


# GB/T 9704 7.3.5.2: where the signature and the date sit depends on their lengths, so the indents are filters
SIGNATURE_INDENT = "{{ agency|signature_indent(date) }}"
DATE_INDENT = "{{ date|date_indent(agency) }}"


def _right_indent(paragraph: Paragraph, expression: str) -> None:
    """A right indent computed when the report is rendered (a template expression in the attribute)."""
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:right"), expression)


def _opening(document: WordDocument) -> None:
    """The opening paragraph: the workbook's own (基本信息 开头段落) when filled in, else the standard one."""
    add = document.add_paragraph
    add("{%p if opening %}", STYLE_BODY)
    add("{%p for line in opening|paragraphs %}", STYLE_BODY)
    add("{{ line }}", STYLE_BODY)
    add("{%p endfor %}", STYLE_BODY)
    add("{%p else %}", STYLE_BODY)
    add(OPENING, STYLE_BODY)
    add("{%p endif %}", STYLE_BODY)


def _set_up_properties(document: WordDocument) -> None:
    """The template's own properties, without expressions (no part to render per report): the title, author
    and times are stamped at build from the report (properties.py), for any template."""
    properties = document.core_properties
    properties.title = "政府信息公开工作年度报告"
    properties.author = properties.last_modified_by = "nianbao"
    properties.comments = properties.keywords = properties.subject = properties.category = ""
    properties.language = "zh-CN"
    properties.revision = 1
    properties.created = properties.modified = TEMPLATE_TIME.replace(tzinfo=None)


def _set_up_page(document: WordDocument) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(22)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.pt * 20)))


def set_fonts(rpr_owner: CharacterStyle | Run, east_asia: str, latin: str = LATIN) -> None:
    """Set the Latin and the East Asian font of a style or run (python-docx's font.name sets only Latin)."""
    rpr_owner.font.name = latin
    fonts = rpr_owner.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:ascii"), latin)


@dataclass(frozen=True, slots=True)
class Layout:
    """How a paragraph style sets its lines: alignment, indent, line pitch, outline level, tracking."""

    alignment: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    indent: bool = True  # first line indented two characters
    line: Length = LINE_PITCH
    outline: int | None = None
    keep_next: bool = False
    tracking: float | None = None  # character spacing in points


def _paragraph_style(document: WordDocument, name: str, east_asia: str, size: Length, layout: Layout) -> ParagraphStyle:
    style = cast(ParagraphStyle, document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH))
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    set_fonts(style, east_asia)
    style.font.size = size
    style.font.bold = False
    fmt = style.paragraph_format
    fmt.alignment = layout.alignment
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = layout.line
    fmt.widow_control = True
    if layout.tracking is not None:
        # 28 characters of 16 pt need 448 pt; the type area is 442 pt wide, so tighten by 0.25 pt
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(int(layout.tracking * 20)))
        style.element.get_or_add_rPr().append(spacing)
    if layout.indent:
        fmt.first_line_indent = Emu(size * 2)
        ind = style.element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "200")
    if layout.outline is not None:
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(layout.outline))
        style.element.get_or_add_pPr().append(outline)
    if layout.keep_next:
        fmt.keep_with_next = True
    return style


# the children of w:pPr that come after w:autoSpaceDE/DN in the schema's sequence (Word insists on the order)
_AFTER_AUTOSPACE = (
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _set_up_styles(document: WordDocument) -> None:
    _document_defaults(document)
    normal = cast(ParagraphStyle, document.styles["Normal"])
    set_fonts(normal, FANGSONG)
    normal.font.size = BODY_SIZE
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    title = Layout(center, indent=False, line=Pt(36), outline=0, keep_next=True)
    _paragraph_style(document, STYLE_TITLE, XIAOBIAOSONG, TITLE_SIZE, title)
    _paragraph_style(document, STYLE_BODY, FANGSONG, BODY_SIZE, Layout(tracking=-0.25))
    heading1 = Layout(outline=1, keep_next=True, tracking=-0.25)
    _paragraph_style(document, STYLE_HEADING1, HEITI, BODY_SIZE, heading1)
    heading2 = Layout(outline=2, keep_next=True, tracking=-0.25)
    _paragraph_style(document, STYLE_HEADING2, KAITI, BODY_SIZE, heading2)
    table = _paragraph_style(document, STYLE_TABLE, SONGTI, TABLE_SIZE, Layout(center, indent=False, line=Pt(12)))
    table.paragraph_format.space_before = table.paragraph_format.space_after = Pt(1.5)
    signature = _paragraph_style(document, STYLE_SIGNATURE, FANGSONG, BODY_SIZE, Layout(right, indent=False))
    signature.paragraph_format.right_indent = Emu(BODY_SIZE * 2)
    for spacing in (
        "w:autoSpaceDE",
        "w:autoSpaceDN",
    ):  # no extra space around the date's digits: its width is as counted
        switch = OxmlElement(spacing)
        switch.set(qn("w:val"), "0")
        signature.element.get_or_add_pPr().insert_element_before(switch, *_AFTER_AUTOSPACE)
    _paragraph_style(document, STYLE_PAGE_NUMBER, SONGTI, PAGE_NUMBER_SIZE, Layout(indent=False, line=Pt(18)))


def _document_defaults(document: WordDocument) -> None:
    """Text without a style of its own: Times New Roman and 仿宋_GB2312, in Chinese (python-docx's default
    names theme fonts, a Japanese 明朝 among them, and US English)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    fonts.attrib.clear()
    for attr, face in (("ascii", LATIN), ("hAnsi", LATIN), ("eastAsia", FANGSONG), ("cs", LATIN)):
        fonts.set(qn(f"w:{attr}"), face)
    language = rpr.find(qn("w:lang"))
    language.set(qn("w:val"), "zh-CN")
    language.set(qn("w:eastAsia"), "zh-CN")


def font_table() -> bytes:
    """word/fontTable.xml declaring each face with its alternates, charset, panose and signature, so that
    Word and WPS set 仿宋/楷体/宋体 where the GB2312 faces and 方正小标宋 are not installed."""
    fonts = []
    for face in layout.FACES:
        alternates = f'<w:altName w:val="{",".join(face.alternates)}"/>' if face.alternates else ""
        usb0, usb1, usb2, usb3, csb0, csb1 = face.sig
        fonts.append(
            f'<w:font w:name="{face.name}">{alternates}<w:panose1 w:val="{face.panose}"/>'
            f'<w:charset w:val="{face.charset}"/><w:family w:val="{face.family}"/><w:pitch w:val="{face.pitch}"/>'
            f'<w:sig w:usb0="{usb0}" w:usb1="{usb1}" w:usb2="{usb2}" w:usb3="{usb3}" w:csb0="{csb0}" w:csb1="{csb1}"/>'
            "</w:font>"
        )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{"".join(fonts)}</w:fonts>'
    ).encode()


APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Template>Normal.dotm</Template><Application>nianbao</Application><DocSecurity>0</DocSecurity>"
    b"<ScaleCrop>false</ScaleCrop><Company/><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    b"<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion></Properties>"
)
THUMBNAIL = "docProps/thumbnail.jpeg"  # python-docx's picture of an empty page


def finish_package(docx: bytes) -> bytes:
    """The saved template with python-docx's leftovers replaced: our font table and app properties,
    no thumbnail of someone else's empty page."""
    replaced = {"word/fontTable.xml": font_table(), "docProps/app.xml": APP_XML}
    entries = []
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        for info in source.infolist():
            if info.filename == THUMBNAIL:
                continue
            data = replaced.get(info.filename) or source.read(info)
            if info.filename == "_rels/.rels":
                data = re.sub(rb"<Relationship [^>]*Target=\"docProps/thumbnail\.jpeg\"[^>]*/>", b"", data)
            entries.append(compress(info.filename, data))
    return build_zip(entries)


def _heading(document: WordDocument, index: int) -> None:
    document.add_paragraph(schema.HEADINGS[index], STYLE_HEADING1)


def _text_lines(document: WordDocument, expression: str, last_keeps_with_signature: bool = False) -> None:
    """One paragraph per line of a text; a line starting with （一） becomes a level-2 heading. The report's
    last line can be kept on the page of the signature (no page with a signature and no text)."""
    add = document.add_paragraph
    add(f"{{%p for line in {expression}|paragraphs %}}", STYLE_BODY)
    add("{%p if line is heading2 %}", STYLE_BODY)
    add("{{ line }}", STYLE_HEADING2)
    if last_keeps_with_signature:
        add("{%p elif loop.last %}", STYLE_BODY)
        add("{{ line }}", STYLE_BODY).paragraph_format.keep_with_next = True
    add("{%p else %}", STYLE_BODY)
    add("{{ line }}", STYLE_BODY)
    add("{%p endif %}", STYLE_BODY)
    add("{%p endfor %}", STYLE_BODY)


def _overview(document: WordDocument) -> None:
    add = document.add_paragraph
    add("{%p for section in overview %}", STYLE_BODY)
    add("{%p if section.title %}", STYLE_BODY)
    add("（{{ loop.index|cn_ordinal }}）{{ section.title }}", STYLE_HEADING2)
    add("{%p endif %}", STYLE_BODY)
    _text_lines(document, "section.text")
    add("{%p endfor %}", STYLE_BODY)


def _cell_expression(path: str) -> str:
    return f"{{{{ {path}|num }}}}"


def _table(document: WordDocument, table: schema.Table) -> None:
    grid: DocxTable = document.add_table(rows=table.n_rows, cols=table.n_cols)
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = [Mm(w) for w in WIDTHS[table.key]]
    for row in grid.rows:
        _no_split(row)
        for index, cell in enumerate(row.cells):
            cell.width = widths[index]
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    for spec in table.cells:
        cell = grid.cell(spec.row, spec.col)
        text = spec.text or _cell_expression(spec.path)
        paragraph = cell.paragraphs[0]
        paragraph.style = document.styles[STYLE_TABLE]
        paragraph.add_run(text)
        if spec.text and not spec.header and spec.rowspan == 1:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        if table.key == "proactive" and spec.row < table.n_rows - 1:
            paragraph.paragraph_format.keep_with_next = True  # the four small tables stay on one page
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if spec.rowspan > 1 or spec.colspan > 1:
            cell.merge(grid.cell(spec.row + spec.rowspan - 1, spec.col + spec.colspan - 1))
    for row in list(grid.rows)[: table.header_rows]:
        _repeat_header(row)
    _cell_margins(grid, Mm(0.8))
    document.add_paragraph("", STYLE_TABLE)


def _no_split(row: _Row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def _repeat_header(row: _Row) -> None:
    header = OxmlElement("w:tblHeader")
    row._tr.get_or_add_trPr().append(header)


def _cell_margins(grid: DocxTable, margin: Mm) -> None:
    tblpr = grid._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        node = OxmlElement(f"w:{side}")
        node.set(qn("w:w"), str(int(margin.twips)))
        node.set(qn("w:type"), "dxa")
        margins.append(node)
    tblpr.append(margins)


def _page_number_field(paragraph: Paragraph) -> None:
    paragraph.add_run("— ")
    for char_type, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if char_type:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), char_type)
            run._r.append(field)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        elif text is not None:
            run.text = text
    paragraph.add_run(" —")


def _page_numbers(document: WordDocument) -> None:
    """Page numbers — 1 — in 4号宋体: odd pages right, even pages left, one character in."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    odd = section.footer.paragraphs[0]
    odd.style = document.styles[STYLE_PAGE_NUMBER]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = PAGE_NUMBER_SIZE
    _page_number_field(odd)
    even = section.even_page_footer.paragraphs[0]
    even.style = document.styles[STYLE_PAGE_NUMBER]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = PAGE_NUMBER_SIZE
    _page_number_field(even)


RED = RGBColor(0xE0, 0x00, 0x00)
CONTACT = "联系人：{{ extra.联系人 }}　　咨询电话：{{ extra.咨询电话 }}"


def build_red_header_template(path: Path | io.BytesIO) -> None:
    """A worked example of a house style: a red header with the issuing office, and a contact line
    (the same bytes every time, so an unedited export is recognised)."""
    buffer = io.BytesIO()
    build_default_template(buffer)
    document = Document(buffer)
    first = document.paragraphs[0]
    office = first.insert_paragraph_before("{{ agency }}", STYLE_TITLE)
    office.runs[0].font.color.rgb = RED
    office.runs[0].font.size = Pt(36)
    rule = first.insert_paragraph_before("", STYLE_BODY)
    _red_rule(rule)
    signature = next(p for p in document.paragraphs if p.style is not None and p.style.name == STYLE_SIGNATURE)
    signature.insert_paragraph_before(CONTACT, STYLE_BODY)
    saved = io.BytesIO()
    document.save(saved)
    data = repack(saved.getvalue())
    if isinstance(path, io.BytesIO):
        path.write(data)
    else:
        path.write_bytes(data)


def _red_rule(paragraph: Paragraph) -> None:
    """A red line under the header (GB/T 9704 版头分隔线), as a paragraph bottom border."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "1"), ("color", "E00000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
