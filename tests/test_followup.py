"""The loop that closes itself: confirmed matches never received remind both sides, then reach
the centre's staff, once each; signed links let either side say "no longer" without signing in."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from flask import Flask
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from tests.helpers import sign_in
from web.extensions import db
from web.followup import services
from web.followup.models import MatchFollowup
from web.matches import services as matches
from web.matches.models import Match
from web.models import utcnow
from web.notifications.delivery import run_worker
from web.notifications.models import Notification
from web.posts.models import Need, Offer
from web.posts.services import NEED, update_post


@pytest.fixture
def app(make_app, smtp) -> Flask:
    application = make_app(
        mail_server="127.0.0.1", mail_port=smtp.port,
        followup_remind_days=7, followup_escalate_days=14,
    )
    with application.app_context():
        yield application


@pytest.fixture
def stale(make_user, make_need, make_offer):
    """A confirmed match of a donor (English) and an NGO (Greek), confirmed `days` ago."""

    def build(days: int, need_quantity: int = 60) -> Match:
        poster = make_user("ngo", language="el", email="ngo@people.example")
        donor = make_user("company", language="en", email="donor@people.example")
        make_need(poster, quantity=need_quantity)  # 60: partly matched, it can still be edited
        make_offer(donor, quantity=40)
        [proposal] = db.session.scalars(select(Match).where(Match.status == "proposed")).all()
        match = matches.confirm_match(make_user("staff", email="staff@centre.example"), proposal.id)
        db.session.execute(
            update(Match).where(Match.id == match.id)
            .values(confirmed_at=utcnow() - timedelta(days=days))
        )
        db.session.commit()
        return match

    return build


def kinds_sent(kind: str) -> list[Notification]:
    query = select(Notification).where(Notification.kind == kind).order_by(Notification.id)
    return list(db.session.scalars(query))


def to(smtp, address: str, subject_part: str):
    return [m for m in smtp.handler.messages
            if address in str(m["To"]) and subject_part in str(m["Subject"])]


def test_a_fresh_match_is_left_alone(app, stale):
    stale(3)
    assert services.run_followup() == (0, 0)


def test_a_stale_match_reminds_both_sides_then_escalates_once_each(app, stale, smtp):
    match = stale(8)
    assert services.run_followup() == (1, 0)
    assert services.run_followup() == (0, 0)
    reminders = kinds_sent("match_stale")
    assert {r.email for r in reminders} == {"ngo@people.example", "donor@people.example"}
    run_worker(once=True)
    [to_ngo] = to(smtp, "ngo@people.example", "Έφτασε;")
    [to_donor] = to(smtp, "donor@people.example", "Has it arrived?")
    assert "/followup/" in to_ngo.get_body(("plain",)).get_content()
    assert "no longer give it" in to_donor.get_body(("plain",)).get_content()
    assert to(smtp, "staff@centre.example", "") == []

    db.session.execute(update(Match).where(Match.id == match.id)
                       .values(confirmed_at=utcnow() - timedelta(days=15)))
    db.session.commit()
    assert services.run_followup() == (0, 1)
    assert services.run_followup() == (0, 0)
    run_worker(once=True)
    [escalation] = to(smtp, "staff@centre.example", "")
    assert "15" in str(escalation["Subject"])
    assert len(kinds_sent("match_stale")) == 2  # nobody was reminded twice
    db.session.add(MatchFollowup(match_id=match.id, stage="escalate"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_received_match_is_never_chased(app, stale, make_user):
    match = stale(20)
    poster = db.session.get(Need, match.need_id).poster
    matches.record_receipt(poster, match.id, match.need_quantity)
    assert services.run_followup() == (0, 0)


def test_the_dashboard_lists_stale_matches(app, client, stale, make_user):
    stale(15)
    sign_in(client, make_user("staff", language="en"))
    page = client.get("/staff").get_data(as_text=True)
    assert 'id="stale-matches"' in page and "Blankets for a family shelter" in page


def release_link_for(email: str) -> str:
    row = next(r for r in kinds_sent("match_stale") if r.email == email)
    return re.search(r"(/followup/\S+)", row.body_text).group(1)


def test_no_longer_needed_closes_the_need_and_frees_the_offer(
    app, client, stale, make_user, make_need
):
    match = stale(8)
    services.run_followup()
    path = release_link_for("ngo@people.example")
    page = client.get(path)
    assert page.status_code == 200 and "<form" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Need, match.need_id).status != "withdrawn"  # GET changes nothing
    other = make_need(quantity=10)
    assert client.post(path).status_code == 200
    db.session.expire_all()
    assert db.session.get(Need, match.need_id).status == "withdrawn"
    assert db.session.get(Match, match.id).status == "cancelled"
    offer = db.session.get(Offer, match.offer_id)
    assert offer.committed_quantity == 0
    # What was freed is proposed again, to the need still open.
    assert db.session.scalar(select(Match.id).where(
        Match.offer_id == offer.id, Match.need_id == other.id, Match.status == "proposed"))
    assert client.post(path).status_code == 404  # used: the need changed
    assert client.get(path).status_code == 404


def test_a_fully_matched_need_can_say_no_longer_needed(app, client, stale):
    match = stale(8, need_quantity=40)
    assert db.session.get(Need, match.need_id).status == "matched"
    services.run_followup()
    assert client.post(release_link_for("ngo@people.example")).status_code == 200
    db.session.expire_all()
    assert db.session.get(Need, match.need_id).status == "withdrawn"
    assert db.session.get(Offer, match.offer_id).committed_quantity == 0


def test_no_longer_available_withdraws_the_offer(app, client, stale):
    match = stale(8)
    services.run_followup()
    path = release_link_for("donor@people.example")
    assert client.post(path).status_code == 200
    db.session.expire_all()
    assert db.session.get(Offer, match.offer_id).status == "withdrawn"
    assert db.session.get(Match, match.id).status == "cancelled"
    assert db.session.get(Need, match.need_id).committed_quantity == 0


def test_links_refuse_tampering_expiry_and_a_changed_post(app, client, stale, make_user):
    match = stale(8)
    services.run_followup()
    path = release_link_for("ngo@people.example")
    token = path.removeprefix("/followup/")
    forged = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    assert client.post(f"/followup/{forged}").status_code == 404
    other_post = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="komvos-followup").dumps(
        {"s": "need", "i": match.need_id, "v": 999})
    assert client.post(f"/followup/{other_post}").status_code == 404

    class Fortnight(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 15 * 86400

    need = db.session.get(Need, match.need_id)
    signed_long_ago = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt="komvos-followup", signer=Fortnight)
    old = signed_long_ago.dumps(
        {"s": "need", "i": need.id, "v": need.version})
    assert client.post(f"/followup/{old}").status_code == 404
    # Edited since the reminder: the link no longer applies.
    update_post(NEED, need.poster, need.id, {"title": "Κουβέρτες, αλλαγμένο"})
    assert client.post(path).status_code == 404
    db.session.expire_all()
    assert db.session.get(Need, match.need_id).status != "withdrawn"
    assert db.session.get(Match, match.id).status == "confirmed"


def test_the_cli_runs_the_followup(app, stale):
    stale(8)
    result = app.test_cli_runner().invoke(args=["followup", "run"])
    assert result.exit_code == 0 and "1 matches reminded" in result.output
