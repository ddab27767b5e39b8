"""The staff's dashboard: its figures add up to the database's, and each links to its list."""

import json
import re
from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.helpers import sign_in
from web.clock import today
from web.extensions import db
from web.matches import services
from web.matches.models import Match
from web.models import utcnow
from web.posts.models import ACTIVE_STATUSES, Need, Offer
from web.staff.dashboard import build_dashboard, week_starts


@pytest.fixture
def staff(make_user):
    return make_user("staff", full_name="Άννα Γεωργίου")


@pytest.fixture
def seeded(app, staff, make_user, make_need, make_offer):
    """Needs in two sectors and three areas, proposals, confirmations and receipts of
    various ages."""
    ngo, other = make_user("ngo"), make_user("ngo")
    blankets = make_need(ngo, quantity=40, urgency="emergency")
    make_need(other, quantity=10, urgency="high", place="patisia", title="Κουβέρτες για παιδιά")
    kits = make_need(ngo, category="first_aid_kits", quantity=5, unit="pieces", place="piraeus")
    make_need(ngo, category="school_bags", quantity=12, urgency="low", place="piraeus")
    closed = make_need(ngo, quantity=3)
    db.session.execute(update(Need).where(Need.id == closed.id).values(status="withdrawn"))
    db.session.commit()
    make_offer(make_user("individual"), quantity=25)
    make_offer(make_user("company"), category="first_aid_kits", quantity=2, place="piraeus")
    make_offer(make_user("individual"), category="school_bags", quantity=30, place="piraeus")

    def proposal_for(need):
        query = select(Match).where(Match.status == "proposed", Match.need_id == need.id)
        return db.session.scalars(query).first()

    first, second = proposal_for(blankets), proposal_for(kits)
    services.confirm_match(staff, first.id)
    services.confirm_match(staff, second.id)
    need = db.session.get(Need, first.need_id)
    poster = need.poster
    services.record_receipt(poster, first.id, db.session.get(Match, first.id).need_quantity)
    now = utcnow()
    db.session.execute(
        update(Match).where(Match.id == first.id).values(fulfilled_at=now - timedelta(days=15))
    )
    db.session.execute(
        update(Match).where(Match.id == second.id).values(confirmed_at=now - timedelta(days=4))
    )
    db.session.execute(
        update(Match).where(Match.status == "proposed").values(created_at=now - timedelta(days=2))
    )
    db.session.commit()
    return {"blankets": blankets}


def test_the_figures_add_up_to_the_database(app, seeded, staff):
    board = build_dashboard(today())
    taxonomy = app.extensions["komvos.taxonomy"]
    places = app.extensions["komvos.places"]
    day = today()
    needs = list(db.session.scalars(select(Need)))
    offers = list(db.session.scalars(select(Offer)))
    matches = list(db.session.scalars(select(Match)))
    open_needs = [n for n in needs if n.status in ACTIVE_STATUSES and n.needed_by >= day]
    lacking = [n for n in open_needs if n.quantity > n.committed_quantity]
    assert board.open_needs == len(open_needs) == 4
    assert board.uncovered_needs == len(lacking)
    assert board.open_offers == len([o for o in offers if o.status in ACTIVE_STATUSES])
    expected = defaultdict(lambda: [0, 0])
    for need in lacking:
        cell = expected[
            (taxonomy[need.category_id].sector, places[need.place_id].municipality, need.unit)
        ]
        cell[0] += need.quantity - need.committed_quantity
        cell[1] += 1
    assert {(g.sector, g.area, g.unit): [g.lacking, g.needs] for g in board.gaps} == expected
    assert sum(board.gaps_by_sector.values()) == len(lacking)
    proposed = [m for m in matches if m.status == "proposed"]
    assert board.proposals.total == len(proposed)
    assert [b.count for b in board.proposals.by_age] == [0, len(proposed), 0, 0]
    assert board.undelivered.total == 1
    assert [b.count for b in board.undelivered.by_age] == [0, 0, 1, 0]
    assert sum(sum(v) for v in board.deliveries.values()) == 1
    assert board.weeks == week_starts(day) and len(board.weeks) == 12
    [urgent_first, *_] = board.urgent
    assert {n.urgency for n in board.urgent} <= {"high", "emergency"}
    assert urgent_first.id == seeded["blankets"].id


def test_a_need_received_last_week_counts_in_its_week_and_sector(app, seeded):
    board = build_dashboard(today())
    [(sector, counts)] = board.deliveries.items()
    week = (today() - timedelta(days=15)) - timedelta(days=(today() - timedelta(days=15)).weekday())
    assert counts[board.weeks.index(week)] == 1


def links(html):
    return re.findall(r'href="(/staff[^"#]*)', html)


def test_the_page_shows_each_figure_with_a_link_to_its_list(client, seeded, staff):
    sign_in(client, staff)
    html = client.get("/staff").get_data(as_text=True)
    assert "Πίνακας ελέγχου" in html
    data = json.loads(re.search(r'id="chart-data">(.*?)</script>', html, re.S).group(1))
    board = build_dashboard(today())
    assert data["gaps"]["series"][0]["values"] == list(board.gaps_by_sector.values())
    assert sum(data["deliveries"]["series"][0]["values"]) == 1
    for href in set(links(html)):
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200, href


def cards(client, link):
    html = client.get(link).get_data(as_text=True)
    return len(re.findall(r'<li class="card" id="(?:need|match|offer)-', html))


def test_each_link_lists_the_rows_its_figure_counts(client, seeded, staff):
    sign_in(client, staff)
    board = build_dashboard(today())
    assert cards(client, "/staff/needs") == board.open_needs
    assert cards(client, "/staff/needs?uncovered=1") == board.uncovered_needs
    assert cards(client, "/staff/offers") == board.open_offers
    assert cards(client, "/staff/needs?urgent=1&uncovered=1&sort=age") == len(board.urgent)
    for gap in board.gaps:
        query = "&".join(f"{k}={v}" for k, v in gap.filters.args().items())
        assert cards(client, f"/staff/needs?{query}") == gap.needs, gap
    for bucket in board.undelivered.by_age:
        query = f"status=confirmed&from_days={bucket.from_days}"
        if bucket.to_days is not None:
            query += f"&to_days={bucket.to_days}"
        assert cards(client, f"/staff/matches/all?{query}") == bucket.count, bucket
    for bucket in board.proposals.by_age:
        query = f"sort=age&from_days={bucket.from_days}"
        if bucket.to_days is not None:
            query += f"&to_days={bucket.to_days}"
        html = client.get(f"/staff/matches?{query}").get_data(as_text=True)
        assert html.count('class="card proposal"') == bucket.count, bucket
    week = board.weeks[[sum(c) for c in zip(*board.deliveries.values(), strict=True)].index(1)]
    assert cards(client, f"/staff/matches/all?status=fulfilled&week={week}") == 1


def test_staff_land_on_the_dashboard_after_signing_in(client, staff):
    response = sign_in(client, None).post(
        "/login", data={"email": staff.email, "password": "correct horse battery"}
    )
    assert response.headers["Location"] == "/staff"


def test_the_page_is_in_english_for_english_staff(client, make_user, seeded):
    sign_in(client, make_user("staff", language="en"))
    html = client.get("/staff").get_data(as_text=True)
    assert "Dashboard" in html and "What is still lacking" in html
