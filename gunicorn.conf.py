"""gunicorn settings for Komvos: `gunicorn -c gunicorn.conf.py 'web:create_app()'`.

Read from the environment (the app's own settings stay KOMVOS_<KEY> of config/komvos.toml):
KOMVOS_WEB_BIND (0.0.0.0:8000), KOMVOS_WEB_WORKERS (2 per core plus 1, at most 8),
KOMVOS_WEB_THREADS (1), KOMVOS_WEB_TIMEOUT (120 seconds; the engine's full runs are queued for
`flask --app web match worker`, never run in a request), KOMVOS_WEB_MAX_REQUESTS (100000; 0
never recycles a worker). Access and error logs go to standard output and error.
"""

from __future__ import annotations

import gc
import os
from typing import Any


def _number(name: str, default: int, least: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from error
    if value < least:
        raise SystemExit(f"{name} must be at least {least}, not {value}")
    return value


bind = os.environ.get("KOMVOS_WEB_BIND", "0.0.0.0:8000")
workers = _number("KOMVOS_WEB_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8))
threads = _number("KOMVOS_WEB_THREADS", 1)
timeout = _number("KOMVOS_WEB_TIMEOUT", 120)
graceful_timeout = 30
# Load the app once in the master (the taxonomy and places are read once, shared by the
# workers); each worker then drops the database connections inherited through the fork.
preload_app = True
# Recycle workers now and then, at different times, so that no leak grows for ever; rarely,
# since a new worker first builds its open-book indexes: at 2,000 requests (the old setting) a
# worker under load restarted every few seconds and the requests queued behind it made the
# p99 of every target 0.8-1.7 s instead of 8-14 ms (bench/RESULTS.md, issue 18).
max_requests = _number("KOMVOS_WEB_MAX_REQUESTS", 100_000, least=0)
max_requests_jitter = max_requests // 10
# The workers' heartbeat files on tmpfs: a slow disk (a container's overlay) must not make the
# master think a worker hangs.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("KOMVOS_WEB_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


def post_fork(server: Any, worker: Any) -> None:
    """A forked worker must not share the master's pooled database connections (they broke
    about 1 request in 10 here): dispose of the pool without closing the parent's sockets."""
    from web.extensions import db  # here, not at the top: the config loads before the app

    app = server.app.wsgi()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def pre_fork(server: Any, worker: Any) -> None:
    """Keep what the master loaded (the app and its reference data, ~10^6 objects) out of the
    cyclic collector's passes: frozen before the fork, a worker's full collection walks only
    what the worker made itself (a full pass over everything took ~190 ms in a posting
    worker, a pause its queued requests all waited for), and the pages stay shared."""
    gc.freeze()


def post_worker_init(worker: Any) -> None:
    """Build the open-book indexes that proposing for a new post reads, before the worker's
    first request; a database that is not there yet only means the first request builds them."""
    from web.extensions import db
    from web.matches.open_book import warm_books

    with worker.app.wsgi().app_context():
        try:
            warm_books()
        except Exception:  # noqa: BLE001 - never keep a worker from starting
            worker.log.exception("the open-book indexes were not built at start")
        finally:
            db.session.remove()
            gc.freeze()  # the indexes too: built once, read by every posting request
