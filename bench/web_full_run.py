"""The web's full run at scale (not a test): seed PostgreSQL with N open offers and N open
needs (the engine bench's instances, real taxonomy and places), then time `run_matching`
phase by phase: load rows, build the engine's values, the engine, write and supersede.

    createdb -h 127.0.0.1 -U postgres komvos_h2
    .venv/bin/python bench/web_full_run.py \\
        postgresql+psycopg://postgres@127.0.0.1:5432/komvos_h2 --size 100000 --wipe

`--wipe` drops and rebuilds the database's public schema: never point it at data you keep.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
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
from web.clock import today  # noqa: E402
from web.extensions import db  # noqa: E402
from web.matches import bridge, services  # noqa: E402
from web.models import Organisation, User  # noqa: E402
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
    db.session.execute(insert(Offer), offer_rows)
    db.session.execute(insert(Need), need_rows)
    for table in ("organisation", "user", "offer", "need"):  # ids were given: move sequences
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"(SELECT max(id) FROM \"{table}\"))"))
    db.session.commit()
    return time.perf_counter() - started


def _timed(phases: dict[str, float], name: str, call: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - started
    return wrapper


def full_run() -> dict[str, float]:
    """`run_matching` as the CLI runs it, with the time of each phase."""
    phases: dict[str, float] = {}
    engine_offer, engine_need = bridge.engine_offer, bridge.engine_need
    run, record, commit = bridge.run, services._insert_proposals, db.session.commit
    bridge.engine_offer = _timed(phases, "build values", engine_offer)  # type: ignore[assignment]
    bridge.engine_need = _timed(phases, "build values", engine_need)  # type: ignore[assignment]
    bridge.run = _timed(phases, "engine", run)  # type: ignore[assignment]
    services._insert_proposals = _timed(phases, "write proposals", record)  # type: ignore
    db.session.commit = _timed(phases, "commit", commit)  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        match_run = services.run_matching()
        phases["total"] = time.perf_counter() - started
    finally:
        bridge.engine_offer, bridge.engine_need = engine_offer, engine_need  # type: ignore
        bridge.run, services._insert_proposals = run, record  # type: ignore[assignment]
        db.session.commit = commit  # type: ignore[method-assign]
    named = sum(v for k, v in phases.items() if k != "total")
    phases["load rows, supersede and the rest"] = phases["total"] - named
    phases["proposals"] = float(match_run.proposals)
    phases["superseded"] = float(match_run.superseded)
    return phases


def main() -> None:
    """Seed (with --wipe), then run twice: into an empty ledger, then over its own proposals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--wipe", action="store_true", help="drop and rebuild the schema")
    parser.add_argument("--clear-matches", action="store_true",
                        help="delete every match and run first (re-run over a seeded base)")
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
        report["first run"] = full_run()
        report["second run"] = full_run()
        report["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
