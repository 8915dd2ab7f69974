"""The county office's pages (behind its login) and each unit's private submission page.

A unit's link carries an unguessable token: it submits for that unit only and lists that unit's
submissions only. Every file a unit sends is kept (a new file, never a replacement) with its time and the
outcome of its check; the county sees the latest per unit, who has not reported, and downloads the built
reports, the summary, the roll-up and each unit's 退回意见.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..county.outcome import CANNOT_READ, HAS_ERRORS, NOT_SENT
from ..county.roster import is_unit
from ..errors import NianbaoError
from ..formats.sniff import InputFormat
from ..schema import AGENCY_TYPES
from . import security, work
from .http import (
    SESSION_COOKIE,
    LoginRequired,
    Problem,
    checked_form,
    county_template,
    download,
    job,
    page,
    server_of,
    set_cookie,
    text_field,
    uploads,
)
from .store import PASSED, DuplicateUnit, Received, Submission, Unit

LOGIN_LIMIT, LOGIN_WINDOW_MINUTES = 10, 15
SUFFIXES = {
    InputFormat.XLSX: ".xlsx",
    InputFormat.JSON: ".json",
    InputFormat.DOCX: ".docx",
    InputFormat.HTML: ".html",
    InputFormat.PDF: ".pdf",
}
# a fixed hash to check against when the user name is unknown: the answer takes as long either way
_DUMMY_HASH = security.hash_password("nianbao-dummy-password")


# --- the session ---------------------------------------------------------------------------------------


async def account_of(request: Request) -> int | None:
    """The county account of this browser's session, or None."""
    server = server_of(request)
    signed = request.cookies.get(SESSION_COOKIE, "")
    token = security.unsign(server.secret, signed) if signed else None
    account = await run_in_threadpool(server.store.session_account, token) if token else None
    request.scope["nianbao_account"] = account
    return account


async def require_login(request: Request) -> int:
    """The logged-in account; otherwise LoginRequired (a redirect to the login page)."""
    account = await account_of(request)
    if account is None:
        raise LoginRequired
    return account


async def _start_session(request: Request, account: int) -> Response:
    server = server_of(request)
    token = await run_in_threadpool(server.store.open_session, account)
    response = RedirectResponse("/county", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, security.sign(server.secret, token), max_age=12 * 3600)
    return response


async def setup(request: Request) -> Response:
    """First start: the one-time link printed by `nianbao serve` sets the county account's password."""
    store = server_of(request).store
    if await run_in_threadpool(store.has_account):
        return page(request, "county/setup.html", done=True)
    expected = await run_in_threadpool(store.setting, "setup_token_hash")
    given = security.token_hash(request.path_params["token"])
    if not expected or not hmac.compare_digest(given, expected):
        raise Problem(404, "http-404", "设置链接无效或已用过。请查看 nianbao serve 启动时显示的链接。")
    if request.method == "GET":
        return page(request, "county/setup.html", done=False, error="", username="admin", county="")
    form = await checked_form(request)
    username, county = text_field(form, "username", 40), text_field(form, "county", 60)
    password, confirmation = str(form.get("password") or ""), str(form.get("confirm") or "")
    await form.close()
    error = "请填写用户名。" if not username else security.password_problem(password, confirmation)
    if error:
        return page(request, "county/setup.html", 400, done=False, error=error, username=username, county=county)
    hashed = await run_in_threadpool(security.hash_password, password)
    try:
        account = await run_in_threadpool(store.create_account, username, hashed)
    except NianbaoError:
        return page(request, "county/setup.html", 409, done=True)
    await run_in_threadpool(store.set_setting, "county", county or "汇总")
    return await _start_session(request, account)


async def login(request: Request) -> Response:
    """The county's login form; too many failures in a while and it waits."""
    store = server_of(request).store
    if request.method == "GET":
        if await account_of(request) is not None:
            return RedirectResponse("/county", status_code=303)
        return page(request, "county/login.html", error="", username="")
    form = await checked_form(request)
    username, password = text_field(form, "username", 40), str(form.get("password") or "")
    await form.close()
    if await run_in_threadpool(store.recent_failures, LOGIN_WINDOW_MINUTES) >= LOGIN_LIMIT:
        message = f"登录失败次数过多，请 {LOGIN_WINDOW_MINUTES} 分钟后再试。"
        return page(request, "county/login.html", 429, error=message, username=username)
    found = await run_in_threadpool(store.account, username)
    valid = await run_in_threadpool(security.verify_password, password, found[1] if found else _DUMMY_HASH)
    if found is None or not valid:
        await run_in_threadpool(store.failed_login)
        return page(request, "county/login.html", 401, error="用户名或密码不正确。", username=username)
    return await _start_session(request, found[0])


async def logout(request: Request) -> Response:
    """End the session."""
    server = server_of(request)
    form = await checked_form(request)
    await form.close()
    token = security.unsign(server.secret, request.cookies.get(SESSION_COOKIE, ""))
    if token:
        await run_in_threadpool(server.store.close_session, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- the roster and the submissions ----------------------------------------------------------------------


def submission_link(request: Request, unit: Unit) -> str:
    """The unit's private page, as an address to send it."""
    return str(request.url_for("submit", token=unit.token))


async def dashboard(request: Request) -> Response:
    """The roster: each unit's latest status, its link, who has not reported; the downloads."""
    await require_login(request)
    store = server_of(request).store
    units, latest, counts = await run_in_threadpool(lambda: (store.units(), store.latest(), store.counts()))
    rows = [(unit, latest.get(unit.id), counts.get(unit.id, 0), submission_link(request, unit)) for unit in units]
    tally = dict.fromkeys((PASSED, HAS_ERRORS, CANNOT_READ, NOT_SENT), 0)
    for _, submission, _, _ in rows:
        tally[submission.check.status if submission else NOT_SENT] += 1
    missing = [unit.name for unit, submission, _, _ in rows if submission is None]
    county = await run_in_threadpool(store.setting, "county", "汇总")
    return page(
        request,
        "county/dashboard.html",
        rows=rows,
        tally=tally,
        missing=missing,
        county=county,
        kinds=AGENCY_TYPES,
        message=request.query_params.get("message", "")[:200],
    )


async def add_units(request: Request) -> Response:
    """Put units on the roster: one name a line; a unit already there (by its normalised name) is skipped."""
    await require_login(request)
    store = server_of(request).store
    form = await checked_form(request)
    names = [line.strip() for line in text_field(form, "names", 20000).splitlines() if line.strip()]
    kind, contact = text_field(form, "kind", 40), text_field(form, "contact", 100)
    await form.close()
    if kind and kind not in AGENCY_TYPES:
        raise Problem(400, "bad-kind", "机关类型不在可选范围内。")
    added, skipped = [], []
    for name in names:
        if len(name) > 100:
            skipped.append(f"“{name[:20]}…”名称过长")
            continue
        try:
            unit = await run_in_threadpool(store.add_unit, name, kind, contact)
            added.append(unit.name)
        except DuplicateUnit as exc:
            skipped.append(exc.message)
    message = f"已添加 {len(added)} 个单位。" + "".join(skipped) if names else "请填写单位名称。"
    return RedirectResponse(request.url_for("dashboard").include_query_params(message=message), status_code=303)


async def _unit(request: Request) -> Unit:
    unit = await run_in_threadpool(server_of(request).store.unit, int(request.path_params["unit"]))
    if unit is None:
        raise Problem(404, "http-404", "找不到这个单位。")
    return unit


async def unit_page(request: Request) -> Response:
    """A unit: its link and every file it sent, newest first."""
    await require_login(request)
    unit = await _unit(request)
    submissions = await run_in_threadpool(server_of(request).store.submissions_of, unit.id)
    return page(
        request,
        "county/unit.html",
        unit=unit,
        link=submission_link(request, unit),
        submissions=submissions,
        mismatch={s.id: _mismatch(s, unit) for s in submissions},
    )


def _mismatch(submission: Submission, unit: Unit) -> bool:
    """The file names another agency than the unit that sent it (sent by mistake?)."""
    return bool(submission.check.agency) and not is_unit(submission.check.agency, unit.name)


async def renew_link(request: Request) -> Response:
    """A new link for a unit (the old one stops working): when a link went to the wrong person."""
    await require_login(request)
    form = await checked_form(request)
    await form.close()
    unit = await _unit(request)
    await run_in_threadpool(server_of(request).store.renew_token, unit.id)
    return RedirectResponse(request.url_for("unit", unit=unit.id), status_code=303)


async def _submission(request: Request) -> tuple[Submission, Unit]:
    store = server_of(request).store
    submission = await run_in_threadpool(store.submission, int(request.path_params["submission"]))
    unit = await run_in_threadpool(store.unit, submission.unit_id) if submission else None
    if submission is None or unit is None:
        raise Problem(404, "http-404", "找不到这份报送。")
    return submission, unit


async def _result_page(request: Request, submission: Submission, unit: Unit, template: str, **context: Any) -> Response:
    """A stored submission checked again and shown as the clerk's page shows a check."""
    path = server_of(request).store.file_of(submission)
    try:
        outcome = await job(request, work.check_file, str(path))
    except Problem as problem:
        return page(request, template, unit=unit, submission=submission, view=None, problem=problem, **context)
    return page(request, template, unit=unit, submission=submission, view=outcome.page, problem=None, **context)


async def submission_page(request: Request) -> Response:
    """One submission, as checked."""
    await require_login(request)
    submission, unit = await _submission(request)
    return await _result_page(request, submission, unit, "county/submission.html")


async def submission_file(request: Request) -> Response:
    """The file exactly as the unit sent it."""
    await require_login(request)
    submission, _ = await _submission(request)
    data = await run_in_threadpool(server_of(request).store.file_of(submission).read_bytes)
    suffix = Path(submission.stored).suffix
    return download(data, submission.file_name, work.MEDIA_TYPES.get(suffix, "application/octet-stream"))


async def _review(request: Request, submission: Submission, unit: Unit) -> Response:
    suffix = "." + request.path_params["fmt"]
    if suffix not in (".docx", ".txt"):
        raise Problem(404, "http-404", "找不到这个页面。")
    path = server_of(request).store.file_of(submission)
    data, name = await job(
        request, work.review_files, unit.name, str(path), submission.file_name, submission.received_at, suffix
    )
    return download(data, name, work.MEDIA_TYPES[suffix])


async def submission_review(request: Request) -> Response:
    """The 退回意见 of one submission."""
    await require_login(request)
    submission, unit = await _submission(request)
    return await _review(request, submission, unit)


async def unit_review(request: Request) -> Response:
    """The 退回意见 of a unit's latest submission."""
    await require_login(request)
    unit = await _unit(request)
    submissions = await run_in_threadpool(server_of(request).store.submissions_of, unit.id)
    if not submissions:
        raise Problem(404, "not-submitted", f"“{unit.name}”还没有报送。")
    return await _review(request, submissions[0], unit)


# --- the county's downloads ------------------------------------------------------------------------------


async def _latest(request: Request) -> list[work.Latest]:
    store = server_of(request).store
    units, latest = await run_in_threadpool(lambda: (store.units(), store.latest()))
    return [
        work.Latest(unit.name, str(store.file_of(latest[unit.id])), latest[unit.id].file_name, unit.kind, unit.contact)
        if unit.id in latest
        else work.Latest(unit.name, agency_type=unit.kind, contact=unit.contact)
        for unit in units
    ]


async def export_reports(request: Request) -> Response:
    """Every unit's latest clean report (DOCX and HTML), an index page and 汇总.xlsx, in one zip."""
    await require_login(request)
    latest = await _latest(request)
    data = await job(request, work.reports_zip, latest, county_template(request), seconds=900)
    return download(data, "全部报告.zip", work.MEDIA_TYPES[".zip"])


async def export_summary(request: Request) -> Response:
    """汇总.xlsx: one row per unit, its latest submission as reports.zip has it; 未报送 units too."""
    await require_login(request)
    data = await job(request, work.summary_workbook, await _latest(request), county_template(request), seconds=900)
    return download(data, "汇总.xlsx", work.MEDIA_TYPES[".xlsx"])


async def export_rollup(request: Request) -> Response:
    """The county's figures: the latest valid reports of one year added up (明细, 未计入, 分析)."""
    await require_login(request)
    county = await run_in_threadpool(server_of(request).store.setting, "county", "汇总")
    rolled = await job(request, work.rollup_workbook, await _latest(request), county, seconds=600)
    if rolled.data is None:
        return page(request, "county/rollup.html", 409, rolled=rolled)
    return download(rolled.data, f"{county}{rolled.year or ''}年汇总.xlsx", work.MEDIA_TYPES[".xlsx"])


# --- settings: the county's name and its Word template ----------------------------------------------------


async def settings(request: Request) -> Response:
    """The county's name (for the roll-up) and its Word template."""
    await require_login(request)
    store = server_of(request).store
    if request.method == "POST":
        form = await checked_form(request)
        county = text_field(form, "county", 60)
        await form.close()
        await run_in_threadpool(store.set_setting, "county", county or "汇总")
        return RedirectResponse(request.url_for("settings"), status_code=303)
    return await _settings_page(request)


async def _settings_page(request: Request, status: int = 200, lint: object = None) -> Response:
    store = server_of(request).store
    county, template = await run_in_threadpool(
        lambda: (store.setting("county", "汇总"), store.setting("template_name"))
    )
    return page(request, "county/settings.html", status, county=county, template=template, lint=lint)


async def upload_template(request: Request) -> Response:
    """A Word template for every report this server builds: checked in the sandbox first, refused with its
    problems when it has errors. Only the county account can set it."""
    await require_login(request)
    store = server_of(request).store
    async with uploads(request) as received:
        upload = received["file"]
        if upload.input_format is not InputFormat.DOCX:
            raise Problem(415, "not-a-template", "模板应为 Word 文档（.docx）。")
        result = await job(request, work.lint_template, str(upload.path), seconds=120)
        if not result.ok:
            return await _settings_page(request, 422, lint=work.page_notes(result))
        data = upload.data
        name = f"{security.digest(data)}.docx"
        await run_in_threadpool((store.templates / name).write_bytes, data)
        await run_in_threadpool(store.set_setting, "template", name)
        await run_in_threadpool(store.set_setting, "template_name", upload.name)
    return RedirectResponse(request.url_for("settings"), status_code=303)


async def remove_template(request: Request) -> Response:
    """Back to the default template."""
    await require_login(request)
    form = await checked_form(request)
    await form.close()
    store = server_of(request).store
    await run_in_threadpool(store.set_setting, "template", None)
    await run_in_threadpool(store.set_setting, "template_name", None)
    return RedirectResponse(request.url_for("settings"), status_code=303)


# --- a unit's own page --------------------------------------------------------------------------------


async def _unit_of_token(request: Request) -> Unit:
    """The unit whose link this is; an unknown token is an ordinary 404, whatever it looks like."""
    unit = await run_in_threadpool(server_of(request).store.unit_by_token, request.path_params["token"])
    if unit is None:
        raise Problem(404, "http-404", "找不到这个页面。报送链接可能已更换，请向县政务公开办索取新链接。")
    return unit


async def submit(request: Request) -> Response:
    """The unit's page: send this year's report; its own submissions, newest first."""
    unit = await _unit_of_token(request)
    store = server_of(request).store
    if request.method == "GET":
        submissions = await run_in_threadpool(store.submissions_of, unit.id)
        return page(request, "submit.html", unit=unit, submissions=submissions, token=request.path_params["token"])
    async with uploads(request) as received:
        upload = received["file"]
        try:
            outcome = await job(request, work.check_file, str(upload.path))
            outcome_received = Received(
                PASSED if outcome.result.ok else HAS_ERRORS,
                len(outcome.result.errors),
                len(outcome.result.warnings),
                outcome.page.agency,
                outcome.page.year,
                work.check_json_text(outcome.result),
            )
        except Problem as problem:  # a file of the right kind that cannot be read is kept and shown as such
            if problem.status == 415:
                raise
            message = work.unreadable_json(problem.message)
            outcome_received = Received(CANNOT_READ, 1, 0, "", None, message)
        submission = await run_in_threadpool(
            store.add_submission, unit.id, upload.name, upload.data, SUFFIXES[upload.input_format], outcome_received
        )
    target = request.url_for("submitted", token=request.path_params["token"], submission=submission.id)
    return RedirectResponse(target, status_code=303)


async def submitted(request: Request) -> Response:
    """One of the unit's own submissions, as checked; another unit's is not found."""
    unit = await _unit_of_token(request)
    submission, owner = await _submission(request)
    if owner.id != unit.id:
        raise Problem(404, "http-404", "找不到这份报送。")
    mismatch = _mismatch(submission, unit)
    token = request.path_params["token"]
    return await _result_page(request, submission, unit, "submitted.html", token=token, mismatch=mismatch)


ROUTES = [
    Route("/county/setup/{token}", setup, methods=["GET", "POST"]),
    Route("/county/login", login, methods=["GET", "POST"]),
    Route("/county/logout", logout, methods=["POST"]),
    Route("/county", dashboard, name="dashboard"),
    Route("/county/units", add_units, methods=["POST"]),
    Route("/county/units/{unit:int}", unit_page, name="unit"),
    Route("/county/units/{unit:int}/link", renew_link, methods=["POST"]),
    Route("/county/units/{unit:int}/review.{fmt}", unit_review),
    Route("/county/submissions/{submission:int}", submission_page),
    Route("/county/submissions/{submission:int}/file", submission_file),
    Route("/county/submissions/{submission:int}/review.{fmt}", submission_review),
    Route("/county/export/reports.zip", export_reports),
    Route("/county/export/summary.xlsx", export_summary),
    Route("/county/export/rollup.xlsx", export_rollup),
    Route("/county/settings", settings, methods=["GET", "POST"], name="settings"),
    Route("/county/template", upload_template, methods=["POST"]),
    Route("/county/template/remove", remove_template, methods=["POST"]),
    Route("/submit/{token}", submit, methods=["GET", "POST"], name="submit"),
    Route("/submit/{token}/{submission:int}", submitted, name="submitted"),
]
