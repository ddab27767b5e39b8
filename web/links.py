"""Absolute links for mails and invitations: the configured public address, or in
development the address the app is being served at."""

from __future__ import annotations

from flask import current_app, has_request_context, request

# Only where nothing says otherwise: a development CLI run outside any request.
DEVELOPMENT_FALLBACK = "http://127.0.0.1:5000"


def public_base_url() -> str:
    """`KOMVOS_BASE_URL`, else (development, tests) the host this request came to."""
    configured = str(current_app.config["BASE_URL"])
    if configured:
        return configured
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEVELOPMENT_FALLBACK
