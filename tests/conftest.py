"""Fixtures shared by the web tests: an app on SQLite or PostgreSQL, clients, builders."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import text, update

from tests.helpers import PASSWORD, POSTGRES_URL
from tests.smtp import MailServer
from web import create_app, data_version
from web.api.auth import create_token
from web.centres.models import CentreMember
from web.centres.services import default_centre
from web.extensions import db, limiter
from web.models import Organisation, User
from web.passwords import hash_password
from web.posts.models import Need, Offer
from web.posts.schemas import NeedInput, OfferInput, load_post
from web.posts.services import NEED, OFFER, post

_PASSWORD_HASH: list[str] = []


def _password_hash() -> str:
    # Hashing costs ~30 ms; builders share one hash of PASSWORD.
    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(hash_password(PASSWORD))
    return _PASSWORD_HASH[0]


# Rate-limit counts live in the running Redis, under a prefix of this session's own, so that
# parallel runs never share counts; each test starts with none.
RATELIMIT_STORAGE_URL = os.environ.get("TEST_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/0")
RATELIMIT_KEY_PREFIX = f"komvos-test-{uuid.uuid4().hex}"


def settings_for_tests(database_url: str, **overrides: Any) -> dict[str, Any]:
    """Settings for an app under test."""
    engine_options: dict[str, Any] = {}
    if database_url.startswith("postgresql"):
        # The tests never test durability; not waiting for the WAL flush saves most of a commit.
        engine_options["connect_args"] = {"options": "-c synchronous_commit=off"}
    settings = {
        "env": "testing",
        "secret_key": "test-secret-key-that-is-long-enough-for-tests",
        "database_url": database_url,
        "csrf": False,
        "engine_options": engine_options,
        "ratelimit_storage_url": RATELIMIT_STORAGE_URL,
        "ratelimit_key_prefix": RATELIMIT_KEY_PREFIX,
    }
    settings.update(overrides)
    return settings


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """On PostgreSQL: a schema built once by the migrations, shared by every test."""
    if not POSTGRES_URL:
        yield ""
        return
    from flask_migrate import upgrade

    app = create_app(settings_for_tests(POSTGRES_URL))
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    yield POSTGRES_URL


def _empty_postgres(app: Flask) -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def database_url(postgres_schema: str, tmp_path_factory: Any) -> Iterator[str]:
    """PostgreSQL when TEST_DATABASE_URL is set, else a SQLite file; emptied before each test."""
    if postgres_schema:
        yield postgres_schema
        return
    # On tmpfs where there is one: a commit costs 0.1 ms there against ~4 ms on disk.
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path_factory.mktemp("db")
    yield f"sqlite:///{folder}/komvos-test.sqlite3"
    shutil.rmtree(folder, ignore_errors=True)


def _empty_sqlite() -> None:
    with db.engine.begin() as connection:
        # The organisation <-> user foreign keys form a cycle: cut it, then delete children first.
        connection.execute(text("UPDATE organisation SET decided_by_id = NULL"))
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def _empty_database(app: Flask) -> None:
    if POSTGRES_URL:
        _empty_postgres(app)
    else:
        _empty_sqlite()


@pytest.fixture(scope="session")
def shared_app(database_url: str) -> Iterator[Flask]:
    """The default test app, built once (building one costs ~0.3 s); its database is
    emptied before every test."""
    app = create_app(settings_for_tests(database_url))
    app.test_client_class = RequestIsolatingClient
    if not POSTGRES_URL:
        with app.app_context():
            db.create_all()
    yield app
    with app.app_context():
        limiter.reset()  # leave no counts behind in the shared Redis
        db.session.remove()
        db.engine.dispose()  # close pooled connections before the interpreter has to


class RequestIsolatingClient(FlaskClient):
    """A test client whose requests get their own app context, as they do in production.

    The test keeps an app context open to read the database; without this, requests would
    share its `g` (the signed-in user, the locale) and its database session.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        # Streamed responses (exports) are read inside the request's own context.
        kwargs.setdefault("buffered", True)
        token = _cv_app.set(None)  # type: ignore[arg-type]
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            if _cv_app.get(None) is not None:
                db.session.expire_all()  # what the request committed is read afresh


@pytest.fixture
def make_app(database_url: str, shared_app: Flask) -> Iterator[Callable[..., Flask]]:
    """Apps with extra settings (the shared one without); each starts with an empty database."""
    built: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        if overrides:
            app = create_app(settings_for_tests(database_url, **overrides))
            app.test_client_class = RequestIsolatingClient
            built.append(app)
        else:
            app = shared_app
        with app.app_context():
            _empty_database(app)
            data_version.bump()  # emptied without a session's commit
            limiter.reset()
        return app

    yield build
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """An app with an empty database and an application context pushed."""
    application = make_app()
    with application.app_context():
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    """A real SMTP server (aiosmtpd) on loopback, for the tests whose app mails through it."""
    server = MailServer()
    server.start()
    yield server
    server.stop()


_numbers = count(1)


@pytest.fixture
def make_organisation(app: Flask) -> Callable[..., Organisation]:
    """Create an organisation of a kind and status."""

    def build(kind: str = "ngo", status: str = "approved", centre: Any = None,
              member_of_none: bool = False, **fields: Any) -> Organisation:
        n = next(_numbers)
        organisation = Organisation(
            kind=kind,
            status=status,
            name=fields.pop("name", f"{kind.upper()} {n}"),
            phone="+30 210 000 0000",
            email=f"{kind}{n}@org.example",
            **fields,
        )
        db.session.add(organisation)
        if kind != "centre" and not member_of_none:
            # Every organisation registers with a centre: the first, unless a test says.
            db.session.add(CentreMember(centre=centre or default_centre(),
                                        organisation=organisation))
        db.session.commit()
        return organisation

    return build


@pytest.fixture
def make_user(app: Flask, make_organisation: Callable[..., Organisation]) -> Callable[..., User]:
    """Create a user; `kind` is individual, company, ngo, staff or admin."""

    def build(
        kind: str = "individual",
        status: str = "approved",
        organisation: Organisation | None = None,
        **fields: Any,
    ) -> User:
        n = next(_numbers)
        role = {"individual": "donor", "company": "donor", "ngo": "ngo"}.get(kind, kind)
        if organisation is None and kind in ("company", "ngo"):
            organisation = make_organisation(kind, status)
        user = User(
            email=fields.pop("email", f"{kind}{n}@people.example"),
            password_hash=fields.pop("password_hash", None) or _password_hash(),
            full_name=fields.pop("full_name", f"Person {n}"),
            role=role,
            language=fields.pop("language", "el"),
            organisation=organisation,
            **fields,
        )
        if role == "staff" and user.centre is None and user.centre_id is None:
            user.centre = default_centre()
        db.session.add(user)
        db.session.commit()
        return user

    return build


def offer_fields(**overrides: Any) -> dict[str, Any]:
    """A valid offer as the API or the form takes it."""
    fields: dict[str, Any] = {
        "category": "blankets",
        "title": "Κουβέρτες μάλλινες",
        "description": "Καινούργιες, διπλές.",
        "quantity": 100,
        "unit": "pieces",
        "place": "kypseli",
        "reach_km": 15,
    }
    fields.update(overrides)
    return fields


def need_fields(**overrides: Any) -> dict[str, Any]:
    """A valid need as the API or the form takes it."""
    from web.clock import today

    fields: dict[str, Any] = {
        "category": "blankets",
        "title": "Blankets for a family shelter",
        "description": "For 40 people arriving this week.",
        "quantity": 40,
        "unit": "pieces",
        "urgency": "high",
        "needed_by": (today() + timedelta(days=14)).isoformat(),
        "place": "kypseli",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def make_offer(make_user: Callable[..., User]) -> Callable[..., Offer]:
    """Post an offer through the service, by a new individual unless `donor` is given."""

    def build(donor: User | None = None, **overrides: Any) -> Offer:
        data = load_post(OfferInput(), offer_fields(**overrides))
        return post(OFFER, donor or make_user("individual"), data)

    return build


@pytest.fixture
def make_need(make_user: Callable[..., User]) -> Callable[..., Need]:
    """Post a need through the service, by a new approved NGO unless `poster` is given."""

    def build(poster: User | None = None, **overrides: Any) -> Need:
        data = load_post(NeedInput(), need_fields(**overrides))
        return post(NEED, poster or make_user("ngo"), data)

    return build


@pytest.fixture
def bearer(app: Flask) -> Callable[[User], dict[str, str]]:
    """A function giving the Authorization header of a fresh token for a user."""

    def header(user: User) -> dict[str, str]:
        _token, secret = create_token(user, "tests")
        return {"Authorization": f"Bearer {secret}"}

    return header


@pytest.fixture
def make_match(app: Flask) -> Callable[..., Any]:
    """Record a proposal of `quantity` from an offer to a need, as the engine would."""
    from web.matches.models import Match

    def build(offer: Offer, need: Need, quantity: int | None = None, **fields: Any) -> Match:
        amount = quantity or min(offer.remaining_quantity, need.remaining_quantity)
        # Posting already ran the engine: set its proposal for this pair aside.
        db.session.execute(
            update(Match)
            .where(Match.offer_id == offer.id, Match.need_id == need.id, Match.status == "proposed")
            .values(status="superseded")
        )
        match = Match(
            offer_id=offer.id,
            need_id=need.id,
            quantity=amount,
            need_quantity=amount,
            proposed_quantity=amount,
            score=0.8,
            value=0.5,
            breakdown={"category": 1.0},
            **fields,
        )
        db.session.add(match)
        db.session.commit()
        return match

    return build
