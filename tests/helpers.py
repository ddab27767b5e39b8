"""Helpers the web tests import: signing in, reading CSRF tokens."""

from __future__ import annotations

import os
import re

from flask.testing import FlaskClient

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
