"""Journeys of issue 15's new flows, in Greek and English, at phone and desktop size: a
password reset, one's own data (download and erase), a need's public page with "I can offer
this", the API documentation, the staff's message previews, and the phone header."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.support import sign_in
from tests.browser.test_journeys import choose_language, field, nav_link, open_menu
from tests.helpers import PASSWORD
from web.extensions import db
from web.models import User
from web.notifications.models import Notification
from web.posts.models import Offer

LANGUAGES = ["el", "en"]
NEW_PASSWORD = "quiet river under the bridge"


def mailed_path(kind, email):
    """The link of the latest message of `kind` to `email`, from the outbox."""
    db.session.expire_all()
    row = db.session.scalars(
        select(Notification)
        .where(Notification.kind == kind, Notification.email == email)
        .order_by(Notification.id.desc())
    ).first()
    assert row is not None, f"no {kind} message for {email}"
    found = re.search(r"https?://[^/\s]+(/\S+)", row.body_text)
    assert found, row.body_text
    return found.group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_resets_a_forgotten_password_and_signs_in_with_it(
    new_page, check, t, language, make_user
):
    user = make_user("individual", language=language, email=f"forgetful-{language}@people.example")
    page = new_page()
    page.goto("/")
    choose_language(page, language)
    nav_link(page, t(language, "Sign in")).click()
    page.get_by_role("link", name=t(language, "Forgot your password?")).click()
    check(page, "forgot")
    field(page, t, language, "Email").fill(user.email)
    page.get_by_role("button", name=t(language, "Send me a link")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Check your email"))
    check(page, "reset-sent")

    page.goto(mailed_path("password_reset", user.email))
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Choose a new password"))
    field(page, t, language, "New password").fill(NEW_PASSWORD)
    field(page, t, language, "Repeat the new password").fill(NEW_PASSWORD)
    check(page, "reset-form")
    page.get_by_role("button", name=t(language, "Save the new password")).click()
    expect(page.get_by_role("status")).to_contain_text(
        t(language, "Your password is changed and you are signed out everywhere. Sign in with it.")
    )
    field(page, t, language, "Email").fill(user.email)
    field(page, t, language, "Password").fill(NEW_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=t(language, "Sign in")).click()
    page.wait_for_url(lambda url: "/login" not in url)
    open_menu(page)
    expect(page.get_by_role("link", name=user.full_name)).to_be_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_donor_downloads_their_data_then_erases_the_account(
    new_page, check, t, language, make_user, make_offer
):
    donor = make_user("individual", language=language, full_name="Δάφνη Δωρήτρια")
    make_user("individual", full_name="Someone Else", email="someone.else@people.example")
    make_offer(donor, title="Κουβέρτες μάλλινες")
    page = new_page()
    sign_in(page, donor)
    page.goto("/account")
    check(page, "account")
    with page.expect_download() as download:
        page.get_by_role("link", name=t(language, "Download my data (JSON)")).click()
    with open(download.value.path(), encoding="utf-8") as handle:
        data = json.load(handle)
    assert data["account"]["full_name"] == "Δάφνη Δωρήτρια"
    assert [o["title"] for o in data["offers"]] == ["Κουβέρτες μάλλινες"]
    assert "someone.else" not in json.dumps(data)

    page.get_by_role("link", name=t(language, "Erase my account…")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Erase your account"))
    check(page, "erase")
    field(page, t, language, "Your current password").fill(PASSWORD)
    page.get_by_label(t(language, "I understand that this cannot be undone.")).check()
    page.get_by_role("button", name=t(language, "Erase my account"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        t(language, "Your account is erased. What you gave and received stays, without you.")
    )
    check(page, "erased")
    db.session.expire_all()
    person = db.session.get(User, donor.id)
    assert person.erased_at is not None and person.full_name != "Δάφνη Δωρήτρια"
    assert db.session.scalar(select(Offer.status).where(Offer.donor_id == donor.id)) == "withdrawn"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_donor_offers_for_a_need_from_its_public_page(
    new_page, check, t, language, make_user, make_need
):
    ngo = make_user("ngo", language=language, full_name="Νίκος Αλεξίου")
    need = make_need(ngo, quantity=40, title="Κουβέρτες για ξενώνα")
    donor = make_user("individual", language=language)
    page = new_page()
    page.goto("/needs")
    choose_language(page, language)
    page.get_by_role("link", name="Κουβέρτες για ξενώνα", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Κουβέρτες για ξενώνα")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)  # its area on the map
    expect(page.get_by_role("main")).not_to_contain_text("Νίκος Αλεξίου")
    check(page, "need-page")
    sign_in(page, donor)
    page.reload()
    page.get_by_role("link", name=t(language, "I can offer this")).click()
    expect(page.locator(".pledge")).to_contain_text("Κουβέρτες για ξενώνα")
    expect(page.locator("#title")).to_have_value("Κουβέρτες για ξενώνα")
    check(page, "offer-for-need")
    page.get_by_role("button", name=t(language, "Post the offer")).click()
    expect(page.get_by_role("status")).to_contain_text(
        t(language, "Thank you. Your offer is posted.")
    )
    db.session.expire_all()
    offer = db.session.scalar(select(Offer).where(Offer.donor_id == donor.id))
    assert offer.chosen_need_id == need.id


def test_the_api_documentation_renders_from_vendored_files(page, check):
    page.goto("/api/docs")
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()
    expect(page.locator("#swagger-ui")).to_contain_text("/api/v1/offers")
    check(page, "api-docs")


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_read_how_each_message_reads(page, check, language, make_user):
    sign_in(page, make_user("staff", language=language))
    page.goto("/staff/mail/templates")
    expect(page.locator("#kind-password_reset pre")).to_have_count(2)
    expect(page.locator("#kind-match_fulfilled [lang=el] pre")).to_contain_text("Χαίρετε,")
    check(page, "mail-templates")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_phone_header_is_one_row_with_a_menu_and_a_badge(page, size, language, make_user, t):
    from web.notifications.outbox import notify

    user = make_user("ngo", language=language, full_name="Νίκος Αλεξίου")
    notify(user, "organisation_approved", {"name": "Στέγη"})
    db.session.commit()
    sign_in(page, user)
    page.goto("/")
    header = page.locator(".site-header")
    toggle = page.locator(".menu-toggle")
    if size == "phone":
        expect(toggle).to_be_visible()
        expect(page.locator("#site-nav")).to_be_hidden()
        assert header.bounding_box()["height"] < 100
        expect(toggle.locator(".badge")).to_have_text("1")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(page.locator("#site-nav")).to_be_visible()
    else:
        expect(toggle).to_be_hidden()
    inbox = page.get_by_role("navigation").first.get_by_role(
        "link", name=re.compile(t(language, "Inbox"))
    )
    badge = inbox.locator(".badge")
    expect(badge).to_have_text("1")
    word_end = inbox.evaluate(
        "(link) => { const r = document.createRange(); r.selectNodeContents(link.firstChild);"
        " return r.getBoundingClientRect().right; }"
    )
    assert badge.bounding_box()["x"] > word_end  # a gap between the word and the count
    assert badge.evaluate("(b) => parseFloat(getComputedStyle(b).marginLeft)") > 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_changes_their_email_address_and_chooses_which_mail_comes(
    new_page, check, t, language, make_user
):
    user = make_user("ngo", language=language, email=f"old-{language}@ngo.example")
    page = new_page()
    sign_in(page, user)
    page.goto("/account")
    page.get_by_label(t(language, "New email address")).fill(f"new-{language}@ngo.example")
    page.locator("#new-password").fill(PASSWORD)
    page.get_by_role("button", name=t(language, "Send a confirmation link")).click()
    expect(page.get_by_role("status")).to_contain_text(f"new-{language}@ngo.example")
    page.goto(mailed_path("email_change", f"new-{language}@ngo.example"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "Confirm your new email address")
    )
    check(page, "confirm-email")
    page.get_by_role("button", name=t(language, "Use this address")).click()
    expect(page.get_by_role("status")).to_contain_text(
        t(language, "Your email address is now %(email)s.", email=f"new-{language}@ngo.example")
    )

    confirmed = page.get_by_label(t(language, "A match is confirmed"))
    expect(confirmed).to_be_checked()
    confirmed.uncheck()
    page.get_by_role("button", name=t(language, "Save"), exact=True).first.click()
    expect(page.get_by_role("status")).to_contain_text(t(language, "Your preferences are saved."))
    expect(page.get_by_label(t(language, "A match is confirmed"))).not_to_be_checked()
    check(page, "account-mail-kinds")
    db.session.expire_all()
    person = db.session.get(User, user.id)
    assert person.email == f"new-{language}@ngo.example"
    assert person.mail_kinds_off == ["match_confirmed"]
