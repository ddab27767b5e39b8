"""Two centres on one database: nothing of one reaches the other's staff, pages and API alike;
a donor's offer is proposed to both centres' needs, and each confirms its own."""

import pytest
from sqlalchemy import select

from tests.helpers import csrf_token_from, sign_in
from web.centres.models import CentreMember
from web.centres.services import CentreDetails, centre_for_need, default_centre, save_centre
from web.directory.services import describe_service
from web.emergencies.services import declare_emergency
from web.extensions import db
from web.matches.models import Match
from web.models import Organisation
from web.statuses import MatchStatus

# What each centre's rows are called, to look for on the other's pages.
A_MARK, B_MARK = "Κουβέρτες Αθήνας", "Κουβέρτες Θεσσαλονίκης"


@pytest.fixture
def centres(app, make_user, make_organisation, make_need, make_offer, make_match):
    """Athens (A, the first centre) and Thessaloniki (B), each with an NGO, a need, a
    proposal, a pending organisation, staff and an emergency; one national donor."""
    athens = default_centre()
    salonica = save_centre(None, CentreDetails(
        slug="thessaloniki", name_el="Κέντρο Θεσσαλονίκης", name_en="Thessaloniki centre",
        area=["thessaloniki_unit"]))
    built = {"A": {"centre": athens}, "B": {"centre": salonica}}
    for key, centre, place in (("A", athens, "kypseli"), ("B", salonica, "kalamaria")):
        mark = A_MARK if key == "A" else B_MARK
        ngo = make_organisation("ngo", centre=centre, name=f"NGO {mark}")
        poster = make_user("ngo", organisation=ngo)
        need = make_need(poster, place=place, title=mark)
        offer = make_offer(place=place, title=f"Offer for {mark}", reach_km=10)
        staff = make_user("staff", centre=centre, full_name=f"Staff {mark}")
        describe_service(poster, {
            "title": f"Υπηρεσία {mark}", "description": "Δωρεάν.", "sector": "legal",
            "categories": ["asylum_legal_advice"], "place": place, "areas": [],
            "languages": ["greek"], "hours": "", "eligibility": "", "contact": "+30 210 0"})
        built[key].update(
            ngo=ngo, need=need, staff=staff,
            match=make_match(offer, need),
            pending=make_organisation("ngo", status="pending", centre=centre,
                                      name=f"Pending {mark}"),
            emergency=declare_emergency(staff, {
                # Emergencies in force are public (the banner): named without the mark.
                "title_el": f"Έκτακτο {key}", "title_en": f"Emergency {key}",
                "message_el": "Μήνυμα", "message_en": "Message", "sectors": ["basic_goods"],
                "ends_on": need.needed_by.isoformat()}),
        )
    return built


def test_a_need_belongs_to_its_organisations_centre(centres):
    assert centres["A"]["need"].centre_id == centres["A"]["centre"].id
    assert centres["B"]["need"].centre_id == centres["B"]["centre"].id


def test_of_several_centres_a_need_goes_to_the_one_whose_area_holds_its_place(centres):
    ngo = centres["A"]["ngo"]
    db.session.add(CentreMember(centre=centres["B"]["centre"], organisation=ngo))
    db.session.commit()
    assert centre_for_need(ngo, "kalamaria") == centres["B"]["centre"]
    assert centre_for_need(ngo, "kypseli") == centres["A"]["centre"]
    assert centre_for_need(ngo, "ioannina") == centres["A"]["centre"]  # its first


LISTS = [
    "/staff", "/staff/matches", "/staff/matches/all?status=proposed", "/staff/needs",
    "/staff/organisations?status=all", "/staff/audit", "/staff/reports",
    "/staff/emergencies", "/staff/committees", "/staff/exports/needs.csv",
    "/staff/exports/matches.csv?status=proposed", "/staff/exports/organisations.csv",
    "/staff/exports/audit.csv", "/staff/imports/needs", "/staff/directory", "/staff/mail",
]


@pytest.mark.parametrize("path", LISTS)
def test_no_list_or_export_shows_another_centres_rows(client, centres, path):
    sign_in(client, centres["B"]["staff"])
    body = client.get(path).get_data(as_text=True)
    assert A_MARK not in body
    assert f"/staff/emergencies/{centres['A']['emergency'].id}\"" not in body


def test_a_centres_lists_show_its_own_rows(client, centres):
    sign_in(client, centres["B"]["staff"])
    for path in ("/staff/matches", "/staff/needs", "/staff/organisations?status=all",
                 "/staff/directory"):
        assert B_MARK in client.get(path).get_data(as_text=True), path
    emergency = centres["B"]["emergency"].id
    assert f"/staff/emergencies/{emergency}" in client.get("/staff/emergencies").get_data(
        as_text=True)


def test_another_centres_objects_answer_404_on_the_pages(client, centres):
    a = centres["A"]
    sign_in(client, centres["B"]["staff"])
    for path in (f"/staff/matches/{a['match'].id}/reject",
                 f"/staff/organisations/{a['pending'].id}/approve",
                 f"/staff/emergencies/{a['emergency'].id}/close",
                 f"/staff/committees/{a['staff'].id}"):
        assert client.post(path, data={"reason": "no"}).status_code == 404, path
    assert client.get(f"/staff/emergencies/{a['emergency'].id}").status_code == 404
    client.post("/staff/matches/confirm", data={"only": str(a["match"].id)})
    db.session.refresh(a["match"])
    db.session.refresh(a["pending"])
    assert a["match"].status == MatchStatus.PROPOSED and a["pending"].status == "pending"
    assert a["emergency"].closed_at is None


def test_another_centres_objects_answer_404_through_the_api(client, centres, bearer):
    a, headers = centres["A"], bearer(centres["B"]["staff"])
    listed = client.get("/api/v1/matches", headers=headers).get_json()
    assert {m["id"] for m in listed["items"]} == {centres["B"]["match"].id}
    for action, body in (("confirm", {}), ("reject", {"reason": "no"}),
                         ("cancel", {"reason": "no"})):
        answer = client.post(f"/api/v1/matches/{a['match'].id}/{action}", json=body,
                             headers=headers)
        assert answer.status_code == 404, action
    assert client.get(f"/api/v1/emergencies/{a['emergency'].id}",
                      headers=headers).status_code == 404
    emergencies = client.get("/api/v1/emergencies", headers=headers).get_json()["items"]
    assert [e["id"] for e in emergencies] == [centres["B"]["emergency"].id]
    committees = client.get("/api/v1/committees", headers=headers).get_json()["items"]
    assert A_MARK not in str(committees)


def test_the_deployment_admin_sees_every_centre(client, centres, make_user):
    sign_in(client, make_user("admin"))
    body = client.get("/staff/matches").get_data(as_text=True)
    assert A_MARK in body and B_MARK in body


def test_a_donors_offer_reaches_both_centres_and_each_confirms_its_own(
    client, centres, make_need, make_offer, make_user
):
    needs = {key: make_need(centres[key]["need"].poster, category="legal_advice",
                            unit="sessions", quantity=2, title=f"Νομική συμβουλή {key}",
                            place=centres[key]["need"].place_id) for key in "AB"}
    offer = make_offer(make_user("company"), category="legal_advice", unit="sessions",
                       quantity=10, remote=True, title="Νομικές συμβουλές online")
    proposals = {m.need_id: m for m in db.session.scalars(
        select(Match).where(Match.offer_id == offer.id, Match.status == "proposed"))}
    assert set(proposals) == {needs["A"].id, needs["B"].id}
    for key, other in (("A", "B"), ("B", "A")):
        sign_in(client, centres[key]["staff"])
        mine, theirs = proposals[needs[key].id], proposals[needs[other].id]
        assert client.post(f"/staff/matches/{theirs.id}/reject",
                           data={"reason": "not ours"}).status_code == 404
        client.post("/staff/matches/confirm", data={"only": str(mine.id)})
        client.post("/logout")
    for match in proposals.values():
        db.session.refresh(match)
        assert match.status == MatchStatus.CONFIRMED
        assert match.decided_by.centre_id == match.need.centre_id


def test_an_ngo_registers_with_the_centre_of_its_area(client, centres):
    form = {"organisation_name": "Νέα οργάνωση", "place": "kalamaria",
            "organisation_phone": "+30 2310 000000", "full_name": "Νίκος Π.",
            "email": "nikos@new.example", "password": "a long and quiet river",
            "confirm": "a long and quiet river", "language": "el"}
    assert client.post("/register/ngo", data=form).status_code == 302
    organisation = db.session.scalar(select(Organisation).where(
        Organisation.name == "Νέα οργάνωση"))
    members = db.session.scalars(select(CentreMember.centre_id).where(
        CentreMember.organisation_id == organisation.id)).all()
    assert members == [centres["B"]["centre"].id]
    sign_in(client, centres["B"]["staff"])
    assert "Νέα οργάνωση" in client.get("/staff/organisations").get_data(as_text=True)


def test_the_admin_adds_a_centre_its_member_and_its_first_staff(client, centres, make_user):
    sign_in(client, make_user("admin"))
    answer = client.post("/admin/centres", data={
        "slug": "ioannina", "name_el": "Κέντρο Ιωαννίνων", "name_en": "Ioannina centre",
        "area": "Ιωάννινα"})
    assert answer.status_code == 302
    page = answer.headers["Location"]
    assert "Ioannina" in client.get("/admin/centres").get_data(as_text=True)
    ngo = centres["A"]["ngo"]
    client.post(f"{page}/members", data={"organisation": str(ngo.id)})
    client.post(f"{page}/staff", data={"email": "maria@ioannina.example",
                                       "full_name": "Μαρία"})
    body = client.get(page).get_data(as_text=True)
    assert "maria@ioannina.example" in body and ngo.name in body
    bad = client.post("/admin/centres", data={"slug": "ioannina", "name_el": "x",
                                              "name_en": "x", "area": "Narnia"})
    assert bad.status_code == 422


def test_a_centres_full_run_is_its_own_and_leaves_the_other_centres_proposals_alone(
    client, centres
):
    from web.matches.full_run import run_matching
    from web.matches.run_queue import RunRequest
    from web.scheduler import DAILY_JOBS

    a_match, b_need = centres["A"]["match"], centres["B"]["need"]
    a_run_before = a_match.run_id
    run = run_matching(scope="thessaloniki")
    assert run.centre_id == centres["B"]["centre"].id and run.needs == 1
    db.session.expire_all()
    a_match = db.session.get(Match, a_match.id)
    assert a_match.status == MatchStatus.PROPOSED and a_match.run_id == a_run_before
    assert db.session.scalars(
        select(Match).where(Match.need_id == b_need.id, Match.run_id == run.id)).all()
    # Each centre's staff ask for their own centre's run; the daily job asks for each.
    for key, slug in (("B", "thessaloniki"), ("A", "athens")):
        sign_in(client, centres[key]["staff"])
        page = client.get("/staff/runs").get_data(as_text=True)
        answer = client.post("/staff/matches/run", data={"csrf_token": csrf_token_from(page)})
        assert answer.status_code == 302
        assert db.session.scalars(
            select(RunRequest).order_by(RunRequest.id.desc())).first().scope == slug
    scopes = sorted(r.scope for r in db.session.scalars(select(RunRequest)))
    assert scopes == ["athens", "thessaloniki"]
    DAILY_JOBS["match_run"]()
    assert sorted(r.scope for r in db.session.scalars(select(RunRequest))) == scopes


def test_the_admin_declares_an_emergency_for_a_chosen_centre_and_staff_for_their_own(
    client, centres, make_user, bearer
):
    from web.emergencies.models import Emergency

    body = {"title_el": "Καύσωνας", "title_en": "Heatwave", "message_el": "Νερό.",
            "message_en": "Water.", "sectors": ["basic_goods"],
            "ends_on": centres["B"]["need"].needed_by.isoformat()}
    admin = make_user("admin")
    sign_in(client, admin)
    page = client.get("/staff/emergencies").get_data(as_text=True)
    assert 'name="centre"' in page and "Κέντρο Θεσσαλονίκης" in page
    answer = client.post("/api/v1/emergencies", json={**body, "centre": "thessaloniki"},
                         headers=bearer(admin))
    assert answer.status_code == 201, answer.get_json()
    declared = db.session.get(Emergency, answer.get_json()["id"])
    assert declared.centre_id == centres["B"]["centre"].id
    # Staff declare for their own centre: naming another is refused, naming nothing is theirs.
    staff = centres["A"]["staff"]
    before = db.session.scalar(select(db.func.count()).select_from(Emergency))
    refused = client.post("/api/v1/emergencies", json={**body, "centre": "thessaloniki"},
                          headers=bearer(staff))
    assert refused.status_code == 422 and "centre" in str(refused.get_json())
    assert db.session.scalar(select(db.func.count()).select_from(Emergency)) == before
    sign_in(client, staff)
    assert 'name="centre"' not in client.get("/staff/emergencies").get_data(as_text=True)
    own = client.post("/api/v1/emergencies", json=body, headers=bearer(staff))
    assert db.session.get(Emergency, own.get_json()["id"]).centre_id == centres["A"]["centre"].id
