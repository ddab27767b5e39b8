"""Phone layout and keyboard use: one column at 390 px, native inputs, focus always visible."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.support import sign_in
from tests.helpers import PASSWORD


def expect_visible_focus(page):
    """The focused element shows our focus ring, waiting (with retries) until it does.

    Read once, right after a key press that moved focus or a submission that loaded a new
    page, the computed style could still be the browser's default ring ('auto') before
    our stylesheet applied: that made this test fail about 1 run in 6.
    """
    expect(page.locator(":focus")).to_have_count(1)
    expect(page.locator(":focus")).to_have_css("outline-style", "solid")


def test_the_map_sits_above_the_list_on_a_phone_and_beside_it_on_a_desktop(page, size, make_need):
    make_need(place="kypseli")
    page.goto("/needs")
    expect(page.locator("[data-map]")).to_have_attribute("data-markers", "1")
    map_box = page.locator(".map-panel").bounding_box()
    list_box = page.locator(".listing").bounding_box()
    if size == "phone":
        assert map_box["x"] == list_box["x"] and map_box["y"] < list_box["y"]
        assert list_box["x"] + list_box["width"] <= 390
    else:
        assert map_box["x"] >= list_box["x"] + list_box["width"]
        assert abs(map_box["y"] - list_box["y"]) < 1


def test_need_form_uses_native_inputs_one_column_on_a_phone(page, size, make_user):
    sign_in(page, make_user("ngo"))
    page.goto("/needs/new")
    quantity = page.locator("#quantity")
    expect(quantity).to_have_attribute("type", "number")
    expect(quantity).to_have_attribute("inputmode", "numeric")
    expect(page.locator("#needed_by")).to_have_attribute("type", "date")
    expect(page.locator("#urgency")).to_have_js_property("tagName", "SELECT")
    if size == "phone":
        quantity_box = quantity.bounding_box()
        unit_box = page.locator("#unit").bounding_box()
        assert unit_box["y"] > quantity_box["y"], "quantity and unit should stack on a phone"


def test_signing_in_works_with_the_keyboard_alone_and_focus_stays_visible(page, make_user, t):
    user = make_user("individual", language="en", full_name="Maria Keyboard")
    page.goto("/login")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    expect_visible_focus(page)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#email")).to_be_focused()
    expect_visible_focus(page)
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_url(lambda url: "/login" not in url)
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible():  # a phone: the links are behind the menu button, opened by keyboard
        for _attempt in range(8):  # back from the content (the skip link's #main) to the header
            page.keyboard.press("Shift+Tab")
            if toggle.evaluate("(button) => button === document.activeElement"):
                break
        expect(toggle).to_be_focused()
        page.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Maria Keyboard")).to_be_visible()
    page.wait_for_load_state("load")  # the new page's stylesheet, before moving focus on it
    page.keyboard.press("Tab")
    expect_visible_focus(page)
