"""What a signed-in staff page costs in one process (no server, no load generator beside it):
the CPU time of this process and of its PostgreSQL backend per request, the statements and
the bytes, against a seeded database (e.g. the one `bench/web_load.py` seeds, whose staff
sign in with the demo password). On a shared, loaded machine these CPU times, not the wall
clock, are the comparable figures; `--profile` adds cProfile's Python calls per request.

    .venv/bin/python bench/queue_cost.py URL --requests 60
    .venv/bin/python bench/queue_cost.py URL --alternate /tmp/komvos-before --rounds 3

`--alternate DIR` runs the same in a fresh process of the code at DIR and of this checkout,
alternately, `--rounds` times each (the peer measured in the same minutes). The backend's CPU
is read from /proc (Linux, the server on this machine). Every request renders: the answers
kept for a person while nothing is written (`personal_answers_seconds`) are turned off here.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STAFF = "eleni.papadopoulou@komvos.example"


def _backend_ms(pids: set[int]) -> float:
    """The CPU time the backends `pids` have used so far, in ms (/proc/PID/schedstat)."""
    return sum(int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) for pid in pids) / 1e6


def measure(database_url: str, path: str, requests: int, profile: bool) -> dict[str, Any]:
    """GET `path` `requests` times (after five to warm up) signed in as the demo's staff."""
    # Imported here: the code measured is the one on PYTHONPATH (see `_child`).
    from sqlalchemy import event

    from web import create_app
    from web.demo import DEMO_PASSWORD
    from web.extensions import db

    app = create_app({"env": "testing", "secret_key": "bench-secret-key-long-enough-for-it",
                      "database_url": database_url, "ratelimit_storage_url": "memory://",
                      "personal_answers_seconds": 0})
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login)
    signed = client.post("/login", data={"email": STAFF, "password": DEMO_PASSWORD,
                                         "csrf_token": token.group(1) if token else ""})
    assert signed.status_code == 302, "sign-in failed"
    statements, pids = [0], set()

    def count(_conn: Any, cursor: Any, *_args: Any) -> None:
        statements[0] += 1
        pids.add(cursor.connection.info.backend_pid)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
    for _ in range(5):
        body = client.get(path).get_data()
    statements[0], cpu = 0, []
    backend = _backend_ms(pids)
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    for _ in range(requests):
        began = time.process_time()
        response = client.get(path)
        body = response.get_data()
        cpu.append((time.process_time() - began) * 1000)
    if profiler:
        profiler.disable()
    assert response.status_code == 200, response.status_code
    found = {
        "cpu_ms": round(statistics.median(cpu), 2),
        "backend_cpu_ms": round((_backend_ms(pids) - backend) / requests, 2),
        "statements": statements[0] / requests, "bytes": len(body),
    }
    if profiler:
        stats = pstats.Stats(profiler)
        found["calls"] = sum(s[1] for s in stats.stats.values()) // requests  # type: ignore[attr-defined]  # pstats' table
    return found


def _child(root: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, args.database_url, "--path", args.path,
               "--requests", str(args.requests), "--json"] + (["--profile"] if args.profile else [])
    out = subprocess.run(command, env={**os.environ, "PYTHONPATH": root}, cwd=root, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--path", default="/staff/matches")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--alternate", help="another checkout, measured alternately")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(args.database_url, args.path, args.requests, args.profile)))
        return 0
    roots = ([("before", args.alternate)] if args.alternate else []) + [("this", str(ROOT))]
    for _round in range(args.rounds if args.alternate else 1):
        for name, root in roots:
            print(f"{name:7} {json.dumps(_child(root, args))}", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
