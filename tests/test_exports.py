"""Exports of lists: CSV with a BOM and XLSX with typed cells, filtered, in the reader's
language; each side exports only its own."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from tests.helpers import sign_in
from web.clock import today
from web.extensions import db
from web.listing import ListFilters
from web.matches import services
from web.matches.models import Match
from web.staff.exports import BATCH, Column, csv_chunks, export_list


@pytest.fixture
def staff(make_user):
    return make_user("staff")


@pytest.fixture
def scene(make_user, make_need, make_offer, make_match, staff):
    ngo = make_user("ngo")
    blankets = make_need(ngo, title="Κουβέρτες για τον ξενώνα", quantity=40)
    kits = make_need(ngo, category="first_aid_kits", title="Φαρμακεία", place="piraeus")
    other = make_need(make_user("ngo"), title="Άλλου φορέα κουβέρτες")
    donor = make_user("individual", full_name="Μαρία Παπαδοπούλου")
    offer = make_offer(donor, title="Μάλλινες κουβέρτες", quantity=20)
    db.session.execute(update(Match).values(status="superseded"))
    proposal = make_match(offer, blankets, 20)
    services.confirm_match(staff, proposal.id)
    return {
        "ngo": ngo,
        "donor": donor,
        "needs": [blankets, kits, other],
        "offer": offer,
        "match": proposal,
    }


def read_csv(response):
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_needs_as_csv_keep_greek_and_the_list_filters(client, staff, scene):
    sign_in(client, staff)
    response = client.get("/staff/exports/needs.csv?sector=basic_goods")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header[:3] == ["Αριθμός", "Τίτλος", "Είδος"]
    titles = {row[1] for row in rows}
    assert titles == {"Κουβέρτες για τον ξενώνα", "Άλλου φορέα κουβέρτες"}
    assert {row[header.index("Τομέας")] for row in rows} == {"Είδη πρώτης ανάγκης"}


def test_needs_as_xlsx_have_typed_numbers_and_dates(client, staff, scene):
    sign_in(client, staff)
    response = client.get("/staff/exports/needs.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    header, *rows = read_xlsx(response)
    assert len(rows) == 3
    by_title = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    first = by_title["Κουβέρτες για τον ξενώνα"]
    assert first["Ποσότητα"] == 40 and isinstance(first["Ποσότητα"], int)
    assert first["Ακόμη ελεύθερα"] == 20
    assert isinstance(first["Δημοσιεύτηκε στις"], datetime)
    assert isinstance(first["Χρειάζεται έως"], datetime)  # openpyxl reads dates as datetimes
    assert first["Χρειάζεται έως"].date() > today()


def test_an_english_speaker_gets_english_headings(client, make_user, scene):
    sign_in(client, make_user("staff", language="en"))
    header, *rows = read_xlsx(client.get("/staff/exports/matches.xlsx"))
    assert header[:4] == ["Number", "Status", "Offer", "Donor"]
    [row] = rows
    assert row[1] == "confirmed" and row[2] == "Μάλλινες κουβέρτες"
    assert row[3] == "Μαρία Παπαδοπούλου"


def test_organisations_export_lists_members_with_contacts(client, staff, scene):
    sign_in(client, staff)
    header, *rows = read_csv(client.get("/staff/exports/organisations.csv"))
    assert "Τηλέφωνο" in header and len(rows) == 2


def test_an_ngo_exports_only_its_own_needs_and_matches(client, scene):
    sign_in(client, scene["ngo"])
    _, *rows = read_csv(client.get("/exports/needs.csv"))
    assert {r[1] for r in rows} == {"Κουβέρτες για τον ξενώνα", "Φαρμακεία"}
    header, *matches = read_xlsx(client.get("/exports/matches.xlsx"))
    assert len(matches) == 1
    assert client.get("/exports/offers.csv").status_code == 403
    assert client.get("/exports/organisations.csv").status_code == 403


def test_a_donor_exports_its_own_offers_and_matches(client, scene, make_offer, make_user):
    make_offer(make_user("individual"), title="Κάποιου άλλου")
    sign_in(client, scene["donor"])
    _, *rows = read_csv(client.get("/exports/offers.csv"))
    assert [r[1] for r in rows] == ["Μάλλινες κουβέρτες"]
    header, *matches = read_csv(client.get("/exports/matches.csv"))
    assert len(matches) == 1
    assert matches[0][header.index("Φορέας")]  # confirmed: the NGO's name is shown
    assert client.get("/exports/needs.csv").status_code == 403


def test_an_export_streams_rows_in_batches(app, staff, make_user, make_need):
    ngo = make_user("ngo")
    for n in range(3):
        make_need(ngo, title=f"Ανάγκη {n}")
    with app.test_request_context():
        response = export_list("needs", "csv", ListFilters(), staff)
        assert response.is_streamed
        text = b"".join(response.response).decode("utf-8-sig")
    assert text.count("\n") == 4
    chunks = list(csv_chunks([Column("n", lambda row: row)], range(2 * BATCH + 1)))
    assert len(chunks) == 3 and sum(c.count(b"\n") for c in chunks) == 2 * BATCH + 2


def test_the_audit_trail_exports_who_did_what(client, staff, scene):
    sign_in(client, staff)
    header, *rows = read_xlsx(client.get("/staff/exports/audit.xlsx?action=match.confirmed"))
    assert header[:3] == ["Πότε", "Ποιος", "Τι"]
    [row] = rows
    assert staff.full_name in row[1] and row[2] == "επιβεβαίωσε αντιστοίχιση"
    assert isinstance(row[0], datetime) and row[0].date() <= date.today()
