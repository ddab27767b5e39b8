"""The data's version: a token that changes after every commit, shared by all processes.

A personal page or list may be answered again from what this process rendered before only
while the token it was rendered under stands (`web.personal_answers.personal_kept`). Reads
never commit (tested), so every commit is a write, and every commit of a session draws a new
token once it has committed: the web processes, the workers, the scheduler and the CLI.

The token lives in the Redis the rate limits count in (`ratelimit_storage_url`), under the
limits' key prefix. With `memory://` it lives in the process, which is right only for the
one process of an app under test; elsewhere (`make run` beside a `flask` command, several
workers) nothing is then kept. When Redis does not answer, the token is `None` too: answers
are rendered, never kept or reused. A new token is drawn after the commit (never before: a
reader that saw it must see the commit's rows); were a process to stop between the two, or
Redis to miss one write, a kept answer outlives that write by at most the keeping time (30 s
by default).
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

import redis
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

EXTENSION = "komvos.data_version"
SHARED_SCHEMES = ("redis://", "rediss://", "unix://")
TIMEOUT_SECONDS = 0.25


class Versions:
    """Where the token lives: Redis (shared) or this process (`client` None)."""

    def __init__(self, url: str, prefix: str, enabled: bool):
        self.enabled = enabled
        self.key = f"{prefix}:data-version"
        self.client: Any = (
            redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS,
                                 socket_connect_timeout=TIMEOUT_SECONDS)
            if enabled and url.startswith(SHARED_SCHEMES) else None
        )
        self.local = secrets.token_hex(8)

    def current(self) -> str | None:
        """The token now (one Redis round trip), None when there is none to trust."""
        if not self.enabled:
            return None
        if self.client is None:
            return self.local
        try:
            found = self.client.get(self.key)
            if found is None:  # a Redis that restarted, or the first ask: draw one
                self.client.set(self.key, secrets.token_hex(8), nx=True)
                found = self.client.get(self.key)
        except (redis.RedisError, OSError) as error:
            log.warning("data version unreadable (%s): answers are rendered afresh", error)
            return None
        return found.decode() if isinstance(found, bytes) else found

    def bump(self) -> None:
        """A commit happened: draw a new token."""
        self.local = secrets.token_hex(8)
        if self.client is None:
            return
        try:
            self.client.set(self.key, self.local)
        except (redis.RedisError, OSError) as error:
            log.warning("data version not moved after a commit (%s): kept answers may "
                        "outlive it by up to the keeping time", error)


def versions() -> Versions:
    """This app's version store."""
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def current() -> str | None:
    """The data's version now, or None: then nothing may be kept or reused."""
    return versions().current()


def bump() -> None:
    """The data changed other than by a session's commit (a test emptying its tables)."""
    versions().bump()


def _committed(_session: Any) -> None:
    if has_app_context() and EXTENSION in current_app.extensions:
        versions().bump()


def init_app(app: Flask) -> None:
    """Keep the version store; draw a new token after every commit of a session."""
    url = app.config["RATELIMIT_STORAGE_URI"]
    shared = url.startswith(SHARED_SCHEMES)
    one_process = app.config["ENV_NAME"] == "testing"
    enabled = app.config["PERSONAL_ANSWERS_SECONDS"] > 0 and (shared or one_process)
    app.extensions[EXTENSION] = Versions(
        url, app.config["RATELIMIT_STORAGE_OPTIONS"]["key_prefix"], enabled)
    if not event.contains(Session, "after_commit", _committed):
        event.listen(Session, "after_commit", _committed)
