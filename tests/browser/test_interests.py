"""Saved interests in a real browser, Greek and English, phone and desktop: a donor follows
needs from the account page and opens an alert's "I can offer this"; a visitor subscribes with
an address only and confirms it from the mail's link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.support import sign_in
from tests.browser.test_journeys import choose_language, field
from web.extensions import db
from web.interests import alerts
from web.notifications.models import Notification


def latest_mail_to(email: str) -> Notification:
    db.session.expire_all()
    query = select(Notification).where(Notification.email == email)
    return db.session.scalars(query.order_by(Notification.id.desc())).first()


@pytest.mark.parametrize("language", ["el", "en"])
def test_a_donor_follows_needs_and_offers_from_the_alert(
        new_page, check, t, make_user, make_need, language):
    donor = make_user("individual", language=language, email=f"donor-{language}@people.example")
    page = new_page()
    sign_in(page, donor)
    page.goto("/account")
    choose_language(page, language)
    page.get_by_role("link", name=t(language, "Needs I follow: alerts by email")).click()
    expect(page.locator("h1")).to_have_text(t(language, "Needs I follow"))
    field(page, t, language, "Categories").select_option(["bedding", "shoes"])
    field(page, t, language, "Areas").select_option(["athens"])
    page.get_by_label(t(language, "As soon as a need is posted")).check()
    check(page, f"interests-form-{language}")
    page.get_by_role("button", name=t(language, "Save this interest")).click()
    cards = page.locator("#my-interests > li")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(t(language, "As soon as a need is posted"))
    check(page, f"interests-saved-{language}")

    need = make_need(title="Κουβέρτες για τον ξενώνα")
    assert alerts.send_alerts("immediate") == 1
    alert = latest_mail_to(donor.email)
    pledge = re.search(r"https?://\S+(/offers/new\?need=\d+)", alert.body_text).group(1)
    page.goto(pledge)
    expect(page.get_by_role("main")).to_contain_text(need.title)
    page.goto("/account/interests")
    page.get_by_role("link", name=t(language, "Change")).click()
    page.get_by_label(t(language, "Once a week")).check()
    page.get_by_role("button", name=t(language, "Save the changes")).click()
    expect(cards.first).to_contain_text(t(language, "Once a week"))
    page.locator("#my-interests").get_by_role("button").click()
    expect(page.locator("#my-interests")).to_have_text(t(language, "You follow nothing yet."))


@pytest.mark.parametrize("language", ["el", "en"])
def test_a_visitor_subscribes_with_an_address_and_confirms_it(
        page, check, t, make_need, language):
    make_need()
    page.goto("/needs")
    choose_language(page, language)
    invitation = t(language, "Get an email when needs like these are posted")
    page.get_by_role("link", name=invitation).click()
    expect(page.locator("h1")).to_have_text(t(language, "Alerts of needs by email"))
    address = f"visitor-{language}@mail.example"
    field(page, t, language, "Email address").fill(address)
    field(page, t, language, "Language of the messages").select_option(language)
    field(page, t, language, "Categories").select_option(["blankets"])
    check(page, f"interests-subscribe-{language}")
    page.get_by_role("button", name=t(language, "Send me the confirmation")).click()
    expect(page.locator("h1")).to_have_text(t(language, "Check your email"))
    assert alerts.send_alerts("daily") == 0  # nothing before the confirmation
    confirmation = latest_mail_to(address)
    link = re.search(r"https?://\S+(/interests/confirm/\S+)", confirmation.body_text).group(1)
    page.goto(link)
    check(page, f"interests-confirm-{language}")
    page.get_by_role("button", name=t(language, "Yes, send me alerts")).click()
    expect(page.locator("h1")).to_have_text(t(language, "Alerts confirmed"))
    assert alerts.send_alerts("daily") == 1
