"""What the browser tests check on every page: errors, accessibility, phone layout; screenshots."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.helpers import PASSWORD, csrf_token_from

LOCAL_HOST = "127.0.0.1"
# Every URL that is not our live server's; matched by Playwright's driver, not in Python.
ELSEWHERE = re.compile(r"^(?!https?://127\.0\.0\.1[:/])(?!data:)(?!blob:)")
ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"
AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_URL = "/__browser-tests__/axe.min.js"  # added to the app under test only
BLOCKING_IMPACTS = ("serious", "critical")
MIN_TARGET_PX = 44

# Runs in the page: interactive elements under 44 px high (or 24 px wide, WCAG 2.5.8) to a
# finger. Links inside a
# sentence are exempt (WCAG 2.5.8), as is the inside of the map, whose items are all in the
# list beside it; a checkbox counts with its label, which is what a finger hits.
SMALL_TARGETS_JS = """
(minimum) => {
  const inSentence = (link) => {
    const parent = link.parentElement;
    return parent && parent.textContent.trim().length > link.textContent.trim().length + 2
      && !link.classList.contains("button");
  };
  const shown = (element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== "hidden";
  };
  const small = [];
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const element of document.querySelectorAll(selector)) {
    if (element.closest(".leaflet-marker-pane, .leaflet-popup-pane, .leaflet-control-attribution")
        || element.classList.contains("skip") || !shown(element)) {
      continue;
    }
    if (element.tagName === "A" && inSentence(element)) { continue; }
    const target = ["checkbox", "radio"].includes(element.type)
      ? (element.closest("label") || element) : element;
    const box = target.getBoundingClientRect();
    if (box.height < minimum - 0.5 || box.width < 24) {
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${element.outerHTML.slice(0, 90)} (${size})`);
    }
  }
  return small;
}
"""

AXE_RUN_JS = """
async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + ": " + n.failureSummary),
  }));
}
"""


def is_local(url: str) -> bool:
    """Whether a request goes to our live server (or is page-internal, like data: URLs)."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == LOCAL_HOST


class Watch:
    """Collects what went wrong on the pages of one test."""

    def __init__(self, test_name: str) -> None:
        self.test_name = re.sub(r"[^\w.-]+", "-", test_name).strip("-")
        self.problems: list[str] = []
        self.aborted: list[str] = []

    def abort(self, route: Any) -> None:
        """Refuse a request that leaves the machine (map tiles, say)."""
        self.aborted.append(route.request.url)
        route.abort()

    def attach(self, page: Any) -> None:
        """Listen for JavaScript errors, console errors and failed requests to our server."""
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        page.on("console", self._console)
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        source = message.location.get("url", "") if message.location else ""
        aborted = "Failed to load resource" in message.text and not is_local(source or "x:")
        if not aborted:
            self.problems.append(f"console error: {message.text} ({source})")

    def _request_failed(self, request: Any) -> None:
        # ERR_ABORTED: the page moved on (a click) before a request of the last one finished.
        if is_local(request.url) and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.url} {request.failure}")

    def _response(self, response: Any) -> None:
        if is_local(response.url) and response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def assert_clean(self) -> None:
        """Fail with everything that went wrong."""
        assert not self.problems, "\n".join(self.problems)

    def check(self, page: Any, name: str, *, phone: bool) -> None:
        """Screenshot a key page, then check it: no errors, axe, no sideways scroll, targets."""
        page.wait_for_load_state("load")
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS / f"{self.test_name}-{name}.png"), full_page=True)
        self.assert_clean()
        serious = serious_violations(page)
        assert not serious, f"axe on {name} ({page.url}):\n" + "\n".join(serious)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
        if phone:
            small = page.evaluate(SMALL_TARGETS_JS, MIN_TARGET_PX)
            assert not small, f"tap targets under {MIN_TARGET_PX}px on {name}:\n" + "\n".join(small)


def serve_axe(app: Any) -> None:
    """Serve axe-core from the app under test, so pages load it under their own CSP."""
    from flask import send_file

    app.add_url_rule(AXE_URL, "browser_tests_axe", lambda: send_file(AXE_SOURCE, max_age=3600))


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_URL)
    found = page.evaluate(AXE_RUN_JS)
    return [
        f"{v['impact']}: {v['id']} ({v['help']}): {'; '.join(v['nodes'])}"
        for v in found
        if v["impact"] in BLOCKING_IMPACTS
    ]


def sign_in_with_form(page: Any, user: Any, t: Any) -> None:
    """Sign `user` in through the login form, in whatever language the page is shown."""
    page.goto("/login")
    language = page.locator("html").get_attribute("lang")
    page.get_by_label(t(language, "Email"), exact=True).fill(user.email)
    page.get_by_label(t(language, "Password"), exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=t(language, "Sign in")).click()
    page.wait_for_url(lambda url: "/login" not in url)


def sign_in(page: Any, user: Any) -> None:
    """Sign `user` in quickly: the login form posted from the page's own cookie jar."""
    token = csrf_token_from(page.request.get("/login").text())
    response = page.request.post(
        "/login",
        form={"csrf_token": token, "email": user.email, "password": PASSWORD},
        max_redirects=0,
    )
    assert response.status == 302, f"sign-in of {user.email} failed: HTTP {response.status}"
