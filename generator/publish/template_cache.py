"""Prepared templates kept on disk, keyed by the template's content: a second `build` skips patching and compiling.

Compiling the default template costs ~100 ms, more than the rest of a build. The cache holds, per
template content, the patched source and the compiled code of each rendered part and the unchanged
parts already deflated. A file is written whole under a temporary name and renamed, so processes that
share the cache never read half a file; one that is damaged or from another version is a miss.
`NIANBAO_CACHE_DIR` moves the cache; `NIANBAO_CACHE_DIR=off` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import jinja2

CACHE_ENV = "NIANBAO_CACHE_DIR"
MAGIC = b"nianbao-template-cache-1\n"
KEEP = 32  # files kept; a county has a handful of templates


def cache_dir() -> Path | None:
    """Where prepared templates are kept: $NIANBAO_CACHE_DIR, else the platform's user cache folder."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "none") else Path(chosen)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "nianbao" / "cache"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "nianbao"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nianbao"
    return base


def _code_fingerprint() -> bytes:
    """What the prepared form depends on besides the template: Python, Jinja, docxtpl and our renderer
    (its sandbox instruments the compiled code; template_zip.py decides what of the template is kept)."""
    parts = [sys.version.encode(), jinja2.__version__.encode()]
    spec = importlib.util.find_spec("docxtpl")
    files = [Path(spec.origin)] if spec and spec.origin else []
    ours = [Path(__file__).with_name(name) for name in ("render.py", "sandbox.py", "template_zip.py")]
    for file in (*files, *ours):
        with contextlib.suppress(OSError):
            stat = file.stat()
            parts.append(f"{file}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return b"\0".join(parts)


def cache_key(entries: tuple[tuple[str, bytes], ...], environment: str) -> str:
    """A digest of the template's every entry, the environment's settings and the code that prepares it."""
    digest = hashlib.sha256(_code_fingerprint())
    digest.update(environment.encode())
    for name, data in entries:
        digest.update(name.encode() + b"\0" + len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def load(key: str) -> Any | None:
    """The prepared form stored under `key`, or None (absent, damaged, or written by another version)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        blob = (folder / f"{key}.bin").read_bytes()
    except OSError:
        return None
    if not blob.startswith(MAGIC):
        return None
    checksum, payload = blob[len(MAGIC) : len(MAGIC) + 32], blob[len(MAGIC) + 32 :]
    if hashlib.sha256(payload).digest() != checksum:
        return None
    try:
        prepared = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    with contextlib.suppress(OSError):
        os.utime(folder / f"{key}.bin")  # recently used: kept when the cache is pruned
    return prepared


def store(key: str, prepared: Any) -> None:
    """Keep a prepared form under `key`; a cache that cannot be written is simply not used."""
    folder = cache_dir()
    if folder is None:
        return
    with contextlib.suppress(OSError, ValueError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        payload = marshal.dumps(prepared)
        handle, name = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(name, folder / f"{key}.bin")
        finally:
            with contextlib.suppress(OSError):
                os.unlink(name)
        _prune(folder)


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.bin"), key=lambda file: file.stat().st_mtime, reverse=True)
    for old in files[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
