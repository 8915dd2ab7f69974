"""`nianbao serve` from the command line: a port in use or missing web components are Chinese messages
with exit status 2, never a traceback or a question."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli


def test_a_port_in_use_is_exit_2_in_chinese(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port), "--data", str(tmp_path / "data")])
    assert result.exit_code == 2
    assert f"无法在 127.0.0.1:{port} 上启动服务" in result.stderr
    assert "--port" in result.stderr
    assert not (tmp_path / "data").exists()  # nothing made before the address is known to work


def test_missing_web_components_say_how_to_install_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [name for name in sys.modules if name.startswith("generator.web")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "starlette", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "starlette.applications", None)
    result = CliRunner().invoke(cli, ["serve", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "网页服务需要额外的组件" in result.stderr
    assert 'pip install ".[web]"' in result.stderr
