"""Building a report: check the input, render the template, write the DOCX (and PDF) atomically."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import issues as it
from .. import schema
from ..check.load import Checked, load
from ..clock import fixed_time
from ..errors import NianbaoError
from ..files import refuse_input_as_output, write_bytes
from ..formats.sniff import InputFormat
from ..issues import CheckResult, Issue
from ..model import Report
from . import layout, properties
from .context import build_context
from .html import report_html
from .package import publication_header, write_package
from .pdf_fonts import pdf_fonts, substitutions
from .properties import build_time
from .render import PreparedTemplate, render_bytes
from .sandbox import ExtraFieldMissing
from .templates import load_template

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass(frozen=True, slots=True)
class Built:
    """The outcome of building one input: the check result, and the files written (none on errors)."""

    checked: Checked
    result: CheckResult
    written: tuple[Path, ...]


MAX_NAME_BYTES = 180  # Linux (UOS, Kylin) allows 255 bytes a name; room is left for （2） and the suffix
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?")  # names Windows keeps for devices


def report_file_name(agency: str, year: int | None, suffix: str = ".docx") -> str:
    """{机关}{年度}年政府信息公开工作年度报告.docx, a name every system accepts (`safe_file_name`)."""
    title = layout.report_title(agency, year)
    tail = title[len(layout.one_line(agency)) :] if title.startswith(layout.one_line(agency)) else ""
    return (safe_file_name(layout.one_line(agency), tail) or "政府信息公开工作年度报告") + suffix


def safe_file_name(head: str, tail: str = "", blank: str = "") -> str:
    """`head` + `tail` (no suffix) as a name every system accepts: no characters Windows refuses, no device
    name, within MAX_NAME_BYTES — a long `head` is shortened in its middle (某某县…管理局), `tail` kept whole;
    `blank` stands for a head with nothing left."""
    head = _clean(head) or blank
    name = _clean(head + tail)
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = _shortened(head, MAX_NAME_BYTES - len(tail.encode("utf-8"))) + tail
    return f"_{name}" if _RESERVED.fullmatch(name) else name


def _clean(text: str) -> str:
    return _UNSAFE.sub("_", text).strip(" .")


def _shortened(text: str, limit: int) -> str:
    """`text` within `limit` UTF-8 bytes, keeping its beginning and end around an ellipsis."""
    keep = len(text)
    while keep > 2 and len(_middle_cut(text, keep).encode("utf-8")) > limit:
        keep -= 1
    return _middle_cut(text, keep)


def _middle_cut(text: str, keep: int) -> str:
    if keep >= len(text):
        return text
    front = (keep + 1) // 2
    return f"{text[:front]}…{text[len(text) - (keep - front) :]}"


def render_report(report: Report, template: PreparedTemplate, now: dt.datetime | None = None) -> bytes:
    """The DOCX bytes of a checked report, its properties naming the agency and the build time (`now`, else
    SOURCE_DATE_EPOCH or the clock). A custom field the input lacks raises ExtraFieldMissing (render_checked
    makes it an issue of the data); anything else the template does wrong is TemplateInvalid, with its place."""
    agency = layout.one_line(report.agency)
    stamps = properties.stamps(layout.report_title(report.agency, report.year), agency, now or build_time())
    return render_bytes(template, build_context(report), stamps)


def require_libreoffice() -> str:
    """The soffice command, or NianbaoError telling how to install it."""
    command = shutil.which("soffice") or shutil.which("libreoffice")
    if command is None:
        raise NianbaoError(
            "生成 PDF 需要 LibreOffice：请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui）后再试，或去掉 --pdf。"
        )
    return command


def libreoffice_environment() -> dict[str, str]:
    """The environment LibreOffice converts in: the font aliases of fonts.conf (an office PC's faces)."""
    return {**os.environ, "FONTCONFIG_FILE": str(Path(__file__).resolve().with_name("fonts.conf"))}


def docx_to_pdf(docx: bytes, name: str, env: dict[str, str] | None = None) -> bytes:
    """Convert DOCX bytes to PDF bytes with LibreOffice headless (fonts embedded, as it always does)."""
    return office_to_pdf(docx, f"{Path(name).stem}.docx", env)


def office_to_pdf(data: bytes, name: str, env: dict[str, str] | None = None) -> bytes:
    """Print a document LibreOffice opens (its kind told by `name`'s suffix: .docx, .xlsx) to PDF bytes."""
    command = require_libreoffice()
    with tempfile.TemporaryDirectory(prefix="nianbao-pdf-") as folder:
        source = Path(folder) / Path(name).name
        source.write_bytes(data)
        profile = Path(folder) / "profile"
        env = env or libreoffice_environment()
        try:
            subprocess.run(
                [
                    *without_network(),
                    command,
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    folder,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=180,
                env=env,
            )
            return reproducible_pdf(source.with_suffix(".pdf").read_bytes())
        except (subprocess.SubprocessError, OSError) as exc:
            raise NianbaoError(f"LibreOffice 转换 PDF 失败：{exc}") from exc


_PDF_DATE = re.compile(rb"/CreationDate\(D:\d{14}")
_PDF_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>")
_PDF_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]{32})")  # LibreOffice's, over the bytes with the old time


def reproducible_pdf(pdf: bytes) -> bytes:
    """With SOURCE_DATE_EPOCH set, LibreOffice's creation time and random file ID replaced by the fixed time and
    a digest of the content, each the same length (the cross-reference offsets stay right): the same input is
    the same PDF. Without it, the PDF as LibreOffice made it."""
    fixed = fixed_time()
    if fixed is None:
        return pdf
    pdf = _PDF_DATE.sub(b"/CreationDate(D:" + fixed.strftime("%Y%m%d%H%M%S").encode(), pdf)
    content = _PDF_CHECKSUM.sub(b"", _PDF_ID.sub(b"", pdf))
    digest = hashlib.md5(content, usedforsecurity=False).hexdigest().upper().encode()

    def same_length(found: re.Match[bytes]) -> bytes:
        whole = found.group(0)
        for group in found.groups():
            whole = whole.replace(group, digest)
        return whole

    return _PDF_CHECKSUM.sub(same_length, _PDF_ID.sub(same_length, pdf))


@functools.cache
def without_network() -> tuple[str, ...]:
    """The prefix that runs a command with no network (a fresh network namespace, Linux), or () where the
    system does not allow it: LibreOffice then still gets only what the renderer left in the document, and
    the renderer strips every external link (template_zip.py)."""
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return ()
    for prefix in ((unshare, "--net"), (unshare, "--map-root-user", "--net")):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0:
                return prefix
    return ()


def pdf_font_issues(docx: bytes, pdf: bytes, name: str) -> tuple[Issue, ...]:
    """Warnings for each face of the DOCX the PDF had to set in another font, and each font it did not embed."""
    found = [
        it.PDF_FONT_SUBSTITUTED.in_document(name, name, f"字体“{s.face}”", face=s.face, substitute=s.substitute)
        for s in substitutions(docx, pdf, libreoffice_environment())
    ]
    found += [
        it.PDF_FONT_NOT_EMBEDDED.in_document(name, name, f"字体“{f.name}”") for f in pdf_fonts(pdf) if not f.embedded
    ]
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Publication:
    """A report's files beside the DOCX, by suffix (".docx", ".pdf", ".html"), and the warnings made on the way."""

    files: tuple[tuple[str, bytes], ...]
    issues: tuple[Issue, ...] = ()


def publish(report: Report, docx: bytes, name: str, pdf: bool = False, html: bool = False) -> Publication:
    """The DOCX, and the PDF (with its font warnings) and the HTML page when asked for."""
    files: list[tuple[str, bytes]] = [(".docx", docx)]
    issues: tuple[Issue, ...] = ()
    if pdf:
        pdf_bytes = docx_to_pdf(docx, name)
        issues = pdf_font_issues(docx, pdf_bytes, Path(name).with_suffix(".pdf").name)
        files.append((".pdf", pdf_bytes))
    if html:
        files.append((".html", report_html(report).encode("utf-8")))
    return Publication(tuple(files), issues)


def render_checked(
    checked: Checked, template: PreparedTemplate, now: dt.datetime | None = None
) -> tuple[bytes | None, CheckResult]:
    """The DOCX of a checked input without errors; or None, with the missing custom field added as an error."""
    try:
        return render_report(checked.report, template, now), checked.result
    except ExtraFieldMissing as missing:
        sheet = schema.SHEET_EXTRA if checked.input_format is InputFormat.XLSX else None
        issue = it.MISSING_EXTRA.at(
            f"extra.{missing.key}", label="自定义字段", key=missing.key, template=template.path.name
        ).located(sheet, None)
        return None, CheckResult.of((*checked.result.issues, issue))


def build(
    input_path: Path,
    output: Path | None = None,
    template: PreparedTemplate | None = None,
    pdf: bool = False,
    html: bool = False,
    package: bool = False,
    now: dt.datetime | None = None,
) -> Built:
    """Check an input and, if it has no errors, write its report to `output` (by default the report's own file
    name, here) and a PDF and an HTML page beside it; with `package`, a folder named after `output` holding all
    three and 发布信息.json. No file written is ever the input (a published report is named as its output is)."""
    if pdf or package:
        require_libreoffice()
    checked = load(input_path)
    if not checked.result.ok:
        return Built(checked, checked.result, ())
    output = output or Path(report_file_name(checked.report.agency, checked.report.year))
    if package and output.with_suffix("").resolve() in input_path.resolve().parents:
        raise NianbaoError(f"输出文件夹“{output.with_suffix('')}”包含输入文件，请用 -o 指定其他位置。")
    docx, result = render_checked(checked, template or load_template(), now)
    if docx is None:
        return Built(checked, result, ())
    made = publish(checked.report, docx, output.name, pdf=pdf or package, html=html or package)
    named = [(output.with_suffix(suffix).name, data) for suffix, data in made.files]
    if package:
        written = write_package(output.with_suffix(""), publication_header(checked.report), named)
    else:
        written = [output.with_name(name) for name, _ in named]
        for path in written:  # all refused before any is written
            refuse_input_as_output(path, [input_path])
        for path, (_, data) in zip(written, named, strict=True):
            write_bytes(path, data)
    return Built(checked, CheckResult.of((*checked.result.issues, *made.issues)), tuple(written))
