"""One's own data: the export holds only the person's own data; erasure keeps the ledger."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.helpers import PASSWORD, sign_in
from web.extensions import db
from web.matches import ledger
from web.matches import services as matches
from web.matches.models import Match
from web.models import ApiToken, AuditEvent, User
from web.notifications.models import Notification
from web.posts.models import Need, Offer


@pytest.fixture
def two_sides(make_user, make_offer, make_need, make_match):
    """A donor and an NGO with a confirmed match between them, and bystanders."""
    donor = make_user(
        "individual",
        language="en",
        full_name="Donna Giver",
        email="donna@people.example",
        phone="+30 690 000 0001",
    )
    ngo = make_user(
        "ngo",
        language="en",
        full_name="Nadia Helper",
        email="nadia@ngo.example",
        phone="+30 690 000 0002",
    )
    colleague = make_user(
        "ngo",
        organisation=ngo.organisation,
        full_name="Colin League",
        email="colin@ngo.example",
    )
    stranger = make_user("individual", full_name="Stranger Danger", email="stranger@people.example")
    staff = make_user("staff", full_name="Stella Staff", email="stella@centre.example")
    make_offer(stranger, title="Stranger's own offer")
    offer = make_offer(donor, quantity=50, title="Κουβέρτες μάλλινες")
    need = make_need(ngo, quantity=30, title="Blankets for Nadia's shelter")
    match = make_match(offer, need, 20)
    matches.confirm_match(staff, match.id)
    from web.auth.invitations import create_invitation

    create_invitation(ngo, "invited.person@ngo.example")
    return {
        "donor": donor,
        "ngo": ngo,
        "colleague": colleague,
        "stranger": stranger,
        "staff": staff,
        "offer": offer,
        "need": need,
        "match": match,
    }


OTHERS = {
    "donor": [
        "Nadia Helper",
        "nadia@ngo.example",
        "+30 690 000 0002",
        "Colin League",
        "colin@ngo.example",
        "Stranger",
        "stranger@people.example",
        "Stella Staff",
        "stella@centre.example",
    ],
    "ngo": [
        "Donna Giver",
        "donna@people.example",
        "+30 690 000 0001",
        "Colin League",
        "colin@ngo.example",
        "Stranger",
        "stranger@people.example",
        "Stella Staff",
        "stella@centre.example",
        "invited.person@ngo.example",
    ],
}


@pytest.mark.parametrize("who", ["donor", "ngo"])
def test_the_export_holds_my_data_and_no_one_elses(client, two_sides, who):
    me = two_sides[who]
    sign_in(client, me)
    client.get("/account")
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    text = response.get_data(as_text=True)
    data = json.loads(text)
    assert data["account"]["email"] == me.email and data["account"]["full_name"] == me.full_name
    assert two_sides["match"].id in [m["id"] for m in data["matches"]]
    assert data["messages"], "the confirmation message is listed"
    assert any(e["action"] == "auth.login" for e in data["audit_events"])
    mine = data["offers"] if who == "donor" else data["needs"]
    assert [p["id"] for p in mine] == [two_sides["offer" if who == "donor" else "need"].id]
    for other in OTHERS[who]:
        assert other not in text, other


def test_the_export_is_a_read(client, two_sides):
    sign_in(client, two_sides["donor"])
    before = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    client.get("/account/data.json")
    after = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    assert before == after


def test_erasing_asks_first_and_says_what_happens(client, two_sides):
    sign_in(client, two_sides["donor"])
    page = client.get("/account/erase").get_data(as_text=True)
    assert "1 offers" in page or "offers" in page
    assert "stay in the centre's records" in page
    refused = client.post("/account/erase", data={"password": "wrong one", "understood": "y"})
    assert refused.status_code == 422
    unticked = client.post("/account/erase", data={"password": PASSWORD})
    assert unticked.status_code == 422
    assert db.session.get(User, two_sides["donor"].id).erased_at is None


def test_erasing_removes_personal_data_and_the_ledger_still_adds_up(client, app, two_sides):
    donor, offer, match = two_sides["donor"], two_sides["offer"], two_sides["match"]
    from web.api.auth import create_token

    create_token(donor, "script")
    sign_in(client, donor)
    remembered = app.test_client()
    sign_in(remembered, donor)
    response = client.post("/account/erase", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(User, donor.id)
    assert person.erased_at is not None and not person.active
    assert "Donna" not in person.full_name and "donna" not in person.email and person.phone == ""
    assert remembered.get("/account").status_code == 302
    assert (
        client.post(
            "/login", data={"email": "donna@people.example", "password": PASSWORD}
        ).status_code
        == 422
    )
    assert all(
        t.revoked_at
        for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == donor.id))
    )
    assert (
        db.session.scalars(select(Notification).where(Notification.user_id == donor.id)).all() == []
    )
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == donor.id)).all()
    assert events and all(e.ip_address == "" for e in events)
    assert "donna@people.example" not in json.dumps([e.details for e in events])
    # The ledger: the confirmed match stays and everything adds up.
    assert db.session.get(Match, match.id).status == "confirmed"
    assert db.session.get(Offer, offer.id).status == "withdrawn"
    assert db.session.get(Offer, offer.id).committed_quantity == 20
    assert ledger.violations() == []
    # The NGO still sees the match, without the donor's name or address.
    ngo_client = app.test_client()
    sign_in(ngo_client, two_sides["ngo"])
    page = ngo_client.get("/matches").get_data(as_text=True)
    assert f"match-{match.id}" in page and "Donna" not in page and "donna@" not in page


def test_the_last_representative_is_told_and_the_organisation_lapses(client, make_user, make_need):
    ngo = make_user("ngo", language="en", email="only@ngo.example")
    ngo.organisation.email = "only@ngo.example"
    db.session.commit()
    need = make_need(ngo)
    sign_in(client, ngo)
    page = client.get("/account/erase").get_data(as_text=True)
    assert "You are the last representative of" in page
    client.post("/account/erase", data={"password": PASSWORD, "understood": "y"})
    db.session.expire_all()
    assert db.session.get(Need, need.id).status == "withdrawn"
    organisation = db.session.get(User, ngo.id).organisation
    assert organisation is not None and organisation.email == ""


def test_a_representative_with_colleagues_leaves_the_organisations_posts(client, two_sides):
    sign_in(client, two_sides["ngo"])
    page = client.get("/account/erase").get_data(as_text=True)
    assert "your colleagues carry on" in page
    client.post("/account/erase", data={"password": PASSWORD, "understood": "y"})
    db.session.expire_all()
    assert db.session.get(Need, two_sides["need"].id).status in ("open", "partly_matched")


def test_interests_are_in_the_export_and_go_with_erasure(client, two_sides):
    from web.interests import services as interests
    from web.interests.models import Interest, InterestSent

    donor, need = two_sides["donor"], two_sides["need"]
    saved = interests.save_interest(donor, {"categories": ["bedding"], "frequency": "daily"})
    by_address = interests.subscribe_address(donor.email, "el", {"areas": ["athens"]})
    db.session.add(InterestSent(recipient=f"user:{donor.id}", need_id=need.id))
    db.session.add(InterestSent(recipient=f"email:{donor.email}", need_id=need.id))
    db.session.commit()
    sign_in(client, donor)
    data = client.get("/account/data.json").get_json()
    assert {i["id"] for i in data["interests"]} == {saved.id, by_address.id}
    assert [i["categories"] for i in data["interests"] if i["id"] == saved.id] == [["bedding"]]
    response = client.post("/account/erase", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    assert db.session.scalars(select(Interest)).all() == []
    assert db.session.scalars(select(InterestSent)).all() == []
