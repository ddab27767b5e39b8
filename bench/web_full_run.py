"""The web's full run at scale (not a test): seed PostgreSQL with N open offers and N open
needs (the engine bench's instances, real taxonomy and places) by COPY, then time
`run_matching` phase by phase, wall clock and CPU (`run_matching(phases=...)`): load rows,
build the engine's values, the engine, write proposals, commit; then post needs and offers
through the API against what is open (the first request of the process builds the open-book
index; the others read it), with the time spent proposing.

    createdb -h 127.0.0.1 -U postgres komvos_h2
    .venv/bin/python bench/web_full_run.py \\
        postgresql+psycopg://postgres@127.0.0.1:5432/komvos_h2 --size 100000 --wipe \\
        --runs 0 --posts 0
    .venv/bin/python bench/web_full_run.py URL --size 100000 --runs 3 --posts 20

Seed and measure in two processes, so that the peak memory printed is the runs' own.
`--wipe` drops and rebuilds the database's public schema: never point it at data you keep.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import engine as engine_bench  # noqa: E402
from flask import current_app  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from web import create_app  # noqa: E402
from web.api.auth import create_token  # noqa: E402
from web.clock import today  # noqa: E402
from web.extensions import db  # noqa: E402
from web.matches import services  # noqa: E402
from web.models import Organisation, User  # noqa: E402
from web.posts import posting as posting_module  # noqa: E402
from web.posts.models import Need, Offer  # noqa: E402

NGOS, COMPANIES = 75, 300


def _rows(size: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Offer and need rows from the engine bench's generator (several cities, see there)."""
    engine_bench.TODAY = today()  # the generator's dates around the web's today
    gen = engine_bench.Generator(7)
    offers, needs = gen.instance(size, lots=True)
    places = sorted(current_app.extensions["komvos.places"].places)
    offer_rows = [{
        "kind": o.kind, "category_id": o.category, "title": o.text[:120], "description": "",
        "quantity": o.quantity, "unit": o.unit, "lot": o.lot, "remote": o.remote,
        "place_id": places[k % len(places)], "latitude": o.lat, "longitude": o.lon,
        "reach_km": max(1, min(200, round(o.reach_km))), "status": "open",
        "available_from": o.available_from or today(), "available_until": o.available_until,
        "donor_id": NGOS + 1 + k % COMPANIES, "organisation_id": NGOS + 1 + k % COMPANIES,
    } for k, o in enumerate(offers)]
    need_rows = [{
        "kind": n.kind, "category_id": n.category, "title": n.text[:120], "description": "",
        "quantity": n.quantity, "unit": n.unit, "urgency": n.urgency,
        "place_id": places[k % len(places)], "latitude": n.lat, "longitude": n.lon,
        "reach_km": 0 if n.reach_km is None else max(1, min(200, round(n.reach_km))),
        "status": "open", "needed_by": n.needed_by or today().replace(year=today().year + 1),
        "organisation_id": 1 + k % NGOS, "poster_id": 1 + k % NGOS, "centre_id": 1,
    } for k, n in enumerate(needs)]
    return offer_rows, need_rows


def _copy(model: Any, rows: list[dict[str, Any]]) -> None:
    """COPY rows into the model's table, each column's Python default filled in as the ORM
    would (inserting 200k rows through executemany took most of the 305 s seeding)."""
    table = model.__table__
    columns = [c for c in table.columns if c.name in rows[0] or c.default is not None]
    filled = []
    for column in columns:
        default = column.default
        if column.name in rows[0] or default is None:
            filled.append(None)
        elif default.is_callable:
            filled.append(default.arg)
        else:
            filled.append(lambda _ctx, value=default.arg: value)
    connection = db.session.connection().connection.driver_connection
    names = ", ".join(f'"{c.name}"' for c in columns)
    with connection.cursor() as cursor, cursor.copy(
            f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            values = [row[c.name] if make is None else make(None)
                      for c, make in zip(columns, filled, strict=True)]
            copy.write_row([json.dumps(v) if isinstance(v, dict | list) else
                            getattr(v, "value", v) for v in values])


def seed(size: int) -> float:
    """Empty the schema, migrate, insert organisations, people, offers and needs in bulk."""
    started = time.perf_counter()
    db.session.execute(text("DROP SCHEMA public CASCADE"))
    db.session.execute(text("CREATE SCHEMA public"))
    db.session.commit()
    upgrade()
    organisations = [{"id": i, "kind": "ngo" if i <= NGOS else "company",
                      "name": f"Organisation {i}", "status": "approved"}
                     for i in range(1, NGOS + COMPANIES + 1)]
    people = [{"id": i, "email": f"person{i}@bench.example", "password_hash": "-",
               "full_name": f"Person {i}", "role": "ngo" if i <= NGOS else "donor",
               "organisation_id": i} for i in range(1, NGOS + COMPANIES + 1)]
    db.session.execute(insert(Organisation), organisations)
    db.session.execute(insert(User), people)
    offer_rows, need_rows = _rows(size)
    _copy(Offer, [{"id": k, **row} for k, row in enumerate(offer_rows, 1)])
    _copy(Need, [{"id": k, **row} for k, row in enumerate(need_rows, 1)])
    for table in ("organisation", "user", "offer", "need"):  # ids were given: move sequences
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"(SELECT max(id) FROM \"{table}\"))"))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return time.perf_counter() - started


def full_run() -> dict[str, float]:
    """`run_matching` as the CLI runs it, with the time of each phase (wall and CPU)."""
    phases: dict[str, float] = {}
    started, cpu = time.perf_counter(), time.process_time()
    match_run = services.run_matching(phases=phases)
    phases["total"] = time.perf_counter() - started
    phases["total, CPU"] = time.process_time() - cpu
    phases["proposals"] = float(match_run.proposals)
    phases["superseded"] = float(match_run.superseded)
    phases["objective"] = match_run.objective
    return {k: round(v, 3) for k, v in phases.items()}


def _quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": round(statistics.median(ordered), 2),
            "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
            "max": round(ordered[-1], 2)}


def posting(app: Any, count: int) -> dict[str, Any]:
    """Post `count` needs and `count` offers through the API (the whole request, in this
    process): ms per request, wall and CPU, and of that the proposing (`propose_for_new`).
    The first of each builds the process's open-book index; it is reported apart."""
    ngo, donor = db.session.get(User, 1), db.session.get(User, NGOS + 1)
    headers = {side: {"Authorization": f"Bearer {create_token(user, 'bench')[1]}"}
               for side, user in (("needs", ngo), ("offers", donor))}
    db.session.commit()
    inner: list[float] = []
    propose_for_new = posting_module.propose_for_new

    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return propose_for_new(*args, **kwargs)
        finally:
            inner.append((time.perf_counter() - began) * 1000)

    posting_module.propose_for_new = timed  # type: ignore[assignment]
    report: dict[str, Any] = {}
    client = app.test_client()
    places = sorted(current_app.extensions["komvos.places"].places)
    try:
        for side, body in (("needs", _need_body), ("offers", _offer_body)):
            wall, cpu = [], []
            inner.clear()
            for k in range(count + 1):
                began, began_cpu = time.perf_counter(), time.process_time()
                response = client.post(f"/api/v1/{side}", json=body(places[k % len(places)]),
                                       headers=headers[side])
                assert response.status_code == 201, response.get_data(as_text=True)
                wall.append((time.perf_counter() - began) * 1000)
                cpu.append((time.process_time() - began_cpu) * 1000)
            report[f"POST /api/v1/{side}"] = {
                "first (builds the index), ms": round(wall[0], 1),
                "whole request, ms": _quantiles(wall[1:]),
                "whole request, CPU ms": _quantiles(cpu[1:]),
                "of which proposing, ms": _quantiles(inner[1:]),
            }
    finally:
        posting_module.propose_for_new = propose_for_new  # type: ignore[assignment]
    return report


def _need_body(place: str) -> dict[str, Any]:
    return {"category": "blankets", "title": "Κουβέρτες για οικογένειες",
            "description": "Για 40 άτομα.", "quantity": 40, "unit": "pieces",
            "urgency": "high", "needed_by": (today() + timedelta(days=20)).isoformat(),
            "place": place}


def _offer_body(place: str) -> dict[str, Any]:
    return {"category": "blankets", "title": "Κουβέρτες μάλλινες", "quantity": 60,
            "description": "Καινούργιες.", "unit": "pieces", "place": place, "reach_km": 15}


def main() -> None:
    """Seed (with --wipe), then run twice: into an empty ledger, then over its own proposals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--wipe", action="store_true", help="drop and rebuild the schema")
    parser.add_argument("--clear-matches", action="store_true",
                        help="delete every match and run first (re-run over a seeded base)")
    parser.add_argument("--posts", type=int, default=20,
                        help="needs and offers to post through the API after the runs")
    parser.add_argument("--runs", type=int, default=2, help="full runs, one after another")
    args = parser.parse_args()
    app = create_app({"env": "testing", "secret_key": "bench-secret-key-long-enough-for-it",
                      "database_url": args.database_url, "csrf": False})
    with app.app_context():
        report: dict[str, Any] = {"size": args.size}
        if args.wipe:
            report["seed_s"] = seed(args.size)
        elif args.clear_matches:
            db.session.execute(text("DELETE FROM match"))
            db.session.execute(text("DELETE FROM match_run"))
            db.session.commit()
        report["load average before"] = os.getloadavg()
        for k in range(args.runs):
            report[f"run {k + 1}"] = full_run()
            report[f"peak_mb after run {k + 1}"] = round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        if args.posts:
            report["posting against what is open"] = posting(app, args.posts)
        report["load average after"] = os.getloadavg()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
