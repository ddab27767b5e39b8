"""Settings in layers: config/komvos.toml, a site file, KOMVOS_* variables, a test mapping."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
DEFAULT_FILE = CONFIG_DIR / "komvos.toml"
ENV_PREFIX = "KOMVOS_"
DEFAULT_SECRET_KEY = "dev-only-insecure-secret-key"
ENVIRONMENTS = ("development", "production", "testing")


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says what to set."""


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as error:
        raise ConfigError(f"configuration file {path} does not exist") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"configuration file {path} is not valid TOML: {error}") from error


def _coerce(raw: str, default: Any, name: str) -> Any:
    """Turn an environment string into the type of the default it replaces."""
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"{name} must be true or false, not {raw!r}")
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError as error:
            raise ConfigError(f"{name} must be a number, not {raw!r}") from error
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as error:
            raise ConfigError(f"{name} must be a whole number, not {raw!r}") from error
    if isinstance(default, list):
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw


def _from_environment(settings: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    overrides = {}
    for key, default in settings.items():
        name = ENV_PREFIX + key.upper()
        if name in environ:
            overrides[key] = _coerce(environ[name], default, name)
    return overrides


def load_settings(
    test_config: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return the merged settings (lower-case keys), later layers winning."""
    environ = os.environ if environ is None else environ
    settings = _read_toml(DEFAULT_FILE)
    site_file = environ.get(ENV_PREFIX + "CONFIG_FILE")
    if site_file:
        settings.update(_read_toml(Path(site_file)))
    settings.update(_from_environment(settings, environ))
    settings.update({key.lower(): value for key, value in (test_config or {}).items()})
    _check(settings)
    return settings


def _check(settings: Mapping[str, Any]) -> None:
    env = settings["env"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"KOMVOS_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    if settings["default_language"] not in settings["languages"]:
        raise ConfigError("KOMVOS_DEFAULT_LANGUAGE must be one of KOMVOS_LANGUAGES")
    _check_tiles_url(settings["map_tiles_url"])
    workers = settings["match_workers"]
    if not isinstance(workers, int) or isinstance(workers, bool) or not 1 <= workers <= 64:
        raise ConfigError(f"KOMVOS_MATCH_WORKERS must be a whole number from 1 to 64, not "
                          f"{workers!r}")
    if env == "production":
        secret = settings["secret_key"]
        if not secret or secret == DEFAULT_SECRET_KEY or len(secret) < 32:
            raise ConfigError(
                "Komvos refuses to start in production with the default or a short secret key: "
                "set KOMVOS_SECRET_KEY to a random value of at least 32 characters, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        if not settings["database_url"]:
            raise ConfigError("set KOMVOS_DATABASE_URL (postgresql+psycopg://...) in production")
        if not str(settings["base_url"]).startswith(("https://", "http://")):
            raise ConfigError(
                "set KOMVOS_BASE_URL to the public address (e.g. https://komvos.example.org) "
                "in production: links in emails are built from it"
            )


def _check_tiles_url(url: str) -> None:
    placeholders = all(part in url for part in ("{z}", "{x}", "{y}"))
    if not placeholders or not url.startswith(("https://", "http://", "/")):
        raise ConfigError(
            "KOMVOS_MAP_TILES_URL must be an http(s) URL or a path with {z}, {x} and {y}, "
            f"e.g. https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png, not {url!r}"
        )


def flask_config(settings: Mapping[str, Any], instance_path: str) -> dict[str, Any]:
    """Translate Komvos settings into the Flask and extension keys."""
    production = settings["env"] == "production"
    database_url = settings["database_url"] or f"sqlite:///{instance_path}/komvos.sqlite3"
    return {
        "KOMVOS": dict(settings),
        "ENV_NAME": settings["env"],
        "TESTING": settings["env"] == "testing",
        "DEBUG": False if production else settings.get("debug", False),
        "SECRET_KEY": settings["secret_key"],
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": settings.get("engine_options", {"pool_pre_ping": True}),
        "BASE_URL": settings["base_url"].rstrip("/"),
        "CONTACT_EMAIL": settings["contact_email"],
        "BABEL_DEFAULT_LOCALE": settings["default_language"],
        "LANGUAGES": list(settings["languages"]),
        "INVITATION_DAYS": settings["invitation_days"],
        "PASSWORD_RESET_MINUTES": settings["password_reset_minutes"],
        "EMAIL_CHANGE_HOURS": settings["email_change_hours"],
        "TIMEZONE": settings["timezone"],
        "MAIL_SERVER": settings["mail_server"],
        "MAIL_PORT": settings["mail_port"],
        "MAIL_USE_TLS": settings["mail_use_tls"],
        "MAIL_USE_SSL": settings["mail_use_ssl"],
        "MAIL_USERNAME": settings["mail_username"] or None,
        "MAIL_PASSWORD": settings["mail_password"] or None,
        "MAIL_DEFAULT_SENDER": settings["mail_default_sender"],
        # The outbox worker decides what to send; Flask-Mail must not silently drop in tests.
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_RETRY_BASE_SECONDS": settings["mail_retry_base_seconds"],
        "MAIL_RETRY_CAP_SECONDS": settings["mail_retry_cap_seconds"],
        "MAIL_RETRY_BUDGET_HOURS": settings["mail_retry_budget_hours"],
        "MAIL_WORKER_THREAD": settings["mail_worker_thread"] and settings["env"] != "testing",
        "RUN_WORKER_THREAD": settings["run_worker_thread"] and settings["env"] != "testing",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_ENABLED": settings.get("csrf", True),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "TAXONOMY_FILE": str(CONFIG_DIR / settings["taxonomy_file"]),
        "PLACES_FILE": str(CONFIG_DIR / settings["places_file"]),
        "MATCHING_FILE": str(CONFIG_DIR / settings["matching_file"]),
        "COMMITTEES_FILE": str(CONFIG_DIR / settings["committees_file"]),
        "PROXY_HOPS": settings["proxy_hops"],
        "RATELIMIT_STORAGE_URI": settings["ratelimit_storage_url"],
        "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": settings["ratelimit_key_prefix"]},
        "PERSONAL_ANSWERS_SECONDS": settings["personal_answers_seconds"],
        # Redis down: count in memory per process rather than refuse every request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "MAP_TILES_URL": settings["map_tiles_url"],
        "MAP_TILES_ATTRIBUTION": settings["map_tiles_attribution"],
    }
