"""The README documents every command and every issue code; README's commands are the ones CI runs."""

from __future__ import annotations

import re

from builders import ROOT

from generator.cli import cli
from generator.issues import ALL_TYPES

README = (ROOT / "README.md").read_text("utf-8")


def test_every_issue_code_is_documented() -> None:
    for issue_type in ALL_TYPES:
        assert f"`{issue_type.code}`" in README, issue_type.code


def test_every_command_is_documented() -> None:
    for name, command in cli.commands.items():
        assert f"nianbao {name}" in README, name
        for sub in getattr(command, "commands", {}):
            assert f"nianbao {name} {sub}" in README


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"```bash\n(python3 -m venv[^\n]*)\n```", README)
    assert len(commands) == 2
    assert commands[1] in (ROOT / ".ci" / "run").read_text("utf-8")
