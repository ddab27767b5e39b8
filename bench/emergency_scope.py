"""What emergencies cost the bridge: turning open needs into the engine's values with and
without emergencies in force (the scope is checked for every need of a full run).

    .venv/bin/python bench/emergency_scope.py [--needs 5000] [--rounds 5]

The peer, measured in the same run, is the same conversion with no emergency declared.
Prints the median per round and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import current_app  # noqa: E402
from sqlalchemy import select  # noqa: E402

from web import create_app  # noqa: E402
from web.centres.services import default_centre  # noqa: E402
from web.clock import today  # noqa: E402
from web.emergencies.models import Emergency  # noqa: E402
from web.extensions import db  # noqa: E402
from web.matches import bridge  # noqa: E402
from web.models import Organisation, User  # noqa: E402
from web.posts.models import Need  # noqa: E402

PLACES = ("piraeus", "kypseli", "athens", "kallithea", "peristeri")
CATEGORIES = ("blankets", "legal_advice", "baby_formula", "shoes", "greek_lessons")


def seed(count: int) -> None:
    """`count` open needs over a few places and categories, written in one go."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    organisation = Organisation(kind="ngo", status="approved", name="NGO")
    poster = User(email="ngo@bench.example", password_hash="x", full_name="NGO", role="ngo",
                  organisation=organisation)
    db.session.add_all([organisation, poster])
    db.session.flush()
    for i in range(count):
        category = taxonomy[CATEGORIES[i % len(CATEGORIES)]]
        db.session.add(Need(organisation_id=organisation.id, poster_id=poster.id,
                            centre_id=default_centre().id,
                            kind=category.kind, category_id=category.id, title=f"Need {i}",
                            quantity=10, unit=category.unit, place_id=PLACES[i % len(PLACES)],
                            needed_by=today() + timedelta(days=30)))
    db.session.commit()


def convert() -> float:
    """Seconds to turn every open need into the engine's Need (one transaction)."""
    needs = list(db.session.scalars(select(Need)))
    started = time.perf_counter()
    engine_needs = [bridge.engine_need(n) for n in needs]
    elapsed = time.perf_counter() - started
    db.session.commit()  # a new transaction: the active emergencies are read again
    assert len(engine_needs) == len(needs)
    return elapsed


def main() -> None:
    """Median of each, and their ratio."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--needs", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    app = create_app({"env": "testing", "database_url": f"sqlite:///{folder}/bench.sqlite3"})
    with app.app_context():
        db.create_all()
        seed(args.needs)
        without = []
        with_three = []
        staff = User(email="staff@bench.example", password_hash="x", full_name="S",
                     role="staff", centre=default_centre())
        db.session.add(staff)
        db.session.commit()
        for _ in range(args.rounds):
            db.session.execute(Emergency.__table__.delete())
            db.session.commit()
            without.append(convert())
            for n, area in enumerate(("piraeus", "athens", "")):
                db.session.add(Emergency(
                    title_el=f"Ε{n}", title_en=f"E{n}", message_el="μ", message_en="m",
                    sectors=["basic_goods"], categories=["legal_advice"],
                    areas=[area] if area else [], starts_on=today(),
                    ends_on=today() + timedelta(days=3), declared_by_id=staff.id))
            db.session.commit()
            with_three.append(convert())
        a, b = statistics.median(without), statistics.median(with_three)
        print(f"{args.needs} needs to engine values, median of {args.rounds}:")
        print(f"  no emergency          {a * 1000:8.1f} ms")
        print(f"  three in force        {b * 1000:8.1f} ms")
        print(f"  ratio                 {b / a:8.2f}")


if __name__ == "__main__":
    main()
