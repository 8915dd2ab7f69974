"""Tell input files apart by their content, and refuse what cannot or should not be opened."""

from __future__ import annotations

import re
import zipfile
from enum import Enum
from pathlib import Path

from ..errors import UnreadableInput, UnsupportedInput

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200  # a normal workbook compresses ~10:1; zip bombs go far beyond
MAX_ENTRIES = 2000
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


class InputFormat(str, Enum):
    """The formats of input nianbao reads."""

    XLSX = "xlsx"
    JSON = "json"
    DOCX = "docx"  # a published report: Word (or WPS, LibreOffice) document
    HTML = "html"  # a published report: the portal's article page
    PDF = "pdf"  # a published report: PDF with a text layer


PUBLISHED = frozenset({InputFormat.DOCX, InputFormat.HTML, InputFormat.PDF})
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|table|div|p)[\s>/]", re.IGNORECASE)


def sniff(path: Path) -> InputFormat:
    """The format of an input file, judged by its content; raises a NianbaoError for anything else."""
    head = _read_head(path)
    if head.startswith(b"PK\x03\x04"):
        return check_zip(path)
    if head.startswith(OLE2_MAGIC):
        raise _ole2_error(path)
    if head.startswith(b"%PDF-"):
        return InputFormat.PDF
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if stripped.startswith((b"{", b"[")):
        return InputFormat.JSON
    if not stripped:
        raise UnreadableInput(f"文件“{path.name}”是空的。")
    if _looks_like_html(stripped):
        return InputFormat.HTML
    if path.suffix.lower() in {".xlsx", ".xlsm"} or head.startswith(b"PK"):
        raise UnreadableInput(f"文件“{path.name}”不是有效的 Excel 工作簿（.xlsx），可能已损坏或只是改了扩展名。")
    if path.suffix.lower() == ".pdf":
        raise UnreadableInput(f"文件“{path.name}”不是有效的 PDF 文件，可能已损坏或只是改了扩展名。")
    raise UnsupportedInput(
        f"无法识别文件“{path.name}”：只支持 Excel 工作簿（.xlsx）、JSON 文件（.json）"
        "和已发布的年度报告（Word .docx、网页 .html、PDF）。"
    )


def _looks_like_html(head: bytes) -> bool:
    """Markup at the start (a comment or an XML declaration may come first), in UTF-8 or an ASCII-based encoding."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: HTML pages saved by old Internet Explorer
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    return bool(_HTML_START.search(head[:1024]))


def _read_head(path: Path) -> bytes:
    if not path.exists():
        raise UnreadableInput(f"找不到文件“{path}”。")
    if path.is_dir():
        raise UnreadableInput(f"“{path}”是文件夹，不是文件。")
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UnreadableInput(
                f"文件“{path.name}”超过 {MAX_FILE_BYTES // 1024 // 1024} MB，不像是年报工作簿，已拒绝读取。"
            )
        with path.open("rb") as handle:
            return handle.read(4096)
    except OSError as exc:
        raise UnreadableInput(f"无法读取文件“{path}”：{exc.strerror or exc}。") from exc


def _ole2_error(path: Path) -> UnsupportedInput:
    with path.open("rb") as handle:
        content = handle.read(MAX_FILE_BYTES)
    if "EncryptedPackage".encode("utf-16-le") in content:
        return UnsupportedInput(f"工作簿“{path.name}”设置了打开密码，无法读取：请在 Excel/WPS 中取消密码后再试。")
    if "WordDocument".encode("utf-16-le") in content:
        return UnsupportedInput(
            f"“{path.name}”是旧版 Word（.doc）或 WPS 文字（.wps）格式：请在 Word/WPS 中“另存为” .docx 格式后再试。"
        )
    return UnsupportedInput(
        f"“{path.name}”是旧版 Excel（.xls）或 WPS 表格（.et）格式：请在 Excel/WPS 中“另存为” .xlsx 格式后再试。"
    )


def check_zip(path: Path) -> InputFormat:
    """A workbook or a Word document; refuse a zip that is corrupt, is neither, or would expand too far (zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableInput(f"文件“{path.name}”已损坏，无法解压读取（{exc}）。") from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" in names:
        found = InputFormat.XLSX
    elif "word/document.xml" in names:
        found = InputFormat.DOCX
    else:
        raise UnsupportedInput(f"“{path.name}”是压缩包，但不是 Excel 工作簿（.xlsx）或 Word 文档（.docx）。")
    unpacked = sum(info.file_size for info in infos)
    worst = max(
        (info.file_size / max(info.compress_size, 1) for info in infos if info.file_size > 1_000_000), default=0
    )
    if len(infos) > MAX_ENTRIES or unpacked > MAX_UNPACKED_BYTES or worst > MAX_RATIO:
        raise UnreadableInput(
            f"文件“{path.name}”解压后过大（{unpacked // 1024 // 1024} MB），疑似异常文件，已拒绝读取。"
        )
    return found
