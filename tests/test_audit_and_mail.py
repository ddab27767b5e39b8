"""The audit trail page, the runs page in words, and the mail page with its retry."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.helpers import sign_in
from web.extensions import db
from web.matches import services
from web.models import AuditEvent, utcnow
from web.notifications.mail_admin import retry_message
from web.notifications.models import Notification


@pytest.fixture
def staff(make_user):
    return make_user("staff", full_name="Άννα Γεωργίου")


@pytest.fixture
def decided(staff, make_user, make_need, make_offer, make_match):
    need = make_need(make_user("ngo"))
    offer = make_offer(make_user("individual"))
    match = make_match(offer, need, 10)
    services.confirm_match(staff, match.id)
    return match


def test_the_audit_page_says_who_did_what_to_which_object(client, staff, decided):
    sign_in(client, staff)
    html = client.get("/staff/audit").get_data(as_text=True)
    assert "Ιστορικό ενεργειών" in html
    assert "επιβεβαίωσε αντιστοίχιση" in html and "Άννα Γεωργίου" in html
    assert f"αντιστοίχιση {decided.id}" in html
    assert "δημοσίευσε ανάγκη" in html


@pytest.mark.parametrize(
    ("query", "actions"),
    [
        ("action=match.confirmed", {"match.confirmed"}),
        ("object_type=need", {"need.posted"}),
        ("object_type=match&object_id={match}", {"match.confirmed"}),
        ("actor={staff}", {"match.confirmed", "auth.login"}),
        ("until=2000-01-01", set()),
    ],
)
def test_the_audit_trail_filters(client, staff, decided, query, actions):
    sign_in(client, staff)
    url = "/staff/audit?" + query.format(match=decided.id, staff=staff.id)
    html = client.get(url).get_data(as_text=True)
    from web.staff.audit import ACTION_LABELS

    shown = {code for code, label in ACTION_LABELS.items() if f"<td>{label}</td>" in html}
    assert shown == {str(a) for a in actions}


def test_a_timeline_names_the_staff_member_behind_each_step(client, decided):
    ngo_user = decided.need.poster
    sign_in(client, ngo_user)
    html = client.get("/matches").get_data(as_text=True)
    assert "από Άννα Γεωργίου" in html


def test_the_runs_page_says_what_a_run_did(client, staff, make_user, make_need, make_offer):
    make_need(make_user("ngo"))
    make_need(make_user("ngo"), category="first_aid_kits", place="piraeus")
    make_offer(make_user("individual"))
    services.run_matching("full", staff)
    sign_in(client, staff)
    html = client.get("/staff/runs").get_data(as_text=True)
    full = html[html.index('<li class="card" id="run-') :].split("</li>")[0]
    assert "Ο/Η Άννα Γεωργίου βελτιστοποίησε ξανά όλα τα ανοιχτά." in full
    assert "Εξέτασε 1 ανοιχτή προσφορά και 2 ανοιχτές ανάγκες." in full
    assert "Πρότεινε 1 αντιστοίχιση για 1 ανάγκη." in full
    assert "1 ανάγκη δεν πήρε πρόταση" in full
    assert "Objective" not in html and "full" not in html


@pytest.fixture
def messages(app, make_user):
    person = make_user("individual", email="maria@people.example")

    def add(status, subject, error=""):
        row = Notification(
            user=person,
            email=person.email,
            language="el",
            kind="test",
            subject=subject,
            body_text="",
            body_html="",
            message_id=f"<{subject}@komvos.test>",
            status=status,
            attempts=3 if status == "failed" else 1,
            last_error=error,
            next_attempt_at=utcnow() + timedelta(hours=1),
        )
        db.session.add(row)
        db.session.commit()
        return row

    return {
        "failed": add("failed", "Αποτυχία", "550 mailbox unavailable"),
        "sent": add("sent", "Επιτυχία"),
    }


def test_the_mail_page_lists_messages_with_status_attempts_and_error(client, staff, messages):
    sign_in(client, staff)
    html = client.get("/staff/mail").get_data(as_text=True)
    assert "Αποτυχία" in html and "Επιτυχία" in html
    assert "550 mailbox unavailable" in html and "3 προσπάθειες" in html
    failed_only = client.get("/staff/mail?status=failed").get_data(as_text=True)
    assert "Αποτυχία" in failed_only and "Επιτυχία" not in failed_only
    assert "Επιτυχία" in client.get("/staff/mail?subject=επιτυχια").get_data(as_text=True)
    assert "Αποτυχία" not in client.get("/staff/mail?recipient=nobody").get_data(as_text=True)


def test_retrying_a_failed_message_queues_it_again_once(client, staff, messages):
    sign_in(client, staff)
    failed = messages["failed"]
    response = client.post(f"/staff/mail/{failed.id}/retry?status=failed")
    assert response.headers["Location"] == "/staff/mail?status=failed"
    db.session.refresh(failed)
    assert failed.status == "pending" and failed.next_attempt_at <= utcnow()
    assert retry_message(staff, failed.id) is False  # not failed any more
    assert retry_message(staff, messages["sent"].id) is False
    retried = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "notification.retried")
    ).all()
    assert len(retried) == 1 and retried[0].actor_id == staff.id
