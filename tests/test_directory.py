"""The directory of member services: members describe, staff approve, the public searches
(Greek, English, Greeklish) and filters, over pages and the API; uncovered needs show the
members whose services fit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import sign_in
from web.directory import services
from web.directory.models import MemberService
from web.extensions import db

ASYLUM = {
    "title": "Νομική συνδρομή για αιτούντες άσυλο",
    "description": "Προετοιμασία συνέντευξης και προσφυγές.",
    "sector": "legal",
    "categories": "asylum_legal_advice",
    "place": "kypseli",
    "areas": "",
    "languages": ["arabic", "farsi"],
    "hours": "Δευτέρα–Πέμπτη 10:00–16:00",
    "eligibility": "Αιτούντες άσυλο και πρόσφυγες",
    "contact": "legal@stegi.example, 210 555 0303",
}


def service_fields(**overrides):
    """A service as the API-free service function takes it (ids, lists)."""
    fields = {**ASYLUM, "categories": ["asylum_legal_advice"], "areas": []}
    fields.update(overrides)
    return fields


@pytest.fixture
def member(make_user, make_organisation):
    organisation = make_organisation("ngo", name="Στέγη Αλληλεγγύης")
    organisation.email = "info@stegi.example"
    db.session.commit()
    return make_user("ngo", organisation=organisation, full_name="Ελένη Γεωργίου",
                     email="eleni@stegi.example", phone="+30 697 000 2222")


@pytest.fixture
def listed(member, make_user):
    """Describe a service and have staff approve it."""

    def build(**overrides):
        service = services.describe_service(member, service_fields(**overrides))
        return services.decide_service(make_user("staff"), service.id, approve=True)

    return build


def test_a_member_describes_a_service_that_is_listed_once_staff_approve_it(
        app, member, make_user):
    ngo = sign_in(app.test_client(), member)
    assert ngo.get("/directory/ours/new").status_code == 200
    response = ngo.post("/directory/ours/new", data={**ASYLUM, "categories": "άσυλο"})
    assert response.status_code == 302
    service = db.session.scalars(select(MemberService)).one()
    assert (service.status, service.categories) == ("pending", ["asylum_legal_advice"])
    assert "περιμένει έλεγχο" in ngo.get("/directory/ours").get_data(as_text=True)
    public = app.test_client()
    assert ASYLUM["title"] not in public.get("/directory").get_data(as_text=True)
    staff = sign_in(app.test_client(), make_user("staff"))
    assert ASYLUM["title"] in staff.get("/staff/directory").get_data(as_text=True)
    assert staff.post(f"/staff/directory/{service.id}/approve").status_code == 302
    page = public.get("/directory").get_data(as_text=True)
    assert ASYLUM["title"] in page and "Στέγη Αλληλεγγύης" in page
    assert "Αραβικά" in page and "Δευτέρα–Πέμπτη" in page and 'data-lat="' in page
    # Only the organisation's public contact, never the representative's.
    member_page = public.get(f"/directory/{member.organisation_id}").get_data(as_text=True)
    assert "info@stegi.example" in member_page and ASYLUM["title"] in member_page
    for personal in ("Ελένη", "eleni@stegi.example", "697 000 2222"):
        assert personal not in page and personal not in member_page


def test_a_change_waits_for_staff_again(member, listed):
    service = listed()
    services.change_service(member, service.id, service_fields(hours="Κάθε Τρίτη"))
    assert services.search_directory({}) == []
    assert [s.id for s in services.pending_services()] == [service.id]


@pytest.mark.parametrize("query", ["άσυλο", "ΑΣΥΛΟ", "asylum", "asilo", "nomiki voitheia",
                                   "legal aid", "Στέγη"])
def test_the_search_finds_a_service_in_greek_english_and_greeklish(listed, query):
    service = listed()
    listed(title="Μαθήματα ελληνικών", sector="education", categories=["greek_lessons"])
    assert [s.id for s in services.search_directory({"q": query})][:1] == [service.id]


@pytest.mark.parametrize(("filters", "found"), [
    ({"sector": "legal"}, True),
    ({"sector": "health"}, False),
    ({"language": "farsi"}, True),
    ({"language": "somali"}, False),
    ({"area": "kypseli"}, True),
    ({"area": "piraeus"}, False),
])
def test_filters_by_sector_language_and_area(listed, filters, found):
    listed()
    assert bool(services.search_directory(filters)) is found


def test_a_service_serving_all_of_attica_is_found_in_any_area(listed):
    listed(place=None, areas=[])
    assert services.search_directory({"area": "piraeus"})


def test_the_api_lists_approved_services_with_filters(client, listed, member):
    service = listed()
    services.describe_service(member, service_fields(title="Ακόμη υπό έλεγχο"))
    body = client.get("/api/v1/directory?q=asylum&language=arabic").get_json()
    assert body["total"] == 1
    [item] = body["items"]
    assert item["id"] == service.id and item["organisation"]["name"] == "Στέγη Αλληλεγγύης"
    assert item["organisation"]["email"] == "info@stegi.example"
    assert "eleni" not in str(item)
    assert client.get("/api/v1/directory?language=klingon").status_code == 422
    assert client.get("/api/v1/directory?colour=red").status_code == 422


def test_an_uncovered_need_shows_members_whose_services_fit(
        app, listed, make_user, make_need, make_offer):
    listed()
    poster = make_user("ngo")
    need = make_need(poster, kind="skill", category="asylum_legal_advice", unit="sessions",
                     title="Συνέντευξη ασύλου για οικογένεια", quantity=3)
    blankets = make_need(poster)
    page = sign_in(app.test_client(), poster).get("/needs/ours").get_data(as_text=True)
    assert "Μέλη που το προσφέρουν" in page
    assert page.count("Στέγη Αλληλεγγύης: <a") == 1 and "Νομική συνδρομή" in page
    assert services.fitting_services(blankets) == []
    make_offer(make_user("individual"), kind="skill", category="asylum_legal_advice",
               unit="sessions", title="Δικηγόρος για συνέντευξη ασύλου", quantity=3)
    db.session.refresh(need)
    assert not services.uncovered(need)


def test_a_members_own_service_is_not_suggested_for_its_own_need(listed, member, make_need):
    listed()
    need = make_need(member, kind="skill", category="asylum_legal_advice", unit="sessions",
                     quantity=3)
    assert services.fitting_services(need) == []
