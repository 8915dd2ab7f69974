"""The prepared renderer equals docxtpl's own render, part by part, on templates that drive every helper it borrows.

render.py patches and compiles once and then applies docxtpl's post-processing itself (docxtpl_seam.py);
each template here exercises one branch of those helpers, and the rendered XML is compared, canonicalised,
with what `DocxTemplate.render` writes.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, RichText
from lxml import etree

from generator.publish import docxtpl_seam
from generator.publish.render import make_env, prepare, render_bytes

Build = Callable[[Any], None]


def tiny_png() -> bytes:
    """A 2×2 red PNG, made here so the test needs no binary fixture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def row_loop(document: Any) -> None:
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for item in items %}"
    table.cell(1, 0).text = "{{ item.name }}"
    table.cell(1, 1).text = "{{ item.count }}"
    table.cell(2, 0).text = "{%tr endfor %}"


def paragraph_if(document: Any) -> None:
    document.add_paragraph("{%p if show %}")
    document.add_paragraph("显示的段落 {{ title }}")
    document.add_paragraph("{%p else %}")
    document.add_paragraph("不显示")
    document.add_paragraph("{%p endif %}")


def rich_text(document: Any) -> None:
    document.add_paragraph("前 {{r rich }} 后")


def listing(document: Any) -> None:
    document.add_paragraph("{{ lines }}")
    document.add_paragraph("页眉前").add_run("{{ tabbed }}")


def picture(document: Any) -> None:
    document.add_paragraph("图片前 {{ title }}")
    document.add_picture(io.BytesIO(tiny_png()), width=Mm(10))
    document.add_picture(io.BytesIO(tiny_png()), width=Mm(12))


def merged_columns(document: Any) -> None:
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(0, 3)).text = "合并的表头 {{ title }}"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "{{ items[0].name }}"
    table.cell(1, 2).text = "{{ items[0].count }}"
    table.cell(2, 0).text = "{%tc for column in columns %}"
    table.cell(2, 1).text = "{{ column }}"
    table.cell(2, 2).text = "{%tc endfor %}"  # five columns where the grid has four: docxtpl widens it


def colspan(document: Any) -> None:
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "{% colspan items|length %}跨列"
    table.cell(1, 0).text = "a"
    table.cell(1, 1).text = "b"
    table.cell(1, 2).text = "c"


def inconsistent_grid(document: Any) -> None:
    """A table whose grid declares fewer columns than its rows have, as some editors save it."""
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "{{ title }}"
    grid = table._tbl.tblGrid
    grid.remove(grid.gridCol_lst[-1])


def header_and_footer(document: Any) -> None:
    document.add_paragraph("正文 {{ title }}")
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉 {{ title }}"
    section.footer.paragraphs[0].text = "页脚 {{ lines }}"


TEMPLATES: dict[str, Build] = {
    "row-loop": row_loop,
    "paragraph-if": paragraph_if,
    "rich-text": rich_text,
    "listing": listing,
    "picture": picture,
    "merged-columns": merged_columns,
    "colspan": colspan,
    "inconsistent-grid": inconsistent_grid,
    "header-footer": header_and_footer,
}


def context() -> dict[str, Any]:
    rich = RichText()
    rich.add("红色", color="FF0000", bold=True)
    rich.add(" & 普通<文字>")
    return {
        "title": "标题 & <符号>",
        "show": True,
        "items": [{"name": "甲", "count": 1}, {"name": "乙", "count": 2}, {"name": "丙", "count": 3}],
        "rich": rich,
        "lines": "第一行\n第二行\a新段落",
        "tabbed": "列一\t列二",
        "columns": ["一", "二", "三", "四", "五"],
    }


def canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


def rendered_parts(docx: bytes | Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx) if isinstance(docx, bytes) else docx) as archive:
        return {
            name: canonical(archive.read(name))
            for name in archive.namelist()
            if name.startswith("word/")
            and name.endswith(".xml")
            and name.split("/")[-1][:6] in ("docume", "header", "footer")
        }


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_prepared_render_equals_docxtpl(name: str, tmp_path: Path) -> None:
    template = tmp_path / f"{name}.docx"
    document = Document()
    TEMPLATES[name](document)
    document.save(str(template))

    ours = render_bytes(prepare(template), context())
    reference = DocxTemplate(str(template))
    env = make_env()
    env.start_budget()
    reference.render(context(), jinja_env=env, autoescape=True)
    reference.save(str(tmp_path / "docxtpl.docx"))

    theirs = rendered_parts(tmp_path / "docxtpl.docx")
    assert rendered_parts(ours) == theirs
    assert len(theirs) >= 1


def test_picture_ids_are_renumbered_as_docxtpl_does(tmp_path: Path) -> None:
    template = tmp_path / "picture.docx"
    document = Document()
    picture(document)
    document.save(str(template))
    body = zipfile.ZipFile(io.BytesIO(render_bytes(prepare(template), context()))).read("word/document.xml")
    ids = [node.get("id") for node in etree.fromstring(body).iter("{*}docPr")]
    assert ids == ["1001", "1002"]


def test_a_docxtpl_without_the_helpers_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import docxtpl

    docxtpl_seam._helper.cache_clear()
    monkeypatch.delattr(docxtpl.DocxTemplate, "fix_tables")
    try:
        with pytest.raises(docxtpl_seam.NianbaoError, match=r"不兼容.*fix_tables"):
            docxtpl_seam.fix_tables("<w:document/>")
    finally:
        docxtpl_seam._helper.cache_clear()


def test_a_missing_attribute_fails_at_once_instead_of_recursing() -> None:
    with pytest.raises(AttributeError):
        docxtpl_seam._helper().no_such_helper  # noqa: B018
