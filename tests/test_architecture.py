"""The arrows point one way: each folder of generator/ imports only from the folders before it (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

from builders import ROOT

PACKAGE = ROOT / "generator"
# rank of each top-level name under generator/: a module may import only from lower or equal ranks,
# and from an equal rank only inside its own folder
LAYERS = {
    "core": 0,
    "formats": 1,
    "check": 2,
    "publish": 3,
    "county": 4,
    "cli": 5,
    "web": 5,
    "__main__": 6,
}

# the one arrow between the two shells: `nianbao serve` starts the web server (which never imports cli)
ALLOWED = {("generator.cli", "generator.web.server")}


def layer_of(module: str) -> str:
    """generator.formats.sniff → formats; generator.schema → core."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    return top if top in LAYERS else "core"


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    tree = ast.parse(source)
    package = module.split(".")
    if not is_package:
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
                names = [f"{target}.{alias.name}" for alias in node.names] if not node.module else [target]
                found.update(names)
            elif node.module and node.module.startswith("generator"):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("generator"))
    return found


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    here = layer_of(module)
    wrong = []
    for target in sorted(imports_of(source, module, is_package)):
        there = layer_of(target)
        if target in ("generator", "generator.__version__") or (module, target) in ALLOWED:
            continue
        if LAYERS[there] > LAYERS[here] or (LAYERS[there] == LAYERS[here] and there != here):
            wrong.append(f"{module} imports {target}")
    return wrong


def test_every_import_points_down_the_layers() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        wrong += violations(path.read_text("utf-8"), module_name(path), path.name == "__init__.py")
    assert wrong == []


def test_upward_and_sideways_imports_are_caught() -> None:
    assert violations("from ..check.parse import parse", "generator.formats.reader") == [
        "generator.formats.reader imports generator.check.parse"
    ]
    assert violations("from ..county import bulk", "generator.publish.build") == [
        "generator.publish.build imports generator.county"
    ]
    assert violations("from .. import schema\nfrom ..formats.raw import Raw", "generator.check.parse") == []
    assert violations("from ..cli import cli", "generator.web.app") == ["generator.web.app imports generator.cli"]
    assert violations("from .web.app import create_app", "generator.cli") == ["generator.cli imports generator.web.app"]


def test_every_folder_is_described_in_the_architecture_notes() -> None:
    notes = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    for folder in sorted(p for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        assert f"`{folder.name}/`" in notes, folder.name
