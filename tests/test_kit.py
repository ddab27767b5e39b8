"""The production kit: the lock files cover pyproject.toml, compose.yaml starts a working
centre (services, health checks, order, settings), the Dockerfile builds a slim non-root image
from the lock, and gunicorn serves the app with gunicorn.conf.py."""

from __future__ import annotations

import gc
import os
import re
import runpy
import shutil
import subprocess
import sys
import tomllib
import urllib.request
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bench.loopback import free_port
from tests.conftest import settings_for_tests
from web import create_app
from web.config import ConfigError, load_settings
from web.extensions import db

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SETTINGS = tomllib.loads((ROOT / "config" / "komvos.toml").read_text())
# KOMVOS_ variables that are not settings of config/komvos.toml: the site file's name, the
# gunicorn settings of gunicorn.conf.py and the demo switch of the migrate service.
NOT_SETTINGS = {
    "KOMVOS_CONFIG_FILE",
    "KOMVOS_WEB_BIND",
    "KOMVOS_WEB_WORKERS",
    "KOMVOS_WEB_THREADS",
    "KOMVOS_WEB_TIMEOUT",
    "KOMVOS_WEB_MAX_REQUESTS",
    "KOMVOS_WEB_LOG_LEVEL",
    "KOMVOS_DEMO_DATA",
}
APP_SERVICES = ("web", "worker", "match-worker", "scheduler")


def pins(lock: str) -> dict[str, tuple[str, bool]]:
    """name -> (version, has hashes) of the pins that apply to this Python."""
    found: dict[str, tuple[str, bool]] = {}
    text = (ROOT / "requirements" / lock).read_text()
    for block in re.split(r"\n(?=\S)", text):
        first = block.split("\\")[0].strip()
        match = re.match(r"([A-Za-z0-9_.\-]+)==([^\s;]+)\s*(?:;\s*(.+))?$", first)
        if not match:
            continue
        name, version, marker = match.groups()
        if marker and not Marker(marker).evaluate():
            continue
        found[canonicalize_name(name)] = (version, "--hash=sha256:" in block)
    return found


def requirements(*extras: str) -> list[Requirement]:
    listed = list(PYPROJECT["project"]["dependencies"])
    for extra in extras:
        listed += PYPROJECT["project"]["optional-dependencies"][extra]
    return [Requirement(line) for line in listed]


@pytest.mark.parametrize(
    ("lock", "extras"), [("lock.txt", ("prod",)), ("dev-lock.txt", ("prod", "test", "bench"))]
)
def test_the_lock_pins_every_dependency_of_pyproject_within_its_range(lock, extras):
    pinned = pins(lock)
    for requirement in requirements(*extras):
        if requirement.marker and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in requirements/{lock}: run make lock"
        version, hashed = pinned[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements/{lock} pins {name}=={version} outside {requirement.specifier}: "
            "run make lock"
        )
    assert all(hashed for _, hashed in pinned.values()), f"a pin of {lock} has no hash"


def test_the_dev_lock_has_the_same_versions_as_the_production_lock():
    production, development = pins("lock.txt"), pins("dev-lock.txt")
    assert {name: development.get(name) for name in production} == production
    assert "pytest" in development and "pytest" not in production


def test_make_and_ci_install_from_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    stamp_rule = makefile.split("$(STAMP):", 1)[1].split("\n\n", 1)[0]
    assert "-r $(DEV_LOCK)" in stamp_rule and "--no-deps -e ." in stamp_rule
    assert "'.[test" not in makefile  # nothing installs around the lock
    assert "make lint" in (ROOT / ".ci" / "run").read_text()  # lint builds the venv from it


def app_service(name: str) -> dict:
    return COMPOSE["services"][name]


def test_compose_starts_the_database_redis_the_app_and_a_one_shot_migration():
    services = COMPOSE["services"]
    assert set(services) == {"db", "redis", "migrate", *APP_SERVICES}
    assert services["web"]["command"][0] == "gunicorn"
    assert "gunicorn.conf.py" in services["web"]["command"]
    assert services["worker"]["command"] == ["flask", "--app", "web", "worker"]
    assert services["scheduler"]["command"] == ["flask", "--app", "web", "scheduler"]
    assert services["match-worker"]["command"] == ["flask", "--app", "web", "match", "worker"]
    script = services["migrate"]["command"][-1]
    assert "flask --app web db upgrade" in script and "seed-demo --if-empty" in script
    assert services["migrate"]["restart"] == "no"
    for name in ("migrate", *APP_SERVICES):
        assert services[name]["build"] == "." and services[name]["image"] == "komvos:latest"


def test_every_long_running_service_has_a_health_check_and_waits_for_what_it_needs():
    services = COMPOSE["services"]
    for name in ("db", "redis", *APP_SERVICES):
        check = services[name]["healthcheck"]
        assert not check.get("disable") and check["test"][0] == "CMD", name
    assert "pg_isready" in services["db"]["healthcheck"]["test"]
    assert "/api/v1/health" in " ".join(services["web"]["healthcheck"]["test"])
    for name in ("worker", "match-worker", "scheduler"):
        assert services[name]["healthcheck"]["test"][1:] == ["flask", "--app", "web", "health"]
    for name in APP_SERVICES:
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"},
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}


def resolved(value: object) -> str | None:
    """A compose value with `${NAME:-default}` read as its default (None: taken from the
    shell, unset when the shell has none)."""
    if value is None:
        return None
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(value))


@pytest.mark.parametrize("name", ["migrate", *APP_SERVICES])
def test_compose_sets_only_real_settings_and_a_valid_production_configuration(name, tmp_path):
    environment = app_service(name)["environment"]
    for variable in environment:
        assert variable.startswith("KOMVOS_"), variable
        key = variable.removeprefix("KOMVOS_").lower()
        assert key in SETTINGS or variable in NOT_SETTINGS, f"{variable} is no setting"
    assert environment["KOMVOS_ENV"] == "production"
    assert environment["KOMVOS_RATELIMIT_STORAGE_URL"].startswith("redis://redis:")
    assert environment["KOMVOS_SECRET_KEY"] is None  # from the shell, else the site file
    env = {k: v for k, v in ((k, resolved(v)) for k, v in environment.items()) if v is not None}
    # The secret the migrate service writes on first start, as it writes it.
    site = tmp_path / "site.toml"
    site.write_text('secret_key = "%s"\n' % ("x" * 64))
    env["KOMVOS_CONFIG_FILE"] = str(site)
    settings = load_settings(environ=env)
    assert settings["database_url"].startswith("postgresql+psycopg://komvos:")
    assert settings["mail_use_tls"] is False and settings["mail_port"] == 25
    # Without the site file's secret, production refuses to start.
    site.write_text("")
    with pytest.raises(ConfigError, match="secret key"):
        load_settings(environ=env)


def test_the_commands_compose_runs_exist(app):
    commands = app.cli.list_commands(app.app_context)
    for command in ("worker", "scheduler", "health", "seed-demo", "db", "match"):
        assert command in commands
    assert "worker" in app.cli.get_command(app.app_context, "match").list_commands(None)


def test_docker_compose_validates_the_file():
    binary = shutil.which("docker-compose")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("docker-compose is missing (.ci/run installs Debian's)")
        pytest.skip("no docker-compose here")
    result = subprocess.run(
        [binary, "-f", str(ROOT / "compose.yaml"), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def dockerfile_stages() -> list[str]:
    text = (ROOT / "Dockerfile").read_text()
    return re.split(r"^FROM ", text, flags=re.MULTILINE)[1:]


def test_the_image_is_slim_non_root_from_the_lock_with_compiled_translations():
    build, run = dockerfile_stages()
    assert build.startswith("python:3.11-slim AS build")
    assert run.startswith("python:3.11-slim")
    assert "requirements/lock.txt" in build and "--require-hashes" in build
    assert "pybabel -q compile -d web/translations" in build
    assert "dev-lock" not in build + run and "[test" not in build + run
    users = re.findall(r"^USER (\S+)", run, flags=re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "/api/v1/health" in run and "gunicorn.conf.py" in run


def test_the_image_leaves_out_local_state_and_the_tests_but_keeps_the_app():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(path: str) -> bool:
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        return any(fnmatch(p, pat.removeprefix("**/")) for pat in patterns for p in prefixes)

    for path in (
        ".venv/bin/python",
        ".git/HEAD",
        "instance/komvos.sqlite3",
        "tests/conftest.py",
        "requirements/dev-lock.txt",
        "web/__pycache__/x.pyc",
    ):
        assert ignored(path), path
    for path in (
        "web/__init__.py",
        "web/translations/el/LC_MESSAGES/messages.po",
        "web/migrations/env.py",
        "matching/__init__.py",
        "config/komvos.toml",
        "requirements/lock.txt",
        "gunicorn.conf.py",
    ):
        assert not ignored(path), path


def test_health_command_says_ok_or_names_what_failed(app, tmp_path):
    assert app.test_cli_runner().invoke(args=["health"]).output.strip() == "ok"
    broken = create_app(settings_for_tests(f"sqlite:///{tmp_path}/missing/folder/db.sqlite3"))
    with broken.app_context():
        result = broken.test_cli_runner().invoke(args=["health"])
        db.engine.dispose()
    assert result.exit_code == 1 and "unavailable: database" in result.output


def test_gunicorn_serves_the_app_with_its_configuration(app, database_url):
    port = free_port()
    env = {
        **os.environ,
        "KOMVOS_ENV": "testing",
        "KOMVOS_SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
        "KOMVOS_DATABASE_URL": database_url,
        "KOMVOS_RATELIMIT_STORAGE_URL": "memory://",
        "KOMVOS_WEB_BIND": f"127.0.0.1:{port}",
        "KOMVOS_WEB_WORKERS": "2",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "web:create_app()"]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        booted = []
        assert server.stdout is not None
        for line in server.stdout:  # wait for both workers, reading the log
            booted += ["x"] if "Booting worker" in line else []
            if len(booted) == 2:
                break
        answers = []
        for _ in range(8):  # served by both workers, through their own connection pools
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=30) as r:
                answers.append((r.status, b'"status": "ok"' in r.read().replace(b":", b": ")))
        assert answers == [(200, True)] * 8
    finally:
        server.terminate()
        output = server.communicate(timeout=60)[0]
    assert '"GET /api/v1/health HTTP/1.1" 200' in output  # the access log


def test_the_migrate_service_writes_a_random_secret_once(tmp_path):
    script = app_service("migrate")["command"][-1].replace("$$", "$")
    secret_step = script.split("flask --app web", 1)[0]  # the lines before the migrations
    site = tmp_path / "site.toml"
    env = {**os.environ, "KOMVOS_CONFIG_FILE": str(site)}
    subprocess.run(["sh", "-ec", secret_step], env=env, check=True, timeout=30)
    first = tomllib.loads(site.read_text())["secret_key"]
    subprocess.run(["sh", "-ec", secret_step], env=env, check=True, timeout=30)
    assert tomllib.loads(site.read_text())["secret_key"] == first  # kept on the next start
    assert len(first) >= 32
    production = {
        "KOMVOS_ENV": "production",
        "KOMVOS_CONFIG_FILE": str(site),
        "KOMVOS_DATABASE_URL": "postgresql+psycopg://komvos@db/komvos",
        "KOMVOS_BASE_URL": "http://localhost:8000",
    }
    assert load_settings(environ=production)["secret_key"] == first


def _gunicorn_settings(monkeypatch, **environment: str) -> dict[str, object]:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_recycles_workers_rarely_and_never_when_told(monkeypatch):
    # A new worker builds its open-book indexes first: recycling every 2,000 requests made
    # the p99 of every page 0.8-1.7 s under load (bench/RESULTS.md).
    monkeypatch.delenv("KOMVOS_WEB_MAX_REQUESTS", raising=False)
    default = _gunicorn_settings(monkeypatch)
    assert default["max_requests"] == 100_000 and default["max_requests_jitter"] == 10_000
    never = _gunicorn_settings(monkeypatch, KOMVOS_WEB_MAX_REQUESTS="0")
    assert never["max_requests"] == 0 and never["max_requests_jitter"] == 0
    with pytest.raises(SystemExit, match="KOMVOS_WEB_MAX_REQUESTS must be at least 0"):
        _gunicorn_settings(monkeypatch, KOMVOS_WEB_MAX_REQUESTS="-5")
    with pytest.raises(SystemExit, match="KOMVOS_WEB_WORKERS must be at least 1"):
        _gunicorn_settings(monkeypatch, KOMVOS_WEB_WORKERS="0")


def test_gunicorn_keeps_what_the_master_loaded_out_of_the_collectors_passes(monkeypatch):
    settings = _gunicorn_settings(monkeypatch)
    before = gc.get_freeze_count()
    try:
        settings["pre_fork"](None, None)  # type: ignore[operator]  # the hook, as gunicorn calls it
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()

