"""The JSON API: tokens, offers and needs with ownership, validation, pages, OpenAPI."""

import hashlib
import re

import pytest
from openapi_spec_validator import validate
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from tests.conftest import need_fields, offer_fields
from tests.helpers import sign_in
from tests.test_posts import BAD_OFFERS
from web.api.auth import create_token
from web.extensions import db
from web.models import ApiToken
from web.posts.models import Need, Offer


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_token_is_made_on_the_account_page_shown_once_and_stored_hashed(client, make_user):
    user = make_user("individual")
    sign_in(client, user)
    page = client.post("/account/tokens", data={"name": "stock system"}).get_data(as_text=True)
    secret = re.search(r'id="new-token" type="text" readonly value="(kmv_[^"]+)"', page).group(1)
    token = db.session.scalar(select(ApiToken))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in client.get("/account").get_data(as_text=True)
    api = client.application.test_client()
    assert (
        api.get("/api/v1/offers", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    client.post(f"/account/tokens/{token.id}/revoke")
    assert (
        api.get("/api/v1/offers", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )


def test_a_token_cannot_be_revoked_by_someone_else(client, make_user):
    owner, other = make_user("individual"), make_user("individual")
    token, _secret = create_token(owner, "mine")
    sign_in(client, other)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer nope", "Basic a2V5", "Bearer kmv_" + "x" * 43]
)
def test_requests_without_a_valid_token_are_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.post("/api/v1/offers", json=offer_fields(), headers=headers)
    assert response.status_code == 401
    assert response.get_json()["code"] == 401
    assert count(Offer) == 0


def test_create_read_update_withdraw_an_offer(client, make_user, bearer):
    auth = bearer(make_user("individual"))
    created = client.post("/api/v1/offers", json=offer_fields(), headers=auth)
    assert created.status_code == 201
    offer = created.get_json()
    assert (offer["category"], offer["kind"], offer["status"], offer["version"]) == (
        "blankets",
        "goods",
        "open",
        1,
    )
    read = client.get(f"/api/v1/offers/{offer['id']}", headers=auth).get_json()
    assert read["title"] == "Κουβέρτες μάλλινες"
    patched = client.patch(
        f"/api/v1/offers/{offer['id']}", json={"quantity": 80, "version": 1}, headers=auth
    )
    assert patched.status_code == 200
    assert (patched.get_json()["quantity"], patched.get_json()["version"]) == (80, 2)
    stale = client.patch(
        f"/api/v1/offers/{offer['id']}", json={"quantity": 5, "version": 1}, headers=auth
    )
    assert stale.status_code == 409
    withdrawn = client.delete(f"/api/v1/offers/{offer['id']}", headers=auth)
    assert withdrawn.get_json()["status"] == "withdrawn"
    again = client.delete(f"/api/v1/offers/{offer['id']}", headers=auth)
    assert again.status_code == 422 and "status" in again.get_json()["errors"]["json"]
    assert db.session.get(Offer, offer["id"]).quantity == 80


def test_create_read_update_close_a_need(client, make_user, bearer):
    auth = bearer(make_user("ngo", language="en"))
    created = client.post("/api/v1/needs", json=need_fields(), headers=auth)
    assert created.status_code == 201
    need_id = created.get_json()["id"]
    patched = client.patch(f"/api/v1/needs/{need_id}", json={"urgency": "emergency"}, headers=auth)
    assert patched.get_json()["urgency"] == "emergency"
    assert (
        client.delete(f"/api/v1/needs/{need_id}", headers=auth).get_json()["status"] == "withdrawn"
    )


@pytest.mark.parametrize("overrides, field", BAD_OFFERS)
def test_a_bad_offer_gets_422_naming_the_field_and_writes_nothing(
    client, make_user, bearer, overrides, field
):
    auth = bearer(make_user("individual"))
    response = client.post("/api/v1/offers", json=offer_fields(**overrides), headers=auth)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"], response.get_json()
    assert count(Offer) == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "skill"}, "kind"),
        ({"unknown": 1}, "unknown"),
        ({"quantity": 1.5}, "quantity"),
        ({"restrict_sectors": ["astrology"]}, "restrict_sectors"),
        ({"remote": True}, "remote"),
        ({"latitude": 37.9}, "longitude"),
        ({"latitude": 91.0, "longitude": 23.7}, "latitude"),
    ],
)
def test_more_bad_offers_over_the_api(client, make_user, bearer, body, field):
    auth = bearer(make_user("individual"))
    response = client.post("/api/v1/offers", json=offer_fields(**body), headers=auth)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"], response.get_json()
    assert count(Offer) == 0


def test_a_patch_cannot_make_an_offer_invalid(client, make_user, bearer, make_offer):
    donor = make_user("individual")
    offer = make_offer(donor)
    response = client.patch(
        f"/api/v1/offers/{offer.id}", json={"unit": "kg"}, headers=bearer(donor)
    )
    assert response.status_code == 422
    db.session.refresh(offer)
    assert offer.unit == "pieces" and offer.version == 1


def test_messages_follow_the_token_owners_language(client, make_user, bearer):
    greek = client.post(
        "/api/v1/offers",
        json=offer_fields(quantity=0),
        headers=bearer(make_user("individual", language="el")),
    )
    english = client.post(
        "/api/v1/offers",
        json=offer_fields(quantity=0),
        headers=bearer(make_user("individual", language="en")),
    )
    assert "ακέραιο" in greek.get_json()["errors"]["json"]["quantity"][0]
    assert "whole number" in english.get_json()["errors"]["json"]["quantity"][0]


@pytest.mark.parametrize("who", ["other_donor", "ngo", "company"])
def test_another_persons_offer_is_404_over_the_api(client, make_user, make_offer, bearer, who):
    offer = make_offer(make_user("individual"))
    auth = bearer(make_user({"other_donor": "individual"}.get(who, who)))
    assert client.get(f"/api/v1/offers/{offer.id}", headers=auth).status_code == 404
    assert (
        client.patch(f"/api/v1/offers/{offer.id}", json={"quantity": 1}, headers=auth).status_code
        == 404
    )
    assert client.delete(f"/api/v1/offers/{offer.id}", headers=auth).status_code == 404
    db.session.refresh(offer)
    assert (offer.quantity, offer.status) == (100, "open")


@pytest.mark.parametrize("who", ["other_ngo", "donor"])
def test_another_organisations_need_is_404_over_the_api(client, make_user, make_need, bearer, who):
    need = make_need(make_user("ngo"))
    auth = bearer(make_user({"other_ngo": "ngo", "donor": "individual"}[who]))
    assert client.get(f"/api/v1/needs/{need.id}", headers=auth).status_code == 404
    assert (
        client.patch(f"/api/v1/needs/{need.id}", json={"quantity": 1}, headers=auth).status_code
        == 404
    )
    assert client.delete(f"/api/v1/needs/{need.id}", headers=auth).status_code == 404
    db.session.refresh(need)
    assert (need.quantity, need.status) == (40, "open")


def test_roles_post_only_their_side(client, make_user, bearer):
    for poster in (make_user("staff"), make_user("ngo", status="pending")):
        assert (
            client.post("/api/v1/offers", json=offer_fields(), headers=bearer(poster)).status_code
            == 403
        )
    assert (
        client.post(
            "/api/v1/needs", json=need_fields(), headers=bearer(make_user("individual"))
        ).status_code
        == 403
    )
    pending = make_user("ngo", status="pending")
    assert (
        client.post("/api/v1/needs", json=need_fields(), headers=bearer(pending)).status_code == 403
    )
    assert count(Offer) == 0 and count(Need) == 0


def test_lists_filter_and_page(client, make_user, make_offer, bearer):
    donor = make_user("individual")
    for n in range(7):
        make_offer(donor, title=f"Blankets {n}")
    make_offer(donor, title="Arabic lessons", category="interpreting_arabic", unit="hours")
    make_offer(make_user("individual"), title="Someone else's")
    auth = bearer(donor)
    first = client.get("/api/v1/offers?per_page=5", headers=auth).get_json()
    assert (first["total"], first["pages"], len(first["items"])) == (8, 2, 5)
    second = client.get("/api/v1/offers?per_page=5&page=2", headers=auth).get_json()
    assert len(second["items"]) == 3
    assert {o["id"] for o in first["items"]}.isdisjoint({o["id"] for o in second["items"]})
    social = client.get("/api/v1/offers?sector=social", headers=auth).get_json()
    assert [o["title"] for o in social["items"]] == ["Arabic lessons"]
    kind = client.get(
        "/api/v1/offers?kind=skill&category=interpreting_arabic", headers=auth
    ).get_json()
    assert kind["total"] == 1


@pytest.mark.parametrize(
    "query, field",
    [
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("page=100001", "page"),
        ("sector=astrology", "sector"),
        ("category=" + "x" * 65, "category"),
        ("status=lost", "status"),
    ],
)
def test_list_parameters_are_bounded(client, make_user, bearer, query, field):
    response = client.get(f"/api/v1/offers?{query}", headers=bearer(make_user("individual")))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["query"]


def test_open_needs_are_public_and_carry_no_personal_data(client, make_user, make_need):
    poster = make_user("ngo", full_name="Fatima Al-Hassan", email="fatima@shelter.example.org")
    make_need(poster)
    body = client.get("/api/v1/open-needs?urgency=high").get_data(as_text=True)
    assert "Blankets for a family shelter" in body
    assert "Fatima" not in body and "@" not in body and "poster" not in body


def test_the_openapi_document_is_valid_and_lists_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    documented = {
        (path, method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if method != "parameters"
    }
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and rule.endpoint != "api-docs.openapi_json":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routed |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == documented


def test_the_openapi_document_links_creates_to_reads_and_documents_errors(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    create = spec["paths"]["/api/v1/offers"]["post"]
    assert create["responses"]["201"]["links"]["read"]["operationId"] == "getOffer"
    assert "content" in create["responses"]["201"]
    need_create = spec["paths"]["/api/v1/needs"]["post"]
    assert need_create["responses"]["201"]["links"]["read"]["operationId"] == "getNeed"
    get = spec["paths"]["/api/v1/offers/{offer_id}"]["get"]
    assert {"200", "401", "404"} <= set(get["responses"])
    assert "422" in create["responses"]
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_reading_with_a_token_writes_nothing_and_a_change_notes_its_use_once_an_hour(
    client, make_user, make_offer, bearer
):
    user = make_user("individual")
    headers = bearer(user)
    offer = make_offer(user)
    commits = []

    def count(_session):
        commits.append(1)

    event.listen(Session, "after_commit", count)
    try:
        assert client.get("/api/v1/offers", headers=headers).status_code == 200
        assert client.get(f"/api/v1/offers/{offer.id}", headers=headers).status_code == 200
    finally:
        event.remove(Session, "after_commit", count)
    assert commits == []  # reads never write
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken)).last_used_at is None
    def change_and_note(quantity):
        answer = client.patch(f"/api/v1/offers/{offer.id}", json={"quantity": quantity},
                              headers=headers)
        assert answer.status_code == 200
        db.session.expire_all()
        return db.session.scalar(select(ApiToken)).last_used_at

    first = change_and_note(101)
    assert first is not None
    assert change_and_note(102) == first  # a second change within the hour adds no write
