"""The report for funders: counts by sector, area, NGO and donor for a period; companies
named, individuals counted; a printable page and an XLSX."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from tests.helpers import sign_in
from web.clock import today
from web.extensions import db
from web.matches import services
from web.models import utcnow
from web.posts.models import Need
from web.staff.reports import INDIVIDUALS, build_report, parse_report_filters


@pytest.fixture
def staff(make_user):
    return make_user("staff")


@pytest.fixture
def scene(app, staff, make_user, make_need, make_offer, make_match, make_organisation):
    ngo = make_user("ngo", organisation=make_organisation("ngo", name="Στέγη Αλληλεγγύης"))
    company = make_user("company", organisation=make_organisation("company", name="Θερμή Α.Ε."))
    blankets = make_need(ngo, quantity=50)
    kits = make_need(ngo, category="first_aid_kits", place="piraeus")
    old = make_need(ngo, title="Παλιά ανάγκη")
    db.session.execute(
        update(Need).where(Need.id == old.id).values(created_at=utcnow() - timedelta(days=400))
    )
    people = [make_user("individual", full_name=f"Ιδιώτης {n}") for n in range(2)]
    offers = [
        make_offer(company, quantity=10),
        make_offer(people[0], quantity=10),
        make_offer(people[1], category="first_aid_kits", place="piraeus", quantity=2),
    ]
    matches = [
        make_match(offers[0], blankets, 10),
        make_match(offers[1], blankets, 10),
        make_match(offers[2], kits, 2),
    ]
    for match in matches:
        services.confirm_match(staff, match.id)
    services.record_receipt(ngo, matches[0].id, 10)
    return {"ngo": ngo, "company": company, "people": people}


def report(app, **args):
    return build_report(parse_report_filters(args, today()))


def test_the_report_counts_what_was_asked_offered_confirmed_and_received(app, scene):
    found = report(app)
    assert found.total.values() == [2, 3, 3, 1]  # the 400-day-old need is outside the period
    assert found.by_sector["basic_goods"].values() == [1, 2, 2, 1]
    assert found.by_sector["health"].values() == [1, 1, 1, 0]
    assert found.by_area["piraeus"].values() == [1, 1, 1, 0]
    ngo_id = scene["ngo"].organisation_id
    assert found.by_ngo[ngo_id].values() == [2, 0, 3, 1]
    assert found.by_donor[scene["company"].organisation_id].values() == [0, 1, 1, 1]
    assert found.by_donor[INDIVIDUALS].values() == [0, 2, 2, 0]
    assert len(found.individuals) == 2


def test_a_sector_or_an_area_narrows_the_report(app, scene):
    assert report(app, sector="health").total.values() == [1, 1, 1, 0]
    assert report(app, area="athens").total.values() == [1, 2, 2, 1]
    longer = (today() - timedelta(days=500)).isoformat()
    assert report(app, since=longer).total.asked == 3


def test_the_page_names_companies_and_only_counts_individuals(client, staff, scene):
    sign_in(client, staff)
    html = client.get("/staff/reports").get_data(as_text=True)
    assert "Θερμή Α.Ε." in html and "Στέγη Αλληλεγγύης" in html
    assert "Ιδιώτες δωρητές (2 άτομα)" in html
    assert "Ιδιώτης 0" not in html and "Ιδιώτης 1" not in html
    assert 'id="chart-data"' in html


def test_the_report_downloads_as_a_workbook_of_four_sheets(client, staff, scene):
    sign_in(client, staff)
    response = client.get("/staff/reports/report.xlsx?sector=basic_goods")
    workbook = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    assert workbook.sheetnames == ["Ανά τομέα", "Ανά περιοχή", "Ανά φορέα", "Ανά δωρητή"]
    rows = list(workbook["Ανά δωρητή"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Δωρητής", "Ανάγκες που δημοσιεύτηκαν")
    assert ("Θερμή Α.Ε.", 0, 1, 1, 1) in rows
    assert ("Ιδιώτες δωρητές (1 άτομο)", 0, 1, 1, 0) in rows
