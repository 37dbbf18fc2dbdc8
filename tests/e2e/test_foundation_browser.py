"""The public verification page as a browser shows it: headless Chromium loads it over
real HTTP, and the Arabic and French text is in the DOM it built.

Two servers: a bare http.server (the page alone), and the app's own local server with a
public route that answers JSON or, for a browser's Accept, the page.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from chalice import Blueprint, Chalice  # type: ignore[attr-defined]

from chalicelib.api import public_page
from chalicelib.api.access import PUBLIC
from chalicelib.api.http_app import assemble
from chalicelib.api.routing import Call, Reply, route
from tests.support.browser import needs_chromium, page_text
from tests.support.local_server import serving

TITLE = {"ar": "طابع إلكتروني", "fr": "Timbre électronique"}
USED = {"ar": "مستعمل", "fr": "Utilisé"}
ROWS = [({"ar": "رقم الطابع", "fr": "Numéro du timbre"}, "ET-2026-00042")]
NOTE = {"ar": "لا يمكن استعماله مرة أخرى", "fr": "Il ne peut plus être utilisé"}


def the_page() -> str:
    return public_page.render(title=TITLE, status="used", status_label=USED, rows=ROWS, note=NOTE)


@contextmanager
def page_server(html: str) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", public_page.HTML)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def assert_bilingual(dom: str) -> None:
    assert '<html lang="ar" dir="rtl">' in dom
    assert '<section lang="fr" dir="ltr">' in dom
    for text in (*TITLE.values(), *USED.values(), *NOTE.values(), "رقم الطابع"):
        assert text in dom, text
    assert "Numéro du timbre" in dom and "<bdi>ET-2026-00042</bdi>" in dom


@needs_chromium
def test_chromium_shows_the_page_in_arabic_and_french() -> None:
    with page_server(the_page()) as url:
        assert_bilingual(page_text(url))


stamps = Blueprint(__name__)


@route(
    stamps,
    "GET",
    "/public/demo-stamps/{number}",
    summary="A verification link, as the services build them",
    access=PUBLIC,
    alternates=("text/html",),
)
def verify(call: Call, number: str) -> Reply | dict[str, str]:
    if public_page.wants_html(call):
        return public_page.reply(the_page())
    return {"number": number, "status": "used"}


stamps_app = assemble(Chalice(app_name="public-page-test", configure_logs=False), stamps)


@needs_chromium
def test_a_browser_following_a_verification_link_gets_the_page(stack: Any) -> None:
    import urllib.request

    with serving(stamps_app) as base:
        url = f"{base}/public/demo-stamps/ET-2026-00042"
        assert_bilingual(page_text(url))
        with urllib.request.urlopen(url) as answer:  # noqa: S310 (no Accept header: JSON)
            assert json.loads(answer.read()) == {"number": "ET-2026-00042", "status": "used"}
