"""Fixtures for the browser tests: the demo page, and the shared servers allowing it.

The demo page is served from web/ on a free port; Rasa is started with `--cors` for exactly
that page's origin, so every test also exercises CORS the way a clinic's website would.
Debian's Chromium (`browser`) is in tests/conftest.py, shared with tests/security/.
"""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from devtools.servers import ROOT

WEB = ROOT / "web"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


@pytest.fixture(scope="session")
def web_root(tmp_path_factory) -> Path:
    """What the test web server serves: web/'s files (linked, so always current), and room
    for extra pages a test writes (served from the same origin, so CORS and Chromium's local
    network rules treat them like the demo page)."""
    root = tmp_path_factory.mktemp("web")
    for f in WEB.iterdir():
        (root / f.name).symlink_to(f)
    return root


@pytest.fixture(scope="session")
def web_port(web_root) -> Iterator[int]:
    """web/ over HTTP on a free port, as `make run` serves it with `python -m http.server`."""
    handler = functools.partial(QuietHandler, directory=str(web_root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def page_origin(web_port) -> str:
    return f"http://127.0.0.1:{web_port}"


@pytest.fixture(scope="session")
def servers(start_servers, page_origin):
    """This tier's shared pair (tests/conftest.py's factory): Rasa allows the test page's origin, only it."""
    with start_servers("browser-servers", cors=[page_origin]) as s:
        yield s


@pytest.fixture
def context(browser, page_origin):
    """A fresh browser profile per test: empty localStorage, so a new conversation."""
    ctx = browser.new_context(viewport={"width": 1100, "height": 760})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=page_origin)
    ctx.set_default_timeout(60_000)
    try:
        yield ctx
    finally:
        ctx.close()


class Dialogs:
    """Records every alert/confirm/prompt the page opens (none should ever open)."""

    def __init__(self) -> None:
        self.seen = []

    def __call__(self, dialog) -> None:
        self.seen.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def dialogs() -> Dialogs:
    return Dialogs()


@pytest.fixture
def page(context, dialogs):
    p = context.new_page()
    p.on("dialog", dialogs)
    return p


@pytest.fixture
def demo_url(page_origin, servers) -> str:
    """The demo page, pointed at the test Rasa server with ?server=."""
    return f"{page_origin}/index.html?server={servers.url}"
