"""The one place that uses docxtpl's internals: the XML helpers its own render applies to every part.

The prepared renderer (render.py) patches and compiles a template once and then renders it many times,
so it cannot call `DocxTemplate.render`. It calls the same helpers that render calls, in the same order,
on an instance made by docxtpl's own `__init__` (its `docx` is None, so a helper that a future docxtpl
no longer has fails at once with a clear message instead of recursing through `__getattr__`).
docxtpl is imported on first use: a `build` whose template is cached never needs it.
"""

from __future__ import annotations

import functools
import io
from typing import Any

from lxml import etree

from ..errors import NianbaoError

SUPPORTED = ">=0.19,<0.21"
HELPERS = ("patch_xml", "resolve_listing", "fix_tables", "fix_docpr_ids")
FIRST_PICTURE_ID = 1000  # docxtpl's render numbers the pictures of the body from 1001


@functools.cache
def _helper() -> Any:
    """A DocxTemplate made the supported way, whose XML helpers are checked to exist."""
    try:
        import docxtpl
    except ImportError as exc:  # pragma: no cover - docxtpl is a dependency
        raise NianbaoError(f"缺少 docxtpl，请重新安装 nianbao（需要 docxtpl {SUPPORTED}）。") from exc
    missing = [name for name in HELPERS if not callable(getattr(docxtpl.DocxTemplate, name, None))]
    if missing:
        version = getattr(docxtpl, "__version__", "?")
        raise NianbaoError(
            f"已安装的 docxtpl {version} 与 nianbao 不兼容（缺少 {'、'.join(missing)}），请安装 docxtpl{SUPPORTED}。"
        )
    return docxtpl.DocxTemplate(io.BytesIO())


def patch_xml(xml: str) -> str:
    """A part's XML as docxtpl prepares it for Jinja: tags split across runs joined, {%p %} {%tr %} … resolved."""
    return str(_helper().patch_xml(xml))


def resolve_listing(xml: str) -> str:
    """\\n, \\t, \\a and \\f inside text become line breaks, tabs, new paragraphs and page breaks."""
    return str(_helper().resolve_listing(xml))


def fix_tables(xml: str) -> etree._Element:
    """The rendered body with each table's grid matching its widest row ({%tc %} loops, colspan)."""
    tree: etree._Element = _helper().fix_tables(xml.encode("utf-8"))  # bytes: the part declares its encoding
    return tree


def renumber_pictures(tree: etree._Element) -> None:
    """Give the pictures of a rendered body fresh ids (1001, 1002 …) as docxtpl's render does."""
    helper = _helper()
    helper.docx_ids_index = FIRST_PICTURE_ID
    helper.fix_docpr_ids(tree)
