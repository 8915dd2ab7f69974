"""Where the default template lives, and loading templates for rendering (once per process)."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from ..errors import TemplateInvalid
from ..files import atomic_output, write_bytes, write_text
from .lint import lint
from .render import PreparedTemplate, prepare

DEFAULT_NAME = "default.docx"


def default_template_path() -> Path:
    """The default template: shipped inside the package (wheel), or templates/ of a source checkout."""
    packaged = resources.files("generator") / "templates" / DEFAULT_NAME
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "templates" / DEFAULT_NAME


@functools.cache
def load_template(path: Path | None = None) -> PreparedTemplate:
    """The prepared template for `path` (default if None), once per process; a custom one must pass lint."""
    if path is None:
        return prepare(default_template_path(), trusted=True)
    result = lint(path).result
    if not result.ok:
        raise TemplateInvalid(f"模板“{path.name}”有问题，未使用：\n{result.to_text()}")
    return prepare(path)


REFERENCE_NAME = "模板变量说明.md"
EXAMPLE_NAME = "红头示例.docx"


def export_templates(folder: Path) -> list[Path]:
    """Write the default template, the variable reference and the red-header example into `folder`."""
    from .default_template import build_red_header_template
    from .reference import variables_reference

    folder.mkdir(parents=True, exist_ok=True)
    default = folder / DEFAULT_NAME
    write_bytes(default, default_template_path().read_bytes())
    reference = folder / REFERENCE_NAME
    write_text(reference, variables_reference())
    example = folder / EXAMPLE_NAME
    with atomic_output(example) as temporary:
        build_red_header_template(temporary)
    return [default, reference, example]
