"""Recurring capacity: skills and services per week or month, the period ledger, the
schedule both sides see, and the donor pausing or ending a commitment."""

import threading
from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from tests.helpers import sign_in
from web.clock import today
from web.extensions import db
from web.followup import services as followup
from web.matches import bridge, ledger, periods, schedule, services
from web.matches.models import Match, PeriodLedger
from web.models import User
from web.recurrence import next_period, period_start
from web.validation import InvalidFields, InvalidInput


def weeks_ahead(n):
    return (today() + timedelta(days=7 * n)).isoformat()


def interpreting(**fields):
    return {"category": "interpreting", "title": "Arabic interpreting", "unit": "hours",
            "description": "Αραβικά, δια ζώσης.", **fields}


@pytest.fixture
def staff(make_user):
    return make_user("staff")


@pytest.fixture
def weekly_offer(make_offer):
    def build(quantity=10, until=8, **fields):
        return make_offer(**interpreting(quantity=quantity, per="week",
                                         available_until=weeks_ahead(until), **fields))
    return build


@pytest.fixture
def weekly_need(make_need, make_user):
    poster = make_user("ngo")

    def build(quantity=1, weeks=3, per="week", **fields):
        return make_need(poster, **interpreting(
            title="Διερμηνεία αραβικών για οικογένειες", quantity=quantity, per=per,
            needed_by=weeks_ahead(weeks), urgency="normal", **fields))
    return build


def held(side, post):
    rows = db.session.execute(
        select(PeriodLedger.period_start, PeriodLedger.committed)
        .where(PeriodLedger.side == side, PeriodLedger.post_id == post.id)
    ).all()
    return {start: committed for start, committed in rows if committed}


def proposal_for(offer, need, make_match, quantity):
    return make_match(offer, need, quantity)


# Posting -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"category": "blankets", "unit": "pieces", "per": "week"}, "per"),
        ({"per": "fortnight"}, "per"),
        ({"per": "month", "available_until": None}, "available_until"),
    ],
)
def test_only_skills_and_services_recur_and_an_offer_says_until_when(
    client, make_user, bearer, fields, field
):
    donor = make_user("individual")
    body = interpreting(quantity=10, place="kypseli", available_until=weeks_ahead(8))
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not None}
    answer = client.post("/api/v1/offers", json=body, headers=bearer(donor))
    assert answer.status_code == 422
    assert field in str(answer.get_json())
    assert client.get("/api/v1/offers", headers=bearer(donor)).get_json()["items"] == []


def test_a_recurring_offer_reads_back_with_this_periods_figures(client, make_user, bearer):
    donor = make_user("individual")
    answer = client.post("/api/v1/offers", headers=bearer(donor), json=interpreting(
        quantity=10, place="kypseli", per="month", available_until=weeks_ahead(16)))
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["per"] == "month"
    assert body["this_period"] == {"start": today().replace(day=1).isoformat(),
                                   "committed": 0, "left": 10}


# The ledger per period -------------------------------------------------------------------------


def test_a_one_off_need_takes_only_this_period_and_the_capacity_renews(
    staff, weekly_offer, make_need, make_match
):
    offer = weekly_offer(quantity=10)
    need = make_need(**interpreting(quantity=10, needed_by=weeks_ahead(1), urgency="normal"))
    services.confirm_match(staff, make_match(offer, need, 10).id)
    this_week = period_start(today(), "week")
    assert held("offer", offer) == {this_week: 10}
    assert db.session.get(type(offer), offer.id).committed_quantity == 0  # counted per period
    assert periods.left_for_engine(offer, today()) == 0
    assert bridge.engine_offer(offer).quantity == 0
    # Next week the ten hours are there again, and every week after.
    assert periods.left_for_engine(offer, next_period(this_week, "week")) == 10
    assert ledger.violations() == []


def test_a_recurring_match_commits_every_period_of_its_span(
    staff, weekly_offer, weekly_need, make_match
):
    offer = weekly_offer(quantity=10, until=8)
    need = weekly_need(quantity=4, weeks=3)
    match = services.confirm_match(staff, make_match(offer, need, 4).id)
    weeks = [period_start(today() + timedelta(days=7 * k), "week") for k in range(4)]
    assert (match.per, match.period_from, match.period_until) == ("week", weeks[0], weeks[-1])
    assert match.recurring
    assert held("offer", offer) == dict.fromkeys(weeks, 4)
    assert held("need", need) == dict.fromkeys(weeks, 4)
    assert periods.left_for_engine(offer, today()) == 6
    assert periods.left_for_engine(need, today()) == 0
    assert ledger.violations() == []


def test_a_period_short_of_capacity_refuses_the_whole_commitment(
    staff, weekly_offer, weekly_need, make_match
):
    offer = weekly_offer(quantity=10, until=8)
    first = weekly_need(quantity=8, weeks=5)
    services.confirm_match(staff, make_match(offer, first, 8).id)
    second = weekly_need(quantity=4, weeks=2)
    match = make_match(offer, second, 4)
    with pytest.raises(InvalidInput) as refused:
        services.confirm_match(staff, match.id)
    assert refused.value.field == "status"
    db.session.refresh(match)
    assert match.status == "proposed"
    assert held("need", second) == {}  # all or nothing: no period of it was written
    assert set(held("offer", offer).values()) == {8}
    assert ledger.violations() == []


def test_a_weekly_offer_is_never_proposed_for_a_monthly_need(
    weekly_offer, weekly_need
):
    weekly_need(quantity=4, weeks=6, per="month")
    offer = weekly_offer(quantity=10, until=8)
    assert db.session.scalars(select(Match).where(Match.offer_id == offer.id)).all() == []


def test_the_engine_proposes_a_weekly_need_what_every_week_has_left(
    staff, weekly_offer, weekly_need, make_match
):
    offer = weekly_offer(quantity=10, until=8)
    services.confirm_match(staff, make_match(offer, weekly_need(quantity=7, weeks=5), 7).id)
    need = weekly_need(quantity=5, weeks=4)
    [proposal] = db.session.scalars(
        select(Match).where(Match.need_id == need.id, Match.status == "proposed")).all()
    assert proposal.quantity == 3
    services.confirm_match(staff, proposal.id)
    weeks = sorted(held("offer", offer))
    assert [held("offer", offer)[w] for w in weeks] == [10] * 5 + [7]
    assert ledger.violations() == []


def test_violations_find_a_period_row_that_disagrees(staff, weekly_offer, weekly_need,
                                                      make_match):
    offer = weekly_offer(quantity=10)
    services.confirm_match(staff, make_match(offer, weekly_need(quantity=2), 2).id)
    db.session.execute(update(PeriodLedger).where(PeriodLedger.side == "offer")
                       .values(committed=PeriodLedger.committed + 1))
    db.session.commit()
    found = ledger.violations()
    assert {(v.kind, v.post_id, v.matched, v.committed) for v in found} == {
        ("offer", offer.id, 2, 3)}
    assert len(found) == 4 and all(v.period for v in found)


# Pausing and ending ------------------------------------------------------------------------


@pytest.fixture
def commitment(staff, weekly_offer, weekly_need, make_match):
    offer = weekly_offer(quantity=10, until=8)
    need = weekly_need(quantity=4, weeks=6)
    return services.confirm_match(staff, make_match(offer, need, 4).id)


def test_pausing_releases_the_weeks_starting_within_the_pause(commitment):
    donor = commitment.offer.donor
    this_week = period_start(today(), "week")
    week = [this_week + timedelta(days=7 * k) for k in range(7)]
    match = schedule.pause_commitment(donor, commitment.id, week[2], week[3] + timedelta(days=6))
    assert match.counted_periods() == [week[0], week[1], week[4], week[5], week[6]]
    assert held("offer", match.offer) == dict.fromkeys(match.counted_periods(), 4)
    assert held("need", match.need) == dict.fromkeys(match.counted_periods(), 4)
    assert ledger.violations() == []
    assert "Paused" in schedule_text(match) or "Σε παύση" in schedule_text(match)
    with pytest.raises(InvalidInput) as again:
        schedule.pause_commitment(donor, commitment.id, week[5], week[5])
    assert again.value.field == "from"


def schedule_text(match):
    from web.matches.schedule_words import schedule_of
    return schedule_of(match)


def test_ending_releases_every_week_from_that_day_on(commitment):
    donor = commitment.offer.donor
    day = period_start(today(), "week") + timedelta(days=14)
    match = schedule.end_commitment(donor, commitment.id, day)
    assert match.ended_on == day
    assert match.counted_periods() == [period_start(today(), "week") + timedelta(days=7 * k)
                                       for k in range(2)]
    assert len(held("offer", match.offer)) == 2
    assert ledger.violations() == []
    with pytest.raises(InvalidInput):
        schedule.pause_commitment(donor, commitment.id, day, day)


@pytest.mark.parametrize(
    "starts, ends, field",
    [(-3, 1, "from"), (10, 5, "until"), (1, 2, "until")],  # days from the next Monday
)
def test_a_bad_pause_names_its_field_and_changes_nothing(commitment, starts, ends, field):
    monday = next_period(period_start(today(), "week"), "week")
    before = held("offer", commitment.offer)
    start = (today() if starts < 0 else monday) + timedelta(days=starts)
    with pytest.raises(InvalidInput) as refused:
        schedule.pause_commitment(commitment.offer.donor, commitment.id, start,
                                  monday + timedelta(days=ends))
    assert refused.value.field == field
    assert held("offer", commitment.offer) == before


def test_only_the_giving_side_or_staff_reschedule(commitment, make_user):
    need_side = commitment.need.poster
    with pytest.raises(LookupError):
        schedule.end_commitment(need_side, commitment.id, today())
    with pytest.raises(LookupError):
        schedule.end_commitment(make_user("individual"), commitment.id, today())


def test_the_api_pauses_and_ends_and_names_the_field(client, commitment, bearer, make_user):
    donor = commitment.offer.donor
    monday = next_period(period_start(today(), "week"), "week")
    bad = client.post(f"/api/v1/matches/{commitment.id}/pause", headers=bearer(donor),
                      json={"from": monday.isoformat()})
    assert bad.status_code == 422 and "until" in str(bad.get_json())
    other = client.post(f"/api/v1/matches/{commitment.id}/end", headers=bearer(make_user()),
                        json={})
    assert other.status_code == 404
    paused = client.post(f"/api/v1/matches/{commitment.id}/pause", headers=bearer(donor),
                         json={"from": monday.isoformat(),
                               "until": (monday + timedelta(days=6)).isoformat()})
    assert paused.status_code == 200, paused.get_json()
    body = paused.get_json()
    assert (body["recurring"], body["paused_from"]) == (True, monday.isoformat())
    assert body["schedule"]
    ended = client.post(f"/api/v1/matches/{commitment.id}/end", headers=bearer(donor),
                        json={"from": (monday + timedelta(days=14)).isoformat()})
    assert ended.status_code == 200 and ended.get_json()["ended_on"]
    assert ledger.violations() == []


def test_both_sides_see_the_schedule_and_the_donor_pauses_from_a_page(client, commitment):
    need_side = db.session.get(User, commitment.need.poster_id)
    sign_in(client, need_side)
    page = client.get("/matches").get_data(as_text=True)
    assert "4 ώρες την εβδομάδα" in page or "4 hours a week" in page
    client.post("/logout")
    donor = db.session.get(User, commitment.offer.donor_id)
    sign_in(client, donor)
    mine = client.get("/matches").get_data(as_text=True)
    assert f"/matches/{commitment.id}/schedule" in mine
    from tests.helpers import csrf_token_from
    form = client.get(f"/matches/{commitment.id}/schedule")
    assert form.status_code == 200
    token = csrf_token_from(form.get_data(as_text=True))
    refused = client.post(f"/matches/{commitment.id}/end",
                          data={"csrf_token": token, "from": "2000-01-01"})
    assert refused.status_code == 422
    assert 'id="end-from-error"' in refused.get_data(as_text=True)
    monday = next_period(period_start(today(), "week"), "week")
    done = client.post(f"/matches/{commitment.id}/end",
                       data={"csrf_token": token, "from": monday.isoformat()})
    assert done.status_code == 302
    db.session.refresh(commitment)
    assert commitment.ended_on == monday
    assert ledger.violations() == []


def test_a_recurring_commitment_is_not_received_at_once(commitment):
    with pytest.raises(InvalidInput) as refused:
        services.record_receipt(commitment.need.poster, commitment.id, 4)
    assert refused.value.field == "received"


def test_editing_a_recurring_offer_cannot_go_below_what_a_period_holds(
    commitment, client, bearer
):
    offer = commitment.offer
    answer = client.patch(f"/api/v1/offers/{offer.id}", headers=bearer(offer.donor),
                          json={"quantity": 3})
    assert answer.status_code == 422 and "quantity" in str(answer.get_json())
    answer = client.patch(f"/api/v1/offers/{offer.id}", headers=bearer(offer.donor),
                          json={"per": "month"})
    assert answer.status_code == 422 and "per" in str(answer.get_json())


# The race: a weekly offer, concurrent confirmations, never over-committed in any week ---------


ROUNDS = 5


def _race_round(app, staff_ids, weekly_offer, weekly_need, make_need, make_match):
    offer = weekly_offer(quantity=10, until=6)
    # Weeks 0 and 1 already hold 6 hours; later weeks are free.
    services.confirm_match(db.session.get(User, staff_ids[0]),
                           make_match(offer, weekly_need(quantity=6, weeks=1), 6).id)
    matches = []
    for k in range(16):
        if k % 2:
            need = weekly_need(quantity=2, weeks=2 + k % 4)
        else:
            need = make_need(**interpreting(quantity=2, needed_by=weeks_ahead(1),
                                            urgency="normal"))
        matches.append(make_match(offer, need, 1))
    db.session.execute(
        update(Match)
        .where(Match.offer_id == offer.id, Match.status == "proposed",
               Match.id.not_in([m.id for m in matches]))
        .values(status="superseded")
    )
    db.session.commit()
    barrier = threading.Barrier(32)
    errors = []

    def confirm(match_id, staff_id):
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                services.confirm_match(db.session.get(User, staff_id), match_id)
            except InvalidInput:
                pass  # the week ran out: refused, nothing written
            except Exception as error:  # noqa: BLE001 - any other failure fails the test
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=confirm, args=(m.id, staff_ids[k % 2]))
               for m in matches for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    db.session.expire_all()
    per_week: dict[date, int] = defaultdict(int)
    confirmed = db.session.scalars(
        select(Match).where(Match.offer_id == offer.id, Match.status == "confirmed")).all()
    for match in confirmed:
        for start in match.counted_periods():
            per_week[start] += match.quantity
    # The invariant as the sum of confirmed quantities, not the counter.
    assert max(per_week.values()) <= 10
    this_week = period_start(today(), "week")
    assert per_week[this_week] == 10  # 4 hours were left this week: exactly 4 confirmed
    assert len(confirmed) == 1 + 4
    assert held("offer", offer) == dict(per_week)
    assert ledger.violations() == []


def test_concurrent_confirmations_never_over_commit_a_period(
    app, make_user, weekly_offer, weekly_need, make_need, make_match
):
    staff_ids = [make_user("staff").id, make_user("staff").id]
    for _ in range(ROUNDS):
        _race_round(app, staff_ids, weekly_offer, weekly_need, make_need, make_match)


def test_a_bad_date_in_the_schedule_form_is_refused():
    with pytest.raises(InvalidFields) as refused:
        schedule.load_schedule_change(schedule.PauseInput(), {"from": "tomorrow"})
    assert set(refused.value.errors) == {"from", "until"}


def test_a_recurring_commitment_is_never_chased_as_stale(commitment):
    """It is never received in one go: the follow-up of stale matches leaves it alone, while
    a one-off match confirmed as long ago is chased."""
    long_ago = commitment.confirmed_at - timedelta(days=30)
    db.session.execute(update(Match).where(Match.id == commitment.id)
                       .values(confirmed_at=long_ago))
    db.session.commit()
    assert followup.stale_matches(7) == []
    db.session.execute(update(Match).where(Match.id == commitment.id).values(per=None))
    db.session.commit()
    assert [m.id for m in followup.stale_matches(7)] == [commitment.id]
