"""Proposals to confirmed matches: the engine wired in, the review queue, the ledger, the
lifecycle, expiry, and who sees whose contact."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.conftest import need_fields, offer_fields
from tests.helpers import sign_in
from web.clock import today
from web.extensions import db
from web.matches import ledger, services
from web.matches.models import Match, MatchRun
from web.matches.run_worker import work_once
from web.models import AuditEvent, User
from web.posts.models import Need, Offer
from web.validation import InvalidInput


def proposals(**where):
    query = select(Match).where(Match.status == "proposed")
    for name, value in where.items():
        query = query.where(getattr(Match, name) == value)
    return list(db.session.scalars(query.order_by(Match.id)))


def events(action, match=None):
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    if match is not None:
        query = query.where(AuditEvent.object_id == match.id, AuditEvent.object_type == "match")
    return db.session.scalar(query)


def fresh(obj):
    db.session.refresh(obj)
    return obj


@pytest.fixture
def staff(make_user):
    return make_user("staff")


def test_posting_a_need_then_a_matching_offer_proposes_at_once(make_user, make_need, make_offer):
    need = make_need(make_user("ngo"))
    assert proposals() == []
    offer = make_offer(make_user("individual"), quantity=25)
    [match] = proposals()
    assert (match.offer_id, match.need_id, match.quantity, match.need_quantity) == (
        offer.id,
        need.id,
        25,
        25,
    )
    assert match.breakdown["category"] == 1.0 and 0 < match.score <= 1
    assert match.distance_km == pytest.approx(0.0, abs=0.01)
    assert {r.trigger for r in db.session.scalars(select(MatchRun))} == {"need", "offer"}


def test_proposals_do_not_double_up_on_what_other_proposals_set_aside(
    make_user, make_need, make_offer
):
    make_need(make_user("ngo"), quantity=40)
    make_offer(make_user("individual"), quantity=30)
    make_offer(make_user("individual"), quantity=30)
    assert sum(m.quantity for m in proposals()) == 40


def test_confirming_takes_from_both_sides_and_is_idempotent(
    staff, make_user, make_need, make_offer
):
    need = make_need(make_user("ngo"), quantity=40)
    offer = make_offer(make_user("individual"), quantity=25)
    [match] = proposals()
    services.confirm_match(staff, match.id)
    services.confirm_match(staff, match.id)
    assert fresh(match).status == "confirmed"
    assert (fresh(offer).committed_quantity, offer.status) == (25, "matched")
    assert (fresh(need).committed_quantity, need.status) == (25, "partly_matched")
    assert events("match.confirmed", match) == 1
    assert ledger.violations() == []


def test_confirming_a_smaller_quantity_in_whole_lots(staff, make_user, make_need, make_offer):
    need = make_need(make_user("ngo"), quantity=40)
    make_offer(make_user("individual"), quantity=30, lot=10)
    [match] = proposals()
    assert match.quantity == 30
    for bad in (0, 15, 31, 40):
        with pytest.raises(InvalidInput):
            services.confirm_match(staff, match.id, bad)
    services.confirm_match(staff, match.id, 20)
    assert (fresh(match).quantity, match.need_quantity) == (20, 20)
    assert fresh(need).committed_quantity == 20


@pytest.mark.parametrize("who", ["individual", "company", "ngo"])
def test_only_staff_confirm_or_reject(make_user, make_need, make_offer, who):
    make_need(make_user("ngo"))
    make_offer(make_user("individual"))
    [match] = proposals()
    with pytest.raises(PermissionError):
        services.confirm_match(make_user(who), match.id)
    with pytest.raises(PermissionError):
        services.reject_match(make_user(who), match.id, "no")
    assert fresh(match).status == "proposed"


def test_reject_needs_a_reason_and_then_the_next_best_need_is_proposed(
    staff, make_user, make_need, make_offer
):
    near = make_need(make_user("ngo"), place="kypseli", quantity=30)
    far = make_need(make_user("ngo"), place="patisia", quantity=30)
    offer = make_offer(make_user("individual"), quantity=30, place="kypseli")
    [first] = proposals(offer_id=offer.id)
    assert first.need_id == near.id
    with pytest.raises(InvalidInput):
        services.reject_match(staff, first.id, "   ")
    services.reject_match(staff, first.id, "This shelter is closed for renovation")
    assert fresh(first).status == "rejected"
    [second] = proposals(offer_id=offer.id)
    assert second.need_id == far.id
    services.run_matching("full")
    assert all(m.need_id != near.id for m in proposals(offer_id=offer.id))


def test_transitions_are_guarded_on_the_current_status(staff, make_user, make_need, make_offer):
    poster = make_user("ngo")
    make_need(poster)
    donor = make_user("individual")
    make_offer(donor)
    [match] = proposals()
    with pytest.raises(InvalidInput):  # receipt before confirmation
        services.record_receipt(poster, match.id, 1)
    with pytest.raises(InvalidInput):  # cancelling a proposal is the staff's rejection
        services.cancel_match(donor, match.id, "changed my mind")
    services.reject_match(staff, match.id, "Not suitable")
    with pytest.raises(InvalidInput):  # confirm after reject
        services.confirm_match(staff, match.id)
    assert fresh(match).status == "rejected"


def test_a_late_reject_cannot_overwrite_a_confirmation(staff, make_user, make_need, make_offer):
    make_need(make_user("ngo"))
    make_offer(make_user("individual"))
    [match] = proposals()
    services.confirm_match(staff, match.id)
    with pytest.raises(InvalidInput):
        services.reject_match(make_user("staff"), match.id, "too late")
    assert fresh(match).status == "confirmed"


def test_another_ngo_cannot_record_receipt_and_a_stranger_cannot_cancel(
    staff, make_user, make_need, make_offer
):
    make_need(make_user("ngo"))
    make_offer(make_user("individual"))
    [match] = proposals()
    services.confirm_match(staff, match.id)
    with pytest.raises(LookupError):
        services.record_receipt(make_user("ngo"), match.id, 1)
    with pytest.raises(LookupError):
        services.cancel_match(make_user("individual"), match.id, "not mine")
    assert fresh(match).status == "confirmed"


def test_cancelling_releases_the_quantity_and_proposes_again(
    staff, make_user, make_need, make_offer
):
    poster = make_user("ngo")
    need = make_need(poster, quantity=30)
    offer = make_offer(make_user("individual"), quantity=30)
    [match] = proposals()
    services.confirm_match(staff, match.id)
    assert (fresh(offer).status, fresh(need).status) == ("matched", "matched")
    services.cancel_match(poster, match.id, "The family moved to another city")
    assert fresh(match).status == "cancelled"
    assert (fresh(offer).committed_quantity, offer.status) == (0, "open")
    assert (fresh(need).committed_quantity, need.status) == (0, "open")
    assert [(m.offer_id, m.need_id) for m in proposals()] == [(offer.id, need.id)]
    assert ledger.violations() == []


def test_receipt_of_less_releases_the_rest_and_full_receipt_fulfils(
    staff, make_user, make_need, make_offer
):
    poster = make_user("ngo")
    need = make_need(poster, quantity=30)
    offer = make_offer(make_user("individual"), quantity=30)
    [match] = proposals()
    services.confirm_match(staff, match.id)
    with pytest.raises(InvalidInput):
        services.record_receipt(poster, match.id, 31)
    services.record_receipt(poster, match.id, 24)
    assert (fresh(match).status, match.received_quantity, match.need_quantity) == (
        "fulfilled",
        24,
        24,
    )
    assert (fresh(need).committed_quantity, need.status) == (24, "partly_matched")
    assert (fresh(offer).committed_quantity, offer.status) == (24, "partly_matched")
    assert ledger.violations() == []
    # The rest comes in a second match, and then both sides are fulfilled.
    services.run_matching("full")
    [rest] = proposals()
    assert rest.quantity == 6
    services.confirm_match(staff, rest.id)
    services.record_receipt(poster, rest.id, 6)
    assert (fresh(need).status, fresh(offer).status) == ("fulfilled", "fulfilled")
    assert ledger.violations() == []


def test_a_full_run_replaces_stale_proposals_and_never_touches_confirmed(
    staff, make_user, make_need, make_offer, make_match
):
    need = make_need(make_user("ngo"), quantity=50)
    offer = make_offer(make_user("individual"), quantity=30)
    [kept] = proposals()
    services.confirm_match(staff, kept.id, 10)
    other = make_offer(make_user("individual"), quantity=5, place="piraeus")
    stale = make_match(other, need, 1)
    run = services.run_matching("full", staff)
    assert fresh(kept).status == "confirmed" and kept.quantity == 10
    assert fresh(stale).status == "superseded"
    assert run.superseded >= 1 and run.solver_status
    live = {(m.offer_id, m.quantity) for m in proposals()}
    assert (offer.id, 20) in live
    assert ledger.violations() == []


def test_expiry_by_command_never_on_read(app, client, staff, make_user, make_need, make_offer):
    need = make_need(make_user("ngo"), title="Blankets until yesterday")
    make_offer(make_user("individual"))
    [match] = proposals()
    db.session.execute(
        update(Need).where(Need.id == need.id).values(needed_by=today() - timedelta(days=1))
    )
    db.session.commit()
    sign_in(client, staff)
    # The queue reads the need as expired (its proposal is not offered for review) and
    # stores nothing: the scheduled `flask expire` does.
    assert f'id="match-{match.id}"' not in client.get("/staff/matches").get_data(as_text=True)
    assert (fresh(need).status, fresh(match).status) == ("open", "proposed")
    assert "Expired 1" in app.test_cli_runner().invoke(args=["expire"]).output
    assert fresh(need).status == "expired"
    assert fresh(match).status == "superseded"
    offer = make_offer(
        make_user("individual"), available_until=(today() + timedelta(days=3)).isoformat()
    )
    db.session.execute(
        update(Offer)
        .where(Offer.id == offer.id)
        .values(available_until=today() - timedelta(days=1))
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["expire"])
    assert "Expired 1" in result.output
    assert fresh(offer).status == "expired"


def test_contacts_are_hidden_before_confirmation_and_shown_after(
    app, staff, make_user, make_need, make_offer
):
    poster = make_user(
        "ngo", full_name="Amina Yusuf", phone="+30 210 555 0101", email="amina@ngo.example.org"
    )
    donor = make_user(
        "individual",
        full_name="Νίκος Ιωάννου",
        phone="+30 697 000 1111",
        email="nikos@people.example",
    )
    make_need(poster)
    make_offer(donor)
    [match] = proposals()
    donor_client = sign_in(app.test_client(), donor)
    ngo_client = sign_in(app.test_client(), poster)
    before_donor = donor_client.get("/matches").get_data(as_text=True)
    before_ngo = ngo_client.get("/matches").get_data(as_text=True)
    assert "Amina" not in before_donor and "amina@" not in before_donor
    assert "Νίκος" not in before_ngo and "nikos@" not in before_ngo
    services.confirm_match(staff, match.id)
    after_donor = donor_client.get("/matches").get_data(as_text=True)
    after_ngo = ngo_client.get("/matches").get_data(as_text=True)
    assert "Amina Yusuf" in after_donor and "amina@ngo.example.org" in after_donor
    assert "+30 210 555 0101" in after_donor
    assert "Νίκος Ιωάννου" in after_ngo and "nikos@people.example" in after_ngo


def test_the_queue_explains_each_proposal_and_filters(
    client, staff, make_user, make_need, make_offer
):
    make_need(make_user("ngo"), place="kypseli", urgency="emergency")
    make_offer(make_user("individual"), place="patisia")
    sign_in(client, staff)
    page = client.get("/staff/matches").get_data(as_text=True)
    assert "Ίδια κατηγορία" in page
    assert "χλμ." in page and "έκτακτη ανάγκη" in page
    assert "ημέρες έως την προθεσμία" in page
    assert "τελευταίες 90 ημέρες" in page
    assert "Βαθμολογία" in page
    assert "Blankets for a family shelter" in page
    assert "Blankets for a family shelter" not in client.get("/staff/matches?urgency=low").get_data(
        as_text=True
    )
    assert "Blankets for a family shelter" in client.get(
        "/staff/matches?sector=basic_goods&place=athens"
    ).get_data(as_text=True)


def test_staff_confirm_several_at_once(client, staff, make_user, make_need, make_offer):
    for place in ("kypseli", "piraeus"):
        make_need(make_user("ngo"), place=place, quantity=10)
        make_offer(make_user("individual"), place=place, quantity=10)
    ids = [str(m.id) for m in proposals()]
    assert len(ids) == 2
    sign_in(client, staff)
    client.post("/staff/matches/confirm", data={"match_id": ids})
    assert proposals() == []
    assert events("match.confirmed") == 2


def test_runs_and_health_pages(client, staff, make_user, make_need, make_offer):
    make_need(make_user("ngo"))
    make_offer(make_user("individual"))
    sign_in(client, staff)
    client.post("/staff/matches/run")
    assert work_once() is not None  # the run worker takes the queued run
    runs = client.get("/staff/runs").get_data(as_text=True)
    assert "βελτιστοποίησε ξανά όλα τα ανοιχτά" in runs and "η καλύτερη δυνατή" in runs
    assert "Το λογιστικό συμφωνεί" in client.get("/staff/health").get_data(as_text=True)


def test_flow_through_the_pages(app, staff, make_user):
    ngo = make_user("ngo", full_name="Amina Yusuf", email="amina@ngo.example.org")
    donor = make_user("company", full_name="Γιώργος Παππάς", email="giorgos@company.example")
    ngo_client, donor_client, staff_client = (
        sign_in(app.test_client(), u) for u in (ngo, donor, staff)
    )
    form = {k: str(v) for k, v in need_fields(quantity=40).items()}
    assert ngo_client.post("/needs/new", data=form).status_code == 302
    offer_form = {k: str(v) for k, v in offer_fields(quantity=25, category="kouvertes").items()}
    assert donor_client.post("/offers/new", data=offer_form).status_code == 302
    queue = staff_client.get("/staff/matches").get_data(as_text=True)
    assert "Ίδια κατηγορία" in queue and "Κουβέρτες μάλλινες" in queue
    [match] = proposals()
    staff_client.post("/staff/matches/confirm", data={"only": str(match.id)})
    assert fresh(match).status == "confirmed"
    assert "Amina Yusuf" in donor_client.get("/matches").get_data(as_text=True)
    ngo_page = ngo_client.get("/matches").get_data(as_text=True)
    assert "Γιώργος Παππάς" in ngo_page and "giorgos@company.example" in ngo_page
    ngo_client.post(f"/matches/{match.id}/receipt", data={"received": "25"})
    assert fresh(match).status == "fulfilled"
    need, offer = match.need, match.offer
    assert (fresh(need).committed_quantity, need.status) == (25, "partly_matched")
    assert fresh(offer).status == "fulfilled"
    progress = ngo_client.get("/needs/ours").get_data(as_text=True)
    assert f'<progress id="progress-{need.id}" max="40" value="25">' in progress
    assert ledger.violations() == []


def test_matches_over_the_api(client, staff, make_user, make_need, make_offer):
    from web.api.auth import create_token

    poster = make_user("ngo")
    donor = make_user("individual")
    make_need(poster)
    make_offer(donor)
    [match] = proposals()
    auth = {
        u: {"Authorization": f"Bearer {create_token(u, 't')[1]}"} for u in (poster, donor, staff)
    }
    mine = client.get("/api/v1/matches", headers=auth[donor]).get_json()
    assert mine["items"][0]["contact"] is None
    assert (
        client.post(f"/api/v1/matches/{match.id}/confirm", json={}, headers=auth[donor]).status_code
        == 403
    )
    confirmed = client.post(f"/api/v1/matches/{match.id}/confirm", json={}, headers=auth[staff])
    assert confirmed.get_json()["status"] == "confirmed"
    mine = client.get("/api/v1/matches", headers=auth[donor]).get_json()
    assert mine["items"][0]["contact"]["email"] == poster.email
    receipt = client.post(
        f"/api/v1/matches/{match.id}/receipt", json={"received": 40}, headers=auth[poster]
    )
    assert receipt.get_json()["status"] == "fulfilled"
    cancel = client.post(
        f"/api/v1/matches/{match.id}/cancel", json={"reason": "x"}, headers=auth[donor]
    )
    assert cancel.status_code == 422


# The race: one offer of 10, 16 proposals, each confirmed twice at once ------------------------


ROUNDS = 10


def _race_round(app, make_user, make_offer, make_need, make_match, staff_ids):
    donor = make_user("individual")
    poster = make_user("ngo")
    offer = make_offer(donor, quantity=10, place="piraeus", title="Race offer")
    matches = []
    for _ in range(16):
        need = make_need(poster, quantity=1, place="kypseli", title="Race need")
        matches.append(make_match(offer, need, 1))
    db.session.execute(
        update(Match)
        .where(Match.offer_id == offer.id, Match.id.not_in([m.id for m in matches]))
        .values(status="superseded")
    )
    db.session.commit()
    barrier = threading.Barrier(32)
    errors = []

    def confirm(match_id, staff_id):
        with app.app_context():
            # Wait before touching the database: 32 threads share a pool of fewer connections.
            barrier.wait(timeout=30)
            try:
                services.confirm_match(db.session.get(User, staff_id), match_id)
            except InvalidInput:
                pass  # the offer ran out: refused, nothing written
            except Exception as error:  # noqa: BLE001 - any other failure fails the test
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=confirm, args=(m.id, staff_ids[k % 2]))
        for m in matches
        for k in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    db.session.expire_all()
    confirmed = db.session.scalar(
        select(func.coalesce(func.sum(Match.quantity), 0)).where(
            Match.offer_id == offer.id, Match.status == "confirmed"
        )
    )
    assert confirmed == 10
    assert ledger.violations() == []
    for match in matches:
        assert events("match.confirmed", match) <= 1


def test_concurrent_confirmations_never_over_allocate(
    app, make_user, make_offer, make_need, make_match
):
    staff_ids = [make_user("staff").id, make_user("staff").id]
    for _ in range(ROUNDS):
        _race_round(app, make_user, make_offer, make_need, make_match, staff_ids)
