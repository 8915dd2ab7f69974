"""The server's defences, each tried: scrypt hashes, the one-time setup, signed sessions and their cookies,
CSRF on every form, login throttling, the county pages behind the login, units kept apart, no path from a
request to the disk, custom templates only from the county and checked in the sandbox, security headers,
the bounded worker pool."""

from __future__ import annotations

import asyncio
import io
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import ROOT
from starlette.testclient import TestClient
from web_support import PASSWORD, add_units, client_for, csrf_of, data_of, module_client, set_up_county, upload

from generator.web import security
from generator.web.pool import Busy, WorkFailed, WorkPool
from generator.web.store import Store

SEED = ROOT / "inputs" / "seed.xlsx"
PRINTED = ROOT / "inputs" / "seed-as-printed.xlsx"
client = module_client()


@pytest.fixture(scope="module")
def units(client: TestClient) -> dict[str, str]:
    set_up_county(client)
    return add_units(client, "甲镇人民政府", "乙镇人民政府")


def test_passwords_are_stored_as_salted_scrypt_hashes(client: TestClient, units: dict[str, str]) -> None:
    stored = Store(data_of(client)).account("admin")
    assert stored is not None
    assert stored[1].startswith(f"scrypt${security.SCRYPT_N}$8$1$")
    assert PASSWORD not in stored[1]
    assert security.verify_password(PASSWORD, stored[1])
    assert not security.verify_password(PASSWORD + "x", stored[1])
    assert security.hash_password(PASSWORD) != security.hash_password(PASSWORD)  # salted


def test_setup_link_works_once_and_weak_passwords_are_refused(tmp_path: Path) -> None:
    with client_for(tmp_path) as client:
        store = client.app.state.server.store  # type: ignore[attr-defined]
        token = store.new_setup_token()
        assert client.get("/county/setup/not-the-token").status_code == 404
        weak = {"csrf": csrf_of(client), "username": "admin", "password": "short", "confirm": "short"}
        answer = client.post(f"/county/setup/{token}", data=weak)
        assert answer.status_code == 400
        assert "至少要 10 个字符" in answer.text
        assert not store.has_account()
        set_up_county(client)
        again = {**weak, "password": "another long pass", "confirm": "another long pass"}
        client.cookies.clear()
        again["csrf"] = csrf_of(client)
        assert "已经设置好了" in client.post(f"/county/setup/{token}", data=again).text
        assert store.account("admin")[1] != security.hash_password("another long pass")
        assert not security.verify_password("another long pass", store.account("admin")[1])


COUNTY_PAGES = [
    ("GET", "/county"),
    ("GET", "/county/units/1"),
    ("GET", "/county/submissions/1"),
    ("GET", "/county/submissions/1/file"),
    ("GET", "/county/submissions/1/review.docx"),
    ("GET", "/county/units/1/review.txt"),
    ("GET", "/county/export/reports.zip"),
    ("GET", "/county/export/summary.xlsx"),
    ("GET", "/county/export/rollup.xlsx"),
    ("GET", "/county/settings"),
]


@pytest.mark.parametrize(("method", "path"), COUNTY_PAGES)
def test_county_pages_need_the_login(client: TestClient, units: dict[str, str], method: str, path: str) -> None:
    stranger = TestClient(client.app)
    answer = stranger.request(method, path, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/county/login"


def test_county_forms_need_the_login(client: TestClient, units: dict[str, str]) -> None:
    stranger = TestClient(client.app)
    csrf = csrf_of(stranger)
    for path in ("/county/units", "/county/units/1/link", "/county/template/remove", "/county/settings"):
        answer = stranger.post(path, data={"csrf": csrf, "names": "丙镇"}, follow_redirects=False)
        assert answer.status_code == 303, path
    template = stranger.post(
        "/county/template", data={"csrf": csrf}, files={"file": ("t.docx", b"x")}, follow_redirects=False
    )
    assert template.status_code == 303
    assert "丙镇" not in client.get("/county").text


def replace_cookie(client: TestClient, name: str, value: str) -> None:
    client.cookies.delete(name)
    client.cookies.set(name, value)


def session_cookie(response: object) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return next(h for h in headers if h.startswith("nianbao_session="))


def test_the_session_cookie_is_signed_httponly_and_samesite(client: TestClient, units: dict[str, str]) -> None:
    browser = TestClient(client.app)
    form = {"csrf": csrf_of(browser, "/county/login"), "username": "admin", "password": PASSWORD}
    answer = browser.post("/county/login", data=form, follow_redirects=False)
    assert answer.status_code == 303
    cookie = session_cookie(answer)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    value = browser.cookies["nianbao_session"]
    assert browser.get("/county", follow_redirects=False).status_code == 200
    token, _, signature = value.rpartition(".")
    replace_cookie(browser, "nianbao_session", f"{token}.{signature[:-2]}AA")  # altered signature
    assert browser.get("/county", follow_redirects=False).status_code == 303
    replace_cookie(browser, "nianbao_session", security.sign(b"another key", token))
    assert browser.get("/county", follow_redirects=False).status_code == 303
    replace_cookie(browser, "nianbao_session", value)
    assert browser.get("/county", follow_redirects=False).status_code == 200
    browser.post("/county/logout", data={"csrf": csrf_of(browser, "/county")})
    replace_cookie(browser, "nianbao_session", value)  # the old cookie after logout
    assert browser.get("/county", follow_redirects=False).status_code == 303


def test_every_form_needs_its_csrf_token(client: TestClient, units: dict[str, str]) -> None:
    forms = [
        "/check",
        "/build",
        "/county/units",
        "/county/logout",
        "/county/settings",
        "/county/login",
        next(iter(units.values())),
    ]
    other = TestClient(client.app)
    foreign = csrf_of(other)  # a valid token of another browser
    for path in forms:
        for token in (None, "forged", foreign):
            data = {"names": "丁镇", "username": "admin", "password": PASSWORD} | ({"csrf": token} if token else {})
            answer = client.post(path, data=data, files={"file": ("seed.xlsx", SEED.read_bytes())})
            assert answer.status_code == 403, (path, token)
            assert "表单已过期" in answer.text
    assert "丁镇" not in client.get("/county").text


def test_csrf_cookie_is_httponly_and_samesite(client: TestClient) -> None:
    fresh = TestClient(client.app)
    cookie = next(h for h in fresh.get("/").headers.get_list("set-cookie") if h.startswith("nianbao_csrf="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie


def test_logins_are_throttled(tmp_path: Path) -> None:
    with client_for(tmp_path) as client:
        set_up_county(client)
        client.cookies.clear()
        for _ in range(10):
            form = {"csrf": csrf_of(client, "/county/login"), "username": "admin", "password": "wrong password"}
            assert client.post("/county/login", data=form).status_code == 401
        form = {"csrf": csrf_of(client, "/county/login"), "username": "admin", "password": PASSWORD}
        answer = client.post("/county/login", data=form, follow_redirects=False)
        assert answer.status_code == 429  # even the right password waits
        assert "次数过多" in answer.text


def test_a_unit_submits_for_itself_and_sees_only_its_own(client: TestClient, units: dict[str, str]) -> None:
    first, second = units["甲镇人民政府"], units["乙镇人民政府"]
    mine = upload(client, first, SEED)
    theirs = upload(client, second, PRINTED)
    mine_id, theirs_id = mine.url.path.rsplit("/", 1)[1], theirs.url.path.rsplit("/", 1)[1]
    assert client.get(f"{first}/{theirs_id}").status_code == 404
    assert client.get(f"{second}/{mine_id}").status_code == 404
    assert client.get(f"{first}/{mine_id}").status_code == 200
    listing = client.get(first).text
    assert f"{first}/{mine_id}" in listing
    assert f'/{theirs_id}"' not in listing
    assert client.get("/submit/" + security.new_token()).status_code == 404
    assert client.get(first[:-1]).status_code == 404  # a token one character short


def test_a_renewed_link_replaces_the_old_one(client: TestClient, units: dict[str, str]) -> None:
    old = units["乙镇人民政府"]
    page = client.get("/county").text
    unit_id = re.search(r'<a href="/county/units/(\d+)">乙镇人民政府</a>', page).group(1)
    client.post(f"/county/units/{unit_id}/link", data={"csrf": csrf_of(client)})
    assert client.get(old).status_code == 404
    new = re.search(r'value="http://testserver(/submit/[^"]+)"', client.get(f"/county/units/{unit_id}").text).group(1)
    assert new != old
    assert client.get(new).status_code == 200


def test_uploaded_names_never_reach_the_disk_as_paths(client: TestClient, units: dict[str, str]) -> None:
    data = data_of(client)
    for name in ("../../evil.xlsx", "..\\..\\evil.xlsx", "/etc/evil.xlsx", "a\x00b.xlsx"):
        answer = upload(client, units["甲镇人民政府"], (name, SEED.read_bytes()))
        assert answer.status_code == 200
    assert not (data.parent / "evil.xlsx").exists()
    assert not list(data.parent.glob("**/evil.xlsx"))
    stored = [p.name for p in (data / "submissions").rglob("*") if p.is_file()]
    assert stored
    assert all(re.fullmatch(r"\d+-[0-9a-f]{8}\.(xlsx|json|docx|html|pdf)", name) for name in stored)
    page = client.get("/county/units/1").text
    assert "evil.xlsx" in page  # the name is shown as given, made safe
    assert "../" not in page


@pytest.mark.parametrize(
    "path", ["/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/site.css.bak", "/static/"]
)
def test_static_files_come_from_a_fixed_list(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert "create_app" not in answer.text


def test_security_headers_on_every_response(client: TestClient) -> None:
    responses = [
        client.get("/"),
        client.get("/static/site.css"),
        client.get("/nothing"),
        client.post("/api/check", files={"file": ("x.txt", b"x")}),
        upload(client, "/check", PRINTED),
    ]
    for answer in responses:
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"


def test_pages_load_nothing_from_outside_and_run_no_inline_script(client: TestClient, units: dict[str, str]) -> None:
    pages = [client.get("/").text, upload(client, "/check", PRINTED).text, client.get("/county").text]
    pages.append(client.get(units["甲镇人民政府"]).text)
    for page in pages:
        assert not re.search(r'(src|href)="(https?:)?//', page)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # every script is a file of this server
        assert not re.search(r"<[^>]+\son[a-z]+=", page)  # no inline event handlers
        assert "style=" not in page


UNSAFE_TEMPLATE = "{{ ''.__class__.__mro__ }}"


def template_with(text: str, tmp_path: Path) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("{{ agency }}")
    document.add_paragraph(text)
    path = tmp_path / "模板.docx"
    document.save(path)
    return path.read_bytes()


def test_custom_templates_only_from_the_county_and_checked_in_the_sandbox(
    client: TestClient, units: dict[str, str], tmp_path: Path
) -> None:
    unsafe = template_with(UNSAFE_TEMPLATE, tmp_path)
    answer = upload(client, "/county/template", ("红头.docx", unsafe))
    assert answer.status_code == 422
    assert "模板试图访问 Python 内部对象" in answer.text
    assert "内置的默认模板" in answer.text
    house = template_with("本县格式 {{ year }}", tmp_path)
    answer = upload(client, "/county/template", ("本县格式.docx", house))
    assert answer.status_code == 200
    assert "现在使用：本县格式.docx" in answer.text
    api = client.post("/api/build", files={"file": ("seed.xlsx", SEED.read_bytes()), "template": ("t.docx", unsafe)})
    assert api.status_code == 200  # a template sent by anyone else is ignored; the county's is used
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(api.content)).paragraphs)
    assert "本县格式 2021" in text
    assert "__mro__" not in text
    client.post("/county/template/remove", data={"csrf": csrf_of(client)})
    assert "内置的默认模板" in client.get("/county/settings").text


# --- the worker pool -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkPool]:
    pool = WorkPool(1, waiting=1)
    yield pool
    pool.close()


def test_a_full_queue_turns_requests_away_at_once(pool: WorkPool) -> None:
    async def three() -> list[object]:
        jobs = [pool.run(time.sleep, 1.0), pool.run(time.sleep, 0), pool.run(time.sleep, 0)]
        return await asyncio.gather(*jobs, return_exceptions=True)

    started = time.perf_counter()
    outcomes = asyncio.run(three())
    assert [type(o) for o in outcomes] == [type(None), type(None), Busy]  # 1 running + 1 waiting; the third: busy
    assert time.perf_counter() - started < 10


def test_a_worker_that_dies_fails_its_own_job_only(pool: WorkPool) -> None:
    with pytest.raises(WorkFailed):
        asyncio.run(pool.run(os._exit, 3))
    assert asyncio.run(pool.run(os.getpid)) > 0  # a new worker took its place


def test_a_job_past_its_deadline_fails(pool: WorkPool) -> None:
    with pytest.raises(WorkFailed, match="超过"):
        asyncio.run(pool.run(time.sleep, 2, seconds=0.2))
