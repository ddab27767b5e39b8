"""Browser fixtures: Debian's chromium driven by Playwright, the app on a live server.

One browser per session, a new context per page. Every page is watched: a JavaScript error, a
console error, or a failed request to our own server fails the test; requests anywhere else are
aborted (no network in tests, and nothing on a page may depend on it).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.browser.support import ELSEWHERE, LOCAL_HOST, Watch, serve_axe

CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def _missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: pip install -e '.[test]'"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: apt-get install -y chromium (never `playwright install`)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Chromium for the whole session; skipped without it locally, an error in CI."""
    missing = _missing_browser()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {missing}")
        pytest.skip(f"browser tests skipped: {missing}")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """The app under test with CSRF on, as people get it; a fresh database each test."""
    application = make_app(csrf=True)
    serve_axe(application)
    with application.app_context():
        yield application


def _buffered(app: Any) -> Any:
    """The app with each response read whole before it is sent.

    A page that moves on while an image is still being sent drops the connection; werkzeug's
    development server then leaves the file open, a ResourceWarning that warnings-as-errors
    turns into a test failure.
    """

    def wsgi(environ: Any, start_response: Any) -> list[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return wsgi


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 from a thread; yields the base URL.

    Requests run in the server's threads, each in an app context of its own: contexts are
    context-local, so they never see the one this test thread keeps for the builders.
    """
    server = make_server(LOCAL_HOST, 0, _buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://{LOCAL_HOST}:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(params=sorted(VIEWPORTS))
def size(request: pytest.FixtureRequest) -> str:
    """Every browser test runs at phone size and at desktop size."""
    return str(request.param)


@pytest.fixture
def watch(request: pytest.FixtureRequest) -> Watch:
    """What goes wrong on this test's pages."""
    return Watch(request.node.name)


@pytest.fixture
def check(watch: Watch, size: str) -> Callable[[Any, str], None]:
    """`check(page, name)`: screenshot a key page, then errors, axe, layout and tap targets."""

    def check_page(page: Any, name: str) -> None:
        watch.check(page, name, phone=size == "phone")

    return check_page


@pytest.fixture
def new_page(
    browser: Any, live_server: str, size: str, watch: Watch
) -> Iterator[Callable[[], Any]]:
    """Open watched pages, each in its own context (its own cookies: one person each)."""
    contexts: list[Any] = []

    def open_page() -> Any:
        phone = size == "phone"
        context = browser.new_context(
            base_url=live_server,
            viewport=VIEWPORTS[size],
            is_mobile=phone,
            has_touch=phone,
        )
        context.set_default_timeout(15_000)
        context.route(ELSEWHERE, watch.abort)
        contexts.append(context)
        page = context.new_page()
        watch.attach(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    watch.assert_clean()


@pytest.fixture
def page(new_page: Callable[[], Any]) -> Any:
    """One watched page."""
    return new_page()


@pytest.fixture
def t(app: Flask) -> Callable[..., str]:
    """`t(language, message, **values)`: a message as the app's catalogue translates it."""
    from flask_babel import force_locale, gettext

    def translate(language: str, message: str, **values: Any) -> str:
        with app.test_request_context(), force_locale(language):
            return str(gettext(message, **values))

    return translate
