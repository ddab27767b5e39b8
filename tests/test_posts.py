"""Offers and needs through the pages: post, edit, withdraw, close, browse."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import need_fields, offer_fields
from tests.helpers import sign_in
from web.clock import today
from web.extensions import db
from web.models import AuditEvent
from web.posts import services
from web.posts.models import Need, Offer
from web.validation import InvalidFields


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def form_of(fields):
    return {k: str(v) for k, v in fields.items() if not isinstance(v, list | bool)}


def test_a_donor_posts_an_offer_typing_the_category_and_place_in_greeklish(client, make_user):
    donor = make_user("individual")
    sign_in(client, donor)
    response = client.post(
        "/offers/new", data=form_of(offer_fields(category="kouvertes", place="kipseli", unit=""))
    )
    assert response.status_code == 302
    offer = db.session.scalar(select(Offer))
    assert (offer.category_id, offer.place_id, offer.unit, offer.kind) == (
        "blankets",
        "kypseli",
        "pieces",
        "goods",
    )
    assert offer.donor_id == donor.id and offer.status == "open"
    page = client.get("/offers/mine").get_data(as_text=True)
    assert "Κουβέρτες μάλλινες" in page and "Διαθέσιμα ακόμη: 100 από 100" in page


def test_a_company_representative_posts_for_the_company_and_colleagues_see_it(client, make_user):
    first = make_user("company")
    colleague = make_user("company", organisation=first.organisation)
    sign_in(client, first)
    client.post("/offers/new", data=form_of(offer_fields()))
    client.post("/logout")
    sign_in(client, colleague)
    assert "Κουβέρτες μάλλινες" in client.get("/offers/mine").get_data(as_text=True)
    offer = db.session.scalar(select(Offer))
    assert offer.organisation_id == first.organisation_id


def test_the_public_page_prefills_the_offer_form_with_the_needs_category(client, make_user):
    sign_in(client, make_user("individual"))
    page = client.get("/offers/new?category=blankets").get_data(as_text=True)
    assert 'value="Κουβέρτες"' in page


def test_editing_an_offer_changes_it_and_bumps_its_version(client, make_user, make_offer):
    donor = make_user("individual")
    offer = make_offer(donor)
    sign_in(client, donor)
    form = form_of(offer_fields(quantity=150, title="Κουβέρτες για παιδιά"))
    response = client.post(f"/offers/{offer.id}/edit", data={**form, "version": "1"})
    assert response.status_code == 302
    db.session.refresh(offer)
    assert (offer.quantity, offer.title, offer.version) == (150, "Κουβέρτες για παιδιά", 2)
    assert "offer.edited" in [e.action for e in db.session.scalars(select(AuditEvent))]


def test_a_stale_edit_is_refused_and_changes_nothing(client, make_user, make_offer):
    donor = make_user("individual")
    offer = make_offer(donor)
    # someone else's edit, version 2
    services.update_post(services.OFFER, donor, offer.id, {"quantity": 120})
    sign_in(client, donor)
    response = client.post(
        f"/offers/{offer.id}/edit", data={**form_of(offer_fields(quantity=10)), "version": "1"}
    )
    assert response.status_code == 422
    assert "Κάποιος άλλος το άλλαξε" in response.get_data(as_text=True)
    db.session.refresh(offer)
    assert offer.quantity == 120


def test_withdrawing_an_offer_twice_is_refused_the_second_time(client, make_user, make_offer):
    donor = make_user("individual")
    offer = make_offer(donor)
    sign_in(client, donor)
    client.post(f"/offers/{offer.id}/withdraw")
    db.session.refresh(offer)
    assert offer.status == "withdrawn"
    response = client.post(f"/offers/{offer.id}/withdraw", follow_redirects=True)
    assert "Δεν μπορεί πλέον να αλλάξει" in response.get_data(as_text=True)
    edit = client.post(f"/offers/{offer.id}/edit", data=form_of(offer_fields()))
    assert edit.status_code == 422
    db.session.refresh(offer)
    assert offer.status == "withdrawn" and offer.version == 2


def test_an_ngo_posts_a_need_and_every_representative_sees_it_with_progress(client, make_user):
    poster = make_user("ngo")
    colleague = make_user("ngo", organisation=poster.organisation)
    sign_in(client, poster)
    assert client.post("/needs/new", data=form_of(need_fields())).status_code == 302
    need = db.session.scalar(select(Need))
    need.committed_quantity = 10  # as a confirmed match would
    db.session.commit()
    client.post("/logout")
    sign_in(client, colleague)
    page = client.get("/needs/ours").get_data(as_text=True)
    assert "Blankets for a family shelter" in page
    assert f'<progress id="progress-{need.id}" max="40" value="10">' in page
    assert "Καλύφθηκαν: 10 από 40" in page


def test_closing_a_need(client, make_user, make_need):
    poster = make_user("ngo")
    need = make_need(poster)
    sign_in(client, poster)
    client.post(f"/needs/{need.id}/close")
    db.session.refresh(need)
    assert need.status == "withdrawn"


def test_a_need_cannot_drop_below_what_is_already_matched(app, make_user, make_need):
    poster = make_user("ngo")
    need = make_need(poster)
    need.committed_quantity = 30
    db.session.commit()
    with pytest.raises(InvalidFields) as raised:
        services.update_post(services.NEED, poster, need.id, {"quantity": 20})
    assert "quantity" in raised.value.errors


BAD_OFFERS = [
    ({"quantity": 0}, "quantity"),
    ({"quantity": 1_000_001}, "quantity"),
    ({"quantity": "many"}, "quantity"),
    ({"title": "ab"}, "title"),
    ({"title": "x" * 121}, "title"),
    ({"description": "x" * 4001}, "description"),
    ({"category": "unicorns"}, "category"),
    ({"unit": "kg"}, "unit"),
    ({"unit": "furlongs"}, "unit"),
    ({"place": "narnia"}, "place"),  # not "atlantis": a typo away from Αταλάντη (Lokroi)
    ({"reach_km": 201}, "reach_km"),
    ({"reach_km": -1}, "reach_km"),
    ({"lot": 30}, "lot"),
    ({"lot": 0}, "lot"),
    ({"available_from": "2030-01-10", "available_until": "2030-01-01"}, "available_until"),
    ({"available_until": "2020-01-01"}, "available_until"),
    ({"available_from": "not a date"}, "available_from"),
    ({"conditions": "x" * 2001}, "conditions"),
]


@pytest.mark.parametrize("overrides, field", BAD_OFFERS)
def test_a_bad_offer_form_shows_the_field_message_and_writes_nothing(
    client, make_user, overrides, field
):
    sign_in(client, make_user("individual"))
    response = client.post("/offers/new", data=form_of(offer_fields(**overrides)))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert count(Offer) == 0


BAD_NEEDS = [
    ({"needed_by": "yesterday"}, "needed_by"),
    ({"needed_by": ""}, "needed_by"),
    ({"urgency": "whenever"}, "urgency"),
    ({"quantity": ""}, "quantity"),
    ({"title": ""}, "title"),
    ({"category": "interpreting_arabic", "unit": "pieces"}, "unit"),
]


@pytest.mark.parametrize("overrides, field", BAD_NEEDS)
def test_a_bad_need_form_shows_the_field_message_and_writes_nothing(
    client, make_user, overrides, field
):
    sign_in(client, make_user("ngo"))
    if overrides.get("needed_by") == "yesterday":
        overrides = {"needed_by": (today() - timedelta(days=1)).isoformat()}
    response = client.post("/needs/new", data=form_of(need_fields(**overrides)))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert count(Need) == 0


def test_an_unapproved_ngo_cannot_post(client, make_user):
    sign_in(client, make_user("ngo", status="pending"))
    assert client.post("/needs/new", data=form_of(need_fields())).status_code == 403
    assert count(Need) == 0


@pytest.mark.parametrize("actor", ["anonymous", "other_donor", "colleague_of_nobody", "ngo"])
def test_another_persons_offer_is_not_found(client, make_user, make_offer, actor):
    offer = make_offer(make_user("individual"))
    users = {
        "anonymous": None,
        "other_donor": make_user("individual"),
        "colleague_of_nobody": make_user("company"),
        "ngo": make_user("ngo"),
    }
    sign_in(client, users[actor])
    expected = {"anonymous": 302}.get(actor, 404)
    for method, path in (
        ("GET", f"/offers/{offer.id}/edit"),
        ("POST", f"/offers/{offer.id}/edit"),
        ("POST", f"/offers/{offer.id}/withdraw"),
    ):
        response = client.open(path, method=method, data=form_of(offer_fields(quantity=1)))
        assert response.status_code == expected, (method, path)
    db.session.refresh(offer)
    assert (offer.quantity, offer.status) == (100, "open")


@pytest.mark.parametrize("actor", ["anonymous", "other_ngo", "donor"])
def test_another_organisations_need_is_not_found(client, make_user, make_need, actor):
    need = make_need(make_user("ngo"))
    users = {"anonymous": None, "other_ngo": make_user("ngo"), "donor": make_user("individual")}
    sign_in(client, users[actor])
    expected = {"anonymous": 302, "donor": 403}.get(actor, 404)
    for method, path in (
        ("GET", f"/needs/{need.id}/edit"),
        ("POST", f"/needs/{need.id}/edit"),
        ("POST", f"/needs/{need.id}/close"),
    ):
        response = client.open(path, method=method, data=form_of(need_fields(quantity=1)))
        assert response.status_code == expected, (method, path)
    db.session.refresh(need)
    assert (need.quantity, need.status) == (40, "open")


def test_the_public_needs_page_lists_open_needs_without_personal_data(client, make_user, make_need):
    poster = make_user(
        "ngo",
        full_name="Fatima Al-Hassan",
        phone="+30 694 111 2222",
        email="fatima@shelter.example.org",
    )
    make_need(poster, title="Χειμερινά μπουφάν για παιδιά 6–10")
    closed = make_need(poster, title="Something no longer needed")
    services.withdraw_post(services.NEED, poster, closed.id)
    page = client.get("/needs").get_data(as_text=True)
    assert "Χειμερινά μπουφάν για παιδιά 6–10" in page
    assert "Something no longer needed" not in page
    for secret in ("Fatima", "Al-Hassan", "694 111 2222", "fatima@", "@"):
        assert secret not in page, secret
    assert re.search(r"/offers/new\?need=\d+", page)  # "I can offer this", tied to the need
    client.post("/language", data={"language": "en"})
    assert "What is needed now" in client.get("/needs").get_data(as_text=True)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"Blankets A", "Arabic B", "Blankets C"}),
        ("?sector=basic_goods", {"Blankets A", "Blankets C"}),
        ("?sector=social", {"Arabic B"}),
        ("?category=blankets", {"Blankets A", "Blankets C"}),
        ("?place=athens", {"Blankets A", "Arabic B"}),
        ("?place=kypseli", {"Blankets A"}),
        ("?urgency=emergency", {"Blankets C"}),
        ("?urgency=whatever", {"Blankets A", "Arabic B", "Blankets C"}),
    ],
)
def test_the_public_needs_page_filters(client, make_user, make_need, query, expected):
    poster = make_user("ngo")
    make_need(poster, title="Blankets A", place="kypseli")
    make_need(
        poster,
        title="Arabic B",
        category="interpreting_arabic",
        unit="hours",
        place="exarcheia",
        urgency="normal",
    )
    make_need(poster, title="Blankets C", place="piraeus", urgency="emergency")
    page = client.get(f"/needs{query}").get_data(as_text=True)
    shown = {t for t in ("Blankets A", "Arabic B", "Blankets C") if t in page}
    assert shown == expected


def test_the_public_page_pages_through_many_needs(client, make_user, make_need):
    poster = make_user("ngo")
    for n in range(23):
        make_need(poster, title=f"Need number {n:02d}")
    first = client.get("/needs").get_data(as_text=True)
    second = client.get("/needs?page=2").get_data(as_text=True)
    assert first.count(">Need number") == 20 and second.count(">Need number") == 3
    assert "Σελίδα 1 από 2" in first


def test_a_need_past_its_deadline_leaves_the_public_page_without_a_write(client, make_user,
                                                                          make_need):
    from sqlalchemy import update

    need = make_need(make_user("ngo"), title="Needed until yesterday")
    db.session.execute(update(Need).where(Need.id == need.id)
                       .values(needed_by=today() - timedelta(days=1)))
    db.session.commit()
    assert "Needed until yesterday" not in client.get("/needs").get_data(as_text=True)
    assert client.get(f"/needs/{need.id}").status_code == 404
    db.session.refresh(need)
    assert need.status == "open"  # stored as expired by the scheduled `flask expire` only
