"""The server's own stylesheet and script, from a fixed list: no request names a file on disk."""

from __future__ import annotations

from importlib import resources

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

FILES = {
    "site.css": "text/css; charset=utf-8",
    "site.js": "text/javascript; charset=utf-8",
}


def _read(name: str) -> bytes:
    return (resources.files("generator.web") / "static" / name).read_bytes()


CONTENT = {name: _read(name) for name in FILES}


async def static_file(request: Request) -> Response:
    """One of the listed files, cached for a day; anything else is 404."""
    name = request.path_params["name"]
    if name not in FILES:
        raise HTTPException(404)
    return Response(CONTENT[name], media_type=FILES[name], headers={"Cache-Control": "public, max-age=86400"})


ROUTES = [Route("/static/{name}", static_file)]
