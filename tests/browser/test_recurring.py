"""Offering weekly interpreting, in a real browser, in Greek and English, phone and desktop:
the donor posts it per week, sees this week's figures, staff confirm a weekly need, both
sides see the schedule, and the donor pauses it from its page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.support import sign_in
from web.clock import today
from web.extensions import db
from web.matches import services
from web.matches.models import Match
from web.posts.models import Offer
from web.recurrence import next_period, period_start

LANGUAGES = ["el", "en"]
TITLE = "Διερμηνεία αραβικών, 4 ώρες την εβδομάδα"
HOURS = {"el": "ώρες", "en": "hours"}


def field(page, t, language, label):
    return page.get_by_label(t(language, label), exact=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_donor_offers_weekly_interpreting_and_pauses_the_commitment(
    new_page, check, t, language, make_user, make_need
):
    donor = make_user("individual", language=language, full_name="Σάμια Χαλίλ")
    ngo = make_user("ngo", language=language, full_name="Νίκος Αλεξίου")
    staff = make_user("staff", language=language)
    need = make_need(ngo, category="interpreting", title="Arabic interpreting for families",
                     description="Arabic, in person.", quantity=2, unit="hours", per="week",
                     urgency="normal", needed_by=(today() + timedelta(days=42)).isoformat())

    page = new_page()
    sign_in(page, donor)
    page.goto("/offers/new")
    field(page, t, language, "Category").fill("interpreting")
    field(page, t, language, "Title").fill(TITLE)
    field(page, t, language, "Description").fill("Αραβικά, δια ζώσης, απογεύματα.")
    field(page, t, language, "Quantity").fill("4")
    field(page, t, language, "Area").fill("Kypseli")
    field(page, t, language, "How often").select_option("week")
    field(page, t, language, "Available until (optional)").fill(
        (today() + timedelta(days=56)).isoformat())
    check(page, "recurring-offer-form")
    page.get_by_role("button", name=t(language, "Post the offer")).click()
    posted = t(language, "Thank you. Your offer is posted.")
    expect(page.get_by_role("status")).to_contain_text(posted)
    card = page.locator(".card", has_text=TITLE)
    expect(card.locator(".schedule")).to_contain_text(
        t(language, "%(n)s %(unit)s a week", n="4", unit=HOURS[language]))
    check(page, "recurring-my-offers")

    offer = db.session.scalar(select(Offer).where(Offer.title == TITLE))
    assert offer.per == "week"
    proposal = db.session.scalar(select(Match).where(
        Match.offer_id == offer.id, Match.need_id == need.id, Match.status == "proposed"))
    services.confirm_match(staff, proposal.id)

    page.goto("/matches")
    match_card = page.locator(f"#match-{proposal.id}")
    expect(match_card.locator(".schedule")).to_contain_text(
        t(language, "%(n)s %(unit)s a week", n="2", unit=HOURS[language]))
    check(page, "recurring-donor-matches")
    match_card.get_by_role("link", name=t(language, "Pause or end this commitment")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "Pause or end a recurring commitment"))
    check(page, "recurring-schedule")
    # (A refused pause answers 422, naming the field: tests/test_recurring.py.)
    monday = next_period(period_start(today(), "week"), "week")
    page.locator("#pause-from").fill(monday.isoformat())
    page.locator("#pause-until").fill((monday + timedelta(days=13)).isoformat())
    page.get_by_role("button", name=t(language, "Pause the commitment")).click()
    expect(page.get_by_role("status")).to_contain_text(t(
        language, "The commitment is paused; the weeks or months it gives up are free "
        "again, and both sides are told."))

    ngo_page = new_page()
    sign_in(ngo_page, ngo)
    ngo_page.goto("/matches")
    seen = ngo_page.locator(f"#match-{proposal.id}")
    expect(seen.locator(".schedule")).to_contain_text(
        t(language, "Paused from %(start)s to %(end)s.", start="", end="").split(" ")[0])
    expect(seen.get_by_role("button", name=t(language, "Record receipt"))).to_have_count(0)
    check(ngo_page, "recurring-ngo-matches")
