"""Safe defaults on every response."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app
from werkzeug.middleware.proxy_fix import ProxyFix


def content_security_policy(tiles_url: str) -> str:
    """The policy: our own scripts and styles only; images also from the map's tile host."""
    images = " ".join(["img-src 'self' data:", tile_source(tiles_url)]).strip()
    return "; ".join(
        [
            "default-src 'self'",
            images,
            "style-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def tile_source(tiles_url: str) -> str:
    """The CSP source of a tile URL template: its origin, `{s}` subdomains as a wildcard."""
    parts = urlsplit(tiles_url)
    if not parts.scheme or not parts.netloc:
        return ""  # a path on this site: 'self' covers it
    host = parts.netloc.replace("{s}.", "*.")
    return f"{parts.scheme}://{host}"


def init_app(app: Flask) -> None:
    """Add the security headers to every response; trust the configured proxies only."""
    app.extensions["komvos.csp"] = content_security_policy(app.config["MAP_TILES_URL"])
    app.after_request(_add_headers)
    hops = app.config["PROXY_HOPS"]
    if hops:
        # The client's address (rate limits, audit) and scheme, as the proxies in front say.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.extensions["komvos.csp"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response
