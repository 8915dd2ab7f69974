"""The code passes ruff (the project's lint configuration in pyproject.toml)."""

from __future__ import annotations

import re
import subprocess
import sys

from builders import ROOT


def test_ruff_check_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "generator", "tests", "scripts", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_type_ignore_names_its_code_and_says_why() -> None:
    for path in (ROOT / "generator").rglob("*.py"):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if "type: ignore" not in line:
                continue
            assert re.search(r"type: ignore\[[a-z-, ]+\]  # \S", line), f"{path.name}:{number}: {line.strip()}"
