"""A template as a package of parts: reading it safely, and what may be copied into a report and what may not.

A .docx is a zip of parts named in [Content_Types].xml and tied together by relationships. A template
may also hold what a report must never carry: entries outside the package (`../x`, `/etc/x`, names no
content type covers), relationships to external targets other than hyperlinks (a linked picture or OLE
object, an attached template, a mail-merge source: Word or LibreOffice fetch them when the report is
opened or converted to PDF) and fields that pull outside files in (INCLUDEPICTURE, INCLUDETEXT …).
`outside_references` and `foreign_entries` name them for `template check`; `sanitize` removes them from
what is prepared, so no report carries them. Hyperlinks in text stay: nothing fetches them.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from lxml import etree

from ..errors import TemplateInvalid

MAX_TEMPLATE_BYTES = 200 * 2**20  # unpacked; a logo or two is fine, a zip bomb is not
MAX_ENTRIES = 1_000  # a Word document has 10 to 50; a few hundred with many pictures
CONTENT_TYPES = "[Content_Types].xml"
BODY = "word/document.xml"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_O_HREF = "{urn:schemas-microsoft-com:office:office}href"
_STRICT = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
_HYPERLINK = "/hyperlink"
# fields whose instruction loads a file, a web address or a database into the document
INCLUDING_FIELDS = frozenset(
    {"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "IMPORT", "LINK", "DDE", "DDEAUTO", "DATABASE"}
)
_KINDS = {
    "image": "链接的图片",
    "oleObject": "链接的 OLE 对象",
    "package": "链接的嵌入文档",
    "attachedTemplate": "附加的模板",
    "subDocument": "子文档",
    "frame": "框架中的外部网页或文档",
    "mailMergeSource": "邮件合并数据源",
    "mailMergeHeaderSource": "邮件合并数据源",
    "recipientData": "邮件合并数据源",
    "aFChunk": "嵌入的外部文档",
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True, slots=True)
class OutsideReference:
    """Something the template points at outside itself: which part, what kind (Chinese), the target."""

    part: str
    kind: str
    target: str
    remote: bool  # a web address or another computer, rather than a file on this one

    @property
    def local_attached_template(self) -> bool:
        """An attached template on this computer (Word records the one a document was made from)."""
        return self.kind == _KINDS["attachedTemplate"] and not self.remote


def read_entries(path: Path) -> tuple[tuple[str, bytes], ...]:
    """The entries of a .docx in order; raises TemplateInvalid, in Chinese, if it is not one or is damaged."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise TemplateInvalid(
                    f"模板“{name}”包含 {len(infos)} 个文件，超过上限 {MAX_ENTRIES}，不是正常的 Word 文档。"
                )
            if sum(info.file_size for info in infos) > MAX_TEMPLATE_BYTES:
                raise TemplateInvalid(f"模板“{name}”解压后超过 {MAX_TEMPLATE_BYTES // 2**20} MB，已拒绝。")
            entries = tuple((info.filename, _read(archive, info, name)) for info in infos)
    except OSError as exc:
        raise TemplateInvalid(f"无法读取模板“{name}”：{exc.strerror or exc}") from exc
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise TemplateInvalid(f"模板“{name}”不是有效的 Word 文档（.docx），或文件已损坏。") from exc
    found = dict(entries)
    if BODY not in found:
        raise TemplateInvalid(f"模板“{name}”不是 Word 文档（.docx）：缺少 word/document.xml。")
    if CONTENT_TYPES not in found:
        raise TemplateInvalid(
            f"模板“{name}”已损坏：缺少 {CONTENT_TYPES}（Word 文档必有的部分），请在 Word 中重新保存。"
        )
    if _STRICT in found[BODY][:4096]:
        raise TemplateInvalid(
            f"模板“{name}”是“Strict Open XML”格式，nianbao 不支持：请在 Word 中“另存为”，保存类型选“Word 文档 (*.docx)”。"
        )
    _content_types(entries, name)
    return entries


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, template: str) -> bytes:
    """One entry's bytes; a damaged, encrypted or oddly compressed entry is a Chinese TemplateInvalid."""
    if info.flag_bits & 0x1:
        raise TemplateInvalid(f"模板“{template}”已加密（设置了密码），请在 Word 中取消密码后再使用。")
    try:
        return archive.read(info)
    except NotImplementedError as exc:
        raise TemplateInvalid(
            f"模板“{template}”中的 {info.filename} 使用了不支持的压缩方式，请在 Word 中重新保存。"
        ) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise TemplateInvalid(
            f"模板“{template}”已损坏：其中的 {info.filename} 数据校验失败（文件可能没有完整下载或复制），请重新获取或在 Word 中重新保存。"
        ) from exc


def _parse(data: bytes) -> etree._Element | None:
    """An XML part, or None if it is not well-formed."""
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return None


def _content_types(entries: tuple[tuple[str, bytes], ...], template: str) -> tuple[frozenset[str], frozenset[str]]:
    """The extensions with a default content type, and the part names with their own (lower case)."""
    root = _parse(dict(entries)[CONTENT_TYPES])
    if root is None:
        raise TemplateInvalid(f"模板“{template}”已损坏：{CONTENT_TYPES} 不是有效的 XML，请在 Word 中重新保存。")
    defaults = frozenset(node.get("Extension", "").lower() for node in root.iter(f"{_CT}Default"))
    overrides = frozenset(node.get("PartName", "").lstrip("/").lower() for node in root.iter(f"{_CT}Override"))
    return defaults, overrides


def _safe_name(name: str) -> bool:
    """A part name inside the package: relative, forward slashes, no `..`, `.` or empty segments, no drive."""
    segments = name.split("/")
    return not (name.startswith("/") or "\\" in name or ":" in name or any(s in ("", ".", "..") for s in segments))


def foreign_entries(entries: tuple[tuple[str, bytes], ...]) -> tuple[str, ...]:
    """Entries that are not parts of the document (unsafe names, no content type, repeated names);
    folders are left out silently (WPS writes them)."""
    defaults, overrides = _content_types(entries, "")
    seen: set[str] = set()
    foreign = []
    for name, _ in entries:
        if name.endswith("/"):
            continue
        lower = name.lower()
        covered = name == CONTENT_TYPES or lower in overrides or _extension(lower) in defaults
        if not _safe_name(name) or not covered or lower in seen:
            foreign.append(name)
        seen.add(lower)
    return tuple(foreign)


def _extension(name: str) -> str | None:
    """What follows the last dot of the file name (`.rels` has the extension "rels"), or None."""
    file = name.rpartition("/")[2]
    return file.rpartition(".")[2] if "." in file else None


def _source_part(rels: str) -> str:
    """The part a relationships part belongs to: word/_rels/document.xml.rels → word/document.xml."""
    folder, _, file = rels.rpartition("_rels/")
    return folder + file.removesuffix(".rels")


def _remote(target: str) -> bool:
    """A web address or another computer (\\\\server\\share, file://server/…), not a file on this one."""
    if target.startswith(("\\\\", "//")):
        return True
    parsed = urlparse(target)
    if parsed.scheme.lower() == "file":
        return parsed.netloc.lower() not in ("", "localhost")
    return len(parsed.scheme) > 1  # "C:" is a drive letter, not a scheme


def _external_relationships(rels: etree._Element) -> list[etree._Element]:
    """The relationships of a .rels part that point outside the package, hyperlinks excepted."""
    return [
        node
        for node in rels.iter(f"{_REL}Relationship")
        if node.get("TargetMode", "").lower() == "external" and not node.get("Type", "").endswith(_HYPERLINK)
    ]


def _field_instruction(text: str) -> tuple[str, str] | None:
    """The keyword and target of a field instruction that loads something from outside, or None."""
    words = text.replace("\u201c", '"').replace("\u201d", '"').split()
    if not words or words[0].upper() not in INCLUDING_FIELDS:
        return None
    return words[0].upper(), (words[1].strip('"') if len(words) > 1 else "")


def _including_fields(root: etree._Element) -> list[tuple[str, str, list[etree._Element]]]:
    """Fields that load outside content: (keyword, target, the elements that make it a field).
    Complex fields are begin … instrText … separate … end runs (nested fields allowed); simple ones fldSimple."""
    found: list[tuple[str, str, list[etree._Element]]] = []
    stack: list[tuple[list[etree._Element], list[str]]] = []
    for node in root.iter(f"{_W}fldChar", f"{_W}instrText", f"{_W}fldSimple"):
        if node.tag == f"{_W}fldSimple":
            including = _field_instruction(node.get(f"{_W}instr", ""))
            if including:
                found.append((*including, [node]))
        elif node.tag == f"{_W}instrText":
            if stack:
                stack[-1][0].append(node)
                stack[-1][1].append(node.text or "")
        elif node.get(f"{_W}fldCharType") == "begin":
            stack.append(([node], []))
        elif stack:
            stack[-1][0].append(node)
            if node.get(f"{_W}fldCharType") == "end":
                markers, texts = stack.pop()
                including = _field_instruction("".join(texts))
                if including:
                    found.append((*including, markers))
    return found


def _may_hold_fields(data: bytes) -> bool:
    return b"instrText" in data or b"fldSimple" in data or b"href" in data or b"mailMerge" in data


def outside_references(entries: tuple[tuple[str, bytes], ...]) -> tuple[OutsideReference, ...]:
    """Everything in the template that points outside it, except hyperlinks, in entry order."""
    found: list[OutsideReference] = []
    foreign = set(foreign_entries(entries))
    for name, data in entries:
        if name in foreign:
            continue
        if name.endswith(".rels"):
            root = _parse(data)
            for node in _external_relationships(root) if root is not None else []:
                kind = node.get("Type", "").rsplit("/", 1)[-1]
                target = node.get("Target", "")
                found.append(
                    OutsideReference(
                        _source_part(name), _KINDS.get(kind, f"外部文件（{kind}）"), target, _remote(target)
                    )
                )
        elif name.startswith("word/") and name.endswith(".xml") and _may_hold_fields(data):
            root = _parse(data)
            if root is None:
                continue
            for keyword, target, _ in _including_fields(root):
                found.append(OutsideReference(name, f"{keyword} 域", target, _remote(target)))
            for node in root.iter():
                if node.get(_O_HREF):
                    found.append(
                        OutsideReference(name, "链接的图片", node.get(_O_HREF, ""), _remote(node.get(_O_HREF, "")))
                    )
            for node in root.iter(f"{_W}mailMerge"):
                source = node.find(f"{_W}connectString")
                target = source.get(f"{_W}val", "") if source is not None else ""
                found.append(OutsideReference(name, "邮件合并数据源", target, True))
    return tuple(found)


def sanitize(entries: tuple[tuple[str, bytes], ...]) -> tuple[tuple[str, bytes], ...]:
    """The entries a report may carry: foreign entries dropped, external relationships (hyperlinks
    excepted) removed with what refers to them, fields that load outside content reduced to their
    last result, mail-merge settings removed. Parts that need no change keep their exact bytes."""
    foreign = set(foreign_entries(entries))
    kept = [(name, data) for name, data in entries if name not in foreign and not name.endswith("/")]
    removed: dict[str, set[str]] = {}
    cleaned: dict[str, bytes] = {}
    for name, data in kept:
        if name.endswith(".rels") and b"xternal" in data:
            root = _parse(data)
            if root is None:
                continue
            outside = _external_relationships(root)
            for node in outside:
                removed.setdefault(_source_part(name), set()).add(node.get("Id", ""))
                root.remove(node)
            if outside:
                cleaned[name] = _serialise(root)
    for name, data in kept:
        ids = removed.get(name, set())
        if name.endswith(".xml") and (ids or (name.startswith("word/") and _may_hold_fields(data))):
            root = _parse(data)
            if root is not None and _clean_part(root, ids):
                cleaned[name] = _serialise(root)
    return tuple((name, cleaned.get(name, data)) for name, data in kept)


def _clean_part(root: etree._Element, removed_ids: set[str]) -> bool:
    """Remove from a part what points outside; whether anything changed."""
    changed = False
    for node in root.iter():
        for attribute in [a for a in node.attrib if str(a).startswith(_R) and node.get(a) in removed_ids]:
            del node.attrib[attribute]
            changed = True
        if _O_HREF in node.attrib:
            del node.attrib[_O_HREF]
            changed = True
    doomed = [node for node in root.iter(f"{_W}attachedTemplate") if f"{_R}id" not in node.attrib]
    doomed += root.iter(f"{_W}mailMerge")
    for _, _, markers in _including_fields(root):
        for node in markers:
            if node.tag == f"{_W}fldSimple":
                for child in list(node):
                    node.addprevious(child)
            doomed.append(node)
    for node in dict.fromkeys(doomed):
        parent = node.getparent()
        if parent is not None:
            parent.remove(node)
            changed = True
    return changed


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
