"""Writing files safely: a temporary file beside the target, renamed over it only when complete."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from .errors import NianbaoError

TEMP_PREFIX, TEMP_SUFFIX = ".nianbao-", ".tmp"


def remove_leftovers(folder: Path) -> None:
    """Remove temporary files and folders an interrupted run may have left in `folder` (Ctrl-C between two lines)."""
    for leftover in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `path` whole, on failure it is removed."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise NianbaoError(f"输出文件夹“{folder}”不存在。")
    try:
        handle, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.stem[:40]}.", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise NianbaoError(f"无法在“{folder}”中写入文件：{exc.strerror or exc}。") from exc
    temporary = Path(name)
    try:
        os.close(handle)
        yield temporary
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except PermissionError as exc:
        temporary.unlink(missing_ok=True)
        raise NianbaoError(f"无法写入“{path}”：没有权限，或文件正在 Word/Excel/WPS 中打开，请关闭后再试。") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


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
        temporary = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{path.name[:40]}.", suffix=TEMP_SUFFIX, dir=parent))
    except OSError as exc:
        raise NianbaoError(f"无法在“{parent}”中写入文件：{exc.strerror or exc}。") from exc
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
        raise
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return [path / name for name in files]


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
