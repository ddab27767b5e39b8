"""Language, safe defaults and errors, as a visitor meets them."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sqlalchemy import func, select

from tests.helpers import csrf_token_from, sign_in
from web.extensions import db
from web.models import User

ROOT = Path(__file__).resolve().parent.parent


def test_home_is_greek_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="el">' in page
    assert "Δώστε ό,τι χρειάζεται" in page


def test_the_switch_changes_the_language_for_the_visit(client):
    response = client.post("/language", data={"language": "en", "next": "/register"})
    assert response.headers["Location"] == "/register"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Give what is needed, where it is needed" in page


def test_the_switch_is_remembered_for_a_signed_in_user(app, client, make_user):
    user = make_user(language="el")
    sign_in(client, user)
    client.post("/language", data={"language": "en"})
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "en"
    fresh = sign_in(app.test_client(), user)  # another device, same person
    assert '<html lang="en">' in fresh.get("/").get_data(as_text=True)


def test_the_switch_ignores_unknown_languages_and_foreign_redirects(client):
    response = client.post("/language", data={"language": "fr", "next": "//evil.example/x"})
    assert response.headers["Location"] == "/"
    assert '<html lang="el">' in client.get("/").get_data(as_text=True)


def test_dates_are_formatted_per_locale(client, make_user):
    user = make_user("ngo")
    sign_in(client, user)
    client.post("/organisation/invitations", data={"email": "new@org.example"})
    greek = client.get("/organisation").get_data(as_text=True)
    client.post("/language", data={"language": "en"})
    english = client.get("/organisation").get_data(as_text=True)
    month_el = re.search(r"ισχύει έως (\d+ \S+ \d{4})", greek)
    month_en = re.search(r"valid until (\w+ \d+, \d{4})", english)
    assert month_el and month_en, (greek, english)


@pytest.mark.parametrize("path", ["/", "/login", "/no-such-page", "/api/v1/nothing"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookie_is_httponly_and_samesite(client):
    client.post("/language", data={"language": "en"})
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_error_pages_come_in_both_languages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Η σελίδα δεν υπάρχει" in response.get_data(as_text=True)
    client.post("/language", data={"language": "en"})
    assert "This page does not exist" in client.get("/no-such-page").get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


@pytest.mark.parametrize(
    "query, field", [("limit=0", "limit"), ("limit=abc", "limit"), ("q=" + "x" * 101, "q")]
)
def test_api_bad_parameters_name_the_field(client, query, field):
    response = client.get(f"/api/v1/places?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["query"]


def test_api_search_keeps_greek_readable(client):
    response = client.get("/api/v1/places?q=kipseli&lang=el")
    assert "Κυψέλη" in response.get_data(as_text=True)
    assert response.get_json()[0]["id"] == "kypseli"


def test_unexpected_errors_get_a_friendly_500_and_roll_back(make_app):
    app = make_app(base_url="http://fresh.test")  # an app of its own: this test adds a route

    @app.get("/boom")
    def boom():
        db.session.add(
            User(email="half@people.example", password_hash="x", full_name="Half", role="donor")
        )
        db.session.flush()
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Κάτι πήγε στραβά" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


@pytest.fixture
def csrf_client(make_app):
    app = make_app(csrf=True)
    with app.app_context():
        yield app.test_client()


def test_a_form_without_its_csrf_token_is_refused_and_writes_nothing(csrf_client):
    form = {
        "full_name": "Νίκος Ιωάννου",
        "email": "nikos@people.example",
        "password": "a long and quiet river",
        "confirm": "a long and quiet river",
        "language": "el",
    }
    response = csrf_client.post("/register/individual", data=form)
    assert response.status_code == 400
    assert "Η φόρμα έληξε" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    token = csrf_token_from(csrf_client.get("/register/individual").get_data(as_text=True))
    response = csrf_client.post("/register/individual", data={**form, "csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_the_language_switch_and_sign_out_need_the_csrf_token(csrf_client):
    # A visitor's switch carries no token (public pages stay cacheable, web/http_cache.py):
    # one from another site is refused by its Origin; signed in, the token is required
    # (tests/test_http_cache.py).
    foreign = {"Origin": "https://elsewhere.example"}
    answer = csrf_client.post("/language", data={"language": "en"}, headers=foreign)
    assert answer.status_code == 400
    assert csrf_client.post("/logout").status_code == 400


def test_every_page_string_is_translated_to_greek():
    with (ROOT / "web/translations/el/LC_MESSAGES/messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    method_map = [("web/**.py", "python"), ("web/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
    missing = []
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=keywords
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(msgid)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(msgid)
    assert not missing, f"untranslated: {missing}"
