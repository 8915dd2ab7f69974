"""The county's storage: one SQLite database and the submitted files under the data folder.

The schema grows by numbered migrations (`MIGRATIONS`, the database's `user_version` says how many ran);
each runs in one transaction, so a database is always at one version. Every submission is a new row and a
new file named by the server (never by the upload), so nothing is overwritten; concurrent writers queue
on SQLite's lock (WAL journal, busy timeout).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

from ..county.roster import normalise_name
from ..errors import NianbaoError
from ..files import write_bytes
from . import security

DB_NAME = "nianbao.db"
SUBMISSIONS = "submissions"
TEMPLATES = "templates"
TEMPORARY = "tmp"

MIGRATIONS: tuple[str, ...] = (
    # 1: the county account and its sessions, the roster, the submissions, settings
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE accounts (
        id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, created_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        expires_at TEXT NOT NULL
    );
    CREATE TABLE units (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        normalized TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL DEFAULT '',
        contact TEXT NOT NULL DEFAULT '',
        token TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        unit_id INTEGER NOT NULL REFERENCES units(id),
        received_at TEXT NOT NULL,
        file_name TEXT NOT NULL,
        stored TEXT NOT NULL UNIQUE,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        status TEXT NOT NULL,
        errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL,
        agency TEXT NOT NULL DEFAULT '',
        year INTEGER,
        result_json TEXT NOT NULL
    );
    CREATE INDEX submissions_by_unit ON submissions (unit_id, id)
    """,
    # 2: failed logins, to slow down password guessing
    """
    CREATE TABLE login_failures (id INTEGER PRIMARY KEY, at TEXT NOT NULL);
    CREATE INDEX login_failures_by_time ON login_failures (at)
    """,
)

# a check without errors, as the pages say it and the database stores it (the downloads say 已生成 of a report
# built); the other words are the county's own (county/outcome.py)
PASSED = "通过"
SESSION_HOURS = 12


class DuplicateUnit(NianbaoError):
    """A unit of that name (as normalised) is already on the roster."""


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit on the county's roster, with its private submission token."""

    id: int
    name: str
    kind: str
    contact: str
    token: str


@dataclass(frozen=True, slots=True)
class Received:
    """What checking a submitted file found, stored with it."""

    status: str
    errors: int
    warnings: int
    agency: str  # 机关全称 as the file gives it
    year: int | None
    result_json: str


@dataclass(frozen=True, slots=True)
class Submission:
    """One file a unit sent, as received and as checked then."""

    id: int
    unit_id: int
    received_at: str  # ISO time with offset
    file_name: str  # as the unit named it (shown, never used as a path)
    stored: str  # the server's own name, relative to the submissions folder
    size: int
    sha256: str
    check: Received

    @classmethod
    def of(cls, row: tuple[Any, ...]) -> Submission:
        """A submission from a row of `_COLUMNS`."""
        number, unit_id, received_at, file_name, stored, size, sha256, *check = row
        return cls(number, unit_id, received_at, file_name, stored, size, sha256, Received(*check))

    @property
    def received(self) -> str:
        """The time received, as a person reads it: 2026-01-20 10:31."""
        return self.received_at[:16].replace("T", " ")


def now() -> dt.datetime:
    """The local time, to the second, with its offset."""
    return dt.datetime.now().astimezone().replace(microsecond=0)


class Store:
    """The data folder: nianbao.db, submissions/, templates/ and a private tmp/ for uploads in flight."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        try:
            for path in (self.folder, self.submissions, self.templates, self.temporary):
                path.mkdir(parents=True, exist_ok=True)
                os.chmod(path, 0o700)  # submissions name people and units: for the server's user only
        except OSError as exc:
            raise NianbaoError(f"无法使用数据文件夹“{folder}”：{exc.strerror or exc}。") from exc
        self.path = self.folder / DB_NAME
        migrate(self.path)

    @property
    def submissions(self) -> Path:
        """The folder of submitted files, one sub-folder per unit."""
        return self.folder / SUBMISSIONS

    @property
    def templates(self) -> Path:
        """The folder of the county's Word templates."""
        return self.folder / TEMPLATES

    @property
    def temporary(self) -> Path:
        """Uploads being checked (removed after each response)."""
        return self.folder / TEMPORARY

    @contextlib.contextmanager
    def db(self) -> Iterator[sqlite3.Connection]:
        """A connection in a transaction: committed when the block ends, rolled back on an exception."""
        connection = connect(self.path)
        try:
            connection.execute("BEGIN IMMEDIATE")
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()

    # --- settings -------------------------------------------------------------------------------

    def setting(self, key: str, default: str = "") -> str:
        """A stored setting, or `default`."""
        with self.db() as db:
            row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_setting(self, key: str, value: str | None) -> None:
        """Store a setting (None removes it)."""
        with self.db() as db:
            if value is None:
                db.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))

    def secret(self) -> bytes:
        """The key that signs cookies and CSRF tokens, made on first use and kept."""
        with self.db() as db:
            row = db.execute("SELECT value FROM settings WHERE key = 'secret'").fetchone()
            if row is None:
                row = (secrets.token_hex(32),)
                db.execute("INSERT INTO settings (key, value) VALUES ('secret', ?)", row)
        return bytes.fromhex(str(row[0]))

    # --- the county account -----------------------------------------------------------------------

    def has_account(self) -> bool:
        """Whether the county account was set up."""
        with self.db() as db:
            return db.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None

    def create_account(self, username: str, password_hash: str) -> int:
        """The first (county) account; refused when one exists, so the setup link works once."""
        with self.db() as db:
            if db.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None:
                raise NianbaoError("管理员账号已经设置过了。")
            cursor = db.execute(
                "INSERT INTO accounts (username, password_hash, created_at) VALUES (?, ?, ?)",
                (username, password_hash, now().isoformat()),
            )
            db.execute("DELETE FROM settings WHERE key = 'setup_token_hash'")
            return int(cursor.lastrowid or 0)

    def new_setup_token(self) -> str:
        """A one-time setup link's token (a new one each start until the account exists; only its hash is kept)."""
        token = security.new_token()
        self.set_setting("setup_token_hash", security.token_hash(token))
        return token

    def account(self, username: str) -> tuple[int, str] | None:
        """(id, password hash) of an account by name."""
        with self.db() as db:
            row = db.execute("SELECT id, password_hash FROM accounts WHERE username = ?", (username,)).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def open_session(self, account_id: int) -> str:
        """A new session for an account: its token (for the cookie); only its hash is stored."""
        token = security.new_token()
        expires = now() + dt.timedelta(hours=SESSION_HOURS)
        with self.db() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (now().isoformat(),))
            db.execute(
                "INSERT INTO sessions (token_hash, account_id, expires_at) VALUES (?, ?, ?)",
                (security.token_hash(token), account_id, expires.isoformat()),
            )
        return token

    def session_account(self, token: str) -> int | None:
        """The account of a live session token, or None."""
        with self.db() as db:
            row = db.execute(
                "SELECT account_id FROM sessions WHERE token_hash = ? AND expires_at > ?",
                (security.token_hash(token), now().isoformat()),
            ).fetchone()
        return int(row[0]) if row else None

    def close_session(self, token: str) -> None:
        """Log out: the session token no longer works."""
        with self.db() as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (security.token_hash(token),))

    def failed_login(self) -> None:
        """Record a failed login."""
        with self.db() as db:
            db.execute("INSERT INTO login_failures (at) VALUES (?)", (now().isoformat(),))

    def recent_failures(self, minutes: int) -> int:
        """Failed logins in the last `minutes`."""
        since = (now() - dt.timedelta(minutes=minutes)).isoformat()
        with self.db() as db:
            db.execute("DELETE FROM login_failures WHERE at < ?", ((now() - dt.timedelta(days=1)).isoformat(),))
            return int(db.execute("SELECT COUNT(*) FROM login_failures WHERE at >= ?", (since,)).fetchone()[0])

    # --- the roster -------------------------------------------------------------------------------

    def add_unit(self, name: str, kind: str = "", contact: str = "") -> Unit:
        """Put a unit on the roster with a fresh submission token; DuplicateUnit when it is there already."""
        name = " ".join(name.split())
        key = normalise_name(name)
        token = security.new_token()
        with self.db() as db:
            row = db.execute("SELECT name FROM units WHERE normalized = ?", (key,)).fetchone()
            if row is not None:
                raise DuplicateUnit(f"“{name}”与名单中的“{row[0]}”是同一单位，未重复添加。")
            cursor = db.execute(
                "INSERT INTO units (name, normalized, kind, contact, token, token_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, key, kind, contact, token, security.token_hash(token), now().isoformat()),
            )
            return Unit(int(cursor.lastrowid or 0), name, kind, contact, token)

    def units(self) -> list[Unit]:
        """The roster, in the order the units were added."""
        with self.db() as db:
            rows = db.execute("SELECT id, name, kind, contact, token FROM units ORDER BY id").fetchall()
        return [Unit(*row) for row in rows]

    def unit(self, unit_id: int) -> Unit | None:
        """A unit by its id."""
        with self.db() as db:
            row = db.execute("SELECT id, name, kind, contact, token FROM units WHERE id = ?", (unit_id,)).fetchone()
        return Unit(*row) if row else None

    def unit_by_token(self, token: str) -> Unit | None:
        """The unit whose submission link carries `token`, or None."""
        with self.db() as db:
            row = db.execute(
                "SELECT id, name, kind, contact, token FROM units WHERE token_hash = ?", (security.token_hash(token),)
            ).fetchone()
        return Unit(*row) if row else None

    def renew_token(self, unit_id: int) -> str:
        """A new submission link for a unit; the old one stops working."""
        token = security.new_token()
        with self.db() as db:
            db.execute(
                "UPDATE units SET token = ?, token_hash = ? WHERE id = ?", (token, security.token_hash(token), unit_id)
            )
        return token

    # --- submissions ------------------------------------------------------------------------------

    def add_submission(self, unit_id: int, file_name: str, data: bytes, suffix: str, received: Received) -> Submission:
        """Keep a submitted file under a new name of the server's making (`suffix` by its sniffed format), and
        its row; nothing is replaced."""
        at = now().isoformat()
        folder = self.submissions / str(unit_id)
        folder.mkdir(exist_ok=True)
        with self.db() as db:
            number = int(db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM submissions").fetchone()[0])
            stored = f"{unit_id}/{number}-{secrets.token_hex(4)}{suffix}"
            values = (unit_id, at, file_name, stored, len(data), security.digest(data), *astuple(received))
            cursor = db.execute(
                "INSERT INTO submissions (unit_id, received_at, file_name, stored, size, sha256, status, errors,"
                " warnings, agency, year, result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
            write_bytes(self.submissions / stored, data)  # inside the transaction: no row without its file
            return Submission.of((int(cursor.lastrowid or 0), *values))

    def submissions_of(self, unit_id: int) -> list[Submission]:
        """A unit's submissions, newest first."""
        with self.db() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM submissions WHERE unit_id = ? ORDER BY id DESC", (unit_id,))
            return [Submission.of(row) for row in rows.fetchall()]

    def submission(self, submission_id: int) -> Submission | None:
        """A submission by its id."""
        with self.db() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM submissions WHERE id = ?", (submission_id,)).fetchone()
        return Submission.of(row) if row else None

    def latest(self) -> dict[int, Submission]:
        """Each unit's latest submission, by unit id."""
        with self.db() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM submissions WHERE id IN (SELECT MAX(id) FROM submissions GROUP BY unit_id)"
            ).fetchall()
        return {submission.unit_id: submission for submission in (Submission.of(row) for row in rows)}

    def counts(self) -> dict[int, int]:
        """How many files each unit sent."""
        with self.db() as db:
            rows = db.execute("SELECT unit_id, COUNT(*) FROM submissions GROUP BY unit_id").fetchall()
        return {int(unit_id): int(count) for unit_id, count in rows}

    def file_of(self, submission: Submission) -> Path:
        """The stored file of a submission; its name comes from the database, and must stay in the folder."""
        path = (self.submissions / submission.stored).resolve()
        if not path.is_relative_to(self.submissions):
            raise NianbaoError("存储的文件名无效。")
        return path


_COLUMNS = (
    "id, unit_id, received_at, file_name, stored, size, sha256, status, errors, warnings, agency, year, result_json"
)


def connect(path: Path) -> sqlite3.Connection:
    """A connection that waits for other writers instead of failing, with foreign keys enforced."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def migrate(path: Path) -> int:
    """Bring the database to the latest version, each migration in its own transaction; the version reached."""
    connection = connect(path)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        while True:
            connection.execute("BEGIN IMMEDIATE")
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            if version >= len(MIGRATIONS):
                connection.execute("COMMIT")
                break
            try:
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {version + 1}")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
    except sqlite3.DatabaseError as exc:
        raise NianbaoError(f"数据库“{path}”无法打开或升级：{exc}。") from exc
    finally:
        connection.close()
    if version > len(MIGRATIONS):
        raise NianbaoError(f"数据库“{path}”由更新版本的 nianbao 创建（版本 {version}），请升级 nianbao。")
    return version
