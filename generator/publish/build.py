"""Building a report: check the input, render the template, write the DOCX (and PDF) atomically."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import issues as it
from .. import schema
from ..check.load import Checked, load
from ..errors import NianbaoError
from ..files import write_bytes
from ..formats.sniff import InputFormat
from ..issues import CheckResult, Issue
from ..model import Report
from .context import build_context
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


def report_file_name(agency: str, year: int | None, suffix: str = ".docx") -> str:
    """{机关}{年度}年政府信息公开工作年度报告.docx, safe as a Windows file name."""
    name = f"{agency}{year}年政府信息公开工作年度报告"
    name = _UNSAFE.sub("_", name).strip(" .")[:150] or "政府信息公开工作年度报告"
    return name + suffix


def render_report(report: Report, template: PreparedTemplate) -> bytes:
    """The DOCX bytes of a checked report. A custom field the input lacks is an issue of the data
    (MissingExtraField); anything else the template does wrong is TemplateInvalid, with its place."""
    try:
        return render_bytes(template, build_context(report))
    except ExtraFieldMissing as exc:
        raise MissingExtraField(
            it.MISSING_EXTRA.at(f"extra.{exc.key}", label="自定义字段", key=exc.key, template=template.path.name)
        ) from exc


class MissingExtraField(Exception):
    """The template needs a custom field the input does not have (a problem in the data)."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


def require_libreoffice() -> str:
    """The soffice command, or NianbaoError telling how to install it."""
    command = shutil.which("soffice") or shutil.which("libreoffice")
    if command is None:
        raise NianbaoError(
            "生成 PDF 需要 LibreOffice：请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui）后再试，或去掉 --pdf。"
        )
    return command


def docx_to_pdf(docx: bytes, name: str) -> bytes:
    """Convert DOCX bytes to PDF bytes with LibreOffice headless."""
    command = require_libreoffice()
    with tempfile.TemporaryDirectory(prefix="nianbao-pdf-") as folder:
        source = Path(folder) / f"{Path(name).stem}.docx"
        source.write_bytes(docx)
        profile = Path(folder) / "profile"
        env = {**os.environ, "FONTCONFIG_FILE": str(Path(__file__).with_name("fonts.conf"))}
        try:
            subprocess.run(
                [
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
            return source.with_suffix(".pdf").read_bytes()
        except (subprocess.SubprocessError, OSError) as exc:
            raise NianbaoError(f"LibreOffice 转换 PDF 失败：{exc}") from exc


def render_checked(checked: Checked, template: PreparedTemplate) -> tuple[bytes | None, CheckResult]:
    """The DOCX of a checked input without errors; or None, with the missing custom field added as an error."""
    try:
        return render_report(checked.report, template), checked.result
    except MissingExtraField as missing:
        sheet = schema.SHEET_EXTRA if checked.input_format is InputFormat.XLSX else None
        return None, CheckResult.of((*checked.result.issues, missing.issue.located(sheet, None)))


def build(
    input_path: Path,
    output: Path,
    template: PreparedTemplate | None = None,
    pdf: bool = False,
    checked: Checked | None = None,
) -> Built:
    """Check an input and, if it has no errors, write its report to `output` (and a PDF beside it)."""
    if pdf:
        require_libreoffice()
    checked = checked or load(input_path)
    if not checked.result.ok:
        return Built(checked, checked.result, ())
    docx, result = render_checked(checked, template or load_template())
    if docx is None:
        return Built(checked, result, ())
    pdf_bytes = docx_to_pdf(docx, output.name) if pdf else None
    write_bytes(output, docx)
    written = [output]
    if pdf_bytes is not None:
        write_bytes(output.with_suffix(".pdf"), pdf_bytes)
        written.append(output.with_suffix(".pdf"))
    return Built(checked, checked.result, tuple(written))
