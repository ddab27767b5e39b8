"""Load benchmark of the web app: gunicorn (2 workers, production settings) on PostgreSQL with
the demo × 50, driven by `wrk` at fixed concurrency.

    .venv/bin/python bench/web_load.py                 # or: make bench-web
    .venv/bin/python bench/web_load.py --runs 1 --duration 5 --app-root /tmp/komvos-before

It EMPTIES the database named by `--database-url` (default komvos_bench) and seeds it: the
demo data, its posts copied 50 times over three copies of its organisations and people (~7,000
needs, ~5,600 offers, ~90 organisations, ~5,000 proposals), written in bulk. Then it measures,
round after round, a static file (this machine's ceiling), the open-needs API, the public needs
page, an NGO's needs over the API, the staff's review queue (signed in) and posting a need over
the API, and prints for each the median over the rounds of req/s, p50, p99, errors and the
ratio of its req/s to the static file's in the same round. `--app-root` serves another
checkout of the code (e.g. `git archive main | tar -x -C DIR`) against the same data.
Rate-limit counts go to Redis under a prefix of this run's own, the API limits opened wide.
A person's lists (the queue, an NGO's) are answered from the process's kept answers while
nothing is written, as in production; `--personal-answers-seconds 0` renders every request.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from anywhere

from bench.loopback import free_port, wait_for  # noqa: E402

BIN = Path(sys.executable).parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/komvos_bench"
WRK = "/usr/bin/wrk"

SEED = r"""
import json, sys
from datetime import timedelta
from flask_migrate import upgrade
from sqlalchemy import func, insert, select, text
from web import create_app
from web.api.auth import create_token
from web.demo import DEMO_PASSWORD, seed_demo
from web.extensions import db
from web.matches.models import Match
from web.models import Organisation, User
from web.posts.models import Need, Offer

COPIES, PEOPLE_COPIES, STRIDE = int(sys.argv[1]), 3, 100_000
app = create_app()
with app.app_context():
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade()
    seed_demo()

    def rows(model):
        return [dict(r) for r in db.session.execute(select(model.__table__)).mappings()]

    organisations, people = rows(Organisation), rows(User)
    offers, needs, matches = rows(Offer), rows(Need), rows(Match)
    centre = {o["id"] for o in organisations if o["kind"] == "centre"}
    staff = {u["id"] for u in people if u["role"] in ("staff", "admin")}

    def org(old, k):
        return old if old is None or old in centre else old + (k % PEOPLE_COPIES) * STRIDE

    def person(old, k):
        return old if old in staff else old + (k % PEOPLE_COPIES) * STRIDE

    # The organisations and people, twice more (their posts are spread over the three).
    for k in range(1, PEOPLE_COPIES):
        db.session.execute(insert(Organisation), [
            {**o, "id": o["id"] + k * STRIDE, "name": f"{o['name']} ({k + 1})",
             "decided_by_id": None}
            for o in organisations if o["id"] not in centre])
        db.session.execute(insert(User), [
            {**u, "id": u["id"] + k * STRIDE, "email": f"{k}.{u['email']}",
             "session_token": f"{u['session_token'][:56]}-{k}",
             "organisation_id": org(u["organisation_id"], k)}
            for u in people if u["id"] not in staff])
    for k in range(1, COPIES):
        db.session.execute(insert(Offer), [
            {**o, "id": o["id"] + k * STRIDE, "donor_id": person(o["donor_id"], k),
             "organisation_id": org(o["organisation_id"], k), "chosen_need_id": None}
            for o in offers])
        db.session.execute(insert(Need), [
            {**n, "id": n["id"] + k * STRIDE, "poster_id": person(n["poster_id"], k),
             "organisation_id": org(n["organisation_id"], k)} for n in needs])
        db.session.execute(insert(Match), [
            {**m, "id": m["id"] + k * STRIDE, "offer_id": m["offer_id"] + k * STRIDE,
             "need_id": m["need_id"] + k * STRIDE, "run_id": None,
             "decided_by_id": None, "assigned_to_id": None}
            for m in matches])
    for table in ("organisation", "user", "offer", "need", "match"):
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"(SELECT max(id) FROM \"{table}\"))"))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    ngo = db.session.scalar(select(User).where(User.role == "ngo").order_by(User.id))
    staff_user = db.session.scalar(select(User).where(User.role == "staff").order_by(User.id))
    counts = {
        "organisations": db.session.scalar(select(func.count()).select_from(Organisation)),
        "open needs": db.session.scalar(select(func.count()).where(Need.status == "open")),
        "offers": db.session.scalar(select(func.count()).select_from(Offer)),
        "proposals": db.session.scalar(
            select(func.count()).where(Match.status == "proposed")),
        "the NGO's needs": db.session.scalar(
            select(func.count()).where(Need.organisation_id == ngo.organisation_id)),
    }
    print(json.dumps({"ngo_token": create_token(ngo, "bench")[1], "staff": staff_user.email,
                      "password": DEMO_PASSWORD, "counts": counts}))
"""

# A Lua script per target: headers, method and body, and a JSON line of figures at the end.
LUA = """
wrk.method = "{method}"
{headers}
{body}
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '\\nRESULT {{"requests": %d, "seconds": %f, "p50_ms": %f, "p99_ms": %f, '
    .. '"errors": %d, "non_2xx_3xx": %d}}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
"""


def _cookies(response: Any) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


AGENT = {"User-Agent": "komvos-bench"}  # a session is bound to its browser (and address)


def sign_in(base: str, email: str, password: str) -> str:
    """Sign in through the form (as a browser would); the Cookie header of the session."""
    page = urllib.request.urlopen(urllib.request.Request(f"{base}/login", headers=AGENT))
    cookies = _cookies(page)
    html = page.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert token, "no CSRF token on the sign-in page"
    form = urllib.parse.urlencode(
        {"email": email, "password": password, "csrf_token": token.group(1)}
    ).encode()
    request = urllib.request.Request(
        f"{base}/login",
        data=form,
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), **AGENT},
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        response = opener.open(request)
    except urllib.error.HTTPError as error:  # the 302 after signing in
        response = error
    cookies.update(_cookies(response))
    assert response.status == 302, f"sign-in answered {response.status}"
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def static_path(base: str) -> str:
    """The stylesheet as the pages link it (with its content hash, where the code has one)."""
    html = urllib.request.urlopen(f"{base}/needs").read().decode()
    found = re.search(r'href="(/static/komvos\.css[^"]*)"', html)
    return found.group(1).replace("&amp;", "&") if found else "/static/komvos.css"


def need_body() -> str:
    """A need as an NGO's stock system would post it."""
    from datetime import date, timedelta

    return json.dumps(
        {
            "category": "blankets",
            "title": "Κουβέρτες για οικογένειες που έφτασαν",
            "description": "Για 40 άτομα, αυτή την εβδομάδα.",
            "quantity": 40,
            "unit": "pieces",
            "urgency": "high",
            "needed_by": (date.today() + timedelta(days=20)).isoformat(),
            "place": "kypseli",
        },
        ensure_ascii=False,
    )


def targets(token: str, cookie: str, static: str) -> list[dict[str, Any]]:
    """What each round measures, in order; posting last, as it adds rows."""
    bearer = {"Authorization": f"Bearer {token}"}
    return [
        {"name": "static file", "path": static},
        {"name": "GET /api/v1/open-needs", "path": "/api/v1/open-needs"},
        {"name": "GET /needs (page)", "path": "/needs"},
        {"name": "GET /api/v1/needs (NGO)", "path": "/api/v1/needs", "headers": bearer},
        {"name": "GET /staff/matches (queue)", "path": "/staff/matches",
         "headers": {"Cookie": cookie}},
        {"name": "POST /api/v1/needs", "path": "/api/v1/needs", "method": "POST",
         "headers": {**bearer, "Content-Type": "application/json"}, "body": need_body()},
    ]


def lua(target: dict[str, Any]) -> str:
    """The wrk script of a target."""
    headers = "\n".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}"
        for k, v in {**AGENT, **target.get("headers", {})}.items()
    )
    body = f"wrk.body = [==[{target['body']}]==]" if "body" in target else ""
    return LUA.format(method=target.get("method", "GET"), headers=headers, body=body)


def check(base: str, target: dict[str, Any]) -> None:
    """One request of a target, which must succeed (else the figures would be of errors)."""
    request = urllib.request.Request(
        base + target["path"], method=target.get("method", "GET"),
        headers={**AGENT, **target.get("headers", {})},
        data=target.get("body", "").encode() or None)
    try:
        response = urllib.request.build_opener(_NoRedirect).open(request)
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{target['name']}: {error.code} {error.read()[:300]!r}") from error
    if response.status not in (200, 201):
        raise RuntimeError(f"{target['name']}: {response.status}")


def measure(base: str, target: dict[str, Any], seconds: int, connections: int,
            folder: Path) -> dict[str, float]:
    """One wrk run of a target: req/s, p50, p99 and errors (any answer but 2xx/3xx counts)."""
    script = folder / "target.lua"
    script.write_text(lua(target), encoding="utf-8")
    done = subprocess.run(
        [WRK, "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "5s",
         "-s", str(script), base + target["path"]],
        capture_output=True, text=True, check=True,
    )
    found = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if not found:
        raise RuntimeError(f"wrk said: {done.stdout}{done.stderr}")
    line = found[0]
    figures = json.loads(line.removeprefix("RESULT "))
    return {
        "rps": figures["requests"] / figures["seconds"],
        "p50": figures["p50_ms"],
        "p99": figures["p99_ms"],
        "errors": figures["errors"] + figures["non_2xx_3xx"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_URL))
    parser.add_argument("--copies", type=int, default=50, help="copies of the demo's posts")
    parser.add_argument("--runs", type=int, default=3, help="rounds (medians are quoted)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per target")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--app-root", default=str(ROOT), help="the checkout gunicorn serves")
    parser.add_argument("--no-seed", action="store_true", help="reuse the seeded database")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--personal-answers-seconds", type=float,
                        help="how long a person's lists are kept (0: rendered every time); "
                        "default: the setting's")
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        sys.exit("--database-url must name a PostgreSQL database this run may empty")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "KOMVOS_ENV": "production",
        "KOMVOS_SECRET_KEY": uuid.uuid4().hex * 2,
        "KOMVOS_DATABASE_URL": args.database_url,
        "KOMVOS_BASE_URL": base,
        "KOMVOS_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
        "KOMVOS_RATELIMIT_KEY_PREFIX": f"komvos-bench-{uuid.uuid4().hex}",
        "KOMVOS_RATELIMIT_API_ACCOUNT": "10000000 per minute",
        "KOMVOS_RATELIMIT_API_ADDRESS": "10000000 per minute",
        "PYTHONPATH": args.app_root,
    }
    if args.personal_answers_seconds is not None:
        env["KOMVOS_PERSONAL_ANSWERS_SECONDS"] = str(args.personal_answers_seconds)
    started = time.monotonic()
    seeded = subprocess.run(
        [sys.executable, "-c", SEED, str(args.copies)],
        env={**env, "PYTHONPATH": str(ROOT)}, cwd=ROOT, check=True, capture_output=True,
        text=True,
    ).stdout
    seed = json.loads(seeded.strip().splitlines()[-1])
    print(f"seeded in {time.monotonic() - started:.0f} s: {seed['counts']}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "web:create_app()"],
        env=env, cwd=args.app_root,
    )
    rounds: list[dict[str, dict[str, float]]] = []
    try:
        wait_for(f"{base}/api/v1/health")
        cookie = sign_in(base, seed["staff"], seed["password"])
        plan = targets(seed["ngo_token"], cookie, static_path(base))
        with tempfile.TemporaryDirectory() as folder:
            for target in plan:  # warm both workers' caches and connections
                check(base, target)
                measure(base, target, 1, args.connections, Path(folder))
            for run in range(args.runs):
                found = {t["name"]: measure(base, t, args.duration, args.connections,
                                            Path(folder)) for t in plan}
                rounds.append(found)
                ceiling = found["static file"]["rps"]
                print(f"round {run + 1}: " + ", ".join(
                    f"{name} {f['rps']:.0f}/s ({f['rps'] / ceiling:.2f})"
                    for name, f in found.items()), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(rounds, args)
    return 0


def report(rounds: list[dict[str, dict[str, float]]], args: argparse.Namespace) -> None:
    """The medians over the rounds, one line per target."""
    load = os.getloadavg()[0]
    kept = "(as set)" if args.personal_answers_seconds is None else args.personal_answers_seconds
    print(f"\n{args.connections} connections, {args.duration} s per target, median of "
          f"{len(rounds)} rounds, load average {load:.1f}, code at {args.app_root}, "
          f"personal answers kept {kept} s")
    print(f"{'target':30} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'/static':>8}")
    medians = {}
    for name in rounds[0]:
        figures = {key: statistics.median(r[name][key] for r in rounds)
                   for key in ("rps", "p50", "p99", "errors")}
        figures["ratio"] = statistics.median(
            r[name]["rps"] / r["static file"]["rps"] for r in rounds)
        medians[name] = figures
        print(f"{name:30} {figures['rps']:8.0f} {figures['p50']:8.1f} {figures['p99']:8.1f} "
              f"{figures['errors']:7.0f} {figures['ratio']:8.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"load": load, "medians": medians,
                                               "rounds": rounds}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
