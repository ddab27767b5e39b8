"""Maps beside lists: a marker for every listed item, clustered; the list never depends on it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.support import sign_in

# Single markers plus the counts inside clusters: how many items the map shows.
# A function, not an expression: Playwright polls an expression with eval(), which the
# pages' CSP refuses (the wait then failed whenever the map was not drawn at the first look).
ITEMS_ON_MAP_ARE = """
(expected) => {
  const map = document.querySelector("[data-map]");
  const single = map.querySelectorAll("img.leaflet-marker-icon").length;
  const clustered = [...map.querySelectorAll(".marker-cluster span")]
    .reduce((sum, span) => sum + Number(span.textContent), 0);
  return single + clustered === expected;
}
"""
PLACES = ("kypseli", "kifisia", "piraeus")


def _needs_in_places(make_user, make_need):
    ngo = make_user("ngo")
    return [make_need(ngo, place=place, title=f"Blankets in {place}") for place in PLACES]


def test_open_needs_are_listed_beside_a_map_with_a_marker_each(page, check, make_user, make_need):
    needs = _needs_in_places(make_user, make_need)
    page.goto("/needs")
    expect(page.locator("#needs-list > li")).to_have_count(len(needs))
    expect(page.locator("[data-map]")).to_have_attribute("data-markers", str(len(needs)))
    page.wait_for_function(ITEMS_ON_MAP_ARE, arg=len(needs))
    for need in needs:
        expect(page.locator(f"#need-{need.id}")).to_contain_text(need.title)
    check(page, "needs-map")


def test_the_list_stays_when_the_map_scripts_fail(page, make_user, make_need, live_server):
    needs = _needs_in_places(make_user, make_need)
    # Static files are linked with their content's digest (?v=...).
    page.route(re.compile(r"/static/vendor/.*\.js(\?|$)"),
               lambda route: route.fulfill(body="", status=200))
    page.goto("/needs")
    expect(page.locator("#needs-list > li")).to_have_count(len(needs))
    expect(page.locator("[data-map]")).not_to_have_attribute("data-markers", str(len(needs)))


def test_staff_see_open_offers_on_a_map_beside_their_list(page, check, make_user, make_offer, t):
    donor = make_user("company")
    offers = [make_offer(donor, place=place, title=f"Blankets from {place}") for place in PLACES]
    sign_in(page, make_user("staff", language="en"))
    page.goto("/staff/matches")
    page.get_by_role("link", name=t("en", "Open offers on a map")).click()
    expect(page.locator("#offers-list > li")).to_have_count(len(offers))
    page.wait_for_function(ITEMS_ON_MAP_ARE, arg=len(offers))
    check(page, "staff-offers-map")
