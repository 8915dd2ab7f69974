"""Tell input files apart by their content, and refuse what cannot or should not be opened."""

from __future__ import annotations

import contextlib
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

from ..errors import UnreadableInput, UnsupportedInput

# Limits no real report comes near (docs/contract.md, 限制): a filled workbook is ~30 KB, a published PDF ~1 MB.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
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
    if stripped.startswith((b"{", b"[")) or _utf16_json(head):
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


def _utf16_json(head: bytes) -> bool:
    """JSON saved as UTF-16 with its byte-order mark (Windows Notepad's "Unicode")."""
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return head[:200].decode("utf-16", errors="ignore").lstrip().startswith(("{", "["))


def _looks_like_html(head: bytes) -> bool:
    """Markup at the start (a comment or an XML declaration may come first), in UTF-8 or an ASCII-based encoding."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: HTML pages saved by old Internet Explorer
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    return bool(_HTML_START.search(head[:1024]))


def _read_head(path: Path) -> bytes:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UnreadableInput(f"找不到文件“{path}”。") from None
    except OSError as exc:
        raise UnreadableInput(f"无法读取文件“{path}”：{exc.strerror or exc}。") from exc
    if stat.S_ISDIR(mode):
        raise UnreadableInput(f"“{path}”是文件夹，不是文件。")
    if not stat.S_ISREG(mode):  # a FIFO or a device would block or never end
        raise UnreadableInput(f"“{path}”不是普通文件（可能是管道或设备），无法作为年报读取。")
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
    if len(infos) > MAX_ENTRIES:
        raise UnreadableInput(
            f"文件“{path.name}”中有 {len(infos)} 个部件，超过上限 {MAX_ENTRIES}，不像是年报文件，已拒绝读取。"
        )
    if unpacked > MAX_UNPACKED_BYTES or worst > MAX_RATIO:
        raise UnreadableInput(
            f"文件“{path.name}”解压后过大（{unpacked // 1024 // 1024} MB），疑似异常文件，已拒绝读取。"
        )
    return found


@contextlib.contextmanager
def reading_archive(path: Path) -> Iterator[None]:
    """What a damaged or locked zip does to a reader, said in Chinese: CRC errors, broken compressed data,
    encrypted entries, compression methods nobody supports."""
    try:
        yield
    except NotImplementedError as exc:  # before RuntimeError, of which it is a kind
        raise UnreadableInput(f"文件“{path.name}”使用了不支持的压缩方式，无法读取；请用 Excel/WPS 重新保存。") from exc
    except RuntimeError as exc:
        if "encrypted" not in str(exc) and "password" not in str(exc):
            raise
        raise UnreadableInput(f"文件“{path.name}”中的部件被加密了（设置了密码），无法读取。") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UnreadableInput(f"文件“{path.name}”已损坏（数据校验失败），无法读取；请重新保存或重新发送。") from exc
