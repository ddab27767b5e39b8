"""Helpers the web tests import: signing in, reading CSRF tokens, counting SQL statements."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from web.extensions import db
from web.models import User

PASSWORD = "correct horse battery"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


def sign_in(client: FlaskClient, user: User | None) -> FlaskClient:
    """Sign `user` in through the login form (None: stay anonymous)."""
    if user is not None:
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, "sign-in failed"
    return client


def csrf_token_from(html: str) -> str:
    """The CSRF token of the first form in a page."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not found:
        found = re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def flask_twice_at_once(*args: str, env: dict[str, str]) -> list[str]:
    """Start `flask --app web ARGS` in two processes at once and wait for both; each must
    succeed. Their outputs (what tests of single-flight work count)."""
    command = [sys.executable, "-m", "flask", "--app", "web", *args]
    root = Path(__file__).resolve().parent.parent
    processes = [
        subprocess.Popen(
            command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=180)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    return outputs


def in_threads(app: Flask, works: Sequence[Callable[[], object]]) -> list[object]:
    """Run each of `works` in a thread of its own, released at once, in its own app context."""
    barrier = threading.Barrier(len(works))
    results: list[object] = [None] * len(works)

    def target(index: int) -> None:
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                results[index] = works[index]()
            except Exception as error:  # surfaced by the assertion below
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(isinstance(result, Exception) for result in results), results
    db.session.expire_all()
    return results


@contextmanager
def sql_statements(app: Flask | None = None) -> Iterator[list[str]]:
    """The SQL statements sent to the database inside the block, by `app` (default: the app
    of the current context), whoever sends them: the test or the requests it makes."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    if app is None:
        engine = db.engine
    else:
        with app.app_context():
            engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)

