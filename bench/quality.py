"""Matching quality on the project's own evaluation set (not a timing benchmark).

    .venv/bin/python bench/quality.py [--mode search|oracle] [--data FILE] [--day YYYY-MM-DD]
                                      [--json FILE]

Builds an app on a temporary SQLite database, posts every offer and need of
tests/data/quality.toml through the HTTP API as a client would (the category is the first
hit of `/api/v1/categories?q=` for what the poster typed, else for the title, else the first
suggestion of `/api/v1/categories/suggest` where the API has it; the place is the first hit
of `/api/v1/places?q=`; dates from the item's day offsets), runs the full re-optimisation
(what `flask --app web match run` does) on a fixed day, and measures: items posted and
refused, the search's first-hit accuracy, recall of expected pairs, the share of trap pairs
proposed (by kind), proposals that involve fillers, and what was missed or wrongly proposed.

`--mode oracle` posts every item with its expected category and place instead (where the
taxonomy has them), to measure the engine apart from the search.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from anywhere, with or without the editable install

from bench.quality_report import Posting, Report  # noqa: E402
from bench.quality_set import DATA_FILE, Item, QualitySet, load_quality_set  # noqa: E402

RUN_DAY = date(2026, 12, 1)  # fixed, so the figures never depend on the calendar
SEARCH_LIMIT = 5
MAX_QUERY = 100  # the API's bound on `q`
STAFF = "Quality Bench Staff"


# The clock -----------------------------------------------------------------------------------


@contextmanager
def frozen_day(day: date) -> Iterator[None]:
    """Make `web.clock.today()` (the one clock the web layer reads) return `day`."""
    import web.clock

    class _Frozen(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:  # noqa: D102
            return datetime.combine(day, time(12, 0), tzinfo=tz)

    original = web.clock.datetime
    web.clock.datetime = _Frozen  # type: ignore[misc]
    try:
        yield
    finally:
        web.clock.datetime = original  # type: ignore[misc]


# The client ----------------------------------------------------------------------------------


class _Client:
    """The API as an outside client sees it: search, suggest, post."""

    def __init__(self, app: Any):
        self.http = app.test_client()
        self._categories: dict[tuple[str, str], str] = {}
        self._places: dict[str, str] = {}
        spec = self.http.get("/api/v1/openapi.json").get_json() or {}
        paths = spec.get("paths", {})
        listing = paths.get("/api/v1/categories", {}).get("get", {})
        names = {p.get("name") for p in listing.get("parameters", [])}
        self.kind_filter = "kind" in names
        suggest = self.http.get(
            "/api/v1/categories/suggest", query_string={"text": "blankets", "kind": "goods"}
        )
        self.suggest = suggest.status_code == 200

    def features(self) -> dict[str, bool]:
        """Which optional API features were found."""
        return {"categories kind filter": self.kind_filter, "categories/suggest": self.suggest}

    def first_category(self, query: str, kind: str) -> str:
        """The first hit of the category search, "" when none (asked once per query)."""
        if (query, kind) not in self._categories:
            self._categories[(query, kind)] = self._search_categories(query, kind)
        return self._categories[(query, kind)]

    def _search_categories(self, query: str, kind: str) -> str:
        args: dict[str, Any] = {"q": _bounded(query), "limit": SEARCH_LIMIT}
        if self.kind_filter:
            args["kind"] = kind
        response = self.http.get("/api/v1/categories", query_string=args)
        found = response.get_json() if response.status_code == 200 else []
        return str(found[0]["id"]) if found else ""

    def suggested_category(self, text: str, kind: str) -> str:
        """The first suggestion for a title and description, "" when none or unsupported."""
        if not self.suggest:
            return ""
        response = self.http.get(
            "/api/v1/categories/suggest", query_string={"text": text[:1000], "kind": kind}
        )
        if response.status_code != 200:
            return ""
        return _first_id(response.get_json())

    def first_place(self, query: str) -> str:
        """The first hit of the place search, "" when none (asked once per query)."""
        if query not in self._places:
            self._places[query] = self._search_places(query)
        return self._places[query]

    def _search_places(self, query: str) -> str:
        response = self.http.get(
            "/api/v1/places", query_string={"q": _bounded(query), "limit": SEARCH_LIMIT}
        )
        found = response.get_json() if response.status_code == 200 else []
        return str(found[0]["id"]) if found else ""

    def post(self, side: str, body: dict[str, Any], token: str) -> tuple[int, Any]:
        """POST an offer or a need; (status, JSON answer)."""
        response = self.http.post(
            f"/api/v1/{side}s", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        return response.status_code, response.get_json(silent=True) or {}


def _bounded(query: str) -> str:
    """A query within the API's bound, cut at a word."""
    query = " ".join(query.split())
    return query if len(query) <= MAX_QUERY else query[:MAX_QUERY].rsplit(" ", 1)[0]


def _first_id(answer: Any) -> str:
    """The first category id of a suggestion answer, whatever its envelope."""
    if isinstance(answer, dict):
        for key in ("items", "suggestions", "categories", "results"):
            if isinstance(answer.get(key), list):
                answer = answer[key]
                break
    if not isinstance(answer, list) or not answer:
        return ""
    first = answer[0]
    if isinstance(first, str):
        return first
    if isinstance(first, dict):
        value = first.get("id") or first.get("category") or first.get("category_id")
        if isinstance(value, dict):
            value = value.get("id")
        return str(value or "")
    return ""


def _error_lines(status: int, answer: dict[str, Any]) -> tuple[str, ...]:
    """The API's refusal as 'field: message' lines (stable, for grouping)."""
    errors = answer.get("errors") or {}
    fields = errors.get("json", errors) if isinstance(errors, dict) else {}
    lines = []
    for name, messages in sorted(fields.items()):
        if isinstance(messages, dict):  # nested (lists of areas, ...)
            messages = [str(m) for m in messages.values()]
        for message in messages if isinstance(messages, list) else [messages]:
            lines.append(f"{status} {name}: {message}")
    return tuple(lines) or (f"{status} {answer.get('message', '')}".strip(),)


# People --------------------------------------------------------------------------------------


def _make_people(data: QualitySet) -> dict[tuple[str, str], str]:
    """Approved organisations, donors, NGO representatives and a staff member; a token each.

    Returns (poster kind, poster name) -> API token secret; the staff member is
    ("staff", STAFF)."""
    from web.api.auth import create_token
    from web.centres.services import default_centre
    from web.extensions import db
    from web.models import Organisation, User

    posters = sorted({(i.poster_kind, i.poster) for i in data.items} | {("staff", STAFF)})
    people = {}
    for number, (kind, name) in enumerate(posters, start=1):
        organisation = None
        if kind in ("company", "ngo"):
            organisation = Organisation(
                kind=kind, status="approved", name=name, email=f"org{number}@quality.example"
            )
        role = {"individual": "donor", "company": "donor"}.get(kind, kind)
        people[(kind, name)] = User(
            email=f"person{number}@quality.example",
            password_hash="!no-sign-in",
            full_name=name[:120],
            role=role,
            language="en",
            organisation=organisation,
            centre=default_centre() if role == "staff" else None,
        )
    db.session.add_all(people.values())
    db.session.commit()
    return {poster: create_token(user, "quality bench")[1] for poster, user in people.items()}


# Posting -------------------------------------------------------------------------------------


def _body(item: Item, category: str, place: str, run_day: date) -> dict[str, Any]:
    """The JSON a client sends for an item: only fields the public API has."""
    body: dict[str, Any] = {
        "kind": item.kind,
        "title": item.title,
        "description": item.description,
        "quantity": item.quantity,
        "unit": item.unit,
    }
    if category:
        body["category"] = category
    if place:
        body["place"] = place
    if item.extra.get("reach_km") is not None:
        body["reach_km"] = item.extra["reach_km"]
    if item.side == "offer":
        body["remote"] = item.extra["remote"]
        body["lot"] = item.extra["lot"]
        for name in ("available_from", "available_until"):
            day = item.day(name, run_day)
            if day is not None:
                body[name] = day.isoformat()
    else:
        body["urgency"] = item.extra["urgency"]
        body["needed_by"] = item.day("needed_by", run_day).isoformat()  # type: ignore[union-attr]
    return body


def _choose_category(client: _Client, item: Item, mode: str, known: set[str]) -> tuple[str, str]:
    """(category, where it came from), as a client would pick it."""
    if mode == "oracle":
        for category in item.expected_category:
            if category in known:
                return category, "oracle"
    if item.typed:
        found = client.first_category(item.typed, item.kind)
        if found:
            return found, "typed"
    found = client.first_category(item.title, item.kind)
    if found:
        return found, "title"
    found = client.suggested_category(f"{item.title}\n{item.description}", item.kind)
    if found:
        return found, "suggest"
    return "", "none"


def _post_item(
    client: _Client, item: Item, token: str, mode: str, known: set[str], run_day: date
) -> Posting:
    first_hit = client.first_category(item.query, item.kind)
    category, source = _choose_category(client, item, mode, known)
    place_hit = client.first_place(item.place)
    place = item.expected_place if mode == "oracle" else place_hit
    posting = Posting(item, first_hit, category, source, place_hit)
    with frozen_day(item.posted_day(run_day)):
        status, answer = client.post(item.side, _body(item, category, place, run_day), token)
    posting.status = status
    if status == 201:
        posting.post_id = int(answer["id"])
        posting.posted_category = str(answer.get("category", category))
    else:
        posting.errors = _error_lines(status, answer)
    return posting


# The run -------------------------------------------------------------------------------------


def _read_proposals(postings: dict[str, Posting]) -> dict[tuple[str, str], tuple[int, float]]:
    from sqlalchemy import select

    from web.extensions import db
    from web.matches.models import Match

    offers = {p.post_id: i for i, p in postings.items() if p.posted and p.item.side == "offer"}
    needs = {p.post_id: i for i, p in postings.items() if p.posted and p.item.side == "need"}
    rows = db.session.execute(
        select(Match.offer_id, Match.need_id, Match.quantity, Match.score).where(
            Match.status == "proposed"
        )
    ).all()
    return {(offers[o], needs[n]): (q, s) for o, n, q, s in rows if o in offers and n in needs}


def _read_candidates(postings: dict[str, Posting], day: date) -> dict[tuple[str, str], float]:
    """Every candidate pair the engine scored over the open items (before allocation)."""
    from sqlalchemy import select

    from web.extensions import db
    from web.matches import bridge
    from web.posts.models import ACTIVE_STATUSES, Need, Offer

    offers = [
        bridge.engine_offer(o)
        for o in db.session.scalars(
            select(Offer).where(Offer.status.in_(ACTIVE_STATUSES)).order_by(Offer.id)
        )
    ]
    needs = [
        bridge.engine_need(n)
        for n in db.session.scalars(
            select(Need).where(Need.status.in_(ACTIVE_STATUSES)).order_by(Need.id)
        )
    ]
    result = bridge.run(offers, needs, day)
    by_post = {(p.item.side, str(p.post_id)): i for i, p in postings.items() if p.posted}
    return {
        (by_post[("offer", c.offer_id)], by_post[("need", c.need_id)]): c.score
        for c in result.candidates
        if ("offer", c.offer_id) in by_post and ("need", c.need_id) in by_post
    }


def evaluate(
    app: Any, data: QualitySet | None = None, day: date = RUN_DAY, mode: str = "search"
) -> Report:
    """Post the set through `app`'s API (its database must be empty), re-optimise, measure."""
    from sqlalchemy import select

    from web.extensions import db
    from web.matches.services import run_matching
    from web.models import User

    with app.app_context():
        taxonomy = app.extensions["komvos.taxonomy"]
        places = app.extensions["komvos.places"]
        if data is None:
            data = load_quality_set(
                DATA_FILE, set(taxonomy.categories), set(places.places), set(taxonomy.units)
            )
        known = set(taxonomy.categories)
        tokens = _make_people(data)
    client = _Client(app)
    order = sorted(data.items, key=lambda i: (i.posted_day(day), i.side != "offer", i.id))
    postings = {
        i.id: _post_item(client, i, tokens[(i.poster_kind, i.poster)], mode, known, day)
        for i in order
    }
    with frozen_day(day), app.app_context():
        staff = db.session.scalar(select(User).where(User.role == "staff"))
        run_matching("full", staff)
        db.session.expire_all()
        proposals = _read_proposals(postings)
        try:
            candidates: dict[tuple[str, str], float] | None = _read_candidates(postings, day)
        except Exception as error:  # the engine's internals may change; the bench still reports
            print(f"candidates unavailable: {error!r}", file=sys.stderr)
            candidates = None
    paths = {c.id: c.path for c in taxonomy.categories.values()}
    return Report(
        data,
        mode,
        day,
        dict(sorted(postings.items())),
        proposals,
        candidates,
        client.features(),
        paths,
    )


@contextmanager
def temporary_app() -> Iterator[Any]:
    """An app on a fresh SQLite file in a temporary folder (tmpfs where there is one)."""
    from web import create_app
    from web.extensions import db

    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as folder:
        app = create_app(
            {
                "env": "testing",
                "secret_key": "quality-bench-secret-key-long-enough-for-testing",
                "database_url": f"sqlite:///{folder}/quality.sqlite3",
                "csrf": False,
                # One client posts hundreds of items at once: the API's limits are not
                # what this measures.
                "ratelimit_api_account": "100000 per minute",
                "ratelimit_api_address": "100000 per minute",
            }
        )
        with app.app_context():
            db.create_all()
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def main() -> None:
    """Run the evaluation and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("search", "oracle"), default="search")
    parser.add_argument("--data", default=str(DATA_FILE))
    parser.add_argument("--day", default=RUN_DAY.isoformat())
    parser.add_argument(
        "--json", metavar="FILE", help="also write the figures and every pair's outcome as JSON"
    )
    args = parser.parse_args()
    with temporary_app() as app:
        with app.app_context():
            taxonomy = app.extensions["komvos.taxonomy"]
            data = load_quality_set(
                args.data,
                set(taxonomy.categories),
                set(app.extensions["komvos.places"].places),
                set(taxonomy.units),
            )
        report = evaluate(app, data, date.fromisoformat(args.day), args.mode)
    print(report.text())
    if args.json:
        Path(args.json).write_text(json.dumps(report.figures(), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
