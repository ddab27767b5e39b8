"""Two web processes behind one address share sessions and sign-in throttling: a session made
by one is good on the other, and wrong passwords count together (signed cookies with one
secret, rate-limit counts in Redis). Two app instances in this process (sessions), then two
gunicorn servers taking turns, as a load balancer sends a browser's requests (both)."""

from __future__ import annotations

import http.cookiejar
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

import redis

from tests.conftest import RATELIMIT_KEY_PREFIX, RATELIMIT_STORAGE_URL
from tests.helpers import PASSWORD, csrf_token_from, sign_in
from tests.test_kit import free_port

ROOT = Path(__file__).resolve().parent.parent
WRONG = "not the password at all"


def test_two_app_instances_share_sessions(make_app, make_user):
    """Sessions only: the rate limiter is one object per process (Flask-Limiter's), so
    shared counts need two processes (the gunicorn test below)."""
    first, second = make_app(), make_app(secret_key="test-secret-key-that-is-long-enough-for-tests")
    assert first is not second
    with first.app_context():
        user = make_user("individual")
        email = user.email
    one, other = first.test_client(), second.test_client()
    sign_in(one, user)
    assert one.get("/account").status_code == 200
    other.set_cookie("session", one.get_cookie("session").value)
    page = other.get("/account")
    assert page.status_code == 200 and email in page.get_data(as_text=True)
    assert second.test_client().get("/account").status_code == 302  # no cookie: no session
    # Signing out on one instance ends the session on the other too.
    other.post("/logout")
    one.set_cookie("session", other.get_cookie("session").value)
    assert one.get("/account").status_code == 302


class _Answer:
    def __init__(self, status: int, body: str):
        self.status, self.body = status, body


class Browser:
    """One browser's cookies, sent to whichever server the balancer picks; redirects are
    answers, not followed."""

    def __init__(self) -> None:
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def open(self, url: str, form: dict[str, str] | None = None) -> _Answer:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(url, data=data, timeout=30) as response:
                return _Answer(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            with error:
                return _Answer(error.code, error.read().decode())


@contextmanager
def gunicorn(database_url: str, prefix: str):
    """A gunicorn server of one worker on a port of its own; yields its address."""
    port = free_port()
    env = {
        **os.environ,
        "KOMVOS_ENV": "testing",
        "KOMVOS_SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
        "KOMVOS_DATABASE_URL": database_url,
        "KOMVOS_RATELIMIT_STORAGE_URL": RATELIMIT_STORAGE_URL,
        "KOMVOS_RATELIMIT_KEY_PREFIX": prefix,
        "KOMVOS_RATELIMIT_SIGN_IN_ACCOUNT": "3 per minute",
        "KOMVOS_WEB_BIND": f"127.0.0.1:{port}",
        "KOMVOS_WEB_WORKERS": "1",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "web:create_app()"]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:  # wait for its worker, reading the log
            if "Booting worker" in line:
                break
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.communicate(timeout=60)


def test_two_gunicorn_servers_behind_one_address_share_sessions_and_throttling(
    app, make_user, database_url
):
    user, target = make_user("individual"), make_user("individual")
    prefix = f"{RATELIMIT_KEY_PREFIX}-gunicorn"
    with ExitStack() as stack:
        servers = [stack.enter_context(gunicorn(database_url, prefix)) for _ in range(2)]
        turn = iter(range(1_000))

        def next_server() -> str:  # round robin, as the load balancer
            return servers[next(turn) % 2]

        browser = Browser()
        # The form's CSRF token comes from one server, the sign-in goes to the other.
        token = csrf_token_from(browser.open(f"{next_server()}/login").body)
        signed_in = browser.open(
            f"{next_server()}/login",
            {"email": user.email, "password": PASSWORD, "csrf_token": token},
        )
        assert signed_in.status == 302
        for _ in range(2):  # the session is good on both
            page = browser.open(f"{next_server()}/account")
            assert page.status == 200 and user.email in page.body

        attacker = Browser()
        token = csrf_token_from(attacker.open(f"{next_server()}/login").body)
        wrong = {"email": target.email, "password": WRONG, "csrf_token": token}
        codes = [attacker.open(f"{next_server()}/login", wrong).status for _ in range(4)]
    keys = redis.Redis.from_url(RATELIMIT_STORAGE_URL).keys(f"{prefix}:*")
    if keys:
        redis.Redis.from_url(RATELIMIT_STORAGE_URL).delete(*keys)
    assert codes == [422, 422, 422, 429]  # with counts per process: [422] * 4
