"""The staff's cockpit in a real browser, in Greek and English, on a phone and a desktop:
the dashboard with its charts and tables, an export, and a queue action that keeps the
filters and the place."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.support import sign_in, sign_in_with_form

LANGUAGES = ["el", "en"]


@pytest.fixture
def scene(make_user, make_need, make_offer):
    """Needs in two sectors, offers that the engine proposes for them."""

    def build(language):
        staff = make_user("staff", language=language, full_name="Άννα Γεωργίου")
        ngo = make_user("ngo", language=language)
        for n in range(3):
            make_need(ngo, title=f"Κουβέρτες ξενώνα {n}", quantity=10, urgency="emergency")
            make_offer(make_user("individual"), title=f"Κουβέρτες δωρεά {n}", quantity=10)
        make_need(ngo, category="first_aid_kits", title="Φαρμακεία", place="piraeus")
        return staff

    return build


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_land_on_the_dashboard_and_open_the_list_behind_a_figure(
    new_page, check, t, scene, language
):
    staff = scene(language)
    page = new_page()
    sign_in_with_form(page, staff, t)
    assert urlsplit(page.url).path == "/staff"
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Dashboard"))
    # Charts are drawn from the page's data, each with its table.
    expect(page.locator(".chart.drawn canvas")).to_have_count(2)  # gaps, proposals waiting
    gaps = page.locator("table.gaps tbody tr")
    expect(gaps).to_have_count(2)
    check(page, "dashboard")
    figure = page.locator(".figure", has_text=t(language, "needs still lacking something"))
    expect(figure.locator("strong")).to_have_text("4")
    figure.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Needs"))
    expect(page.locator("li.card")).to_have_count(4)
    check(page, "needs-list")


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_export_a_filtered_list_as_csv(new_page, check, t, scene, language):
    staff = scene(language)
    page = new_page()
    sign_in(page, staff)
    page.goto("/staff/needs")
    page.get_by_label(t(language, "Words in the title"), exact=True).fill("κουβερτες")
    page.get_by_role("button", name=t(language, "Show")).click()
    expect(page.locator("li.card")).to_have_count(3)
    check(page, "filtered-needs")
    with page.expect_download() as download:
        page.get_by_role("link", name=t(language, "Download as CSV")).click()
    text = download.value.path().read_bytes().decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[1] == t(language, "Title")
    assert sorted(r[1] for r in rows) == [f"Κουβέρτες ξενώνα {n}" for n in range(3)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rejection_comes_back_to_the_same_filters_and_place(new_page, check, t, scene, language):
    staff = scene(language)
    page = new_page()
    sign_in(page, staff)
    page.goto("/staff/matches")
    page.get_by_label(t(language, "Sector"), exact=True).select_option("basic_goods")
    page.get_by_label(t(language, "Order"), exact=True).select_option("age")
    page.get_by_role("button", name=t(language, "Show")).click()
    cards = page.locator(".proposal")
    expect(cards).to_have_count(3)
    check(page, "filtered-queue")
    first, second = cards.nth(0), cards.nth(1)
    second_id = second.get_attribute("id")
    first.get_by_label(t(language, "Reason to reject"), exact=True).fill("Άλλη περιοχή")
    first.get_by_role("button", name=t(language, "Reject")).click()
    expect(page.get_by_role("status")).to_contain_text(t(language, "The proposal is rejected."))
    location = urlsplit(page.url)
    assert parse_qs(location.query) == {"sector": ["basic_goods"], "sort": ["age"]}
    assert location.fragment == second_id
    expect(page.get_by_label(t(language, "Sector"), exact=True)).to_have_value("basic_goods")
    expect(page.get_by_label(t(language, "Order"), exact=True)).to_have_value("age")
    expect(page.locator(f"#{second_id}")).to_be_in_viewport()
    check(page, "queue-after-reject")
