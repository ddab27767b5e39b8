"""Mail preferences per kind of message, and the staff's previews of every kind."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import sign_in
from web.extensions import db
from web.matches import services as matches
from web.matches.models import Match
from web.models import User
from web.notifications.models import Notification
from web.notifications.outbox import SUBJECTS, notify


def test_a_person_stops_one_kind_by_mail_and_the_inbox_still_shows_it(
    client, make_user, make_need, make_offer
):
    donor = make_user("individual", language="en")
    sign_in(client, donor)
    page = client.get("/account").get_data(as_text=True)
    assert 'name="mail_kind" value="match_confirmed"' in page
    response = client.post(
        "/account/preferences",
        data={
            "language": "en",
            "mail_mode": "immediate",
            "mail_kinds_shown": "1",
            "mail_kind": ["match_cancelled", "match_fulfilled", "offer_ending", "emergency_call",
                          "match_rescheduled"],
        },
    )
    assert response.status_code == 302
    db.session.refresh(donor)
    assert donor.mail_kinds_off == ["match_confirmed"]
    make_need()
    make_offer(donor)
    [match] = db.session.scalars(select(Match).where(Match.status == "proposed")).all()
    matches.confirm_match(make_user("staff"), match.id)
    [row] = db.session.scalars(
        select(Notification).where(
            Notification.user_id == donor.id, Notification.kind == "match_confirmed"
        )
    ).all()
    assert row.status == "skipped"  # not mailed
    assert row.subject in client.get("/inbox").get_data(as_text=True)


def test_a_form_without_the_kinds_keeps_them(client, make_user):
    user = make_user("individual", mail_kinds_off=["match_cancelled"])
    sign_in(client, user)
    client.post("/account/preferences", data={"language": "el", "mail_mode": "daily"})
    db.session.refresh(user)
    assert user.mail_kinds_off == ["match_cancelled"]


def test_mail_about_the_account_itself_cannot_be_turned_off(app, make_user):
    user = make_user("company", mail_kinds_off=["organisation_approved", "password_reset"])
    row = notify(user, "organisation_approved", {"name": "X"})
    assert row.status == "pending"


@pytest.mark.parametrize("language", ["el", "en"])
def test_staff_read_every_kind_of_message_in_both_languages(client, make_user, language):
    sign_in(client, make_user("staff", language=language))
    response = client.get("/staff/mail/templates")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for kind in SUBJECTS:
        assert f'id="kind-{kind}"' in page
    assert page.count('<pre class="mail-text">') == 2 * len(SUBJECTS)
    assert "Χαίρετε," in page and "Hello " in page
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1  # nothing stored
