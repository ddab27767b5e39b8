"""Saved interests and their alerts: who hears of which need, once, in their language, through
the outbox and a real SMTP server; double opt-in for public addresses; pages and API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.helpers import sign_in
from web.api.auth import create_token
from web.extensions import db
from web.interests import alerts, services
from web.interests.models import Interest, InterestSent
from web.models import utcnow
from web.notifications.delivery import run_worker
from web.notifications.models import Notification
from web.validation import InvalidFields


@pytest.fixture
def app(make_app, smtp) -> Flask:
    application = make_app(mail_server="127.0.0.1", mail_port=smtp.port)
    with application.app_context():
        yield application


def mails(smtp, to: str):
    return [m for m in smtp.handler.messages if to in str(m["To"])]


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def subscribe_confirmed(client, email, language="el", **fields):
    """A public subscription through the pages, confirmed through its link."""
    form = {"email": email, "language": language, "frequency": "daily", **fields}
    assert client.post("/interests/subscribe", data=form).status_code == 200
    row = db.session.scalars(
        select(Notification).where(Notification.email == email).order_by(Notification.id.desc())
    ).first()
    token = re.search(r"/interests/confirm/(\S+)", row.body_text).group(1)
    assert client.post(f"/interests/confirm/{token}").status_code == 200
    return token


def test_alerts_reach_each_fitting_recipient_once_in_their_language(
    app, client, smtp, make_user, make_need
):
    greek = make_user("individual", language="el", email="eleni@people.example")
    english = make_user("company", language="en", email="csr@company.example")
    opted_out = make_user("individual", mail_mode="off", email="quiet@people.example")
    elsewhere = make_user("individual", email="far@people.example")
    services.save_interest(greek, {"categories": ["bedding"], "frequency": "daily"})
    services.save_interest(english, {"kind": "goods", "areas": ["athens"], "frequency": "daily"})
    services.save_interest(opted_out, {"categories": ["bedding"], "frequency": "daily"})
    services.save_interest(elsewhere, {"categories": ["bedding"], "areas": ["piraeus"]})
    subscribe_confirmed(client, "public@mail.example", language="en", categories="blankets")
    # Asked, never confirmed: nothing but the confirmation mail.
    client.post("/interests/subscribe", data={"email": "unconfirmed@mail.example",
                                              "language": "el", "categories": "blankets"})
    need = make_need(title="Κουβέρτες για ξενώνα")
    make_need(category="interpreting", kind="skill", unit="hours", quantity=5, title="Arabic")

    assert alerts.send_alerts("daily") == 3
    assert alerts.send_alerts("daily") == 0  # a second run the same day sends nothing
    run_worker(once=True)

    [to_greek] = mails(smtp, "eleni@people.example")
    assert "Ανάγκες που παρακολουθείτε" in str(to_greek["Subject"])
    assert f"/offers/new?need={need.id}" in body(to_greek)
    assert "Arabic" not in body(to_greek)
    assert str(to_greek["List-Unsubscribe"]).strip().startswith("<http")
    [to_english] = mails(smtp, "csr@company.example")
    assert "Needs you follow" in str(to_english["Subject"])
    assert "Arabic" not in body(to_english)  # a skill, not goods
    [confirm, alert] = mails(smtp, "public@mail.example")
    assert "Confirm your alerts" in str(confirm["Subject"])
    assert "/interests/unsubscribe/" in alert["List-Unsubscribe"]
    assert mails(smtp, "quiet@people.example") == []
    assert mails(smtp, "far@people.example") == []
    assert len(mails(smtp, "unconfirmed@mail.example")) == 1  # only the confirmation


def test_a_need_is_never_sent_twice_even_after_days_and_edits(app, make_user, make_need):
    donor = make_user("individual")
    services.save_interest(donor, {"categories": ["blankets"], "frequency": "immediate"})
    make_need()
    assert alerts.send_alerts("immediate") == 1
    second = make_need()
    assert alerts.send_alerts("immediate") == 1
    [latest] = db.session.scalars(
        select(Notification).where(Notification.kind == "interest_alert")
        .order_by(Notification.id.desc()).limit(1)
    )
    assert f"need={second.id}" in latest.body_text and latest.body_text.count("/offers/new") == 1
    assert alerts.send_alerts("immediate") == 0
    db.session.add(InterestSent(recipient=f"user:{donor.id}", need_id=second.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_weekly_interests_wait_a_week_between_messages(app, make_user, make_need):
    donor = make_user("individual")
    services.save_interest(donor, {"categories": ["bedding"], "frequency": "weekly"})
    make_need()
    now = utcnow()
    assert alerts.send_alerts("weekly", now) == 1
    make_need()
    assert alerts.send_alerts("weekly", now + timedelta(days=2)) == 0
    assert alerts.send_alerts("weekly", now + timedelta(days=7)) == 1


def test_an_immediate_interest_is_not_served_by_the_daily_run(app, make_user, make_need):
    donor = make_user("individual")
    services.save_interest(donor, {"categories": ["bedding"], "frequency": "immediate"})
    make_need()
    assert alerts.send_alerts("daily") == 0
    assert alerts.send_alerts("immediate") == 1


@pytest.mark.parametrize(
    ("interest", "fits"),
    [
        ({"categories": ["bedding"]}, True),  # a parent covers its children
        ({"categories": ["blankets"], "areas": ["athens"]}, True),  # Kypseli is in Athens
        ({"categories": ["blankets"], "areas": ["kypseli"]}, True),
        ({"categories": ["blankets"], "areas": ["piraeus"]}, False),
        ({"categories": ["clothing"]}, False),
        ({"kind": "skill"}, False),
        ({"kind": "goods", "areas": ["athens"]}, True),
        ({"urgent_nearby": True, "areas": ["athens"]}, True),  # the need is urgent (high)
        ({"urgent_nearby": True, "areas": ["piraeus"]}, False),
        ({"urgent_nearby": True, "categories": ["clothing"], "areas": ["athens"]}, True),
    ],
)
def test_which_needs_fit_an_interest(app, make_user, make_need, interest, fits):
    saved = services.save_interest(make_user("individual"), interest)
    assert alerts.fits(saved, make_need()) is fits


def test_urgent_nearby_alone_ignores_needs_that_are_not_urgent(app, make_user, make_need):
    saved = services.save_interest(make_user("individual"), {"urgent_nearby": True})
    assert alerts.fits(saved, make_need(urgency="normal")) is False
    assert alerts.fits(saved, make_need(urgency="emergency")) is True


def test_interested_donors_lists_those_who_fit_and_take_mail(app, make_user, make_need):
    wanted = make_user("individual")
    quiet = make_user("individual", mail_mode="off")
    other = make_user("individual")
    for person in (wanted, quiet):
        services.save_interest(person, {"categories": ["bedding"]})
    services.save_interest(other, {"categories": ["clothing"]})
    need = make_need()
    assert alerts.interested_donors(need) == [wanted]


def test_a_public_subscription_sends_nothing_before_confirmation(app, client, make_need):
    response = client.post("/interests/subscribe", data={
        "email": "Someone@Mail.example", "language": "el", "categories": "blankets",
        "frequency": "immediate"})
    assert response.status_code == 200
    assert "someone@mail.example" in response.get_data(as_text=True)
    make_need()
    assert alerts.send_alerts("immediate") == 0
    [row] = db.session.scalars(select(Notification).where(Notification.user_id.is_(None)))
    assert row.kind == "interest_confirm" and row.essential
    token = re.search(r"/interests/confirm/(\S+)", row.body_text).group(1)
    page = client.get(f"/interests/confirm/{token}")  # a mail scanner's visit
    assert page.status_code == 200 and "<form" in page.get_data(as_text=True)
    assert alerts.send_alerts("immediate") == 0
    assert client.post(f"/interests/confirm/{token}").status_code == 200
    assert alerts.send_alerts("immediate") == 1


def test_a_tampered_confirmation_link_confirms_nothing(app, client):
    client.post("/interests/subscribe", data={"email": "a@mail.example", "categories": "blankets"})
    [row] = db.session.scalars(select(Notification))
    token = re.search(r"/interests/confirm/(\S+)", row.body_text).group(1)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/interests/confirm/{forged}").status_code == 404
    assert db.session.scalar(select(Interest.confirmed_at)) is None


def test_one_click_unsubscribe_ends_a_public_address_alerts(app, client, smtp, make_need):
    subscribe_confirmed(client, "leave@mail.example", categories="blankets", frequency="immediate")
    make_need()
    assert alerts.send_alerts("immediate") == 1
    alert = db.session.scalars(
        select(Notification).where(Notification.kind == "interest_alert")).one()
    url = alert.list_unsubscribe
    path = url[url.index("/interests/unsubscribe/"):]
    assert "<form" in client.get(path).get_data(as_text=True)
    assert client.post(path).status_code == 200  # RFC 8058: a POST without a CSRF token
    assert db.session.scalars(select(Interest)).all() == []
    make_need()
    assert alerts.send_alerts("immediate") == 0
    assert client.post("/interests/unsubscribe/not-a-token").status_code == 404


def test_the_public_form_names_each_wrong_field(app, client):
    response = client.post("/interests/subscribe", data={
        "email": "not an address", "categories": "no_such_category", "frequency": "hourly"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and 'id="categories-error"' in page
    assert db.session.scalars(select(Interest)).all() == []


def test_a_donor_manages_interests_on_the_account_pages(app, client, make_user):
    donor = make_user("individual", language="en")
    sign_in(client, donor)
    assert "/account/interests" in client.get("/account").get_data(as_text=True)
    response = client.post("/account/interests", data={
        "categories": ["blankets", "shoes"], "areas": ["athens"], "frequency": "weekly"})
    assert response.status_code == 302
    [interest] = services.interests_of(donor)
    assert interest.categories == ["blankets", "shoes"] and interest.frequency == "weekly"
    page = client.get("/account/interests").get_data(as_text=True)
    assert "Blankets" in page and "Once a week" in page
    client.post(f"/account/interests/{interest.id}/edit", data={
        "kind": "goods", "urgent_nearby": "on", "frequency": "daily"})
    db.session.refresh(interest)
    assert interest.categories == [] and interest.urgent_nearby and interest.kind == "goods"
    bad = client.post(f"/account/interests/{interest.id}/edit", data={"areas": ["mars"]})
    assert bad.status_code == 422 and 'id="areas-error"' in bad.get_data(as_text=True)
    assert client.post(f"/account/interests/{interest.id}/delete").status_code == 302
    assert services.interests_of(donor) == []


def test_nobody_sees_or_changes_another_persons_interest(app, client, make_user):
    owner, other = make_user("individual"), make_user("individual")
    interest = services.save_interest(owner, {"categories": ["blankets"]})
    sign_in(client, other)
    assert client.get(f"/account/interests/{interest.id}/edit").status_code == 404
    assert client.post(f"/account/interests/{interest.id}/delete").status_code == 404
    assert services.interests_of(owner) == [interest]


def test_staff_cannot_save_interests(app, client, make_user):
    sign_in(client, make_user("staff"))
    assert client.get("/account/interests").status_code == 403
    with pytest.raises(PermissionError):
        services.save_interest(make_user("staff"), {"categories": ["blankets"]})


def test_the_api_keeps_a_donors_interests(app, client, make_user):
    donor = make_user("individual")
    _token, secret = create_token(donor, "laptop")
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/interests").status_code == 401
    made = client.post("/api/v1/interests", json={
        "categories": ["blankets"], "areas": ["athens"], "frequency": "immediate"}, headers=auth)
    assert made.status_code == 201
    interest_id = made.get_json()["id"]
    assert made.get_json()["kind"] is None and made.get_json()["last_sent_at"] is None
    listed = client.get("/api/v1/interests", headers=auth).get_json()
    assert [i["id"] for i in listed["items"]] == [interest_id]
    changed = client.patch(f"/api/v1/interests/{interest_id}", json={"frequency": "weekly"},
                           headers=auth)
    assert changed.status_code == 200 and changed.get_json()["categories"] == ["blankets"]
    wrong = client.post("/api/v1/interests", json={"categories": ["nope"], "frequency": "x"},
                        headers=auth)
    assert wrong.status_code == 422 and "frequency" in wrong.get_json()["errors"]["json"]
    unknown = client.post("/api/v1/interests", json={"categories": ["nope"]}, headers=auth)
    assert unknown.status_code == 422 and "categories" in unknown.get_json()["errors"]["json"]
    _other, other_secret = create_token(make_user("individual"), "other")
    other = {"Authorization": f"Bearer {other_secret}"}
    assert client.get(f"/api/v1/interests/{interest_id}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/interests/{interest_id}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/interests/{interest_id}", headers=auth).status_code == 204
    assert client.get(f"/api/v1/interests/{interest_id}", headers=auth).status_code == 404


def test_an_empty_interest_is_refused_naming_a_field(app, make_user):
    with pytest.raises(InvalidFields) as error:
        services.save_interest(make_user("individual"), {"frequency": "daily"})
    assert "categories" in error.value.errors


def test_the_cli_sends_one_frequency(app, make_user, make_need):
    services.save_interest(make_user("individual"), {"categories": ["bedding"]})
    make_need()
    result = app.test_cli_runner().invoke(args=["interests", "send", "--frequency", "daily"])
    assert result.exit_code == 0 and "1 messages" in result.output


def test_a_member_never_hears_of_its_own_organisations_needs(app, make_user, make_need):
    member = make_user("ngo")
    colleague = make_user("ngo", organisation=member.organisation)
    services.save_interest(member, {"categories": ["bedding"]})
    own = make_need(colleague)
    assert alerts.fits(services.interests_of(member)[0], own) is False
    assert alerts.interested_donors(own) == []
    make_need()
    assert alerts.send_alerts("daily") == 1
