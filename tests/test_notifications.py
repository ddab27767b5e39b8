"""Notifications: the outbox, the worker against a real SMTP server, digests, preferences."""

import random
import threading
import time
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.helpers import sign_in
from web.extensions import db
from web.matches import services as matches
from web.matches.models import Match
from web.models import User, utcnow
from web.notifications import digests, preferences
from web.notifications.delivery import Backoff, deliver_due, run_worker
from web.notifications.models import Notification
from web.notifications.outbox import notify
from web.validation import InvalidInput


@pytest.fixture
def app(make_app, smtp) -> Flask:
    """Here every app mails through the test server, retrying quickly."""
    application = make_app(
        mail_server="127.0.0.1",
        mail_port=smtp.port,
        mail_retry_base_seconds=0.02,
        mail_retry_cap_seconds=0.2,
    )
    with application.app_context():
        yield application


@pytest.fixture
def mail_app(app) -> Flask:
    return app


def rows(**where):
    query = select(Notification)
    for name, value in where.items():
        query = query.where(getattr(Notification, name) == value)
    return list(db.session.scalars(query.order_by(Notification.id)))


def confirmed_match(make_user, make_need, make_offer, donor_language="en", ngo_language="el"):
    poster = make_user(
        "ngo",
        language=ngo_language,
        full_name="Amina Yusuf",
        email="amina@ngo.example.org",
        phone="+30 210 555 0101",
    )
    donor = make_user(
        "company",
        language=donor_language,
        full_name="George Pappas",
        email="george@company.example",
        phone="+30 697 000 1111",
    )
    make_need(poster)
    make_offer(donor)
    [match] = db.session.scalars(select(Match).where(Match.status == "proposed")).all()
    matches.confirm_match(make_user("staff"), match.id)
    return match, donor, poster


def test_a_confirmed_match_reaches_both_sides_in_their_languages(
    mail_app, smtp, make_user, make_need, make_offer
):
    match, donor, poster = confirmed_match(make_user, make_need, make_offer)
    assert deliver_due() == 2
    by_recipient = {str(m["To"]): m for m in smtp.handler.messages}
    to_donor = next(m for to, m in by_recipient.items() if "george@company.example" in to)
    to_ngo = next(m for to, m in by_recipient.items() if "amina@ngo.example.org" in to)
    assert str(to_donor["Subject"]).startswith("Match confirmed:")
    assert str(to_ngo["Subject"]).startswith("Επιβεβαιώθηκε")
    donor_text = to_donor.get_body(("plain",)).get_content()
    ngo_text = to_ngo.get_body(("plain",)).get_content()
    assert "Amina Yusuf" in donor_text and "amina@ngo.example.org" in donor_text
    assert "George Pappas" in ngo_text and "george@company.example" in ngo_text
    assert "What happens next" in donor_text and "Τι γίνεται τώρα" in ngo_text
    assert to_ngo.get_body(("html",)) is not None
    assert {str(m["Message-ID"]) for m in smtp.handler.messages} == {
        r.message_id for r in rows(status="sent")
    }
    assert "List-Unsubscribe" not in to_donor  # essential mail


def test_an_inbox_shows_each_message_with_an_unread_count(
    mail_app, make_user, make_need, make_offer
):
    match, donor, poster = confirmed_match(make_user, make_need, make_offer)
    client = sign_in(mail_app.test_client(), donor)
    page = client.get("/").get_data(as_text=True)
    assert '<span class="badge"' in page
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "Match confirmed" in inbox
    [mine] = rows(user_id=donor.id)
    other = rows(user_id=poster.id)[0]
    assert client.post(f"/inbox/{other.id}/read").status_code == 404
    client.post(f"/inbox/{mine.id}/read")
    db.session.refresh(mine)
    assert mine.read_at is not None
    assert '<span class="badge"' not in client.get("/").get_data(as_text=True)


def test_a_rolled_back_transaction_leaves_no_message(mail_app, smtp, make_user):
    user = make_user()
    notify(user, "organisation_approved", {"name": "X"})
    db.session.rollback()
    assert rows() == []
    assert deliver_due() == 0 and smtp.handler.messages == []


def test_a_refused_confirmation_writes_no_message(
    mail_app, make_user, make_need, make_offer, make_match
):
    poster, donor = make_user("ngo"), make_user("individual")
    need = make_need(poster, quantity=40)
    offer = make_offer(donor, quantity=10)
    extra = make_match(offer, make_need(make_user("ngo")), 10)
    first = db.session.scalar(
        select(Match).where(Match.need_id == need.id, Match.status == "proposed")
    )
    staff = make_user("staff")
    matches.confirm_match(staff, extra.id)
    before = len(rows())
    with pytest.raises(InvalidInput):
        matches.confirm_match(staff, first.id)
    assert len(rows()) == before


def test_100_messages_arrive_exactly_once_through_outages_and_451s(mail_app, smtp, make_user):
    user = make_user(email="many@people.example")
    for n in range(100):
        notify(user, "organisation_approved", {"name": f"Org {n}"})
    db.session.commit()
    smtp.handler.fail_every = 7
    stop = threading.Event()

    def work():
        with mail_app.app_context():
            run_worker(stop=stop, poll_s=0.02)

    worker = threading.Thread(target=work)
    worker.start()
    try:
        for _ in range(5):
            time.sleep(0.15)
            smtp.stop()
            time.sleep(0.25)
            smtp.start()
        deadline = time.monotonic() + 60
        while len(set(smtp.handler.message_ids())) < 100 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        worker.join(timeout=30)
    ids = smtp.handler.message_ids()
    assert len(ids) == 100 and len(set(ids)) == 100
    db.session.expire_all()
    assert {r.status for r in rows()} == {"sent"}
    assert max(r.attempts for r in rows()) > 1  # the outages and 451s did bite


def test_a_550_fails_at_once_and_shows_on_the_staff_page(mail_app, smtp, make_user):
    smtp.handler.permanent = True
    user = make_user(email="nobody@people.example")
    notify(user, "organisation_approved", {"name": "X"})
    db.session.commit()
    deliver_due()
    deliver_due()
    [row] = rows()
    assert (row.status, row.attempts) == ("failed", 1)
    assert "550" in row.last_error
    client = sign_in(mail_app.test_client(), make_user("staff"))
    page = client.get("/staff/mail").get_data(as_text=True)
    assert "nobody@people.example" in page and "550" in page


def test_a_connection_dropped_after_the_250_sends_nothing_twice(mail_app, smtp, make_user):
    smtp.handler.drop_after_accept = 1
    user = make_user()
    for n in range(3):
        notify(user, "organisation_approved", {"name": f"Org {n}"})
    db.session.commit()
    run_worker(once=True)
    deadline = time.monotonic() + 10
    while len(smtp.handler.messages) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
        run_worker(once=True)
    ids = smtp.handler.message_ids()
    assert len(ids) == 3 and len(set(ids)) == 3
    assert {r.status for r in rows()} == {"sent"}


def test_two_workers_never_send_a_message_twice(mail_app, smtp, make_user):
    user = make_user()
    for n in range(120):
        notify(user, "organisation_approved", {"name": f"Org {n}"})
    db.session.commit()
    barrier = threading.Barrier(2)
    errors = []

    def work():
        with mail_app.app_context():
            barrier.wait(timeout=10)
            try:
                while deliver_due(batch=10):
                    pass
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))
            finally:
                db.session.remove()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors
    ids = smtp.handler.message_ids()
    assert len(ids) == 120 and len(set(ids)) == 120


def test_backoff_grows_with_jitter_and_stops_at_the_budget():
    policy = Backoff(base_s=30, cap_s=3600, budget=timedelta(hours=48))
    rng = random.Random(7)
    delays = [policy.delay(n, rng) for n in range(1, 12)]
    for n, delay in enumerate(delays, start=1):
        ceiling = min(3600, 30 * 2 ** (n - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert delays[5] > delays[0] * 8
    assert all(d <= 3600 for d in delays)
    start = utcnow()
    assert policy.next_attempt(start, 3, start + timedelta(hours=47), rng) is not None
    assert policy.next_attempt(start, 3, start + timedelta(hours=48), rng) is None
    assert Backoff().delay(4, random.Random(1)) == Backoff().delay(4, random.Random(1))


def test_an_outage_longer_than_the_budget_fails_the_message(make_app, make_user):
    app = make_app(mail_server="127.0.0.1", mail_port=1, mail_retry_budget_hours=1.0)
    with app.app_context():
        notify(make_user(), "organisation_approved", {"name": "X"})
        db.session.commit()
        clock = [utcnow()]
        for _ in range(40):  # a fake clock: each round jumps past the next attempt
            deliver_due(now=lambda: clock[0], rng=random.Random(3))
            [row] = rows()
            if row.status == "failed":
                break
            clock[0] = row.next_attempt_at + timedelta(seconds=1)
        assert row.status == "failed" and "gave up" in row.last_error
        assert 3 < row.attempts < 40


def test_line_breaks_in_names_and_titles_are_folded_out_of_mail_headers(
    mail_app, smtp, make_user
):
    user = make_user(full_name="Eve\r\nBcc: everyone@example.com")
    notify(user, "organisation_approved", {"name": "Org\nBcc: x@example.com"})
    db.session.commit()
    [row] = rows()
    assert "\n" not in row.subject and "Bcc: x@example.com" in row.subject
    deliver_due()
    [message] = smtp.handler.messages
    assert message["Bcc"] is None
    assert "\n" not in str(message["Subject"]) and "\n" not in str(message["To"])
    assert rows()[0].status == "sent"


def test_staff_digest_once_a_day_and_daily_digests_bundle(
    mail_app, smtp, make_user, make_need, make_offer
):
    staff = make_user("staff", language="en")
    quiet = make_user("staff", mail_mode="off")
    make_need(make_user("ngo"))
    make_offer(make_user("individual"))
    assert digests.staff_digest() == 1
    assert digests.staff_digest() == 0  # once a day
    [digest] = rows(kind="proposals_digest")
    assert digest.user_id == staff.id and "1 proposals are waiting" in digest.subject
    assert rows(user_id=quiet.id) == []
    daily = make_user("individual", mail_mode="daily")
    for n in range(3):
        notify(daily, "offer_ending", {"title": f"Offer {n}", "date": "1/12"})
    db.session.commit()
    assert {r.status for r in rows(user_id=daily.id)} == {"digest"}
    assert digests.daily_digests() == 1
    [bundle] = rows(user_id=daily.id, kind="daily_digest")
    assert bundle.status == "pending" and "Offer 2" in bundle.body_text
    assert {r.status for r in rows(user_id=daily.id, kind="offer_ending")} == {"skipped"}


def test_reminders_for_needs_near_their_deadline_come_once(mail_app, make_user, make_need):
    from web.clock import today

    poster = make_user("ngo")
    make_need(poster, needed_by=(today() + timedelta(days=2)).isoformat())
    make_need(poster, needed_by=(today() + timedelta(days=20)).isoformat(), title="Later")
    assert digests.reminders() == 1
    assert digests.reminders() == 0
    [reminder] = rows(kind="need_deadline")
    assert reminder.user_id == poster.id


def test_one_click_unsubscribe_without_signing_in(mail_app, smtp, make_user):
    user = make_user(mail_mode="immediate")
    notify(user, "offer_ending", {"title": "Blankets", "date": "1/12"})
    db.session.commit()
    deliver_due()
    [message] = smtp.handler.messages
    url = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert str(message["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    path = url.removeprefix(mail_app.config["BASE_URL"])
    client = mail_app.test_client()
    assert client.get(path).status_code == 200
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db.session.refresh(user)
    assert user.mail_mode == "off"
    assert client.post("/unsubscribe/forged-token").status_code == 404
    notify(user, "offer_ending", {"title": "Again", "date": "2/12"})
    db.session.commit()
    assert rows(user_id=user.id)[-1].status == "skipped"


def test_preferences_are_saved_from_the_account_page(mail_app, make_user):
    user = make_user("ngo", language="el")
    client = sign_in(mail_app.test_client(), user)
    client.post(
        "/account/preferences",
        data={"language": "en", "mail_mode": "daily", "colleague_mail": "on"},
    )
    db.session.refresh(user)
    assert (user.language, user.mail_mode, user.colleague_mail) == ("en", "daily", True)
    client.post("/account/preferences", data={"language": "fr", "mail_mode": "daily"})
    db.session.refresh(user)
    assert user.language == "en"
    assert preferences.user_from_token(preferences.unsubscribe_token(user)).id == user.id


def test_every_representative_hears_of_matches_unless_they_opted_out(
    mail_app, make_user, make_need, make_offer
):
    poster = make_user("ngo")
    colleague = make_user("ngo", organisation=poster.organisation)
    quiet = make_user("ngo", organisation=poster.organisation, colleague_mail=False)
    make_need(poster)
    make_offer(make_user("individual"))
    [match] = db.session.scalars(select(Match).where(Match.status == "proposed")).all()
    matches.confirm_match(make_user("staff"), match.id)
    told = {r.user_id for r in rows(kind="match_confirmed")}
    assert poster.id in told and colleague.id in told and quiet.id not in told
    matches.record_receipt(poster, match.id, match.need_quantity)
    thanked = {r.user_id for r in rows(kind="match_fulfilled")}
    assert colleague.id in thanked and poster.id not in thanked and quiet.id not in thanked


def test_representatives_hear_when_their_organisation_is_decided(mail_app, make_user):
    from web.auth.services import decide_organisation

    first = make_user("ngo", status="pending", language="en")
    make_user("ngo", organisation=first.organisation, language="el")
    decide_organisation(first.organisation_id, make_user("staff"), approve=True)
    subjects = sorted(r.subject for r in rows(kind="organisation_approved"))
    assert len(subjects) == 2
    assert any("approved on Komvos" in s for s in subjects)
    assert any("εγκρίθηκε" in s for s in subjects)


def test_the_console_transport_is_used_without_an_smtp_server(make_app, make_user, capsys):
    app = make_app()
    with app.app_context():
        notify(make_user(), "organisation_approved", {"name": "Στέγη"})
        db.session.commit()
        assert deliver_due() == 1
    assert "Στέγη" in capsys.readouterr().out


def test_the_worker_command_drains_the_outbox(mail_app, smtp, make_user):
    notify(make_user(), "organisation_approved", {"name": "X"})
    db.session.commit()
    result = mail_app.test_cli_runner().invoke(args=["worker", "--once"])
    assert "Sent 1" in result.output
    assert len(smtp.handler.messages) == 1


def test_everyone_gets_mail_in_their_own_language(mail_app, make_user):
    for language in ("el", "en"):
        user = make_user(language=language)
        notify(user, "organisation_approved", {"name": "Στέγη"})
    db.session.commit()
    subjects = {r.language: r.subject for r in rows()}
    assert subjects["en"] == "Στέγη is approved on Komvos"
    assert "εγκρίθηκε" in subjects["el"]
    assert db.session.scalar(select(func.count()).select_from(User)) == 2
