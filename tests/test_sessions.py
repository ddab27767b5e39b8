"""Signing out, a new password and deactivation end every session and remember cookie."""

from __future__ import annotations

import pytest

from tests.helpers import PASSWORD
from web.extensions import db
from web.models import AuditEvent, User

NEW_PASSWORD = "a brand new passphrase"


def signed_in_client(app, user, remember=True):
    client = app.test_client()
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    return client


def copy_of(app, client, *names):
    """A second browser holding copies of `client`'s cookies."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, name
        other.set_cookie(name, cookie.value)
    return other


def opens_account(client):
    return client.get("/account").status_code == 200


def test_the_session_and_the_cookie_carry_a_random_token_not_the_id(app, make_user):
    user = make_user("individual")
    client = signed_in_client(app, user)
    remember = client.get_cookie("remember_token").value
    assert remember.split("|")[0] == user.session_token
    assert not remember.startswith(f"{user.id}|")
    assert len(user.session_token) >= 40


def test_a_remember_cookie_copied_before_sign_out_no_longer_opens_the_account(app, make_user):
    user = make_user("individual")
    client = signed_in_client(app, user)
    copied = client.get_cookie("remember_token").value

    def browser_with_the_copy():
        other = app.test_client()
        other.set_cookie("remember_token", copied)
        return other

    assert opens_account(browser_with_the_copy())  # the copy works while signed in
    assert client.post("/logout").status_code == 302
    assert browser_with_the_copy().get("/account").status_code == 302  # to the sign-in page


def test_a_session_cookie_copied_before_sign_out_no_longer_opens_the_account(app, make_user):
    user = make_user("individual")
    client = signed_in_client(app, user, remember=False)
    stolen = copy_of(app, client, "session")
    assert opens_account(stolen)
    client.post("/logout")
    assert stolen.get("/account").status_code == 302


def test_signing_out_on_one_device_signs_out_the_others(app, make_user):
    user = make_user("individual")
    phone, laptop = signed_in_client(app, user), signed_in_client(app, user)
    phone.post("/logout")
    assert not opens_account(laptop)
    again = signed_in_client(app, user)
    assert opens_account(again)


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(app, make_user):
    user = make_user("individual")
    here, elsewhere = signed_in_client(app, user), signed_in_client(app, user)
    response = here.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert opens_account(here)
    assert not opens_account(elsewhere)
    fresh = app.test_client()
    wrong = fresh.post("/login", data={"email": user.email, "password": PASSWORD})
    assert wrong.status_code == 422
    right = fresh.post("/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert right.status_code == 302
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert "user.password_changed" in actions


@pytest.mark.parametrize(
    ("current", "new", "field_message"),
    [
        ("not my password", NEW_PASSWORD, "not your current password"),
        (PASSWORD, "password", "most common"),
        (PASSWORD, "short", "at least 8"),
    ],
)
def test_a_bad_password_change_changes_nothing(app, make_user, current, new, field_message):
    user = make_user("individual", language="en")
    token = user.session_token
    client = signed_in_client(app, user)
    response = client.post(
        "/account/password", data={"current_password": current, "password": new, "confirm": new}
    )
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True).lower()
    db.session.expire_all()
    assert db.session.get(User, user.id).session_token == token
    assert opens_account(client)


def test_an_administrator_deactivating_a_person_signs_them_out_everywhere(app, make_user):
    person = make_user("ngo")
    admin = make_user("admin")
    theirs = signed_in_client(app, person)
    remembered = copy_of(app, theirs, "remember_token")
    ours = signed_in_client(app, admin)
    response = ours.post(f"/staff/people/{person.id}/deactivate")
    assert response.status_code == 302
    assert not opens_account(theirs)
    assert not opens_account(remembered)
    refused = app.test_client().post("/login", data={"email": person.email, "password": PASSWORD})
    assert refused.status_code == 422
    assert ours.post(f"/staff/people/{person.id}/activate").status_code == 302
    assert opens_account(signed_in_client(app, person))


def test_only_an_administrator_deactivates_and_never_themselves(app, make_user):
    person, staff, admin = make_user("individual"), make_user("staff"), make_user("admin")
    refused = signed_in_client(app, staff).post(f"/staff/people/{person.id}/deactivate")
    assert refused.status_code == 403
    client = signed_in_client(app, admin)
    client.post(f"/staff/people/{admin.id}/deactivate")
    assert opens_account(client)


def test_the_organisations_page_lets_an_administrator_deactivate_representatives(
    app, make_user
):
    person = make_user("ngo", language="en")
    admin = make_user("admin", language="en")
    page = signed_in_client(app, admin).get("/staff/organisations?status=approved")
    assert f"/staff/people/{person.id}/deactivate" in page.get_data(as_text=True)
