"""The directory of member services in a real browser: both languages, phone and desktop, a
marker for every listed service, search in Greeklish, axe-core clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import sign_in
from tests.browser.test_journeys import choose_language, field
from tests.browser.test_maps import ITEMS_ON_MAP_ARE
from web.directory import services

SERVICES = (
    ("kypseli", "Νομική συνδρομή για το άσυλο", "legal", "asylum_legal_advice"),
    ("piraeus", "Μαθήματα ελληνικών για ενήλικες", "education", "greek_lessons"),
    ("kifisia", "Ψυχολογική υποστήριξη", "health", "psychological_support"),
)


@pytest.fixture
def listed(make_user):
    member, staff = make_user("ngo"), make_user("staff")
    found = []
    for place, title, sector, category in SERVICES:
        service = services.describe_service(member, {
            "title": title, "sector": sector, "categories": [category], "place": place,
            "languages": ["arabic"], "hours": "10:00–16:00", "contact": "info@member.example"})
        found.append(services.decide_service(staff, service.id, approve=True))
    return found


@pytest.mark.parametrize("language", ["el", "en"])
def test_the_directory_lists_services_beside_a_map_and_finds_them_in_greeklish(
        page, check, t, listed, language):
    page.goto("/directory")
    choose_language(page, language)
    expect(page.locator("#services-list > li")).to_have_count(len(SERVICES))
    page.wait_for_function(ITEMS_ON_MAP_ARE, arg=len(SERVICES))
    check(page, f"directory-{language}")
    field(page, t, language, "What are you looking for?").fill("asilo")
    page.get_by_role("button", name=t(language, "Show")).click()
    expect(page.locator("#services-list > li")).to_have_count(1)
    expect(page.locator(f"#service-{listed[0].id}")).to_contain_text(SERVICES[0][1])
    page.locator(f"#service-{listed[0].id} a").first.click()
    expect(page.locator("h1")).to_have_text(listed[0].organisation.name)
    check(page, f"directory-member-{language}")


@pytest.mark.parametrize("language", ["el", "en"])
def test_a_member_describes_a_service_and_staff_approve_it(new_page, check, t, make_user,
                                                           language):
    member = make_user("ngo", language=language)
    page = new_page()
    sign_in(page, member)
    page.goto("/directory/ours")
    page.get_by_role("link", name=t(language, "Describe a service")).click()
    field(page, t, language, "Title").fill("Νομική συνδρομή για το άσυλο")
    field(page, t, language, "Sector").select_option("legal")
    field(page, t, language, "Categories").fill("asylo")
    field(page, t, language, "Address (area)").fill("Kypseli")
    page.get_by_label(t(language, "Arabic") if language == "en" else "Αραβικά").check()
    check(page, f"directory-form-{language}")
    page.get_by_role("button", name=t(language, "Send for review")).click()
    expect(page.locator(".posts")).to_contain_text(t(language, "waiting for review"))
    staff = new_page()
    sign_in(staff, make_user("staff", language=language))
    staff.goto("/staff/directory")
    check(staff, f"directory-review-{language}")
    staff.get_by_role("button", name=t(language, "Approve")).first.click()
    staff.goto("/directory")
    expect(staff.locator("#services-list > li")).to_have_count(1)
