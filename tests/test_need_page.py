"""A public page per open need, and "I can offer this" tied to that need."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.helpers import sign_in
from web.extensions import db
from web.matches.models import Match
from web.notifications.models import Notification
from web.posts.models import Offer


def test_a_need_has_a_public_page_without_personal_data(client, make_user, make_need):
    poster = make_user(
        "ngo",
        language="en",
        full_name="Private Poster",
        email="private@ngo.example",
        phone="+30 699 123 4567",
    )
    need = make_need(poster, quantity=40, title="Blankets for a family shelter")
    client.post("/language", data={"language": "en", "next": "/"})
    response = client.get(f"/needs/{need.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Blankets for a family shelter" in page and "Still lacking" in page and "40" in page
    assert "data-lat=" in page and "data-map" in page  # the area on the map
    for private in ("Private Poster", "private@ngo.example", "+30 699 123 4567"):
        assert private not in page
    assert re.search(rf"offers(/|%2F)new(\?|%3F)need(=|%3D){need.id}\b", page)  # sign in first


def test_closed_or_unknown_needs_have_no_page(client, make_user, make_need):
    from web.posts.services import NEED, withdraw_post

    poster = make_user("ngo")
    need = make_need(poster)
    withdraw_post(NEED, poster, need.id)
    assert client.get(f"/needs/{need.id}").status_code == 404
    assert client.get("/needs/999999").status_code == 404


def test_the_public_list_links_each_need_to_its_page(client, make_need):
    need = make_need()
    page = client.get("/needs").get_data(as_text=True)
    assert f'href="/needs/{need.id}"' in page


def test_offering_for_a_need_ties_the_offer_proposes_that_pair_first_and_tells_the_ngo(
    client, make_user, make_need
):
    poster = make_user("ngo", language="en")
    colleague = make_user("ngo", organisation=poster.organisation, language="el")
    chosen = make_need(poster, quantity=30, urgency="low", title="Blankets, chosen")
    other = make_need(quantity=30, urgency="emergency", title="Blankets, more urgent")
    donor = make_user("individual", language="en")
    sign_in(client, donor)
    form = client.get(f"/offers/new?need={chosen.id}").get_data(as_text=True)
    assert f'name="need" value="{chosen.id}"' in form
    assert "Blankets, chosen" in form
    from tests.conftest import offer_fields

    response = client.post("/offers/new", data=offer_fields(quantity=30, need=str(chosen.id)))
    assert response.status_code == 302
    offer = db.session.scalar(select(Offer).where(Offer.donor_id == donor.id))
    assert offer.chosen_need_id == chosen.id
    proposals = db.session.scalars(
        select(Match).where(Match.offer_id == offer.id, Match.status == "proposed")
    ).all()
    assert [(p.need_id, p.quantity) for p in proposals] == [(chosen.id, 30)]
    assert other.id not in [p.need_id for p in proposals]
    told = db.session.scalars(
        select(Notification).where(Notification.kind == "pledge_waiting")
    ).all()
    assert {n.user_id for n in told} == {poster.id, colleague.id}
    assert "Blankets, chosen" in told[0].subject
    staff = make_user("staff", language="en")
    staff_client = client.application.test_client()
    sign_in(staff_client, staff)
    queue = staff_client.get("/staff/matches").get_data(as_text=True)
    assert "The donor chose this need" in queue


def test_an_infeasible_chosen_need_still_gets_the_offer_proposed_elsewhere(
    client, make_user, make_need
):
    chosen = make_need(quantity=10, category="blankets", place="kypseli")
    sign_in(client, make_user("individual"))
    from tests.conftest import offer_fields

    # Offered as clothing: the chosen need (blankets) is not a candidate; nothing breaks.
    data = offer_fields(category="clothing_adults", unit="pieces", need=str(chosen.id))
    response = client.post("/offers/new", data=data)
    assert response.status_code in (302, 422)
    assert re.search("Traceback", response.get_data(as_text=True)) is None


def test_member_ngos_and_staff_see_an_offers_page_without_the_donors_contact(
    client, make_user, make_offer
):
    donor = make_user("individual", full_name="Dora Donor", email="dora@people.example")
    offer = make_offer(donor, title="Κουβέρτες μάλλινες", quantity=60)
    for viewer in (make_user("ngo", language="en"), make_user("staff", language="en")):
        other = client.application.test_client()
        sign_in(other, viewer)
        response = other.get(f"/offers/{offer.id}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "Κουβέρτες μάλλινες" in page and "60" in page and "data-lat=" in page
        assert "Dora" not in page and "dora@" not in page
        assert "An individual donor" in page
    sign_in(client, make_user("individual"))
    assert client.get(f"/offers/{offer.id}").status_code == 403
