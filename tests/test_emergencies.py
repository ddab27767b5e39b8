"""Emergency mode: declared by staff, it weighs in the engine while in force, shows a banner
and a public page, gives NGOs a short intake, calls past donors once, and leaves a report."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

import matching
from tests.helpers import sign_in
from web.api.auth import create_token
from web.clock import today
from web.config import ConfigError, load_settings
from web.emergencies import calls, services
from web.emergencies.models import Emergency, EmergencyCall
from web.emergencies.scope import active_emergencies, emergency_scope_matches
from web.extensions import db
from web.matches.models import Match
from web.matches.services import confirm_match, record_receipt, run_matching
from web.notifications.delivery import deliver_due
from web.notifications.digests import staff_digest
from web.notifications.models import Notification
from web.posts.models import Need
from web.posts.services import OFFER, withdraw_post


def emergency_fields(**overrides):
    fields = {
        "title_el": "Αφίξεις στον Πειραιά",
        "title_en": "Arrivals in Piraeus",
        "message_el": "Χρειάζονται κουβέρτες και είδη πρώτης ανάγκης.",
        "message_en": "Blankets and basic goods are needed.",
        "sectors": ["basic_goods"],
        "areas": ["piraeus"],
        "ends_on": (today() + timedelta(days=7)).isoformat(),
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def staff_api(app, make_user):
    staff = make_user("staff", language="en")
    _token, secret = create_token(staff, "tests")
    return staff, {"Authorization": f"Bearer {secret}"}


# The engine -------------------------------------------------------------------------------

def engine_need(need_id: str, emergency: float = 0.0) -> matching.Need:
    return matching.Need(id=need_id, kind="goods", category_path=("goods", "blankets"),
                         quantity=40, unit="pieces", lat=37.99, lon=23.73,
                         needed_by=None, emergency=emergency)


@pytest.mark.parametrize(("weight", "winner"), [(0.0, "near"), (3.0, "in_scope")])
def test_the_engine_gives_short_supply_to_the_need_in_an_emergency(weight, winner):
    policy = matching.Policy.from_mapping({"emergency": {"weight": weight}})
    offer = matching.Offer(id="o", kind="goods", category_path=("goods", "blankets"),
                           quantity=40, unit="pieces", lat=37.99, lon=23.73, reach_km=30)
    near = engine_need("near")
    far = matching.Need(**{**{f: getattr(near, f) for f in near.__slots__},
                           "id": "in_scope", "lat": 37.94, "lon": 23.65, "emergency": 1.0})
    result = matching.propose([offer], [near, far], policy, date(2026, 12, 1))
    assert [p.need_id for p in result.proposals] == [winner]
    if winner == "in_scope":
        assert result.proposals[0].breakdown["emergency"] == 1.0


def test_a_need_outside_every_emergency_scores_as_before():
    policy = matching.Policy.from_mapping({})
    assert policy.emergency_weight == 3.0
    with pytest.raises(matching.InputError):
        engine_need("n", emergency=2.0)


# Declaring, weighing, ending ----------------------------------------------------------------

def seeded_shortage(make_user, make_offer, make_need):
    """One offer of 40 blankets in Kypseli; 40 wanted next door and 40 wanted in Piraeus."""
    offer = make_offer(make_user("individual"), quantity=40, place="kypseli", reach_km=30)
    near = make_need(make_user("ngo"), quantity=40, place="kypseli", urgency="normal",
                     reach_km=30)
    piraeus = make_need(make_user("ngo"), quantity=40, place="piraeus", urgency="normal",
                        reach_km=30)
    return offer, near, piraeus


def proposed_to(offer) -> dict[int, int]:
    rows = db.session.scalars(select(Match).where(Match.offer_id == offer.id,
                                                  Match.status == "proposed"))
    return {m.need_id: m.quantity for m in rows}


def test_an_emergency_moves_short_supply_to_its_needs_until_it_is_closed(
        client, staff_api, make_user, make_offer, make_need):
    staff, headers = staff_api
    offer, near, piraeus = seeded_shortage(make_user, make_offer, make_need)
    run_matching()
    assert proposed_to(offer) == {near.id: 40}

    response = client.post("/api/v1/emergencies", json=emergency_fields(), headers=headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["state"] == "active" and body["areas"] == ["piraeus"]
    run_matching()
    assert proposed_to(offer) == {piraeus.id: 40}
    sign_in(client, staff)
    queue = client.get("/staff/matches?committee=all").get_data(as_text=True)
    assert "In the emergency «Arrivals in Piraeus»: it weighs 4 times as much" in queue

    closed = client.post(f"/api/v1/emergencies/{body['id']}/close", headers=headers)
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"
    run_matching()
    assert proposed_to(offer) == {near.id: 40}


def test_an_emergency_past_its_expected_end_weighs_no_more(
        app, make_user, make_offer, make_need):
    offer, near, piraeus = seeded_shortage(make_user, make_offer, make_need)
    emergency = services.declare_emergency(make_user("staff"), emergency_fields())
    run_matching()
    assert proposed_to(offer) == {piraeus.id: 40}
    db.session.execute(update(Emergency).where(Emergency.id == emergency.id).values(
        starts_on=today() - timedelta(days=9), ends_on=today() - timedelta(days=1)))
    db.session.commit()
    assert active_emergencies() == []
    run_matching()
    assert proposed_to(offer) == {near.id: 40}


def test_overlapping_emergencies_and_their_scope(app, make_user, make_need):
    staff = make_user("staff")
    piraeus_goods = services.declare_emergency(staff, emergency_fields())
    everywhere_blankets = services.declare_emergency(staff, emergency_fields(
        sectors=[], categories=["blankets"], areas=[], title_en="Cold wave"))
    in_piraeus = make_need(place="piraeus")
    in_kypseli = make_need(place="kypseli")
    legal = make_need(place="piraeus", category="legal_advice", unit="sessions", quantity=3,
                      title="Legal advice on asylum appeals")
    assert emergency_scope_matches(in_piraeus) == [piraeus_goods, everywhere_blankets]
    assert emergency_scope_matches(in_kypseli) == [everywhere_blankets]
    assert emergency_scope_matches(legal) == []


@pytest.mark.parametrize(("change", "field"), [
    ({"title_en": ""}, "title_en"),
    ({"sectors": [], "categories": []}, "sectors"),
    ({"sectors": ["weather"]}, "sectors"),
    ({"categories": ["unicorns"]}, "categories"),
    ({"areas": ["kypseli"]}, "areas"),  # a neighbourhood, not a municipality
    ({"ends_on": "yesterday"}, "ends_on"),
    ({"ends_on": "soon"}, "ends_on"),
])
def test_a_bad_declaration_is_refused_naming_the_field_and_saves_nothing(
        client, staff_api, change, field):
    _staff, headers = staff_api
    if change.get("ends_on") == "yesterday":
        change = {"ends_on": (today() - timedelta(days=1)).isoformat()}
    response = client.post("/api/v1/emergencies", json=emergency_fields(**change),
                           headers=headers)
    assert response.status_code == 422
    assert field in str(response.get_json())
    assert db.session.scalar(select(Emergency.id)) is None


def test_only_staff_declare_and_close(client, make_user):
    _token, secret = create_token(make_user("individual"), "tests")
    donor = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/emergencies", json=emergency_fields()).status_code == 401
    assert client.post("/api/v1/emergencies", json=emergency_fields(),
                       headers=donor).status_code == 403
    sign_in(client, make_user("ngo"))
    assert client.get("/staff/emergencies").status_code == 403


def test_the_public_sees_emergencies_in_force_but_not_their_reports(
        client, staff_api, make_user, make_need):
    staff, headers = staff_api
    emergency = services.declare_emergency(staff, emergency_fields())
    upcoming = services.declare_emergency(staff, emergency_fields(
        starts_on=(today() + timedelta(days=3)).isoformat(),
        ends_on=(today() + timedelta(days=9)).isoformat()))
    public = client.get("/api/v1/emergencies").get_json()["items"]
    assert [e["id"] for e in public] == [emergency.id]
    assert public[0]["report"] is None
    assert client.get(f"/api/v1/emergencies/{upcoming.id}").status_code == 404
    mine = client.get("/api/v1/emergencies", headers=headers).get_json()["items"]
    assert {e["id"] for e in mine} == {emergency.id, upcoming.id}
    assert mine[-1]["report"]["asked"] == {"count": 0, "quantities": {}}


# Pages: banner, public page, intake, declaring and closing -----------------------------------

def test_a_banner_leads_to_what_the_emergency_needs_most(client, make_user, make_need):
    services.declare_emergency(make_user("staff"), emergency_fields())
    lacking = make_need(place="piraeus", quantity=30, title="Κουβέρτες για τον σταθμό")
    make_need(place="kypseli", title="Κουβέρτες στην Κυψέλη")
    [emergency] = active_emergencies()
    home = client.get("/").get_data(as_text=True)
    assert f'href="/emergencies/{emergency.id}"' in home and "Αφίξεις στον Πειραιά" in home
    page = client.get(f"/emergencies/{emergency.id}").get_data(as_text=True)
    assert "Κουβέρτες για τον σταθμό" in page and "Κουβέρτες στην Κυψέλη" not in page
    assert f'href="/offers/new?need={lacking.id}"' in page
    client.post("/language", data={"language": "en"})
    english = client.get(f"/emergencies/{emergency.id}").get_data(as_text=True)
    assert "Emergency: Arrivals in Piraeus" in english and "I can offer this" in english


def test_an_ngo_posts_a_need_through_the_short_intake(client, make_user):
    emergency = services.declare_emergency(make_user("staff"), emergency_fields())
    ngo = make_user("ngo")
    sign_in(client, ngo)
    form = {"category": "blankets", "title": "Κουβέρτες τώρα", "quantity": "25",
            "place": "piraeus"}
    response = client.post(f"/emergencies/{emergency.id}/need", data=form)
    assert response.status_code == 302
    need = db.session.scalar(select(Need).where(Need.title == "Κουβέρτες τώρα"))
    assert (need.urgency, need.needed_by, need.unit) == ("emergency", emergency.ends_on,
                                                         "pieces")
    outside = client.post(f"/emergencies/{emergency.id}/need",
                          data={**form, "place": "kypseli", "title": "Έξω από την περιοχή"})
    assert outside.status_code == 422
    assert "Επιλέξτε περιοχή μέσα στις περιοχές" in outside.get_data(as_text=True)
    assert db.session.scalar(select(Need).where(Need.title == "Έξω από την περιοχή")) is None


def test_staff_declare_and_close_on_the_page_and_the_report_is_kept(
        client, make_user, make_offer, make_need):
    staff = make_user("staff", language="en")
    sign_in(client, staff)
    form = {**emergency_fields(), "sectors": "basic_goods", "areas": "Πειραιάς"}
    response = client.post("/staff/emergencies", data=form)
    assert response.status_code == 302
    [emergency] = services.list_emergencies()
    assert emergency.areas == ["piraeus"]
    need = make_need(place="piraeus", quantity=40, urgency="normal", reach_km=30)
    offer = make_offer(quantity=30, place="kypseli", reach_km=30)
    make_offer(quantity=5, category="legal_advice", unit="sessions", title="Νομικές συμβουλές")
    [match] = db.session.scalars(select(Match).where(Match.need_id == need.id,
                                                     Match.offer_id == offer.id))
    confirm_match(staff, match.id)
    record_receipt(need.poster, match.id, 28)
    assert client.post(f"/staff/emergencies/{emergency.id}/close").status_code == 302
    page = client.get(f"/staff/emergencies/{emergency.id}").get_data(as_text=True)
    assert "Report (kept when it was closed)" in page
    db.session.refresh(emergency)
    report = emergency.summary
    assert report["asked"] == {"count": 1, "quantities": {"pieces": 40}}
    assert report["offered"] == {"count": 1, "quantities": {"pieces": 30}}
    assert report["confirmed"] == {"count": 1, "quantities": {"pieces": 30}}
    assert report["delivered"] == {"count": 1, "quantities": {"pieces": 28}}
    make_need(place="piraeus", quantity=99)  # after closing: the kept report does not move
    db.session.refresh(emergency)
    assert emergency.summary == report
    assert client.get("/").get_data(as_text=True).count("emergency-banner") == 0


# The call to donors ---------------------------------------------------------------------

class TestCallsAndDigests:
    """Every app here mails through the test server and calls donors two at a time."""

    @pytest.fixture
    def app(self, make_app, smtp):
        application = make_app(mail_server="127.0.0.1", mail_port=smtp.port,
                               mail_retry_base_seconds=0.02, mail_retry_cap_seconds=0.2,
                               emergency_call_batch=2)
        with application.app_context():
            yield application

    @pytest.fixture
    def mail_app(self, app):
        return app

    def test_the_call_reaches_each_matching_donor_once_in_their_language(
            self, mail_app, smtp, make_user, make_offer):
        greek = make_user("individual", language="el", email="greek@donors.example")
        english = make_user("company", language="en", email="english@donors.example")
        quiet = make_user("individual", language="en", email="quiet@donors.example",
                          mail_mode="off")
        stopped = make_user("individual", language="en", email="stopped@donors.example",
                            mail_kinds_off=["emergency_call"])
        lawyer = make_user("individual", language="en", email="lawyer@donors.example")
        far = make_user("individual", language="en", email="far@donors.example")
        make_offer(greek, place="kypseli", reach_km=15)
        make_offer(greek, place="kypseli", reach_km=15, title="Κι άλλες κουβέρτες")
        # a past offer counts
        withdraw_post(OFFER, english, make_offer(english, place="piraeus").id)
        make_offer(quiet, place="piraeus")
        make_offer(stopped, place="piraeus")
        make_offer(lawyer, category="legal_advice", unit="sessions", quantity=5,
                   title="Νομικές συμβουλές", place="piraeus")
        make_offer(far, place="marathonas", reach_km=5)
        emergency = services.declare_emergency(make_user("staff"), emergency_fields())

        assert calls.call_donors(emergency) == 2  # batches of two
        assert calls.call_donors(emergency) == 2
        assert calls.call_donors(emergency) == 0 and calls.call_all() == 0
        runner = mail_app.test_cli_runner()
        assert "0 donors called" in runner.invoke(args=["emergencies", "call"]).output
        while deliver_due(batch=10):
            pass
        got = {str(m["To"]).split("<")[-1].rstrip(">"): m for m in smtp.handler.messages}
        assert sorted(got) == ["english@donors.example", "greek@donors.example"]
        assert "Αφίξεις στον Πειραιά" in str(got["greek@donors.example"]["Subject"])
        assert "Arrivals in Piraeus" in str(got["english@donors.example"]["Subject"])
        assert "/unsubscribe/" in str(got["english@donors.example"]["List-Unsubscribe"])
        called = db.session.scalars(select(EmergencyCall.user_id).where(
            EmergencyCall.emergency_id == emergency.id)).all()
        assert sorted(called) == sorted([greek.id, english.id, quiet.id, stopped.id])
        skipped = db.session.scalars(select(Notification.user_id).where(
            Notification.kind == "emergency_call", Notification.status == "skipped")).all()
        assert sorted(skipped) == sorted([quiet.id, stopped.id])
        db.session.refresh(emergency)
        assert emergency.called_at is not None

    def test_a_donor_is_never_called_twice_for_one_emergency(self, mail_app, make_user,
                                                              make_offer):
        donor = make_user("individual")
        make_offer(donor, place="piraeus")
        emergency = services.declare_emergency(make_user("staff"), emergency_fields())
        db.session.add(EmergencyCall(emergency_id=emergency.id, user_id=donor.id))
        db.session.commit()
        assert calls.call_donors(emergency) == 0
        db.session.add(EmergencyCall(emergency_id=emergency.id, user_id=donor.id))
        with pytest.raises(Exception, match="(?i)unique|duplicate"):
            db.session.commit()
        db.session.rollback()

    def test_staff_digests_come_at_once_while_an_emergency_is_in_force(
            self, mail_app, make_user, make_offer, make_need):
        daily = make_user("staff", mail_mode="daily")
        make_offer(place="kypseli", reach_km=30)
        make_need(place="piraeus", reach_km=30)
        assert staff_digest() == 1
        [row] = db.session.scalars(select(Notification).where(
            Notification.user_id == daily.id, Notification.kind == "proposals_digest"))
        assert row.status == "digest"  # outside an emergency: in the daily bundle
        services.declare_emergency(make_user("staff"), emergency_fields())
        staff_digest()
        rows = db.session.scalars(select(Notification).where(
            Notification.user_id == daily.id, Notification.kind == "proposals_digest").order_by(
            Notification.id)).all()
        assert [r.status for r in rows] == ["digest", "pending"]

    def test_two_workers_calling_at_once_call_each_donor_once(
            self, mail_app, make_user, make_offer):
        donors = [make_user("individual") for _ in range(6)]
        for donor in donors:
            make_offer(donor, place="piraeus")
        emergency_id = services.declare_emergency(make_user("staff"), emergency_fields()).id
        start, made = threading.Barrier(2), []

        def worker() -> None:
            with mail_app.app_context():
                start.wait()
                made.append(calls.call_donors(db.session.get(Emergency, emergency_id), 100))
                db.session.remove()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        db.session.expire_all()
        assert sum(made) == len(donors)
        mailed = db.session.scalars(select(Notification.user_id).where(
            Notification.kind == "emergency_call")).all()
        assert sorted(mailed) == sorted(d.id for d in donors)


def test_the_emergency_weight_is_a_setting(make_app):
    assert load_settings(environ={"KOMVOS_EMERGENCY_WEIGHT": "1.5"})["emergency_weight"] == 1.5
    with pytest.raises(ConfigError, match="KOMVOS_EMERGENCY_WEIGHT"):
        load_settings(environ={"KOMVOS_EMERGENCY_WEIGHT": "much"})
    app = make_app(emergency_weight=0.0)
    assert app.extensions["komvos.policy"].emergency_weight == 0.0
