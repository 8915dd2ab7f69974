"""The web application: routes, middleware, error pages, and the server's state (store, worker pool)."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..errors import NianbaoError
from ..formats.sniff import MAX_FILE_BYTES
from . import api, clerk, county, static
from .http import LoginRequired, Problem, problem_response
from .middleware import BodyLimit, SecurityHeaders
from .pool import Busy, WorkFailed, WorkPool
from .store import Store

log = logging.getLogger("nianbao.web")


@dataclass(slots=True)
class Server:
    """What the handlers share: the data folder, the signing key, the workers and a few settings."""

    store: Store
    secret: bytes
    pool: WorkPool
    max_body: int
    libreoffice: bool
    blank: bytes | None = field(default=None, repr=False)  # the blank workbook, made on first request


def create_app(data: Path, workers: int | None = None, max_body: int = MAX_FILE_BYTES) -> Starlette:
    """The application over a data folder (created and migrated here): `workers` processes check and build."""
    store = Store(data)
    for leftover in store.temporary.iterdir():  # uploads of a server that was killed mid-request
        shutil.rmtree(leftover, ignore_errors=True)
    pool = WorkPool(workers or min(os.cpu_count() or 1, 4))
    libreoffice = bool(shutil.which("soffice") or shutil.which("libreoffice"))
    server = Server(store, store.secret(), pool, max_body, libreoffice)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        pool.warm()
        try:
            yield
        finally:
            pool.close()

    app = Starlette(
        routes=[*clerk.ROUTES, *api.ROUTES, *county.ROUTES, *static.ROUTES],
        middleware=[Middleware(SecurityHeaders), Middleware(BodyLimit, limit=max_body)],
        exception_handlers={
            Problem: _problem,
            NianbaoError: _library_error,
            LoginRequired: _login,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
        lifespan=lifespan,
    )
    app.state.server = server
    return app


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return problem_response(request, exc)


async def _library_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NianbaoError)
    if isinstance(exc, Busy):
        return problem_response(request, Problem(503, "busy", exc.message))
    if isinstance(exc, WorkFailed):
        return problem_response(request, Problem(503, "work-failed", exc.message))
    return problem_response(request, Problem(400, "cannot-run", exc.message))


async def _login(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/county/login", status_code=303)


HTTP_MESSAGES = {404: "找不到这个页面。", 405: "不支持这种请求方式。"}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = HTTP_MESSAGES.get(exc.status_code, "请求无法处理。")
    return problem_response(request, Problem(exc.status_code, f"http-{exc.status_code}", message))


async def _unexpected(request: Request, exc: Exception) -> Response:
    """Never a traceback to the browser: the log has it, the user gets a short message."""
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem_response(request, Problem(500, "internal-error", "服务器内部错误，已记录。请稍后再试或联系管理员。"))
