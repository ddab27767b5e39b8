"""Members give too: an NGO offers its surplus and services to other members, exactly as a
donor does, and the engine never proposes an organisation's offer to its own needs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import offer_fields
from tests.helpers import sign_in
from web.api.auth import create_token
from web.extensions import db
from web.matches import services
from web.matches.models import Match
from web.notifications.models import Notification
from web.posts.models import Offer


def form_of(fields):
    return {k: str(v) for k, v in fields.items() if not isinstance(v, list | bool)}


def proposals():
    query = select(Match).where(Match.status == "proposed").order_by(Match.id)
    return list(db.session.scalars(query))


def pairs():
    return {(m.offer_id, m.need_id) for m in proposals()}


def bearer(user):
    return {"Authorization": f"Bearer {create_token(user, 'tests')[1]}"}


@pytest.fixture
def members(make_user, make_organisation):
    """Two member NGOs: the giver (two representatives) and the receiver."""
    giver_org = make_organisation("ngo", name="Στέγη Αλληλεγγύης")
    receiver_org = make_organisation("ngo", name="Open Doors Athens")
    return {
        "giver": make_user("ngo", organisation=giver_org, full_name="Ελένη Γεωργίου",
                           email="eleni@stegi.example", phone="+30 210 555 0202"),
        "colleague": make_user("ngo", organisation=giver_org),
        "receiver": make_user("ngo", organisation=receiver_org, full_name="Amina Yusuf",
                              email="amina@opendoors.example"),
    }


def test_an_ngo_posts_an_offer_from_the_donors_form_and_its_colleagues_share_it(
        app, members, make_user):
    giver = sign_in(app.test_client(), members["giver"])
    assert giver.get("/offers/new").status_code == 200
    surplus = offer_fields(title="Κουβέρτες που περίσσεψαν")
    response = giver.post("/offers/new", data=form_of(surplus))
    assert response.status_code == 302
    offer = db.session.scalars(select(Offer)).one()
    assert (offer.donor_id, offer.organisation_id) == (
        members["giver"].id, members["giver"].organisation_id)
    assert offer.from_member
    colleague = sign_in(app.test_client(), members["colleague"])
    page = colleague.get("/offers/mine").get_data(as_text=True)
    assert "Οι προσφορές μας" in page and "Κουβέρτες που περίσσεψαν" in page
    assert colleague.get(f"/offers/{offer.id}/edit").status_code == 200
    other = sign_in(app.test_client(), members["receiver"])
    assert "Κουβέρτες που περίσσεψαν" not in other.get("/offers/mine").get_data(as_text=True)
    assert other.get(f"/offers/{offer.id}/edit").status_code == 404
    pending = sign_in(app.test_client(), make_user("ngo", status="pending"))
    assert pending.post("/offers/new", data=form_of(offer_fields())).status_code == 403


def test_an_ngo_posts_changes_and_withdraws_an_offer_over_the_api(client, members):
    auth = bearer(members["giver"])
    created = client.post("/api/v1/offers", headers=auth, json=offer_fields(
        kind="service", category="storage_space", title="Αποθήκη τις Τρίτες", quantity=20,
        unit="square_metres"))
    assert created.status_code == 201, created.get_json()
    offer_id = created.get_json()["id"]
    listed = client.get("/api/v1/offers", headers=bearer(members["colleague"])).get_json()
    assert [item["id"] for item in listed["items"]] == [offer_id]
    changed = client.patch(f"/api/v1/offers/{offer_id}", headers=auth, json={"quantity": 30})
    assert changed.get_json()["quantity"] == 30
    assert client.get(f"/api/v1/offers/{offer_id}",
                      headers=bearer(members["receiver"])).status_code == 404
    withdrawn = client.delete(f"/api/v1/offers/{offer_id}", headers=auth)
    assert withdrawn.get_json()["status"] == "withdrawn"


def test_a_members_surplus_goes_to_another_members_need_never_to_its_own(
        members, make_need, make_offer, make_user):
    own = make_need(members["colleague"], urgency="emergency")
    other = make_need(members["receiver"], urgency="low")
    surplus = make_offer(members["giver"], quantity=100)
    assert pairs() == {(surplus.id, other.id)}
    services.run_matching()
    assert pairs() == {(surplus.id, other.id)}
    # The giver's own need is still met by donors, as before.
    donation = make_offer(make_user("individual"), quantity=40)
    assert (donation.id, own.id) in pairs()


def test_the_giving_ngos_new_need_is_not_offered_its_own_surplus(members, make_need, make_offer):
    surplus = make_offer(members["giver"])
    make_need(members["colleague"])
    assert proposals() == []
    other = make_need(members["receiver"])
    assert pairs() == {(surplus.id, other.id)}


def test_a_member_to_member_match_is_confirmed_and_received_like_any(
        app, members, make_user, make_need, make_offer):
    staff = make_user("staff")
    need = make_need(members["receiver"], quantity=40)
    offer = make_offer(members["giver"], quantity=25)
    [match] = proposals()
    staff_page = sign_in(app.test_client(), staff).get("/staff/matches").get_data(as_text=True)
    assert "από μέλος σε μέλος" in staff_page and "Στέγη Αλληλεγγύης" in staff_page
    services.confirm_match(staff, match.id)
    receiver = sign_in(app.test_client(), members["receiver"])
    page = receiver.get("/matches").get_data(as_text=True)
    assert "Στέγη Αλληλεγγύης" in page
    assert "Ελένη Γεωργίου" in page and "eleni@stegi.example" in page
    assert "Ποσότητα που παραλήφθηκε" in page  # the receiver records what arrived
    giver = sign_in(app.test_client(), members["colleague"])
    page = giver.get("/matches").get_data(as_text=True)
    assert "Open Doors Athens" in page and "amina@opendoors.example" in page
    assert "Ποσότητα που παραλήφθηκε" not in page  # the giver does not
    assert giver.post(f"/matches/{match.id}/receipt", data={"received": "25"}).status_code == 404
    mail = db.session.scalars(select(Notification).where(
        Notification.user_id == members["receiver"].id,
        Notification.kind == "match_confirmed")).one()
    assert "Στέγη Αλληλεγγύης" in mail.body_text and "eleni@stegi.example" in mail.body_text
    assert receiver.post(f"/matches/{match.id}/receipt", data={"received": "25"}).status_code == 302
    db.session.refresh(match)
    assert match.status == "fulfilled"
    db.session.refresh(offer)
    db.session.refresh(need)
    assert (offer.status, need.committed_quantity) == ("fulfilled", 25)
    thanks = db.session.scalars(select(Notification).where(
        Notification.kind == "match_fulfilled")).all()
    # every representative of the giving member hears of it (issue 15), no one else
    assert {n.user_id for n in thanks} == {members["giver"].id, members["colleague"].id}


def test_over_the_api_each_ngo_sees_its_side_and_the_others_contact(
        client, members, make_user, make_need, make_offer):
    staff = make_user("staff")
    make_need(members["receiver"])
    make_offer(members["giver"])
    [match] = proposals()
    services.confirm_match(staff, match.id)
    received = client.get("/api/v1/matches", headers=bearer(members["receiver"])).get_json()
    [item] = received["items"]
    assert item["side"] == "receiving"
    assert item["contact"]["organisation"] == "Στέγη Αλληλεγγύης"
    assert item["contact"]["email"] == "eleni@stegi.example"
    given = client.get("/api/v1/matches", headers=bearer(members["colleague"])).get_json()
    [item] = given["items"]
    assert item["side"] == "giving"
    assert item["contact"]["organisation"] == "Open Doors Athens"
    assert client.post(f"/api/v1/matches/{match.id}/receipt", json={"received": 1},
                       headers=bearer(members["giver"])).status_code == 404
