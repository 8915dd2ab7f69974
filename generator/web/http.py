"""What every handler shares: pages and their CSRF token, uploads received safely, downloads, errors.

An upload is checked before anything parses it: the request must be multipart, the body within the
limit (middleware.py answers 413 before reading more), the file non-empty and of a kind nianbao reads,
told by its content (415 otherwise). It lives in a private folder under the data folder, named by the
server, and is removed when the response is made.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from ..errors import NianbaoError, UnreadableInput, UnsupportedInput
from ..formats.sniff import InputFormat, sniff
from . import security
from .pool import Busy, WorkFailed

if TYPE_CHECKING:
    from collections.abc import Callable

    from .app import Server

T = TypeVar("T")

CSRF_COOKIE = "nianbao_csrf"
SESSION_COOKIE = "nianbao_session"
CSRF_FIELD = "csrf"
FIELD_BYTES = 4 * 1024 * 1024  # a form's text fields (the JSON document sent back by the download buttons)
CHUNK = 1 << 16

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("generator.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class Problem(Exception):
    """A request that cannot be answered as asked: its HTTP status, a code and the Chinese message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class LoginRequired(Exception):
    """A county page asked for without a session: go to the login page."""


def server_of(request: Request) -> Server:
    """The server's state (store, pool, settings)."""
    server: Server = request.app.state.server
    return server


def wants_json(request: Request) -> bool:
    """Requests of the API get JSON errors; a browser gets a page."""
    return request.url.path.startswith("/api/")


def problem_response(request: Request, problem: Problem) -> Response:
    """A problem as JSON ({"error", "message"}) for the API, as a page for a browser."""
    if wants_json(request):
        return JSONResponse({"error": problem.code, "message": problem.message}, status_code=problem.status)
    return page(request, "error.html", problem.status, problem=problem)


def browser_id(request: Request) -> tuple[str, bool]:
    """This browser's random id (from its cookie), and whether it is new and must be set."""
    known = request.cookies.get(CSRF_COOKIE, "")
    if re.fullmatch(r"[A-Za-z0-9_-]{43}", known):
        return known, False
    return security.new_token(), True


def page(request: Request, template: str, status: int = 200, /, **context: Any) -> HTMLResponse:
    """A page from the templates, with the CSRF token its forms carry (and the cookie it is bound to)."""
    server = server_of(request)
    browser, new = browser_id(request)
    text = _ENVIRONMENT.get_template(template).render(
        csrf=security.csrf_token(server.secret, browser),
        csrf_field=CSRF_FIELD,
        logged_in=request.scope.get("nianbao_account") is not None,
        libreoffice=server.libreoffice,
        limit_mb=server.max_body // (1024 * 1024),
        **context,
    )
    response = HTMLResponse(text, status_code=status)
    if new:
        set_cookie(request, response, CSRF_COOKIE, browser, max_age=None)
    return response


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    """A cookie scripts cannot read, sent only to this site (Secure when the page came over HTTPS)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


async def checked_form(request: Request) -> FormData:
    """The posted form, refused (403) unless it carries this browser's CSRF token."""
    form = await _form(request)
    token = form.get(CSRF_FIELD)
    browser = request.cookies.get(CSRF_COOKIE)
    if not security.csrf_valid(server_of(request).secret, browser, token if isinstance(token, str) else None):
        await form.close()
        raise Problem(403, "csrf", "表单已过期或不是从本站提交的，请刷新页面后重试。")
    return form


async def _form(request: Request) -> FormData:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise Problem(415, "unsupported-media-type", "请求应为表单（multipart/form-data）。")
    try:
        return await request.form(max_files=4, max_fields=40, max_part_size=FIELD_BYTES)
    except MultiPartException as exc:
        raise Problem(400, "bad-form", f"表单无法读取：{exc.message}") from exc


def text_field(form: FormData, name: str, limit: int = 200) -> str:
    """A text field of a form, trimmed ('' when absent); too long is 400."""
    value = form.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > limit:
        raise Problem(400, "field-too-long", f"“{name}”过长（最多 {limit} 个字）。")
    return text


@dataclass(frozen=True, slots=True)
class Upload:
    """An uploaded file saved in the request's private folder, with the kind its content shows."""

    path: Path
    name: str  # the name the user gave it, made safe (shown in messages, used only inside the private folder)
    input_format: InputFormat
    size: int

    @property
    def data(self) -> bytes:
        """Its bytes."""
        return self.path.read_bytes()


@dataclass(slots=True)
class Uploads:
    """The form of an upload request and its saved files, by field."""

    form: FormData
    files: dict[str, Upload] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Upload:
        return self.files[name]

    def get(self, name: str) -> Upload | None:
        """A file that may be missing."""
        return self.files.get(name)


@contextlib.asynccontextmanager
async def uploads(
    request: Request, required: tuple[str, ...] = ("file",), optional: tuple[str, ...] = (), csrf: bool = True
) -> AsyncIterator[Uploads]:
    """Receive a multipart upload: the files saved and sniffed (400/415 before any parsing), the CSRF token
    checked for forms; everything removed when the block ends."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "multipart/form-data":
        raise Problem(415, "unsupported-media-type", "请以 multipart/form-data 上传文件（字段名 file）。")
    form = await (checked_form(request) if csrf else _form(request))
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=server_of(request).store.temporary))
    try:
        received = Uploads(form)
        for name in (*required, *optional):
            upload = form.get(name)
            if not isinstance(upload, UploadFile) or (not upload.filename and not upload.size):
                if name in required:
                    raise Problem(400, "no-file", "没有选择文件。" if name == "file" else f"缺少文件“{name}”。")
                continue
            received.files[name] = await _save(upload, folder / name)
        yield received
    finally:
        await form.close()
        await run_in_threadpool(shutil.rmtree, folder, True)


async def _save(upload: UploadFile, folder: Path) -> Upload:
    folder.mkdir()
    path = folder / safe_name(upload.filename or "")
    try:
        size, found = await run_in_threadpool(_copy_and_sniff, upload, path)
    except UnsupportedInput as exc:
        raise Problem(415, "unsupported-file", exc.message) from exc
    except UnreadableInput as exc:
        raise Problem(400, "unreadable-file", exc.message) from exc
    if found is None:
        raise Problem(400, "empty-file", f"文件“{path.name}”是空的。")
    return Upload(path, path.name, found, size)


def _copy_and_sniff(upload: UploadFile, path: Path) -> tuple[int, InputFormat | None]:
    """Copy the upload to `path` (off the event loop) and tell its kind by content; an empty file has none."""
    upload.file.seek(0)
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out, CHUNK)
        size = out.tell()
    return size, sniff(path) if size else None


def safe_name(name: str) -> str:
    """The last part of an uploaded file's name as a name every system accepts (never a path), cleaned and
    shortened as reports' names are: a long Chinese name must still fit the 255 bytes a file name may have."""
    from ..publish.build import safe_file_name

    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1].replace("\x7f", "")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    return safe_file_name(stem, f".{suffix[:10]}" if suffix else "", blank="上传的文件")


def download(data: bytes, name: str, media_type: str) -> Response:
    """A file to save, under its Chinese name (RFC 6266's filename*), never shown in the page."""
    stem, suffix = Path(name).stem, Path(name).suffix
    fallback = (stem if stem.isascii() and stem.isprintable() and '"' not in stem else "nianbao") + suffix
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


def error_of(exc: NianbaoError) -> Problem:
    """A library error as a problem of the request: an unreadable or unsupported file is the client's."""
    if isinstance(exc, UnsupportedInput):
        return Problem(415, "unsupported-file", exc.message)
    return Problem(400, "unreadable-file", exc.message)


async def job(request: Request, function: Callable[..., T], *args: Any, seconds: float = 120) -> T:
    """Work in the pool; a file the library cannot read is the client's problem (400/415)."""
    try:
        return await server_of(request).pool.run(function, *args, seconds=seconds)
    except (Busy, WorkFailed):
        raise
    except NianbaoError as exc:
        raise error_of(exc) from exc


def county_template(request: Request) -> str | None:
    """The county's Word template (a file the server named, in the templates folder), or None for the default."""
    store = server_of(request).store
    name = store.setting("template")
    if not name:
        return None
    path = (store.templates / name).resolve()
    return str(path) if path.parent == store.templates and path.is_file() else None
