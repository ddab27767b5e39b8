"""Settings come in layers, and production refuses unsafe ones."""

import pytest

from web import create_app
from web.config import DEFAULT_SECRET_KEY, ConfigError, load_settings
from web.extensions import db

STRONG_SECRET = "s" * 48


def test_defaults_come_from_the_config_file():
    settings = load_settings(environ={})
    assert settings["env"] == "development"
    assert settings["default_language"] == "el"
    assert settings["secret_key"] == DEFAULT_SECRET_KEY


def test_environment_overrides_the_file_and_is_typed():
    settings = load_settings(
        environ={
            "KOMVOS_BASE_URL": "https://komvos.example",
            "KOMVOS_MAIL_PORT": "2525",
            "KOMVOS_MAIL_USE_TLS": "true",
            "KOMVOS_LANGUAGES": "el, en",
        }
    )
    assert settings["base_url"] == "https://komvos.example"
    assert settings["mail_port"] == 2525
    assert settings["mail_use_tls"] is True
    assert settings["languages"] == ["el", "en"]


def test_site_file_sits_between_defaults_and_environment(tmp_path):
    site = tmp_path / "site.toml"
    site.write_text('base_url = "https://from-file.example"\nmail_server = "smtp.example"\n')
    settings = load_settings(
        environ={"KOMVOS_CONFIG_FILE": str(site), "KOMVOS_MAIL_SERVER": "smtp.env.example"}
    )
    assert settings["base_url"] == "https://from-file.example"
    assert settings["mail_server"] == "smtp.env.example"


def test_test_mapping_wins_over_environment():
    settings = load_settings({"base_url": "http://test"}, environ={"KOMVOS_BASE_URL": "http://env"})
    assert settings["base_url"] == "http://test"


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"KOMVOS_MAIL_PORT": "twenty-five"}, "KOMVOS_MAIL_PORT must be a whole number"),
        ({"KOMVOS_MAIL_USE_TLS": "maybe"}, "KOMVOS_MAIL_USE_TLS must be true or false"),
        ({"KOMVOS_ENV": "staging"}, "KOMVOS_ENV must be one of"),
        ({"KOMVOS_CONFIG_FILE": "/nonexistent/komvos.toml"}, "does not exist"),
    ],
)
def test_bad_settings_name_themselves(environ, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=environ)


@pytest.mark.parametrize("secret", [DEFAULT_SECRET_KEY, "", "short-secret"])
def test_production_refuses_the_default_or_a_weak_secret_key(secret):
    environ = {
        "KOMVOS_ENV": "production",
        "KOMVOS_SECRET_KEY": secret,
        "KOMVOS_DATABASE_URL": "postgresql+psycopg://db/komvos",
    }
    with pytest.raises(ConfigError, match="set KOMVOS_SECRET_KEY"):
        load_settings(environ=environ)


def test_production_requires_a_database_url():
    environ = {"KOMVOS_ENV": "production", "KOMVOS_SECRET_KEY": STRONG_SECRET}
    with pytest.raises(ConfigError, match="KOMVOS_DATABASE_URL"):
        load_settings(environ=environ)


def test_production_app_has_secure_cookies_and_no_debug(database_url):
    app = create_app(
        {
            "env": "production",
            "secret_key": STRONG_SECRET,
            "database_url": database_url,
            "base_url": "https://komvos.example.org",
            "debug": True,
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.debug is False


def test_factory_applies_the_test_mapping(make_app):
    app = make_app(base_url="http://komvos.test/")
    assert app.config["BASE_URL"] == "http://komvos.test"
    assert app.testing is True
    assert app.config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("base_url", ["", "komvos.example.org"])
def test_production_refuses_to_start_without_a_public_address(base_url):
    environ = {
        "KOMVOS_ENV": "production",
        "KOMVOS_SECRET_KEY": STRONG_SECRET,
        "KOMVOS_DATABASE_URL": "postgresql+psycopg://db/komvos",
        "KOMVOS_BASE_URL": base_url,
    }
    with pytest.raises(ConfigError, match="KOMVOS_BASE_URL"):
        load_settings(environ=environ)


def test_links_in_messages_follow_where_the_app_is_served(make_app, make_user):
    from web.notifications.outbox import notify

    app = make_app(base_url="")
    with app.app_context():
        user = make_user("individual")
    with app.test_request_context("/", base_url="http://127.0.0.1:5201"):
        user = db.session.merge(user)
        row = notify(user, "organisation_approved", {"name": "Δοκιμή"}, link="/organisation")
        assert "http://127.0.0.1:5201/organisation" in row.body_text
        assert "127.0.0.1:5000" not in row.body_text + row.body_html
        db.session.rollback()


def test_match_workers_is_a_whole_number_of_processes():
    assert load_settings(environ={})["match_workers"] == 1
    assert load_settings(environ={"KOMVOS_MATCH_WORKERS": "2"})["match_workers"] == 2
    for wrong in ("0", "-1", "65"):
        with pytest.raises(ConfigError, match="KOMVOS_MATCH_WORKERS"):
            load_settings(environ={"KOMVOS_MATCH_WORKERS": wrong})
    with pytest.raises(ConfigError, match="KOMVOS_MATCH_WORKERS"):
        load_settings(test_config={"match_workers": True})
