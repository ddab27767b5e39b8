"""Password reset and change of email: signed links that expire and work once, by real mail."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.helpers import PASSWORD
from web.extensions import db
from web.models import AuditEvent
from web.notifications.delivery import deliver_due
from web.notifications.models import Notification

NEW = "a fresh passphrase for komvos"


@pytest.fixture
def app(make_app, smtp):
    application = make_app(mail_server="127.0.0.1", mail_port=smtp.port, base_url="")
    with application.app_context():
        yield application


def mailed_link(smtp, pattern):
    deliver_due()
    for message in reversed(smtp.handler.messages):
        body = message.get_body(preferencelist=("plain",)).get_content()
        found = re.search(r"https?://\S*" + pattern + r"\S*", body)
        if found:
            return found.group(0), message
    raise AssertionError(f"no mail with {pattern}")


def path_of(link):
    return re.sub(r"^https?://[^/]+", "", link)


def sign_in_with(client, email, password, remember=True):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def test_a_reset_link_arrives_sets_a_new_password_once_and_ends_every_session(app, smtp, make_user):
    user = make_user("individual", language="en", email="nikos@people.example")
    elsewhere = app.test_client()
    assert sign_in_with(elsewhere, user.email, PASSWORD).status_code == 302
    remembered = elsewhere.get_cookie("remember_token").value

    client = app.test_client()
    client.post("/language", data={"language": "en", "next": "/"})
    page = client.post("/password/forgot", data={"email": "Nikos@People.example"})
    assert page.status_code == 200 and "Check your email" in page.get_data(as_text=True)
    link, message = mailed_link(smtp, "/password/reset/")
    assert "<nikos@people.example>" in str(message["To"])
    assert link.startswith("http://localhost/")  # where the request came, not a default host
    assert client.get(path_of(link)).status_code == 200
    done = client.post(path_of(link), data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")

    assert elsewhere.get("/account").status_code == 302
    stolen = app.test_client()
    stolen.set_cookie("remember_token", remembered)
    assert stolen.get("/account").status_code == 302
    assert client.get(path_of(link)).status_code == 404  # single use
    assert sign_in_with(app.test_client(), user.email, PASSWORD).status_code == 422
    assert sign_in_with(app.test_client(), user.email, NEW).status_code == 302
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "user.password_reset" in actions


def test_the_answer_is_the_same_whether_or_not_the_address_exists(app, smtp, make_user):
    make_user("individual", language="en", email="known@people.example")
    client = app.test_client()
    client.post("/language", data={"language": "en", "next": "/"})

    def answer(email):
        response = client.post("/password/forgot", data={"email": email})
        text = response.get_data(as_text=True)
        return response.status_code, re.sub(
            r"[\w.+-]+@[\w.-]+", "<address>", text.split("<main")[1]
        )

    assert answer("known@people.example") == answer("nobody@people.example")
    assert (
        db.session.scalar(select(Notification).where(Notification.email == "nobody@people.example"))
        is None
    )


def test_an_expired_or_tampered_link_is_refused(app, smtp, make_user):
    user = make_user("individual", language="en")
    from web.account import recovery

    token = recovery.reset_token(user)
    client = app.test_client()
    assert client.get(f"/password/reset/{token}x").status_code == 404
    app.config["PASSWORD_RESET_MINUTES"] = -1  # every link has expired
    try:
        assert client.get(f"/password/reset/{token}").status_code == 404
    finally:
        app.config["PASSWORD_RESET_MINUTES"] = 60


def test_a_reset_mail_never_shows_in_the_inbox(app, smtp, make_user):
    user = make_user("individual", language="en")
    app.test_client().post("/password/forgot", data={"email": user.email})
    client = app.test_client()
    sign_in_with(client, user.email, PASSWORD)
    assert "/password/reset/" not in client.get("/inbox").get_data(as_text=True)


def test_a_new_email_address_is_used_only_once_confirmed(app, smtp, make_user):
    user = make_user("individual", language="en", email="old@people.example")
    client = app.test_client()
    sign_in_with(client, user.email, PASSWORD)
    response = client.post(
        "/account/email", data={"new-email": "New@People.example", "new-password": PASSWORD}
    )
    assert response.status_code == 302
    link, message = mailed_link(smtp, "/account/email/")
    assert "<new@people.example>" in str(message["To"])
    warned = [m for m in smtp.handler.messages if "<old@people.example>" in str(m["To"])]
    assert warned, "the current address is told too"
    db.session.refresh(user)
    assert user.email == "old@people.example"  # nothing changes until confirmed

    assert client.get(path_of(link)).status_code == 200  # asking changes nothing
    db.session.refresh(user)
    assert user.email == "old@people.example"
    assert client.post(path_of(link)).status_code == 302
    db.session.refresh(user)
    assert user.email == "new@people.example"
    assert client.get("/account").status_code == 200  # this browser stays signed in
    assert client.get(path_of(link)).status_code == 404  # single use
    assert sign_in_with(app.test_client(), "new@people.example", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("email", "password", "field_message"),
    [
        ("new@people.example", "wrong password", "not your current password"),
        ("taken@people.example", PASSWORD, "already exists"),
    ],
)
def test_a_bad_change_of_address_sends_nothing(
    app, smtp, make_user, email, password, field_message
):
    make_user("individual", email="taken@people.example")
    user = make_user("individual", language="en")
    client = app.test_client()
    sign_in_with(client, user.email, PASSWORD)
    response = client.post("/account/email", data={"new-email": email, "new-password": password})
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    assert (
        db.session.scalar(select(Notification).where(Notification.kind == "email_change")) is None
    )
