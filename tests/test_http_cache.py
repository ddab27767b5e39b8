"""What browsers and proxies may keep: public lists revalidate by ETag and answer 304,
personal pages are never stored, static files are named by their content."""

from __future__ import annotations

import re

import pytest
from flask import current_app

from tests.conftest import need_fields
from tests.helpers import sign_in
from web.api.auth import create_token
from web.matches import services as match_services
from web.posts.schemas import NeedInput, load_post
from web.posts.services import NEED, post
from web.reference import fragments

PUBLIC = ["/needs", "/needs?sector=basic_goods&page=1", "/api/v1/open-needs", "/directory",
          "/needs/{need}"]


@pytest.fixture
def need(make_user, make_need):
    return make_need(make_user("ngo"), title="Κουβέρτες για το κέντρο")


@pytest.mark.parametrize("path", PUBLIC)
def test_a_visitor_gets_a_public_answer_that_revalidates_to_304(client, need, path):
    path = path.format(need=need.id)
    first = client.get(path)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=5"
    assert "Cookie" in first.headers["Vary"]
    assert "Set-Cookie" not in first.headers  # nothing personal in it
    assert first.headers["Last-Modified"]
    tag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": tag})
    assert (again.status_code, again.data, again.headers["ETag"]) == (304, b"", tag)
    since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


@pytest.mark.parametrize("path", ["/needs", "/api/v1/open-needs", "/needs/{need}"])
def test_a_change_to_the_open_needs_changes_the_etag(client, need, make_user, make_need,
                                                     make_offer, make_match, path):
    path = path.format(need=need.id)
    tag = client.get(path).headers["ETag"]
    make_need(make_user("ngo"), title="Σχολικές τσάντες")
    posted = client.get(path, headers={"If-None-Match": tag})
    assert posted.status_code == 200 and posted.headers["ETag"] != tag
    tag = posted.headers["ETag"]
    match = make_match(make_offer(), need, 10)
    match_services.confirm_match(make_user("staff"), match.id, None)  # the need lacks less
    confirmed = client.get(path, headers={"If-None-Match": tag})
    assert confirmed.status_code == 200 and confirmed.headers["ETag"] != tag


def test_the_etag_names_the_language(client, need):
    greek = client.get("/needs")
    client.post("/language", data={"language": "en", "next": "/needs"},
                headers={"Origin": "http://localhost"})
    english = client.get("/needs", headers={"If-None-Match": greek.headers["ETag"]})
    assert english.status_code == 200
    assert "What is needed now" in english.get_data(as_text=True)
    assert english.headers["ETag"] != greek.headers["ETag"]


def test_kept_answers_are_the_pages_the_view_renders(client, need, make_user, make_need):
    first = client.get("/needs").get_data(as_text=True)
    assert client.get("/needs").get_data(as_text=True) == first  # served again, kept
    make_need(make_user("ngo"), title="Σχολικές τσάντες")
    assert "Σχολικές τσάντες" in client.get("/needs").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/needs", "/needs/{need}", "/directory"])
def test_a_public_page_seen_signed_in_is_personal(client, make_user, need, path):
    sign_in(client, make_user("individual", full_name="Μαρία Κ."))
    response = client.get(path.format(need=need.id))
    assert "Μαρία Κ." in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers


def test_the_public_api_with_a_token_is_personal(client, make_user, need):
    _token, secret = create_token(make_user("ngo"), "tests")
    response = client.get("/api/v1/open-needs", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers


@pytest.mark.parametrize(("who", "path"), [
    ("ngo", "/needs/ours"), ("ngo", "/offers/mine"), ("ngo", "/matches"), ("staff", "/staff"),
    ("staff", "/staff/matches"), ("staff", "/staff/needs"), ("ngo", "/account"),
    (None, "/login"), (None, "/register"),
])
def test_personal_pages_are_never_stored(client, make_user, who, path):
    sign_in(client, make_user(who) if who else None)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("path", ["/api/v1/needs", "/api/v1/offers", "/api/v1/matches"])
def test_authenticated_api_lists_are_never_stored(client, make_user, path):
    _token, secret = create_token(make_user("ngo"), "tests")
    response = client.get(path, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_static_files_are_linked_by_their_content_and_kept_for_a_year(client):
    page = client.get("/needs").get_data(as_text=True)
    linked = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert linked and all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in linked), linked
    hashed = client.get(linked[0].replace("&amp;", "&"))
    assert hashed.status_code == 200
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = client.get(linked[0].split("?")[0])
    assert plain.headers["Cache-Control"] == "no-cache"
    stale = client.get(linked[0].split("?")[0] + "?v=000000000000")
    assert "immutable" not in stale.headers["Cache-Control"]


def test_the_pickers_are_rendered_once_per_language_and_mark_the_chosen_value(client, app):
    taxonomy = current_app.extensions["komvos.taxonomy"]
    greek = fragments.options("category", taxonomy, "el")
    assert fragments.options("category", taxonomy, "el") is greek  # not rendered again
    assert fragments.options("category", taxonomy, "en") is not greek
    assert greek.count("<option ") == len(taxonomy.categories) >= 186
    page = client.get("/needs?category=blankets&place=kypseli").get_data(as_text=True)
    assert '<option value="blankets" selected>' in page
    assert '<option value="kypseli" selected>' in page
    assert page.count(" selected>") == 2


def test_the_openapi_document_says_the_public_list_revalidates(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/open-needs"]["get"]
    assert "304" in operation["responses"]
    headers = operation["responses"]["200"]["headers"]
    assert {"ETag", "Last-Modified", "Cache-Control"} <= set(headers)
    names = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert {"If-None-Match", "If-Modified-Since"} <= names


def test_a_past_deadline_need_leaves_the_open_needs_api_without_a_write(client, make_user,
                                                                       make_need):
    from datetime import timedelta

    from sqlalchemy import update

    from web.clock import today
    from web.extensions import db
    from web.posts.models import Need

    late = make_need(make_user("ngo"), title="Until yesterday")
    db.session.execute(update(Need).where(Need.id == late.id)
                       .values(needed_by=today() - timedelta(days=1)))
    db.session.commit()
    titles = [n["title"] for n in client.get("/api/v1/open-needs").get_json()["items"]]
    assert "Until yesterday" not in titles
    db.session.refresh(late)
    assert late.status == "open"


def test_a_need_posted_is_listed_at_once(client, make_user):
    """No cache keeps an old list: the version is read on every request."""
    assert client.get("/api/v1/open-needs").get_json()["total"] == 0
    post(NEED, make_user("ngo"), load_post(NeedInput(), need_fields(title="Νέα ανάγκη")))
    assert client.get("/api/v1/open-needs").get_json()["total"] == 1


def test_an_ngo_sees_its_need_past_its_deadline_as_expired_before_the_job_runs(
        client, make_user, make_need):
    from datetime import timedelta

    from sqlalchemy import update

    from web.clock import today
    from web.extensions import db
    from web.posts.models import Need

    poster = make_user("ngo", language="en")
    late = make_need(poster, title="Until yesterday")
    db.session.execute(update(Need).where(Need.id == late.id)
                       .values(needed_by=today() - timedelta(days=1)))
    db.session.commit()
    sign_in(client, poster)
    page = client.get("/needs/ours").get_data(as_text=True)
    assert 'status-expired">expired<' in page
    db.session.refresh(late)
    assert late.status == "open"


def test_the_api_says_expired_past_the_deadline_before_the_job_runs_without_a_write(
        client, make_user, make_need, bearer):
    """The API's `status` is the status as of today, in answers and in its filter; the GET
    stores nothing (the scheduled `flask expire` does)."""
    from datetime import timedelta

    from sqlalchemy import update

    from web.clock import today
    from web.extensions import db
    from web.posts.models import Need

    poster = make_user("ngo")
    late = make_need(poster, title="Until yesterday")
    make_need(poster, title="Still wanted")
    db.session.execute(update(Need).where(Need.id == late.id)
                       .values(needed_by=today() - timedelta(days=1)))
    db.session.commit()
    auth = bearer(poster)
    found = client.get("/api/v1/needs", headers=auth).get_json()["items"]
    assert {n["title"]: n["status"] for n in found} == {"Until yesterday": "expired",
                                                         "Still wanted": "open"}
    assert client.get(f"/api/v1/needs/{late.id}", headers=auth).get_json()["status"] == "expired"
    by_status = {status: [n["title"] for n in client.get(
        f"/api/v1/needs?status={status}", headers=auth).get_json()["items"]]
        for status in ("open", "expired")}
    assert by_status == {"open": ["Still wanted"], "expired": ["Until yesterday"]}
    db.session.refresh(late)
    assert late.status == "open"
    document = client.get("/api/v1/openapi.json").get_json()
    status = document["components"]["schemas"]["NeedOut"]["properties"]["status"]
    assert "expired" in status["enum"] and "as of today" in status["description"]


def test_a_visitor_switches_language_without_a_token_but_an_account_needs_one(make_app,
                                                                             make_user):
    """Public pages carry no CSRF token for visitors (they would set a cookie); signed in,
    the switch changes the account and must carry the page's token."""
    from tests.helpers import csrf_token_from
    from web.extensions import db
    from web.models import User

    app = make_app(csrf=True)
    with app.app_context():
        visitor = app.test_client()
        assert 'name="csrf_token"' not in visitor.get("/needs").get_data(as_text=True)
        # From another site's form: refused.
        for origin in ({"Origin": "https://elsewhere.example"},
                       {"Referer": "https://elsewhere.example/page"}):
            assert visitor.post("/language", data={"language": "en"},
                                headers=origin).status_code == 400
        ours = {"Origin": "http://localhost"}
        assert visitor.post("/language", data={"language": "en"},
                            headers=ours).status_code == 302
        assert "What is needed now" in visitor.get("/needs").get_data(as_text=True)
        user = make_user("individual", language="el")
        person = app.test_client()
        login = person.get("/login").get_data(as_text=True)
        person.post("/login", data={"email": user.email, "password": "correct horse battery",
                                    "csrf_token": csrf_token_from(login)})
        person.post("/language", data={"language": "en"})  # no token: refused
        db.session.expire_all()
        assert db.session.get(User, user.id).language == "el"
        token = csrf_token_from(person.get("/account").get_data(as_text=True))
        person.post("/language", data={"language": "en", "csrf_token": token})
        db.session.expire_all()
        assert db.session.get(User, user.id).language == "en"


def test_a_public_list_cached_before_an_emergency_shows_its_banner_after(client, make_user):
    """The banner is on every public page: declaring or closing an emergency changes the
    version of the cached lists, though no need changed."""
    from web.emergencies import services as emergencies

    from .test_emergencies import emergency_fields

    staff = make_user("staff")
    for path in ("/needs", "/directory"):
        assert "emergency-banner" not in client.get(path).get_data(as_text=True)
    before = client.get("/needs").headers["ETag"]
    emergency = emergencies.declare_emergency(staff, emergency_fields())
    for path in ("/needs", "/directory"):
        assert "emergency-banner" in client.get(path).get_data(as_text=True)
    assert client.get("/needs", headers={"If-None-Match": before}).status_code == 200
    emergencies.close_emergency(staff, emergency.id)
    for path in ("/needs", "/directory"):
        assert "emergency-banner" not in client.get(path).get_data(as_text=True)
