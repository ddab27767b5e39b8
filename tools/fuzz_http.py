"""Schemathesis over HTTP against gunicorn (2 workers) and PostgreSQL: the long check of the
API against its OpenAPI document, under five identities (two NGOs, a donor, staff, nobody).

    KOMVOS_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/komvos_fuzz \\
        .venv/bin/python tools/fuzz_http.py --examples 1000

The database is emptied and migrated first: never point this at one that matters. Rate-limit
counts go to Redis (`KOMVOS_RATELIMIT_STORAGE_URL`, default redis://127.0.0.1:6379/0) under a
prefix of this run's own, with the API limits opened wide. Prints the cases and failures of
each identity; exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from anywhere

from bench.loopback import free_port, wait_for  # noqa: E402

BIN = Path(sys.executable).parent
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)


def prepare(env: dict[str, str]) -> dict[str, str]:
    """Empty and migrate the database, seed the identities; their Authorization headers."""
    script = """
import json
from flask_migrate import upgrade
from sqlalchemy import text
from tests.conftest import need_fields, offer_fields
from web import create_app
from web.centres.models import CentreMember
from web.centres.services import default_centre
from web.api.auth import create_token
from web.extensions import db
from web.models import Organisation, User
from web.passwords import hash_password
from web.posts.schemas import NeedInput, OfferInput, load_post
from web.posts.services import NEED, OFFER, post

app = create_app()
with app.app_context():
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade()
    password = hash_password("fuzz fuzz fuzz fuzz")
    people = {}
    for name, role, kind in [
        ("ngo", "ngo", "ngo"), ("other_ngo", "ngo", "ngo"),
        ("donor", "donor", "company"), ("staff", "staff", None),
    ]:
        organisation = None
        if kind:
            organisation = Organisation(kind=kind, status="approved", name=f"Fuzz {name}",
                                        email=f"{name}@org.example", phone="+30 210 000 0000")
            db.session.add(organisation)
            # organisations register with a centre, and staff belong to one
            db.session.add(CentreMember(centre=default_centre(), organisation=organisation))
        people[name] = User(email=f"{name}@fuzz.example", password_hash=password,
                            full_name=f"Fuzz {name}", role=role, language="en",
                            organisation=organisation,
                            centre=default_centre() if role == "staff" else None)
        db.session.add(people[name])
    db.session.commit()
    post(NEED, people["ngo"], load_post(NeedInput(), need_fields(quantity=30)))
    post(NEED, people["other_ngo"],
         load_post(NeedInput(), need_fields(quantity=20, urgency="normal")))
    post(OFFER, people["donor"], load_post(OfferInput(), offer_fields(quantity=40)))
    print(json.dumps({n: "Bearer " + create_token(u, "fuzz")[1] for n, u in people.items()}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {**json.loads(out.strip().splitlines()[-1]), "anonymous": ""}


def fuzz(url: str, header: str, examples: int, report: Path) -> tuple[int, int, str]:
    """One schemathesis run; its cases, failures and summary line."""
    command = [
        str(BIN / "st"),
        "run",
        url,
        "--checks",
        CHECKS,
        "--mode",
        "positive",
        "--max-examples",
        str(examples),
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        "--suppress-health-check",
        "all",
        "--continue-on-failure",
    ]
    if header:
        command += ["--header", f"Authorization: {header}"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    cases = failures = 0
    for line in report.read_text().splitlines():
        event = json.loads(line)
        for name, payload in event.items():
            if name == "ScenarioFinished":
                recorder = payload.get("recorder", {})
                cases += len(recorder.get("cases", {}))
                failures += sum(
                    1
                    for checks in recorder.get("checks", {}).values()
                    for check in checks
                    if check.get("status") == "FAILURE"
                )
    summary = [line for line in done.stdout.splitlines() if re.search(r"passed|failed", line)]
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stdout[-3000:] + done.stderr[-3000:])
    return cases, failures, (summary[-1] if summary else done.stdout[-500:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="per operation and identity")
    args = parser.parse_args()
    if not os.environ.get("KOMVOS_DATABASE_URL", "").startswith("postgresql"):
        sys.exit("set KOMVOS_DATABASE_URL to a PostgreSQL database this run may empty")
    env = {
        **os.environ,
        "KOMVOS_SECRET_KEY": os.environ.get("KOMVOS_SECRET_KEY", uuid.uuid4().hex * 2),
        "KOMVOS_RATELIMIT_STORAGE_URL": os.environ.get(
            "KOMVOS_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/0"
        ),
        "KOMVOS_RATELIMIT_KEY_PREFIX": f"komvos-fuzz-{uuid.uuid4().hex}",
        "KOMVOS_RATELIMIT_API_ACCOUNT": "1000000 per minute",
        "KOMVOS_RATELIMIT_API_ADDRESS": "1000000 per minute",
        "PYTHONPATH": str(ROOT),
    }
    identities = prepare(env)
    # Stopped from outside (a timeout, Ctrl-C): still stop gunicorn in `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "web:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    total_cases = total_failures = 0
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/health")
        with tempfile.TemporaryDirectory() as folder:
            for name, header in identities.items():
                started = time.monotonic()
                report = Path(folder) / f"{name}.ndjson"
                cases, failures, summary = fuzz(
                    f"http://127.0.0.1:{port}/api/v1/openapi.json", header, args.examples, report
                )
                total_cases += cases
                total_failures += failures
                elapsed = time.monotonic() - started
                print(f"{name}: {cases} cases, {failures} failures, {elapsed:.0f} s ({summary})")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"total: {total_cases} cases, {total_failures} failures")
    return 1 if total_failures else 0


if __name__ == "__main__":
    sys.exit(main())
