"""Where the default template lives, and loading templates for rendering (once per process)."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from .render import PreparedTemplate, prepare

DEFAULT_NAME = "default.docx"


def default_template_path() -> Path:
    """The default template: shipped inside the package (wheel), or templates/ of a source checkout."""
    packaged = resources.files("generator") / "templates" / DEFAULT_NAME
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "templates" / DEFAULT_NAME


@functools.cache
def load_template(path: Path | None = None) -> PreparedTemplate:
    """The prepared template for `path` (default template if None), prepared once per process."""
    return prepare(path or default_template_path())
