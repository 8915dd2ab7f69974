"""Which faces a report asks for, which fonts its PDF holds, and which faces were substituted.

LibreOffice embeds the fonts it used; where a face the document names (仿宋_GB2312, 方正小标宋简体, …) is
not installed, it silently sets the text in another one. This module tells which: the faces the DOCX's
used styles and runs name, against the fonts in the PDF (what `pdffonts` lists), by their PostScript names.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# PostScript names of the faces a Chinese report names (the PDF knows fonts by these)
POSTSCRIPT = {
    "仿宋_GB2312": ("FangSong_GB2312", "FangSongGB2312"),
    "楷体_GB2312": ("KaiTi_GB2312", "KaiTiGB2312"),
    "方正小标宋简体": ("FZXiaoBiaoSong-B05S", "FZXBSJW", "FZXiaoBiaoSong"),
    "仿宋": ("FangSong", "SimFang"),
    "楷体": ("KaiTi", "SimKai"),
    "黑体": ("SimHei",),
    "宋体": ("SimSun", "NSimSun"),
    "微软雅黑": ("MicrosoftYaHei",),
    "Times New Roman": ("TimesNewRoman",),
}
_FONT_NAME = re.compile(rb"/FontName\s*/([^\s/<>\[\]()]+)(.*?)endobj", re.DOTALL)
_BASE_FONT = re.compile(rb"/BaseFont\s*/([^\s/<>\[\]()]+)")
_SUBSET = re.compile(r"^[A-Z]{6}\+")


@dataclass(frozen=True, slots=True)
class PdfFont:
    """A font in a PDF: its name without the subset prefix, and whether its glyphs are in the file."""

    name: str
    embedded: bool


def pdf_fonts(pdf: bytes) -> tuple[PdfFont, ...]:
    """The fonts a PDF uses, sorted by name (LibreOffice writes font objects uncompressed)."""
    embedded = {
        _SUBSET.sub("", m.group(1).decode("latin-1")) for m in _FONT_NAME.finditer(pdf) if b"/FontFile" in m.group(2)
    }
    names = {_SUBSET.sub("", m.group(1).decode("latin-1")) for m in _BASE_FONT.finditer(pdf)}
    return tuple(PdfFont(name, name in embedded) for name in sorted(names))


def _normal(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name).lower()


def _style_fonts(styles: etree._Element) -> tuple[dict[str, etree._Element], str | None]:
    """The styles by id, and the default paragraph style (used by every paragraph without a style)."""
    by_id = {style.get(f"{W}styleId", ""): style for style in styles.iter(f"{W}style")}
    defaults = [
        s.get(f"{W}styleId")
        for s in by_id.values()
        if s.get(f"{W}default") in ("1", "true") and s.get(f"{W}type") == "paragraph"
    ]
    return by_id, defaults[0] if defaults else None


def _names(rfonts: Iterable[etree._Element]) -> set[str]:
    attributes = ("eastAsia", "ascii", "hAnsi")
    return {name for element in rfonts for attr in attributes if (name := element.get(f"{W}{attr}"))}


def requested_faces(docx: bytes) -> tuple[str, ...]:
    """The faces named by the styles the document uses (and their bases) and by its runs, sorted."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        parts = [name for name in archive.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name)]
        trees = [etree.fromstring(archive.read(name)) for name in parts]
        styles = etree.fromstring(archive.read("word/styles.xml")) if "word/styles.xml" in archive.namelist() else None
    faces: set[str] = set()
    used: set[str] = set()
    for tree in trees:
        faces |= _names(tree.iter(f"{W}rFonts"))
        used |= {e.get(f"{W}val", "") for tag in ("pStyle", "rStyle", "tblStyle") for e in tree.iter(f"{W}{tag}")}
    if styles is not None:
        by_id, default = _style_fonts(styles)
        if default:
            used.add(default)
        for defaults in styles.iter(f"{W}docDefaults"):
            faces |= _names(defaults.iter(f"{W}rFonts"))
        seen: set[str] = set()
        pending = list(used)
        while pending:
            style_id = pending.pop()
            if style_id in seen or style_id not in by_id:
                continue
            seen.add(style_id)
            faces |= _names(by_id[style_id].iter(f"{W}rFonts"))
            based = by_id[style_id].find(f"{W}basedOn")
            if based is not None:
                pending.append(based.get(f"{W}val", ""))
    return tuple(sorted(faces))


def present(face: str, fonts: Iterable[PdfFont]) -> bool:
    """Whether the PDF holds the face itself (by its PostScript name or its own name)."""
    candidates = {_normal(n) for n in (face, *POSTSCRIPT.get(face, ()))}
    return any(_normal(font.name).startswith(candidate) for font in fonts for candidate in candidates)


# LibreOffice's own replacement table sets these in their metric-compatible twins, before fontconfig
LIBREOFFICE_TWINS = {"Times New Roman": "LiberationSerif", "Arial": "LiberationSans", "Courier New": "LiberationMono"}


def fontconfig_match(face: str, environment: Mapping[str, str]) -> str | None:
    """The family fontconfig gives for a face (what LibreOffice on Linux sets it in), if fc-match exists.
    Asked once per face and environment in a process: each report of a batch names the same faces."""
    return _fontconfig_match(face, tuple(sorted(environment.items())))


@functools.lru_cache(maxsize=64)
def _fontconfig_match(face: str, environment: tuple[tuple[str, str], ...]) -> str | None:
    command = shutil.which("fc-match")
    if command is None:
        return None
    try:
        found = subprocess.run(
            [command, "-f", "%{family[0]}", f"{face}:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            env=dict(environment),
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return found.stdout.strip() or None


@dataclass(frozen=True, slots=True)
class Substitution:
    """A face the document names that its PDF does not hold, and what it was set in instead."""

    face: str
    substitute: str


def _stand_in(face: str, unclaimed: list[str], environment: Mapping[str, str]) -> str:
    """The PDF fonts that most likely stand in for a missing face: LibreOffice's metric twin or fontconfig's
    choice where the PDF holds it, else every font of the PDF that stands for no face of the document."""
    for wanted in (LIBREOFFICE_TWINS.get(face), fontconfig_match(face, environment)):
        key = _normal(re.sub(r"\s+(SC|TC|HK|JP|KR|CN)$", "", wanted or "")).removeprefix("arpl")  # AR PL UKai
        chosen = [name for name in unclaimed if key and (_normal(name).startswith(key) or key.endswith(_normal(name)))]
        if chosen:
            return "、".join(f"“{name}”" for name in chosen)
    return "、".join(f"“{name}”" for name in unclaimed) or "其他字体"


def substitutions(docx: bytes, pdf: bytes, environment: Mapping[str, str]) -> tuple[Substitution, ...]:
    """The faces of the document that the PDF lacks, each with the font that stands in for it."""
    fonts = pdf_fonts(pdf)
    faces = requested_faces(docx)
    unclaimed = [font.name for font in fonts if not any(present(face, (font,)) for face in faces)]
    return tuple(
        Substitution(face, _stand_in(face, unclaimed, environment)) for face in faces if not present(face, fonts)
    )
