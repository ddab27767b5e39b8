"""What the staff wait for when they press "re-optimise" (not a test): before, the request ran
the full run itself; now it queues a request and a run worker makes it. Over the demo data
(or a database you give), alternating in one run, medians of `--rounds`:

- inline: `run_matching` as the old button ran it inside the request;
- queued: `POST /staff/matches/run` as it is now (the page answers; the run waits for a worker);
- to done: the same POST, then a worker taking and running the request (what staff see
  appear on the runs page, less the worker's poll interval).

    .venv/bin/python bench/run_queue.py                      # a temporary SQLite file
    .venv/bin/python bench/run_queue.py postgresql+psycopg://postgres@127.0.0.1:5432/komvos_x --wipe

`--wipe` drops and rebuilds the database's public schema: never point it at data you keep.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from web import create_app  # noqa: E402
from web.auth.services import create_staff  # noqa: E402
from web.demo import seed_demo  # noqa: E402
from web.extensions import db  # noqa: E402
from web.matches.full_run import run_matching  # noqa: E402
from web.matches.run_worker import work_once  # noqa: E402
from web.statuses import RunTrigger  # noqa: E402

PASSWORD = "bench-password-2026-long"


def main() -> None:
    """Seed, then time the three ways in turn and print the medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", nargs="?", default="")
    parser.add_argument("--wipe", action="store_true")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"env": "testing", "database_url": url, "csrf": False,
                      "ratelimit_storage_url": "memory://"})
    timings: dict[str, list[float]] = {"inline": [], "queued": [], "to done": []}
    with app.app_context():
        if args.wipe and url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        summary = seed_demo()
        staff = create_staff("bench@centre.example", "Bench", PASSWORD)
        client = app.test_client()
        client.post("/login", data={"email": staff.email, "password": PASSWORD})
        for _ in range(args.rounds):
            started = time.perf_counter()
            run_matching(RunTrigger.FULL, staff)
            timings["inline"].append(time.perf_counter() - started)
            started = time.perf_counter()
            assert client.post("/staff/matches/run").status_code == 302
            timings["queued"].append(time.perf_counter() - started)
            assert work_once() is not None
            started = time.perf_counter()
            client.post("/staff/matches/run")
            assert work_once() is not None
            timings["to done"].append(time.perf_counter() - started)
        db.session.remove()
        db.engine.dispose()
    print(f"{url.split(':')[0].split('+')[0]}, demo data ({summary}), {args.rounds} rounds")
    inline = statistics.median(timings["inline"])
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"  {name:8} median {median * 1000:8.1f} ms   {median / inline:6.3f} x inline")


if __name__ == "__main__":
    main()
