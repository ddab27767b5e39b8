"""How long a run of alerts takes: N open needs against M saved interests on SQLite.

    .venv/bin/python bench/interests.py [--needs 2000] [--interests 1000] [--rounds 3]

Each round empties the sent log and writes one alert per follower (the outbox rows
included), so every round does the whole work. The peer, timed in the same run on the same
rows, is the per-pair check `fits(interest, need)`, which reads a need's place and category
afresh for every pair: what the run would cost without reading each need and interest once.
Prints medians in seconds and the ratio.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import delete  # noqa: E402

from web import create_app  # noqa: E402
from web.centres.services import default_centre  # noqa: E402
from web.clock import today  # noqa: E402
from web.extensions import db  # noqa: E402
from web.interests import alerts  # noqa: E402
from web.interests.models import Interest, InterestSent  # noqa: E402
from web.models import Organisation, User, utcnow  # noqa: E402
from web.notifications.models import Notification  # noqa: E402
from web.posts.models import Need  # noqa: E402


def seed(needs: int, interests: int, rng: random.Random) -> None:
    """Needs of random goods categories and places; donors following a few of each."""
    from flask import current_app

    categories = [c.id for c in current_app.extensions["komvos.taxonomy"].categories.values()
                  if c.kind == "goods"]
    places = list(current_app.extensions["komvos.places"].places)
    ngo = Organisation(kind="ngo", status="approved", name="NGO")
    poster = User(email="ngo@bench.example", password_hash="x", full_name="NGO", role="ngo",
                  organisation=ngo)
    db.session.add_all([ngo, poster])
    centre = default_centre()
    for n in range(needs):
        db.session.add(Need(
            organisation=ngo, poster=poster, centre=centre, kind="goods",
            category_id=rng.choice(categories),
            title=f"Need {n}", quantity=10, unit="pieces", place_id=rng.choice(places),
            urgency=rng.choice(("low", "normal", "high", "emergency")),
            needed_by=today() + timedelta(days=30)))
    for m in range(interests):
        donor = User(email=f"d{m}@bench.example", password_hash="x", full_name=f"D {m}",
                     role="donor")
        db.session.add(donor)
        db.session.add(Interest(
            user=donor, language="el", confirmed_at=utcnow(), frequency="daily",
            categories=rng.sample(categories, 3), areas=rng.sample(places, 5),
            urgent_nearby=rng.random() < 0.3))
    db.session.commit()


def reset() -> None:
    db.session.execute(delete(InterestSent))
    db.session.execute(delete(Notification))
    db.session.execute(Interest.__table__.update().values(last_sent_at=None))
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--needs", type=int, default=2000)
    parser.add_argument("--interests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(dir="/dev/shm" if Path("/dev/shm").is_dir() else None)
    app = create_app({"env": "testing", "database_url": f"sqlite:///{folder}/bench.sqlite3",
                      "secret_key": "bench-secret-key-long-enough-for-benching"})
    with app.test_request_context():
        db.create_all()
        seed(args.needs, args.interests, random.Random(7))
        needs = alerts.open_needs()
        follows = list(db.session.scalars(db.select(Interest)))
        runs, peers, messages = [], [], 0
        for _ in range(args.rounds):
            reset()
            start = time.perf_counter()
            messages = alerts.send_alerts("daily")
            runs.append(time.perf_counter() - start)
            start = time.perf_counter()
            pairs = sum(alerts.fits(i, n) for i in follows for n in needs)
            peers.append(time.perf_counter() - start)
    run, peer = statistics.median(runs), statistics.median(peers)
    print(f"{args.needs} needs x {args.interests} interests: {messages} messages, "
          f"{pairs} fitting pairs")
    print(f"send_alerts (whole run, outbox rows written): median {run:.2f} s")
    print(f"peer, fits() per pair (no writing): median {peer:.2f} s; run / peer = {run / peer:.2f}")


if __name__ == "__main__":
    main()
