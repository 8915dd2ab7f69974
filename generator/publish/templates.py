"""Where the default template lives, and loading templates for rendering (once per process)."""

from __future__ import annotations

import functools
import io
from importlib import resources
from pathlib import Path

from ..errors import TemplateInvalid
from ..files import refuse_to_replace, write_bytes
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


def export_templates(folder: Path, force: bool = False) -> list[Path]:
    """Write the default template, the variable reference and the red-header example into `folder`.

    A file already there is replaced only with `force`, unless it holds exactly what would be written (an
    earlier export nobody edited): a template the owner has been customising is never lost."""
    from .default_template import build_red_header_template
    from .reference import variables_reference

    example = io.BytesIO()
    build_red_header_template(example)
    files = {
        DEFAULT_NAME: default_template_path().read_bytes(),
        REFERENCE_NAME: variables_reference().encode("utf-8"),
        EXAMPLE_NAME: example.getvalue(),
    }
    for name, data in files.items():
        refuse_to_replace(folder / name, force, data)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        write_bytes(folder / name, data)
    return [folder / name for name in files]
