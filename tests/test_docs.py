"""The documentation equals the code: docs/contract.md names every command, option, key and issue code;
README documents every command for users; links stay inside the repository."""

from __future__ import annotations

import importlib.util
import re

import click
from builders import ROOT

from generator import schema
from generator.cli import cli
from generator.issues import ALL_TYPES

README = (ROOT / "README.md").read_text("utf-8")
CONTRACT = (ROOT / "docs" / "contract.md").read_text("utf-8")


def commands(group: click.Group = cli, prefix: str = "nianbao") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            found += commands(command, path)
        else:
            found.append((path, command))
    return found


def section(path: str) -> str:
    """The part of the contract under the heading of a command, up to the next heading."""
    match = re.search(rf"^### `{re.escape(path)}\b[^\n]*\n(.*?)(?=^#)", CONTRACT, re.M | re.S)
    assert match, f"docs/contract.md has no section for `{path}`"
    return match.group(1)


def test_every_command_and_option_is_in_the_contract() -> None:
    for path, command in commands():
        text = section(path)
        for parameter in command.params:
            if isinstance(parameter, click.Option) and parameter.name != "help":
                for flag in parameter.opts:
                    assert f"`{flag}" in text or f", `{flag}" in text, f"{path}: {flag} not documented"


def test_the_contract_documents_nothing_the_code_lacks() -> None:
    known = {path for path, _ in commands()}
    for heading in re.findall(r"^### `(nianbao [^`]+?)(?: [A-Z][^`]*)?`", CONTRACT, re.M):
        assert heading in known, heading
    for path, command in commands():
        flags = {flag for p in command.params if isinstance(p, click.Option) for flag in p.opts}
        for documented in re.findall(r"^\| `(--?[\w-]+)", section(path), re.M):
            assert documented in flags, f"{path}: {documented} is documented but does not exist"


def test_every_issue_code_is_in_the_generated_table() -> None:
    spec = importlib.util.spec_from_file_location("regenerate", ROOT / "scripts" / "regenerate.py")
    assert spec
    assert spec.loader
    regenerate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(regenerate)
    assert regenerate.contract_with_codes(CONTRACT) == CONTRACT, "run python scripts/regenerate.py"
    for issue_type in ALL_TYPES:
        assert f"| `{issue_type.code}` |" in CONTRACT, issue_type.code


def test_every_json_key_is_in_the_contract() -> None:
    keys = {part for field in schema.FIELDS for part in field.path.split(".")} | set(schema.TOP_LEVEL_KEYS)
    for key in sorted(keys):
        assert f'"{key}"' in CONTRACT, key


def test_every_command_is_in_the_readme() -> None:
    for path, _ in commands():
        assert path in README, path


def test_links_stay_inside_the_repository() -> None:
    for document in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        text = document.read_text("utf-8")
        assert "../shared" not in text, document.name
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if re.match(r"[a-z]+://", target):
                continue
            assert (document.parent / target).resolve().is_relative_to(ROOT), f"{document.name}: {target}"
            assert (document.parent / target).exists(), f"{document.name}: {target}"


def test_ci_runs_the_readme_test_command() -> None:
    found = re.findall(r"```bash\n(python3 -m venv[^\n]*)\n```", README)
    assert len(found) == 2
    assert found[1] in (ROOT / ".ci" / "run").read_text("utf-8")
