"""The clerk's page: the blank workbook, a check with every problem shown at its cell, the report's files.

Nothing uploaded is kept: the check answers from a private folder removed with the response; the
download buttons send back the checked JSON document, which is checked again and built.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import work
from .http import Problem, checked_form, county_template, download, job, page, server_of, text_field, uploads


async def index(request: Request) -> Response:
    """The page: download the workbook, upload it to check."""
    return page(request, "index.html")


async def blank(request: Request) -> Response:
    """The blank standard workbook (made once per server)."""
    server = server_of(request)
    if server.blank is None:
        server.blank = await job(request, work.blank_workbook)
    return download(server.blank, "年报标准工作簿.xlsx", work.MEDIA_TYPES[".xlsx"])


async def check(request: Request) -> Response:
    """Check an uploaded workbook, JSON or published report (and last year's, when given): the result page."""
    async with uploads(request, optional=("previous",)) as received:
        previous = received.get("previous")
        outcome = await job(
            request, work.check_file, str(received["file"].path), str(previous.path) if previous else None
        )
    return page(request, "result.html", view=outcome.page, document=outcome.document, action="/check")


async def build(request: Request) -> Response:
    """The report of a checked document (sent back by the result page) as DOCX, PDF or HTML."""
    form = await checked_form(request)
    fmt = text_field(form, "format")
    document = form.get("document")
    await form.close()
    if fmt not in work.FORMATS or not isinstance(document, str) or not document.strip():
        raise Problem(400, "bad-request", "请先上传并检查年报，再下载报告。")
    if fmt == "pdf" and not server_of(request).libreoffice:
        raise Problem(503, "no-libreoffice", "服务器没有安装 LibreOffice，不能生成 PDF；请下载 Word 版。")
    folder = Path(tempfile.mkdtemp(prefix="build-", dir=server_of(request).store.temporary))
    try:
        path = folder / "年报.json"
        await run_in_threadpool(path.write_text, document, "utf-8")
        built = await job(request, work.build_file, str(path), fmt, county_template(request), seconds=300)
    finally:
        await run_in_threadpool(_remove, folder)
    if built.data is None:
        raise Problem(422, "has-errors", "数据有错误，未生成报告：请重新上传并检查。")
    return download(built.data, built.name, work.MEDIA_TYPES[work.FORMATS[fmt]])


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


ROUTES = [
    Route("/", index),
    Route("/blank.xlsx", blank),
    Route("/check", check, methods=["POST"]),
    Route("/build", build, methods=["POST"]),
]
