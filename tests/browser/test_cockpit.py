"""The staff's cockpit in a real browser, in Greek and English, on a phone and a desktop:
the dashboard with its charts and tables, an export, and a queue action that keeps the
filters and the place."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
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


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_read_a_report_for_a_period_and_sector(new_page, check, t, scene, language):
    staff = scene(language)
    page = new_page()
    sign_in(page, staff)
    page.goto("/staff")
    page.get_by_role("navigation", name=t(language, "Staff pages")).get_by_role(
        "link", name=t(language, "Report"), exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Report"))
    expect(page.locator(".chart.drawn canvas")).to_have_count(1)
    check(page, "report")
    page.get_by_label(t(language, "Sector"), exact=True).select_option("health")
    page.get_by_role("button", name=t(language, "Show")).click()
    by_sector = page.locator("section", has=page.locator("#report-sector")).locator("tbody tr")
    expect(by_sector).to_have_count(1)
    expect(by_sector.first.locator("td").first).to_have_text("1")  # one need posted
    with page.expect_download() as download:
        page.get_by_role("link", name=t(language, "Download as a spreadsheet (XLSX)")).click()
    assert download.value.suggested_filename.endswith(".xlsx")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_ngo_imports_a_file_with_an_error_then_the_corrected_one(
    new_page, check, t, make_user, language, tmp_path
):
    ngo = make_user("ngo", language=language)
    deadline = (date.today() + timedelta(days=20)).isoformat()
    header = ",".join(
        t(language, name)
        for name in ("Your reference", "Title", "Category", "Quantity", "Area", "Needed by")
    )
    good = f"N-1,Κουβέρτες για τον ξενώνα,kouvertes,40,Κυψέλη,{deadline}"
    bad = f"N-2,Παπούτσια,shoes,πολλά,Κυψέλη,{deadline}"
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("\n".join([header, good, bad]) + "\n", encoding="utf-8-sig")
    right = tmp_path / "right.csv"
    right.write_text("\n".join([header, good]) + "\n", encoding="utf-8-sig")
    page = new_page()
    sign_in(page, ngo)
    page.goto("/needs/ours")
    page.get_by_role("link", name=t(language, "Import from a file")).click()
    page.get_by_label(t(language, "File (CSV or XLSX)"), exact=True).set_input_files(str(wrong))
    page.get_by_role("button", name=t(language, "Check the file")).click()
    expect(page.locator("#row-3.has-error")).to_contain_text(t(language, "Quantity"))
    expect(page.locator("#row-2")).to_contain_text("→")  # the category and area found
    check(page, "import-errors")
    page.get_by_label(t(language, "File (CSV or XLSX)"), exact=True).set_input_files(str(right))
    page.get_by_role("button", name=t(language, "Check the file")).click()
    page.get_by_role("button", name=t(language, "Import %(num)d row", num=1)).click()
    expect(page.get_by_role("status")).to_contain_text("1")
    page.goto("/needs/ours")
    expect(page.locator("main")).to_contain_text("Κουβέρτες για τον ξενώνα")
