"""Every list page and API list loads what it shows in a bounded number of SQL statements:
the count with 4N rows is the count with N rows (no query per row: an N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, update

from tests.helpers import sign_in, sql_statements
from web import data_version
from web.api.auth import create_token
from web.clock import today
from web.directory.models import MemberService
from web.extensions import db
from web.matches import open_book
from web.matches import services as match_services
from web.matches.models import Match
from web.posts.models import Need, Offer

N = 2

# (who, path): each list page and API list; "bearer" lists use the API token of that person.
LISTS = [
    ("anonymous", "/needs"),
    ("anonymous", "/api/v1/open-needs"),
    ("anonymous", "/directory"),
    ("ngo", "/needs/ours"),
    ("ngo", "/offers/mine"),
    ("ngo", "/matches"),
    ("company", "/offers/mine"),
    ("company", "/matches"),
    ("staff", "/staff"),
    ("staff", "/staff/matches"),
    ("staff", "/staff/needs"),
    ("staff", "/staff/offers"),
    ("staff", "/staff/matches/all"),
    ("staff", "/staff/organisations"),
    ("staff", "/staff/directory"),
    ("ngo", "/needs"),
    ("ngo bearer", "/api/v1/needs"),
    ("ngo bearer", "/api/v1/offers"),
    ("ngo bearer", "/api/v1/matches"),
    ("company bearer", "/api/v1/offers"),
    ("company bearer", "/api/v1/matches"),
    ("staff bearer", "/api/v1/matches"),
]


@pytest.fixture
def world(app, make_user, make_organisation, make_need, make_offer, make_match):
    """A home NGO and a home company whose people post; `grow(n)` adds n of everything, each
    from someone different: needs, offers, proposals, confirmed matches, services, members."""
    home_ngo, company = make_user("ngo"), make_user("company")
    staff = make_user("staff")

    def grow(n: int) -> None:
        for _ in range(n):
            poster = make_user("ngo", organisation=home_ngo.organisation)
            giver = make_user("company", organisation=company.organisation)
            other_ngo, donor = make_user("ngo"), make_user("individual")
            ours = make_need(poster, place="patisia", title="Κουβέρτες για το κέντρο")
            # Uncovered: its page lists the members whose services fit it.
            make_need(poster, category="asylum_legal_advice", unit="sessions", quantity=3,
                      title="Συνεδρίες για αιτούντες άσυλο", place="patisia")
            theirs = make_need(other_ngo, category="school_bags", quantity=5, place="piraeus")
            given = make_offer(giver, quantity=30)
            spare = make_offer(poster, category="school_bags", quantity=5, place="piraeus")
            confirmed = make_match(make_offer(donor, quantity=10), ours, 5)
            match_services.confirm_match(staff, confirmed.id, None)
            make_match(given, theirs, 5)
            make_match(spare, theirs, 5)
            make_organisation("ngo", status="pending")
            for status in ("approved", "pending"):
                db.session.add(MemberService(
                    organisation_id=other_ngo.organisation_id, title="Νομική βοήθεια",
                    sector="legal", categories=["asylum_legal_advice", "blankets"],
                    status=status, place_id="patisia"))
        db.session.commit()

    people = {"anonymous": None, "ngo": home_ngo, "company": company, "staff": staff}
    return grow, people


def _counts(app, people) -> dict[tuple[str, str], int]:
    clients = {who: sign_in(app.test_client(), user) for who, user in people.items()}
    headers = {}
    for who, user in people.items():
        if user is not None:
            headers[who] = {"Authorization": f"Bearer {create_token(user, 'tests')[1]}"}
    found = {}
    for who, path in LISTS:
        person, _, bearer = who.partition(" ")
        client = app.test_client() if bearer else clients[person]
        client.get(path, headers=headers.get(person) if bearer else None)  # warm caches
        data_version.bump()  # as after any write: what is measured renders, not a kept answer
        with sql_statements() as statements:
            response = client.get(path, headers=headers.get(person) if bearer else None)
        assert response.status_code == 200, (who, path, response.status_code)
        found[(who, path)] = len(statements)
    return found


def test_list_pages_and_api_lists_send_as_many_queries_for_4n_rows_as_for_n(app, world):
    grow, people = world
    grow(N)
    few = _counts(app, people)
    grow(3 * N)
    many = _counts(app, people)
    grown = {key: (few[key], many[key]) for key in few if many[key] > few[key]}
    assert not grown, f"statements (N rows, 4N rows) that grow with the rows: {grown}"


def test_the_lists_show_the_rows_they_count(app, world):
    """The counts above are of lists that show rows, not of empty pages."""
    grow, people = world
    grow(N)
    client = sign_in(app.test_client(), people["staff"])
    assert client.get("/staff/matches").get_data(as_text=True).count('id="match-') >= N
    assert db.session.query(Match).filter_by(status="confirmed").count() == N
    ngo = sign_in(app.test_client(), people["ngo"])
    page = ngo.get("/needs/ours").get_data(as_text=True)
    assert page.count('id="need-') == 2 * N
    assert page.count("Νομική βοήθεια") == N * N  # each uncovered need: every fitting service


def test_posting_a_need_sends_as_many_statements_with_4n_open_offers_as_with_n(
        app, make_user, make_offer, bearer, monkeypatch):
    """Posting reads the offers near the need in bulk (no statement per offer), and a post
    just written has nothing to set aside and no pair turned down to look for."""
    from tests.conftest import need_fields

    monkeypatch.setattr(open_book, "COUNT_EVERY_S", 0.0)  # each posting counts what changed
    ngo = make_user("ngo")
    headers, client = bearer(ngo), app.test_client()
    # The first posting builds the open book and notes the token's first use.
    assert client.post("/api/v1/needs", json=need_fields(), headers=headers).status_code == 201
    counts, made = [], []
    for n in (N, 4 * N):
        for _ in range(n - len(made) * N):
            make_offer(quantity=1)
        # What the offers' own postings proposed is set aside: each is free for this need.
        db.session.execute(update(Match).values(status="superseded"))
        db.session.commit()
        with sql_statements() as statements:
            response = client.post("/api/v1/needs", json=need_fields(quantity=100),
                                   headers=headers)
        assert response.status_code == 201
        proposed = db.session.query(Match).filter_by(need_id=response.get_json()["id"])
        made.append(proposed.count())
        # The proposals' INSERT is one on PostgreSQL, one a row on SQLite (which gives no
        # ids of a many-row INSERT in order): every other statement is counted.
        counts.append(len([s for s in statements
                           if not s.startswith(('INSERT INTO "match"', "INSERT INTO match "))]))
    assert made == [N, 4 * N]  # each posting proposed every open offer
    assert counts[0] == counts[1], (counts, statements)
    proposing = [" ".join(s.replace('"', "").split()) for s in statements]
    proposing = proposing[next(i for i, s in enumerate(proposing) if s.startswith("SAVEPOINT")):]
    # neither the pairs turned down nor the open proposals to set aside are looked for
    assert not [s for s in proposing if s.startswith("SELECT match.offer_id, match.need_id ")]
    assert not [s for s in proposing if s.startswith("UPDATE match ")]


# GET routes that write, each with its reason; every other GET writes nothing.
WRITING_GETS: dict[str, str] = {}
# Writes any GET may make, each with its reason (and the COMMIT that goes with it).
ALLOWED_WRITES = {
    # A token's first use in an hour is recorded for its owner's account page.
    "UPDATE api_token SET last_used_at": "the last use of an API token",
}


@pytest.fixture
def writes() -> Iterator[list[str]]:
    """The COMMITs, INSERTs, UPDATEs and DELETEs sent to the database while the test runs."""
    found: list[str] = []

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if sql.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            found.append(sql.split("\n", 1)[0][:80])

    def commit(_conn: Any) -> None:
        found.append("COMMIT")

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "commit", commit)
    yield found
    event.remove(db.engine, "before_cursor_execute", statement)
    event.remove(db.engine, "commit", commit)


def test_no_get_writes_to_the_database(app, make_user, make_organisation, make_offer,
                                       make_need, make_match, writes):
    from tests.test_routes_matrix import ACTORS, MATRIX

    people = {
        "individual": make_user("individual"), "company": make_user("company"),
        "ngo": make_user("ngo"), "pending_ngo": make_user("ngo", status="pending"),
        "staff": make_user("staff"), "admin": make_user("admin"),
    }
    clients = {"anonymous": app.test_client()}
    bearers = {}
    for actor, user in people.items():
        clients[actor] = sign_in(app.test_client(), user)
        bearers[actor] = {"Authorization": f"Bearer {create_token(user, 'tests')[1]}"}
    offer, need = make_offer(), make_need()
    match = make_match(offer, need)
    pending = make_organisation("ngo", status="pending")
    # Past their dates but not yet stored as expired: reads must leave that to `flask expire`.
    yesterday = today() - timedelta(days=1)
    late_offer = make_offer(available_until=(today() + timedelta(days=3)).isoformat())
    db.session.execute(update(Offer).where(Offer.id == late_offer.id)
                       .values(available_until=yesterday))
    db.session.execute(update(Need).where(Need.id == make_need().id).values(needed_by=yesterday))
    db.session.commit()
    wrote = {}
    for endpoint, (method, path, _expected) in MATRIX.items():
        if method != "GET" or endpoint in WRITING_GETS:
            continue
        target = path.format(org=pending.id, offer=offer.id, need=need.id, match=match.id)
        for actor in ACTORS:
            headers = bearers.get(actor) if target.startswith("/api/") else None
            writes.clear()
            clients[actor].get(target, headers=headers).close()
            explained = [w for w in writes if w.startswith(tuple(ALLOWED_WRITES))]
            others = [w for w in writes if w != "COMMIT" and w not in explained]
            if others or ("COMMIT" in writes and not explained):
                wrote[(endpoint, actor)] = sorted(set(writes))
    assert not wrote, f"GETs that wrote: {wrote}"
