"""An emergency in a real browser, in Greek and English, on a phone and a desktop: staff
declare it, the public follows the banner to what is needed most and offers, staff close it
and read its report; axe-core clean on every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.support import sign_in
from tests.browser.test_journeys import choose_language, field
from web.clock import today
from web.reference import SECTORS


@pytest.mark.parametrize("language", ["el", "en"])
def test_staff_declare_an_emergency_the_public_offers_and_staff_close_it(
        new_page, check, t, make_user, make_need, language):
    need = make_need(place="piraeus", quantity=60, title="Κουβέρτες για τον σταθμό")
    staff = new_page()
    sign_in(staff, make_user("staff", language=language))
    staff.goto("/staff/emergencies")
    expect(staff.locator("html")).to_have_attribute("lang", language)
    check(staff, f"emergencies-{language}")
    field(staff, t, language, "Title in Greek").fill("Αφίξεις στον Πειραιά")
    field(staff, t, language, "Title in English").fill("Arrivals in Piraeus")
    field(staff, t, language, "Message in Greek").fill("Χρειάζονται κουβέρτες.")
    field(staff, t, language, "Message in English").fill("Blankets are needed.")
    staff.get_by_label(SECTORS["basic_goods"][language]).check()
    field(staff, t, language, "Municipalities").fill("Πειραιάς")
    field(staff, t, language, "Expected end").fill((today() + timedelta(days=5)).isoformat())
    staff.get_by_role("button", name=t(language, "Declare the emergency")).click()
    expect(staff.locator("#emergency-state")).to_have_text(t(language, "in force"))
    check(staff, f"emergency-declared-{language}")

    public = new_page()
    sign_in(public, make_user("individual", language=language))
    public.goto("/")
    choose_language(public, language)
    title = "Αφίξεις στον Πειραιά" if language == "el" else "Arrivals in Piraeus"
    expect(public.locator(".emergency-banner")).to_contain_text(title)
    check(public, f"emergency-banner-{language}")
    public.locator(".emergency-banner").get_by_role(
        "link", name=t(language, "See what is needed most")).click()
    expect(public.locator(f"#need-{need.id}")).to_contain_text("Κουβέρτες για τον σταθμό")
    check(public, f"emergency-public-{language}")
    public.locator(f"#need-{need.id}").get_by_role("link",
                                                    name=t(language, "I can offer this")).click()
    expect(public).to_have_url(re.compile(rf"/offers/new\?need={need.id}$"))
    check(public, f"emergency-offer-{language}")

    staff.get_by_role("button", name=t(language, "Close the emergency")).click()
    expect(staff.locator("#emergency-state")).to_have_text(t(language, "closed"))
    expect(staff.locator("#report-asked")).to_be_visible()
    check(staff, f"emergency-closed-{language}")
    public.goto("/")
    expect(public.locator(".emergency-banner")).to_have_count(0)
