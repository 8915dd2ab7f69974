"""Writing files safely: a temporary file beside the target, renamed over it only when complete."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from .errors import NianbaoError

TEMP_PREFIX, TEMP_SUFFIX = ".nianbao-", ".tmp"
_OWNER = re.compile(rf"{re.escape(TEMP_PREFIX)}(?:old-)?(\d+)-")


def temporary_prefix(name: str) -> str:
    """The prefix of this process's temporary files: it names the process, so that a second nianbao writing
    to the same folder never takes them for its own leftovers."""
    return f"{TEMP_PREFIX}{os.getpid()}-{name[:40]}."


def remove_leftovers(folder: Path, only_this_process: bool = False) -> None:
    """Remove the temporary files and folders a run interrupted between two lines left in `folder`: this
    process's, and (unless `only_this_process`) those of processes that no longer exist — never another
    live nianbao's."""
    for leftover in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        owner = _OWNER.match(leftover.name)
        pid = int(owner.group(1)) if owner else None
        if pid != os.getpid() and (only_this_process or (pid is not None and _alive(pid))):
            continue
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists, another user's
    return True


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `path` whole, on failure it is removed."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise NianbaoError(f"输出文件夹“{folder}”不存在。")
    try:
        handle, name = tempfile.mkstemp(prefix=temporary_prefix(path.stem), suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise NianbaoError(f"无法在“{folder}”中写入文件：{explain(exc)}。") from exc
    temporary = Path(name)
    try:
        os.close(handle)
        yield temporary
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except PermissionError as exc:
        temporary.unlink(missing_ok=True)
        raise NianbaoError(f"无法写入“{path}”：没有权限，或文件正在 Word/Excel/WPS 中打开，请关闭后再试。") from exc
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise NianbaoError(f"无法写入“{path}”：{explain(exc)}。") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def explain(exc: OSError) -> str:
    """An operating-system error in Chinese: the usual ones by name, others as the system says them."""
    known = {
        errno.ENOSPC: "磁盘空间不足",
        errno.EDQUOT: "磁盘配额已用完",
        errno.EROFS: "磁盘是只读的",
        errno.EACCES: "没有权限",
        errno.ENAMETOOLONG: "文件名太长",
        errno.ENOENT: "文件夹不存在",
    }
    return known.get(exc.errno or 0) or str(exc.strerror or exc)


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (mkstemp makes it 0600)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def refuse_to_replace(path: Path, force: bool, new_content: bytes | None = None) -> None:
    """Refuse to write over an existing file without --force (unless it already holds exactly `new_content`)."""
    if force or not path.exists():
        return
    if new_content is not None and path.is_file() and path.read_bytes() == new_content:
        return
    raise NianbaoError(f"“{path}”已存在，未覆盖；如确定要替换它，请加 --force。")


def is_same_file(first: Path, second: Path) -> bool:
    """Whether two paths name the same file (also through links, or when one does not exist yet)."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return first.resolve() == second.resolve()


def refuse_input_as_output(output: Path, inputs: list[Path]) -> None:
    """An output path that is one of the inputs would destroy it: refused."""
    for source in inputs:
        if is_same_file(output, source):
            raise NianbaoError(f"输出文件“{output}”就是输入文件，写入会覆盖它；请换一个输出文件名。")


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically."""
    with atomic_output(path) as temporary:
        temporary.write_bytes(data)


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text to `path` atomically."""
    write_bytes(path, text.encode("utf-8"))


def write_folder(path: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write a folder of files as a whole: built beside `path` and renamed into place when complete,
    replacing a previous folder of that name only then."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise NianbaoError(f"输出文件夹“{parent}”不存在。")
    try:
        temporary = Path(tempfile.mkdtemp(prefix=temporary_prefix(path.name), suffix=TEMP_SUFFIX, dir=parent))
    except OSError as exc:
        raise NianbaoError(f"无法在“{parent}”中写入文件：{explain(exc)}。") from exc
    old = temporary.with_name(temporary.name.replace(TEMP_PREFIX, f"{TEMP_PREFIX}old-", 1))
    try:
        for name, data in files.items():
            (temporary / name).write_bytes(data)
        os.chmod(temporary, 0o777 & ~_umask())
        if path.exists():
            os.replace(path, old)
        os.replace(temporary, path)
    except BaseException as exc:
        if old.exists() and not path.exists():
            os.replace(old, path)  # the previous folder stays as it was
        if isinstance(exc, PermissionError):
            raise NianbaoError(f"无法写入“{path}”：没有权限，或其中的文件正在 Word/WPS 中打开，请关闭后再试。") from exc
        if isinstance(exc, OSError):
            raise NianbaoError(f"无法写入“{path}”：{explain(exc)}。") from exc
        raise
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return [path / name for name in files]


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
