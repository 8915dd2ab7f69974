"""The 退回意见 sent back to a unit: which file was received, each problem with its place and how to fix it,
as plain text and as a short DOCX."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from ..issues import CheckResult, Issue, Severity, fix_for
from ..publish.build import safe_file_name
from ..publish.zipwrite import Entry, build_zip, compress

# Warnings about how nianbao read or published the report, not about the unit's data: never a reason to send
# a report back, and left out of the letter.
NOT_FOR_UNIT = frozenset({"report-source", "pdf-font-substituted", "pdf-font-not-embedded"})
UNREADABLE_FIX = "按说明重新保存或重新填报后再报送"


@dataclass(frozen=True, slots=True)
class Problem:
    """One item of the letter: 错误 or 警告, where it is, what is wrong, and how to fix it."""

    severity: str
    place: str
    text: str
    fix: str


@dataclass(frozen=True, slots=True)
class Letter:
    """A 退回意见: to which unit, about which file received, its problems, and the marked copy sent with it."""

    unit: str
    file: str
    year: int | None
    problems: tuple[Problem, ...]
    marked: str = ""
    received: str = ""  # when the file came in (the web server's letters), shown after the file's name

    @property
    def errors(self) -> int:
        """How many of the problems are errors."""
        return sum(problem.severity == "错误" for problem in self.problems)

    @property
    def title(self) -> str:
        """关于甲镇人民政府2021年政府信息公开工作年度报告的退回意见."""
        year = f"{self.year}年" if self.year else ""
        return f"关于{self.unit}{year}政府信息公开工作年度报告的退回意见"


def for_unit(issue: Issue) -> bool:
    """Whether the unit is to act on an issue (not how nianbao read or published the report)."""
    return issue.code not in NOT_FOR_UNIT


def needs_letter(result: CheckResult) -> bool:
    """Whether a check found anything the unit is to fix or check."""
    return any(for_unit(issue) for issue in result.issues)


def problem(issue: Issue) -> Problem:
    """An issue as an item of the letter."""
    place = issue.place if issue.sheet or issue.where else f"数据项 {issue.path}" if issue.path else "整个文件"
    severity = "错误" if issue.severity is Severity.ERROR else "警告"
    return Problem(severity, place, f"{issue.label}：{issue.detail}", fix_for(issue.code))


def letter(unit: str, file: str, result: CheckResult, year: int | None = None, marked: str = "") -> Letter:
    """The letter for a checked file: every issue for the unit, in report order."""
    return Letter(unit, file, year, tuple(problem(i) for i in result.issues if for_unit(i)), marked)


def unreadable_letter(unit: str, file: str, reason: str) -> Letter:
    """The letter for a file that could not be read at all (.xls, damaged, not a report)."""
    return Letter(unit, file, None, (Problem("错误", "整个文件", reason, UNREADABLE_FIX),))


def _opening(letter: Letter) -> str:
    received = f"（{letter.received} 收到）" if letter.received else ""
    if not letter.problems:
        return f"你单位报送的年报文件“{letter.file}”{received}经检查，未发现问题。"
    warnings = len(letter.problems) - letter.errors
    counts = "、".join(part for part in (_count(letter.errors, "错误"), _count(warnings, "警告")) if part)
    if letter.errors:
        ask = "请按下列意见修改后重新报送。错误必须改正；警告请逐条核对，确属无误的可以不改。"
    else:
        ask = "报告可以生成，但请逐条核对下列警告，需要修改的修改后重新报送。"
    return f"你单位报送的年报文件“{letter.file}”{received}经检查，有 {counts}，{ask}"


def _count(number: int, what: str) -> str:
    return f"{number} 个{what}" if number else ""


def _marked_note(letter: Letter) -> str:
    return (
        f"随本意见发回标注了问题的工作簿副本“{letter.marked}”：每处问题所在的单元格已标色，"
        "鼠标移到单元格上可看到说明；“检查结果”工作表列出了全部问题。可以直接在副本中修改后报送。"
        if letter.marked
        else ""
    )


def letter_text(letter: Letter) -> str:
    """The letter as plain text (UTF-8), to paste into a message or print."""
    lines = [letter.title, "", f"{letter.unit}：", f"    {_opening(letter)}"]
    if letter.marked:
        lines.append(f"    {_marked_note(letter)}")
    lines.append("")
    for number, item in enumerate(letter.problems, start=1):
        lines += [
            f"{number}. 【{item.severity}】位置：{item.place}",
            f"   问题：{item.text}",
            f"   修改：{item.fix}",
            "",
        ]
    return "\n".join(lines)


COLUMNS = (("序号", 12), ("类别", 12), ("位置", 38), ("问题", 60), ("修改意见", 50))  # relative widths
TYPE_WIDTH_TWIPS = 9638  # 170 mm: A4 less 20 mm margins
TITLE_CHARACTERS = 24  # 2号 characters on one line of the 170 mm type area, and some room
BODY_FACE, TITLE_FACE, LATIN_FACE = "仿宋", "黑体", "Times New Roman"  # on every Windows PC; no GB2312 faces needed
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# A letter is a handful of parts written here: no python-docx in the bulk workers (its import and memory for
# every worker), a millisecond a letter.
_STATIC_PARTS = (
    (
        "[Content_Types].xml",
        _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>',
    ),
    (
        "_rels/.rels",
        _HEAD + f'<Relationships xmlns="{_PACKAGE}">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'extended-properties" Target="docProps/app.xml"/></Relationships>',
    ),
    (
        "word/_rels/document.xml.rels",
        _HEAD + f'<Relationships xmlns="{_PACKAGE}">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>',
    ),
    (
        "word/styles.xml",
        _HEAD + f'<w:styles xmlns:w="{_W}"><w:docDefaults><w:rPrDefault><w:rPr>'
        f'<w:rFonts w:ascii="{LATIN_FACE}" w:hAnsi="{LATIN_FACE}" w:eastAsia="{BODY_FACE}" w:cs="{LATIN_FACE}"/>'
        '<w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="zh-CN" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="360" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr>'
        "</w:pPrDefault></w:docDefaults>"
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>'
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr>'
        '<w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:left w:w="85" w:type="dxa"/>'
        '<w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
        '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="left"/></w:pPr><w:tblPr><w:tblBorders>'
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + "</w:tblBorders></w:tblPr></w:style></w:styles>",
    ),
    (
        "docProps/app.xml",
        _HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>nianbao</Application></Properties>",
    ),
)
_SECTION = (  # A4 portrait, 20 mm left and right, 25 mm top and bottom
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="1417" w:right="1134" w:bottom="1417" w:left="1134" w:header="851" w:footer="992" w:gutter="0"/>'
    "</w:sectPr>"
)


def _title_lines(letter: Letter) -> tuple[str, ...]:
    """The title on one line, or broken before 政府信息公开 when it is too long for one."""
    if len(letter.title) <= TITLE_CHARACTERS:
        return (letter.title,)
    head, _, tail = letter.title.partition("政府信息公开")
    return (head, "政府信息公开" + tail)


def _text(text: str) -> str:
    return escape(_ILLEGAL_XML.sub("", text))


def _run(text: str, size: float | None = None, bold: bool = False, face: str = "") -> str:
    properties = ""
    if face:
        properties += f'<w:rFonts w:ascii="{face}" w:hAnsi="{face}" w:eastAsia="{face}"/>'
    if bold:
        properties += "<w:b/>"
    if size:
        properties += f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>'
    lines = _text(text).split("\n")
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{line}</w:t>' for line in lines)
    return f"<w:r>{f'<w:rPr>{properties}</w:rPr>' if properties else ''}{body}</w:r>"


def _paragraph(runs: str, centre: bool = False, indent: bool = False) -> str:
    properties = '<w:jc w:val="center"/>' if centre else ""
    if indent:
        properties = '<w:ind w:firstLine="560"/>' + properties
    return f"<w:p>{f'<w:pPr>{properties}</w:pPr>' if properties else ''}{runs}</w:p>"


def _table(rows: list[tuple[str, ...]]) -> str:
    total = sum(width for _, width in COLUMNS)
    widths = [round(TYPE_WIDTH_TWIPS * width / total) for _, width in COLUMNS]
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    body = []
    for index, row in enumerate(rows):
        header = "<w:trPr><w:tblHeader/></w:trPr>" if index == 0 else ""
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
            f"{_paragraph(_run(text, 10.5, bold=index == 0))}</w:tc>"
            for text, width in zip(row, widths, strict=True)
        )
        body.append(f"<w:tr>{header}{cells}</w:tr>")
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
        f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(body)}</w:tbl>'
    )


def _document(letter: Letter) -> str:
    title = _run("\n".join(_title_lines(letter)), 18, face=TITLE_FACE)
    parts = [_paragraph(title, centre=True), _paragraph(_run(f"{letter.unit}："))]
    parts += [_paragraph(_run(text), indent=True) for text in (_opening(letter), _marked_note(letter)) if text]
    rows = [tuple(heading for heading, _ in COLUMNS)]
    rows += [(str(n), p.severity, p.place, p.text, p.fix) for n, p in enumerate(letter.problems, start=1)]
    parts += [_table(rows), "<w:p/>"]
    return f'{_HEAD}<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body>{"".join(parts)}{_SECTION}</w:body></w:document>'


def _core(title: str, when: str) -> str:
    return (
        f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_text(title)}</dc:title><dc:creator>nianbao</dc:creator><cp:lastModifiedBy>nianbao"
        "</cp:lastModifiedBy><dc:language>zh-CN</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>'
    )


@functools.cache
def _static_entries() -> tuple[Entry, ...]:
    """The parts every letter shares, deflated once."""
    return tuple(compress(name, text.encode("utf-8")) for name, text in _STATIC_PARTS)


def letter_docx(letter: Letter) -> bytes:
    """The letter as a short DOCX: title, salutation, what was received, a table of the problems (A4 portrait)."""
    from ..publish.properties import build_time, w3cdtf

    entries = [
        *_static_entries(),
        compress("word/document.xml", _document(letter).encode("utf-8")),
        compress("docProps/core.xml", _core(letter.title, w3cdtf(build_time())).encode("utf-8")),
    ]
    return build_zip(entries)


def _unit_part(unit: str, year: int | None, what: str) -> str:
    """{单位}{年度}年年报{what}: a file name every system accepts, a long unit name shortened in its middle."""
    return safe_file_name("".join(unit.split()), f"{year}年年报{what}" if year else f"年报{what}", "未知单位")


def letter_file_name(unit: str, year: int | None) -> str:
    """The letter's file name without suffix, named after the unit: 甲镇人民政府2021年年报退回意见."""
    return _unit_part(unit, year, "退回意见")


def marked_name(unit: str, year: int | None) -> str:
    """The marked copy's file name, beside the letter: 甲镇人民政府2021年年报（标注问题）.xlsx."""
    return _unit_part(unit, year, "（标注问题）") + ".xlsx"
