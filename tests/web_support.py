"""Shared helpers of the web tests: an application over a fresh data folder, forms with their CSRF token,
the county account set up and logged in."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from generator.web.app import create_app

PASSWORD = "correct horse battery"


def module_client() -> Any:
    """A fixture for a test module: one application over its own data folder (`data_of`)."""

    @pytest.fixture(scope="module")
    def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
        with client_for(tmp_path_factory.mktemp("data")) as client:
            yield client

    return client


def data_of(client: TestClient) -> Path:
    """The data folder of the client's application."""
    folder: Path = client.app.state.server.store.folder  # type: ignore[attr-defined]  # Starlette's app
    return folder


@contextmanager
def client_for(data: Path, **options: object) -> Iterator[TestClient]:
    """A test client of an application over `data` (one worker process), its lifespan running."""
    app = create_app(data, workers=1, **options)  # type: ignore[arg-type]  # options are create_app's keywords
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def csrf_of(client: TestClient, path: str = "/") -> str:
    """The CSRF token of the forms on a page (the page also sets the browser's cookie)."""
    page = client.get(path)
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def upload(client: TestClient, path: str, file: Path | tuple[str, bytes], **fields: str) -> object:
    """POST a file as a form from the site's own page (with this browser's CSRF token)."""
    name, data = (file.name, file.read_bytes()) if isinstance(file, Path) else file
    return client.post(path, data={"csrf": csrf_of(client), **fields}, files={"file": (name, data)})


def hidden(page: str, name: str) -> str:
    """The value of a hidden input of a page."""
    match = re.search(rf'name="{name}" value="([^"]*)"', page, re.S)
    assert match, name
    return html.unescape(match.group(1))


def set_up_county(client: TestClient, county: str = "某某县") -> None:
    """The first start: the setup link sets the county account, which is then logged in."""
    token = client.app.state.server.store.new_setup_token()  # type: ignore[attr-defined]  # Starlette's app
    form = {"csrf": csrf_of(client), "username": "admin", "password": PASSWORD, "confirm": PASSWORD, "county": county}
    answer = client.post(f"/county/setup/{token}", data=form)
    assert answer.status_code == 200
    assert answer.url.path == "/county"


def add_units(client: TestClient, *names: str) -> dict[str, str]:
    """Put units on the roster; their submission paths by name."""
    answer = client.post("/county/units", data={"csrf": csrf_of(client), "names": "\n".join(names)})
    assert answer.status_code == 200
    links = re.findall(
        r'<a href="/county/units/\d+">([^<]+)</a>.*?value="http://testserver(/submit/[^"]+)"', answer.text, re.S
    )
    return {html.unescape(name): path for name, path in links}
