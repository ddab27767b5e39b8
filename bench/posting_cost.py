"""What posting a need costs, in one process (no server, no load generator beside it): CPU
and wall time of the whole request through the API (`POST /api/v1/needs`, the engine's
proposals included) against a seeded PostgreSQL database, e.g. the one `bench/web_load.py`
seeds. On a shared, loaded machine the CPU time of the request is the comparable figure.

    .venv/bin/python bench/posting_cost.py URL --posts 30
    .venv/bin/python bench/posting_cost.py URL --alternate /tmp/komvos-before --rounds 3

`--alternate DIR` runs the same in a fresh process of the code at DIR and of this checkout,
alternately, `--rounds` times each, and prints both (the peer measured in the same minutes).
Every request adds a need to the database.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def measure(database_url: str, posts: int) -> dict[str, Any]:
    """Post `posts` needs (after one to warm up) as an NGO's representative; ms per request."""
    # Imported here: the code measured is the one on PYTHONPATH (see `_child`).
    from sqlalchemy import select

    from web import create_app
    from web.api.auth import create_token
    from web.clock import today
    from web.extensions import db
    from web.models import Organisation, User

    app = create_app({"env": "testing", "secret_key": "bench-secret-key-long-enough-for-it",
                      "database_url": database_url, "csrf": False})
    with app.app_context():
        poster = db.session.scalars(
            select(User).join(Organisation, User.organisation_id == Organisation.id)
            .where(User.role == "ngo", Organisation.status == "approved")
            .order_by(User.id).limit(1)).one()
        headers = {"Authorization": f"Bearer {create_token(poster, 'bench')[1]}"}
        db.session.commit()
        places = sorted(app.extensions["komvos.places"].places)
        client = app.test_client()
        wall, cpu = [], []
        for k in range(posts + 1):
            body = {"category": "blankets", "title": "Κουβέρτες για οικογένειες",
                    "description": "Για 40 άτομα.", "quantity": 40, "unit": "pieces",
                    "urgency": "high", "place": places[k * 7 % len(places)],
                    "needed_by": (today() + timedelta(days=20)).isoformat()}
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.post("/api/v1/needs", json=body, headers=headers)
            assert response.status_code == 201, response.get_data(as_text=True)
            wall.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
    return {"first ms": round(wall[0], 1),
            "wall ms median": round(statistics.median(wall[1:]), 1),
            "wall ms p95": round(sorted(wall[1:])[int(posts * 0.95) - 1], 1),
            "CPU ms median": round(statistics.median(cpu[1:]), 1),
            "CPU ms p95": round(sorted(cpu[1:])[int(posts * 0.95) - 1], 1),
            "load": round(os.getloadavg()[0], 1)}


def _child(root: str, url: str, posts: int) -> dict[str, Any]:
    """`measure` in a fresh process of the code at `root`."""
    done = subprocess.run(
        [sys.executable, __file__, url, "--posts", str(posts), "--json"],
        env={**os.environ, "PYTHONPATH": root}, cwd=root, check=True, capture_output=True,
        text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    """Measure here, or alternately here and at `--alternate`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--posts", type=int, default=30)
    parser.add_argument("--alternate", help="another checkout to measure alternately")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.alternate:  # the code on PYTHONPATH, else this checkout (installed editable)
        print(json.dumps(measure(args.database_url, args.posts)))
        return
    found: dict[str, list[dict[str, Any]]] = {args.alternate: [], str(ROOT): []}
    for _ in range(args.rounds):
        for root in found:
            found[root].append(_child(root, args.database_url, args.posts))
            print(root, found[root][-1], flush=True)
    for root, runs in found.items():
        print(root, {key: statistics.median(r[key] for r in runs)
                     for key in runs[0]})


if __name__ == "__main__":
    main()
