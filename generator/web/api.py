"""The JSON API for other systems: the same check and build as the command line, errors as JSON."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import work
from .http import Problem, county_template, download, job, server_of, uploads

JSON = "application/json; charset=utf-8"


async def api_check(request: Request) -> Response:
    """POST multipart `file` (and `previous`): exactly what `nianbao check --json` prints, with status 200."""
    async with uploads(request, optional=("previous",), csrf=False) as received:
        previous = received.get("previous")
        text = await job(request, work.check_text, str(received["file"].path), str(previous.path) if previous else None)
    return Response(text, media_type=JSON)


async def api_build(request: Request) -> Response:
    """POST multipart `file` to ?format=docx|pdf|html: the report's file, or 422 with the check's JSON."""
    fmt = request.query_params.get("format", "docx")
    if fmt not in work.FORMATS:
        raise Problem(400, "bad-format", "format 应为 docx、pdf 或 html。")
    if fmt == "pdf" and not server_of(request).libreoffice:
        raise Problem(503, "no-libreoffice", "服务器没有安装 LibreOffice，不能生成 PDF。")
    async with uploads(request, csrf=False) as received:
        built = await job(
            request, work.build_file, str(received["file"].path), fmt, county_template(request), seconds=300
        )
    if built.data is None:
        return Response(work.check_json_text(built.result), status_code=422, media_type=JSON)
    return download(built.data, built.name, work.MEDIA_TYPES[work.FORMATS[fmt]])


ROUTES = [
    Route("/api/check", api_check, methods=["POST"]),
    Route("/api/build", api_build, methods=["POST"]),
]
