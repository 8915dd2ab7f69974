"""Prepared templates on disk: reused by content, never trusted when damaged, safe for processes sharing them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from builders import ROOT
from docx import Document

from generator.publish import docxtpl_seam, template_cache
from generator.publish.render import prepare, render_bytes
from generator.publish.templates import default_template_path

DEFAULT = default_template_path()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(template_cache.CACHE_ENV, str(folder))
    return folder


def count_patches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = docxtpl_seam.patch_xml
    monkeypatch.setattr(docxtpl_seam, "patch_xml", lambda xml: calls.append(1) or original(xml))
    return calls


def test_second_prepare_comes_from_the_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_patches(monkeypatch)
    first = prepare(DEFAULT)
    patched = len(calls)
    second = prepare(DEFAULT)
    assert patched > 0
    assert len(calls) == patched  # nothing patched or compiled the second time
    assert len(list(cache.glob("*.bin"))) == 1
    assert {name: part.source for name, part in first.parts.items()} == {
        name: part.source for name, part in second.parts.items()
    }
    assert first.compressed == second.compressed
    assert first.fix_tables == second.fix_tables


def test_cached_and_fresh_render_the_same_document(cache: Path) -> None:
    from generator.check.load import load
    from generator.publish.context import build_context

    context = build_context(load(ROOT / "inputs" / "seed.json").report)
    fresh = render_bytes(prepare(DEFAULT), context)
    cached = render_bytes(prepare(DEFAULT), context)
    assert fresh == cached


def test_a_changed_template_is_a_new_entry(cache: Path, tmp_path: Path) -> None:
    prepare(DEFAULT)
    document = Document(str(DEFAULT))
    document.add_paragraph("另加的段落 {{ agency }}")
    edited = tmp_path / "edited.docx"
    document.save(str(edited))
    assert "另加的段落" in prepare(edited).parts["word/document.xml"].source
    assert len(list(cache.glob("*.bin"))) == 2


@pytest.mark.parametrize("damage", [b"", b"garbage", "truncate", "flip"])
def test_a_damaged_cache_file_is_a_miss(cache: Path, monkeypatch: pytest.MonkeyPatch, damage: object) -> None:
    prepare(DEFAULT)
    (entry,) = cache.glob("*.bin")
    blob = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(blob[: len(blob) // 2])
    elif damage == "flip":
        entry.write_bytes(blob[:-100] + bytes([blob[-100] ^ 0xFF]) + blob[-99:])
    else:
        entry.write_bytes(damage)  # type: ignore[arg-type]
    calls = count_patches(monkeypatch)
    assert "{{ year }}" in prepare(DEFAULT).parts["word/document.xml"].source
    assert calls  # prepared afresh
    assert entry.read_bytes() == blob  # and stored again whole


def test_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(template_cache.CACHE_ENV, "off")
    assert template_cache.cache_dir() is None
    prepare(DEFAULT)
    assert not list(tmp_path.rglob("*.bin"))


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(template_cache.CACHE_ENV, str(blocker / "cache"))
    assert "word/document.xml" in prepare(DEFAULT).parts


def test_processes_sharing_a_cache_build_the_same_report(tmp_path: Path) -> None:
    """Eight builds started at once against an empty cache: all succeed with identical documents."""
    cache = tmp_path / "shared"
    env = {"NIANBAO_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1643072400"}
    outputs = [tmp_path / f"r{index}.docx" for index in range(8)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "generator", "build", str(ROOT / "inputs" / "seed.json"), "-o", str(out)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for out in outputs
    ]
    errors = [process.communicate()[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * 8, errors
    documents = {out.read_bytes() for out in outputs}
    assert len(documents) == 1
    assert len(list(cache.glob("*.bin"))) == 1
    assert not list(cache.glob(".tmp-*"))
