"""Komvos web application: a thin shell around the matching engine."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from flask import Flask

from web.config import flask_config, load_settings


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings, extensions, reference data, blueprints, commands."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(flask_config(load_settings(test_config), app.instance_path))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Greek stays readable in JSON
    _ensure_instance_folder(app)
    register_extensions(app)
    register_reference_data(app)
    register_blueprints(app)
    register_hooks(app)
    register_commands(app)
    start_background_threads(app)
    return app


def _ensure_instance_folder(app: Flask) -> None:
    import os

    os.makedirs(app.instance_path, exist_ok=True)


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions of `web.extensions` to this app."""
    from web import database, i18n, throttle
    from web.auth import login
    from web.extensions import babel, csrf, db, migrate
    from web.notifications import delivery

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(database.MIGRATIONS_DIR))
    csrf.init_app(app)
    throttle.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login.init_app(app)
    i18n.init_app(app)
    delivery.init_app(app)


def register_reference_data(app: Flask) -> None:
    """Load and validate the taxonomy, the places and the engine's policy; a bad file stops
    start-up here."""
    from web import committees, maps
    from web.matches import bridge
    from web.reference import load_gazetteer, load_taxonomy, loaded_once

    app.extensions["komvos.taxonomy"] = loaded_once(load_taxonomy, app.config["TAXONOMY_FILE"])
    app.extensions["komvos.places"] = loaded_once(load_gazetteer, app.config["PLACES_FILE"])
    bridge.init_app(app)
    maps.init_app(app)
    committees.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Mount every feature."""
    from web import api, followup, interests, routing
    from web.account.views import bp as account_bp
    from web.auth.views import bp as auth_bp
    from web.centres.views import bp as centres_bp
    from web.committees.views import bp as committees_bp
    from web.directory.views import bp as directory_bp
    from web.emergencies.views import bp as emergencies_bp
    from web.main.views import bp as main_bp
    from web.matches import schedule_views  # noqa: F401  # its routes join matches_bp
    from web.matches.views import bp as matches_bp
    from web.notifications.views import bp as notifications_bp
    from web.posts.views import bp as posts_bp
    from web.staff.export_views import own_bp as own_exports_bp
    from web.staff.views import bp as staff_bp

    routing.init_app(app)
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(posts_bp)
    app.register_blueprint(matches_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(directory_bp)
    app.register_blueprint(committees_bp)
    app.register_blueprint(emergencies_bp)
    app.register_blueprint(centres_bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(own_exports_bp)
    interests.init_app(app)
    followup.init_app(app)
    api.init_app(app)


def register_hooks(app: Flask) -> None:
    """Security headers, the check of submitted text, and error pages."""
    from web import errors, http_cache, security, validation

    http_cache.init_app(app)
    security.init_app(app)
    validation.init_app(app)
    errors.init_app(app)


def start_background_threads(app: Flask) -> None:
    """The mail and run workers inside the web process (`make run`), once the app is whole:
    a run needs the reference data."""
    from web.background import keep_running
    from web.matches import run_worker
    from web.notifications import delivery

    if app.config["MAIL_WORKER_THREAD"]:
        keep_running(app, "komvos-mail", lambda: delivery.run_worker(poll_s=3.0))
    if app.config["RUN_WORKER_THREAD"]:
        keep_running(app, "komvos-runs", lambda: run_worker.run_worker(threading.Event()))


def register_commands(app: Flask) -> None:
    """`flask --app web create-staff`, `seed-demo`, ..."""
    from web import cli, emergencies

    cli.init_app(app)
    emergencies.init_app(app)
