"""The county's storage: versioned migrations, every submission kept under its own name, concurrent
writers, and everything still there after a restart."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from generator.errors import NianbaoError
from generator.web import store as storage
from generator.web.store import MIGRATIONS, DuplicateUnit, Received, Store

RECEIVED = Received("通过", 0, 0, "甲镇人民政府", 2025, "{}")


def version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def test_a_new_database_is_at_the_latest_version(tmp_path: Path) -> None:
    Store(tmp_path)
    assert version(tmp_path / "nianbao.db") == len(MIGRATIONS)


def test_an_old_database_is_migrated_keeping_its_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage, "MIGRATIONS", MIGRATIONS[:1])
    old = Store(tmp_path)
    unit = old.add_unit("甲镇人民政府")
    assert version(old.path) == 1
    monkeypatch.undo()
    new = Store(tmp_path)
    assert version(new.path) == len(MIGRATIONS)
    assert new.unit_by_token(unit.token) == unit
    new.failed_login()  # the table of migration 2 exists
    assert new.recent_failures(5) == 1


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    Store(tmp_path)
    with sqlite3.connect(tmp_path / "nianbao.db") as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(NianbaoError, match="更新版本"):
        Store(tmp_path)


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store(tmp_path)
    monkeypatch.setattr(storage, "MIGRATIONS", (*MIGRATIONS, "CREATE TABLE fine (x); CREATE TABLE broken ("))
    with pytest.raises(NianbaoError):
        Store(tmp_path)
    assert version(tmp_path / "nianbao.db") == len(MIGRATIONS)
    with sqlite3.connect(tmp_path / "nianbao.db") as db:
        assert db.execute("SELECT name FROM sqlite_master WHERE name = 'fine'").fetchone() is None


def test_concurrent_submissions_are_all_kept(tmp_path: Path) -> None:
    store = Store(tmp_path)
    unit = store.add_unit("甲镇人民政府")
    errors: list[BaseException] = []

    def send(number: int) -> None:
        try:
            Store(tmp_path).add_submission(unit.id, "年报.xlsx", f"file {number}".encode(), ".xlsx", RECEIVED)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    kept = store.submissions_of(unit.id)
    assert len(kept) == 20
    assert {store.file_of(s).read_bytes() for s in kept} == {f"file {n}".encode() for n in range(20)}
    assert len({s.stored for s in kept}) == 20


def test_everything_is_there_after_a_restart(tmp_path: Path) -> None:
    first = Store(tmp_path)
    unit = first.add_unit("甲镇人民政府", "乡镇人民政府（街道办事处）", "张三")
    submission = first.add_submission(unit.id, "年报.xlsx", b"data", ".xlsx", RECEIVED)
    first.set_setting("county", "某某县")
    again = Store(tmp_path)
    assert again.units() == [unit]
    assert again.latest() == {unit.id: submission}
    assert again.setting("county") == "某某县"
    assert again.secret() == first.secret()


def test_one_unit_on_the_roster_once(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.add_unit("新绛县三泉镇人民政府")
    with pytest.raises(DuplicateUnit, match="同一单位"):
        store.add_unit("新绛县三泉镇政府")
    store.add_unit("新绛县三泉乡人民政府")  # a near-miss is another unit
    assert len(store.units()) == 2


def test_a_stored_name_outside_the_folder_is_refused(tmp_path: Path) -> None:
    store = Store(tmp_path)
    unit = store.add_unit("甲镇人民政府")
    submission = store.add_submission(unit.id, "年报.xlsx", b"data", ".xlsx", RECEIVED)
    from dataclasses import replace

    with pytest.raises(NianbaoError):
        store.file_of(replace(submission, stored="../../nianbao.db"))


def test_a_status_word_is_written_once_for_the_county_and_the_web() -> None:
    """有错误, 无法读取, 未报送… are county/outcome.py's constants: no other module spells one out (the web's
    own word for a check without errors, 通过, is store.PASSED)."""
    import ast

    from generator.county import outcome

    words = {value for name, value in vars(outcome).items() if name.isupper() and isinstance(value, str)}
    root = Path(outcome.__file__).parents[1]
    spelled = [
        f"{path.relative_to(root)}:{node.lineno} {node.value}"
        for path in sorted(root.rglob("*.py"))
        if path != Path(outcome.__file__)
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Constant) and node.value in words
    ]
    assert spelled == []
    assert storage.PASSED not in words
