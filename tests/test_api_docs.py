"""The API's documentation page: vendored Swagger UI, no CDN, a strict CSP, linked from /account."""

from __future__ import annotations

import re

from tests.helpers import sign_in


def test_the_docs_page_uses_only_vendored_files_under_a_strict_policy(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert all(not s.startswith(("http://", "https://", "//")) for s in sources), sources
    # Static files are linked with their content's digest (?v=...), see web/http_cache.py.
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in [s.split("?")[0] for s in sources]
    assert 'data-spec="/api/v1/openapi.json"' in page
    assert "<script>" not in page  # no inline script
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for path in ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/api-docs.js"):
        with client.get(path) as asset:
            assert asset.status_code == 200


def test_the_account_page_links_to_the_docs(client, make_user):
    sign_in(client, make_user("individual", language="en"))
    assert 'href="/api/docs"' in client.get("/account").get_data(as_text=True)
