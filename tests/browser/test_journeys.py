"""The journeys people make, in a real browser, in Greek and in English, on a phone and a desktop.

Registration goes through the forms only in the journeys about registering; elsewhere the
builder fixtures set the scene. Each key page is checked (`check`): a screenshot into
test-results/, no JavaScript or request errors, no serious axe-core violations, no sideways
scrolling, and tap targets of at least 44 px on a phone.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.support import sign_in, sign_in_with_form
from web.clock import today
from web.extensions import db
from web.models import Organisation

LANGUAGES = ["el", "en"]
LANGUAGE_BUTTONS = {"el": "Ελληνικά", "en": "English"}
NEW_PASSWORD = "blue lantern harbour at dawn"


def choose_language(page, language):
    """Switch the pages to `language` with the button in the header, if they are not in it."""
    if page.locator("html").get_attribute("lang") != language:
        page.get_by_role("button", name=LANGUAGE_BUTTONS[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def field(page, t, language, label):
    """The form field labelled `label` in `language`."""
    return page.get_by_label(t(language, label), exact=True)


def nav_link(page, name):
    """A link of the main navigation; on a phone, behind the menu button, opened first."""
    open_menu(page)
    return page.get_by_role("navigation").first.get_by_role("link", name=name, exact=True)


def open_menu(page):
    """Press the header's menu button if the page shows one (phones) and it is closed."""
    page.wait_for_load_state("domcontentloaded")  # menu.js (deferred) has shown the button
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")


def fill_person(page, t, language, name, email):
    field(page, t, language, "Full name").fill(name)
    field(page, t, language, "Email").fill(email)
    field(page, t, language, "Password").fill(NEW_PASSWORD)
    field(page, t, language, "Repeat the password").fill(NEW_PASSWORD)
    field(page, t, language, "Language for emails and pages").select_option(language)


def fill_post(page, t, language, title, quantity):
    """The fields offers and needs share; category and place typed as people type them."""
    field(page, t, language, "Category").fill("kouvertes")
    field(page, t, language, "Title").fill(title)
    field(page, t, language, "Quantity").fill(str(quantity))
    field(page, t, language, "Area").fill("Kypseli")


def register_organisation(page, t, language, kind_link, name, person, email):
    page.goto("/")
    choose_language(page, language)
    nav_link(page, t(language, "Register")).click()
    page.get_by_role("link", name=t(language, kind_link)).click()
    field(page, t, language, "Name of the organisation").fill(name)
    field(page, t, language, "Area").fill("Kypseli")
    field(page, t, language, "Organisation phone").fill("+30 210 555 0101")
    fill_person(page, t, language, person, email)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_company_registers_and_posts_an_offer(new_page, check, t, language):
    page = new_page()
    page.goto("/")
    choose_language(page, language)
    check(page, "home")
    nav_link(page, t(language, "Register")).click()
    check(page, "register")
    company = f"Θερμή Ένδυση {language.upper()} Α.Ε."
    register_organisation(
        page, t, language, "As a company", company, "Ελένη Παππά", f"csr-{language}@co.example"
    )
    check(page, "register-company")
    page.get_by_role("main").get_by_role("button", name=t(language, "Register")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(company)
    check(page, "organisation-pending")

    # Approval by staff is the NGO journey's subject: here the centre has approved already.
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == company))
    organisation.status = "approved"
    db.session.commit()
    page.reload()  # what they may do now shows on the next page they open

    nav_link(page, t(language, "My offers")).click()
    page.get_by_role("link", name=t(language, "Offer something")).click()
    fill_post(page, t, language, "Κουβέρτες μάλλινες, διπλές", 100)
    check(page, "offer-form")
    page.get_by_role("button", name=t(language, "Post the offer")).click()
    posted = t(language, "Thank you. Your offer is posted.")
    expect(page.get_by_role("status")).to_contain_text(posted)
    offer = page.locator(".card", has_text="Κουβέρτες μάλλινες, διπλές")
    expect(offer).to_contain_text(t(language, "open"))
    check(page, "my-offers")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_ngo_registers_is_approved_by_staff_and_posts_a_need(
    new_page, check, t, language, make_user
):
    staff = make_user("staff", language=language, full_name="Άννα Γεωργίου")
    ngo_page = new_page()
    name = f"Στέγη Αλληλεγγύης {language.upper()}"
    register_organisation(
        ngo_page,
        t,
        language,
        "As a member organisation (NGO)",
        name,
        "Νίκος Αλεξίου",
        f"nikos-{language}@ngo.example",
    )
    field(ngo_page, t, language, "Main sector").select_option("basic_goods")
    check(ngo_page, "register-ngo")
    ngo_page.get_by_role("main").get_by_role("button", name=t(language, "Register")).click()
    expect(ngo_page.get_by_role("heading", level=1)).to_contain_text(name)

    staff_page = new_page()
    sign_in_with_form(staff_page, staff, t)
    nav_link(staff_page, t(language, "Organisations to verify")).click()
    waiting = staff_page.locator(".card", has_text=name)
    check(staff_page, "organisations-to-verify")
    waiting.get_by_role("button", name=t(language, "Approve")).click()
    expect(staff_page.get_by_role("status")).to_contain_text(
        t(language, "%(name)s is approved.", name=name)
    )

    ngo_page.reload()
    nav_link(ngo_page, t(language, "Our needs")).click()
    ngo_page.get_by_role("main").get_by_role("link", name=t(language, "Post a need")).click()
    fill_post(ngo_page, t, language, "Blankets for a family shelter", 40)
    field(ngo_page, t, language, "Urgency").select_option("high")
    needed_by = (today() + timedelta(days=21)).isoformat()
    field(ngo_page, t, language, "Needed by").fill(needed_by)
    check(ngo_page, "need-form")
    ngo_page.get_by_role("button", name=t(language, "Post the need")).click()
    expect(ngo_page.get_by_role("status")).to_contain_text(t(language, "The need is posted."))
    need = ngo_page.locator(".card", has_text="Blankets for a family shelter")
    expect(need.locator("progress")).to_have_attribute("value", "0")
    check(ngo_page, "our-needs")

    nav_link(ngo_page, t(language, "Needs")).click()
    expect(ngo_page.locator("#needs-list")).to_contain_text("Blankets for a family shelter")


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_confirm_a_proposal_both_sides_see_each_other_and_the_ngo_records_receipt(
    new_page, check, t, language, make_user, make_need, make_offer
):
    ngo = make_user("ngo", language=language, full_name="Νίκος Αλεξίου")
    donor = make_user("company", language=language, full_name="Ελένη Παππά")
    staff = make_user("staff", language=language, full_name="Άννα Γεωργίου")
    need = make_need(ngo, quantity=40, title="Blankets for a family shelter")
    make_offer(donor, quantity=100, title="Κουβέρτες μάλλινες")  # the engine proposes 40

    ngo_page = new_page()
    sign_in(ngo_page, ngo)
    ngo_page.goto("/needs/ours")
    progress = ngo_page.locator(f"#need-{need.id} progress")
    expect(progress).to_have_attribute("value", "0")

    staff_page = new_page()
    sign_in(staff_page, staff)
    staff_page.goto("/")
    nav_link(staff_page, t(language, "Proposals to review")).click()
    proposal = staff_page.locator(".proposal", has_text=need.title)
    expect(proposal.locator(".reasons")).to_contain_text(t(language, "Same category"))
    proposal.locator("details:has(.breakdown) > summary").click()  # the score's components
    expect(proposal.locator(".breakdown tbody tr").first).to_be_visible()
    check(staff_page, "review-queue")
    proposal.get_by_role("button", name=t(language, "Confirm")).click()
    expect(staff_page.locator(".proposal", has_text=need.title)).to_have_count(0)

    donor_page = new_page()
    sign_in(donor_page, donor)
    donor_page.goto("/matches")
    seen_by_donor = donor_page.locator(".card", has_text=need.title)
    expect(seen_by_donor.locator(".contact")).to_contain_text(ngo.email)
    expect(seen_by_donor.locator(".contact")).to_contain_text(ngo.organisation.name)
    check(donor_page, "donor-matches")

    nav_link(ngo_page, t(language, "Matches")).click()
    seen_by_ngo = ngo_page.locator(".card", has_text=need.title)
    expect(seen_by_ngo.locator(".contact")).to_contain_text(donor.email)
    check(ngo_page, "ngo-matches")
    field(seen_by_ngo, t, language, "Quantity received").fill("40")
    seen_by_ngo.get_by_role("button", name=t(language, "Record receipt")).click()
    expect(ngo_page.get_by_role("status")).to_contain_text(
        t(language, "Thank you. The receipt is recorded.")
    )

    nav_link(ngo_page, t(language, "Our needs")).click()
    expect(progress).to_have_attribute("value", "40")
    check(ngo_page, "our-needs-covered")
