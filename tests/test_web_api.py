"""The JSON API answers what the command line prints: /api/check is `check --json`, /api/build the report or
422 with the check; errors are JSON with 400/413/415/500, never a traceback."""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import ROOT
from click.testing import CliRunner
from starlette.testclient import TestClient
from web_support import client_for

from generator.cli import cli
from generator.formats.sniff import OLE2_MAGIC

SEED = ROOT / "inputs" / "seed.xlsx"
PRINTED = ROOT / "inputs" / "seed-as-printed.xlsx"
PRINTED_JSON = ROOT / "inputs" / "seed-as-printed.json"
SEED_DOCX = ROOT / "samples" / "seed.docx"
LIMIT = 256 * 1024  # a small body limit for this module: 413 without sending megabytes


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with client_for(tmp_path_factory.mktemp("data"), max_body=LIMIT) as client:
        yield client


def cli_output(*args: str) -> str:
    return CliRunner().invoke(cli, list(args)).stdout


def post(client: TestClient, path: str, *files: tuple[str, Path], **params: str) -> object:
    return client.post(path, params=params, files={field: (p.name, p.read_bytes()) for field, p in files})


@pytest.mark.parametrize("source", [PRINTED, PRINTED_JSON, SEED, SEED_DOCX], ids=lambda p: p.name)
def test_check_answers_exactly_what_the_command_line_prints(client: TestClient, source: Path) -> None:
    answer = post(client, "/api/check", ("file", source))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.text == cli_output("check", str(source), "--json")


@pytest.mark.parametrize("name", ["某" * 150 + "人民政府年报.xlsx", "../../a\\b:c.xlsx", "\x7f.xlsx", "无后缀"])
def test_any_uploaded_file_name_is_checked(client: TestClient, name: str) -> None:
    """A long Chinese name (over the 255 bytes a file name may have), a path, a control character: the file is
    checked all the same."""
    answer = client.post("/api/check", files={"file": (name, SEED.read_bytes())})
    assert answer.status_code == 200, answer.text
    assert answer.json()["ok"] is True


def test_check_with_last_years_report(client: TestClient, tmp_path: Path) -> None:
    previous = tmp_path / "上年.json"
    document = json.loads(PRINTED_JSON.read_text("utf-8"))
    document["year"] -= 1
    document["requests"]["carried_forward"]["natural_person"] = 5
    previous.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    answer = post(client, "/api/check", ("file", SEED), ("previous", previous))
    assert answer.text == cli_output("check", str(SEED), "--previous", str(previous), "--json")
    assert "carried-over-mismatch" in {issue["code"] for issue in answer.json()["errors"]}


def test_build_answers_the_report(client: TestClient) -> None:
    from docx import Document

    answer = post(client, "/api/build", ("file", SEED), format="docx")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    assert "filename*=UTF-8''%E6%96%B0%E7%BB%9B" in answer.headers["content-disposition"]  # 新绛…, as build names it
    text = "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert "新绛县三泉镇人民政府" in text
    page = post(client, "/api/build", ("file", SEED), format="html")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<article" in page.text


def test_build_with_errors_is_422_with_the_check(client: TestClient) -> None:
    answer = post(client, "/api/build", ("file", PRINTED), format="docx")
    assert answer.status_code == 422
    assert answer.text == cli_output("check", str(PRINTED), "--json")


@pytest.mark.skipif(
    shutil.which("soffice") is None and os.environ.get("NIANBAO_REQUIRE_LIBREOFFICE") != "1",
    reason="LibreOffice missing",
)
def test_build_pdf(client: TestClient) -> None:
    answer = post(client, "/api/build", ("file", SEED), format="pdf")
    assert answer.status_code == 200
    assert answer.content.startswith(b"%PDF")


def error_of(answer: object) -> tuple[int, str]:
    assert answer.headers["content-type"].startswith("application/json"), answer.text  # type: ignore[attr-defined]
    assert "Traceback" not in answer.text  # type: ignore[attr-defined]
    body = answer.json()  # type: ignore[attr-defined]
    assert body["message"]  # a Chinese sentence for a person
    return answer.status_code, body["error"]  # type: ignore[attr-defined]


def test_bad_requests_are_400(client: TestClient) -> None:
    assert error_of(client.post("/api/check", files={"other": ("a.xlsx", b"x")})) == (400, "no-file")
    assert error_of(post(client, "/api/build", ("file", SEED), format="odt")) == (400, "bad-format")
    assert error_of(client.post("/api/check", files={"file": ("a.xlsx", b"")})) == (400, "empty-file")
    broken = b"PK\x03\x04" + b"\x00" * 200  # looks like a workbook, is not a zip
    assert error_of(client.post("/api/check", files={"file": ("a.xlsx", broken)})) == (400, "unreadable-file")
    renamed = client.post("/api/check", files={"file": ("年报.xlsx", "这是一段文字".encode())})  # a workbook, it says
    assert error_of(renamed) == (400, "unreadable-file")


def test_what_is_not_a_report_is_415_before_any_parsing(client: TestClient) -> None:
    assert error_of(client.post("/api/check", content=b"{}", headers={"content-type": "application/json"})) == (
        415,
        "unsupported-media-type",
    )
    text = client.post("/api/check", files={"file": ("年报.txt", "这是一段文字".encode())})
    assert error_of(text) == (415, "unsupported-file")
    image = client.post("/api/check", files={"file": ("年报.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)})
    assert error_of(image) == (415, "unsupported-file")
    old = client.post("/api/check", files={"file": ("年报.xls", OLE2_MAGIC + b"\x00" * 600)})
    assert error_of(old) == (415, "unsupported-file")
    assert ".xlsx" in old.json()["message"]  # it says what to save it as


def test_too_large_is_413_before_the_body_is_read(client: TestClient) -> None:
    big = b"PK\x03\x04" + b"\x00" * (LIMIT + 1)
    assert error_of(client.post("/api/check", files={"file": ("big.xlsx", big)})) == (413, "too-large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused once the count passes the limit
        yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\n'
        for _ in range(LIMIT // 1024 + 2):
            yield b"\x00" * 1024

    answer = client.post("/api/check", content=chunks(), headers={"content-type": "multipart/form-data; boundary=x"})
    assert error_of(answer) == (413, "too-large")


def test_an_unexpected_failure_is_json_500_without_a_traceback(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.web import api

    async def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(api, "job", broken)
    answer = post(client, "/api/check", ("file", SEED))
    assert error_of(answer) == (500, "internal-error")
    assert "secret internals" not in answer.text


def test_unknown_paths_and_methods_are_json_errors(client: TestClient) -> None:
    assert error_of(client.get("/api/nothing")) == (404, "http-404")
    assert error_of(client.get("/api/check")) == (405, "http-405")


def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body() -> None:
    import asyncio

    from generator.web.middleware import BodyLimit

    reached, reads, sent = [], [], []

    async def app(scope: object, receive: object, send: object) -> None:
        reached.append(scope)

    async def receive() -> dict[str, object]:
        reads.append(1)
        return {"type": "http.request", "body": b"x", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "path": "/api/check", "headers": [(b"content-length", str(LIMIT + 1).encode())]}
    asyncio.run(BodyLimit(app, limit=LIMIT)(scope, receive, send))  # type: ignore[arg-type]  # a bare ASGI call
    assert reached == []
    assert reads == []
    assert sent[0]["status"] == 413
