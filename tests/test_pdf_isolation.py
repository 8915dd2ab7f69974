"""LibreOffice makes the PDF with no network: a document that links an image on a server fetches nothing."""

from __future__ import annotations

import http.server
import io
import os
import shutil
import socketserver
import threading
import zipfile
from collections.abc import Iterator

import pytest
from docx import Document

from generator.publish import build

REQUIRED = os.environ.get("NIANBAO_REQUIRE_LIBREOFFICE") == "1"
pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None and not REQUIRED, reason="LibreOffice (soffice) is not installed"
)
PICTURE = (
    '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
    '<wp:extent cx="914400" cy="914400"/><wp:docPr id="9" name="p"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:nvPicPr><pic:cNvPr id="9" name="p"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
    '<a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:link="rIdX"/>'
    '<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
    '<a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic>'
    "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)


@pytest.fixture
def server() -> Iterator[tuple[int, list[str]]]:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with socketserver.TCPServer(("127.0.0.1", 0), Handler) as running:
        threading.Thread(target=running.serve_forever, daemon=True).start()
        yield running.server_address[1], hits
        running.shutdown()


def linked_picture_document(port: int) -> bytes:
    """A DOCX whose picture is linked to a web address instead of embedded."""
    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("外部图片")
    document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    link = (
        '<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        f'Target="http://127.0.0.1:{port}/logo.png" TargetMode="External"/></Relationships>'
    )
    rels = "word/_rels/document.xml.rels"
    parts[rels] = parts[rels].decode().replace("</Relationships>", link).encode()
    body = "word/document.xml"
    parts[body] = parts[body].decode().replace("<w:sectPr", PICTURE + "<w:sectPr", 1).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_libreoffice_fetches_nothing(server: tuple[int, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    port, hits = server
    if not build.without_network():
        pytest.skip("this system does not allow a network namespace (unshare)")
    document = linked_picture_document(port)
    assert build.docx_to_pdf(document, "x.docx").startswith(b"%PDF")
    assert hits == []
    monkeypatch.setattr(build, "without_network", lambda: ())  # the same conversion with the network: it fetches
    build.docx_to_pdf(document, "x.docx")
    assert hits
