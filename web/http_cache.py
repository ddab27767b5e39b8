"""What browsers and proxies may keep, and conditional answers.

- Public lists and pages (`public_cached`) carry an ETag and a Last-Modified derived from the
  open book's version (one cheap query), the language and the query string, answer 304 to
  `If-None-Match` / `If-Modified-Since` without rendering, and may be kept a few seconds by
  anyone: `public, max-age=5`, `Vary: Cookie`. Each process also keeps the last answers by
  their ETag and serves them again while the version stands, without rendering. Seen by
  someone signed in (or through an API token), or when the answer touches the session, the
  same page is personal.
- Everything else the app answers is personal: `private, no-store`. A person's own lists
  are answered again from what this process rendered for them while nothing was written
  (`web.personal_answers`).
- Static files are linked with their content's digest (`?v=`) and kept for a year
  (`immutable`); asked for without it, they are revalidated.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, time
from functools import wraps
from pathlib import Path
from time import monotonic
from typing import Any

from flask import Flask, current_app, has_app_context, make_response, request, session
from flask_login import current_user
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from web import personal_answers
from web.clock import today
from web.directory.models import MemberService
from web.emergencies.models import Emergency
from web.extensions import db
from web.i18n import current_language
from web.models import Organisation
from web.posts.models import Need

PUBLIC_MAX_AGE = 5
STATIC_MAX_AGE = 31_536_000  # a year: the name changes with the content
# The OpenAPI description of the headers a public list answers with.
PUBLIC_HEADERS = {
    "ETag": {
        "description": "The version of this answer: send it back in If-None-Match.",
        "schema": {"type": "string"},
    },
    "Last-Modified": {
        "description": "When the open needs last changed.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "`public, max-age=5` for anyone; `private, no-store` with a token.",
        "schema": {"type": "string"},
    },
}
CONDITIONAL_PARAMETERS = [
    {"in": "header", "name": "If-None-Match", "required": False, "schema": {"type": "string"},
     "description": "An ETag received before: 304 while the list has not changed."},
    {"in": "header", "name": "If-Modified-Since", "required": False,
     "schema": {"type": "string"}, "description": "An HTTP date: 304 if nothing changed since."},
]


# A process reads a version again after this long, or at once after any commit of its own:
# another process's change shows within a second, well inside what `max-age` lets any cache
# keep. (Reads never commit, so every commit is a write.)
VERSION_SECONDS = 1.0


def _remembered(name: str, read: Callable[[], tuple[str, datetime]]) -> tuple[str, datetime]:
    memo = current_app.extensions["komvos.versions"]
    now = monotonic()
    found = memo.get(name)
    if found is None or found[0] <= now:
        found = (now + VERSION_SECONDS, read())
        memo[name] = found
    return found[1]  # type: ignore[no-any-return]


def _forget_versions(_session: Any) -> None:
    if has_app_context():
        current_app.extensions.get("komvos.versions", {}).clear()


def book_version() -> tuple[str, datetime]:
    """The open book's version (see `read_book_version`), read at most once a second."""
    return _remembered("book", read_book_version)


def read_book_version() -> tuple[str, datetime]:
    """The open book's version and when it last changed: the latest change of any need (a
    post, an edit, a match's quantity, a withdrawal or an expiry each set `updated_at`) and
    the last need's id, both read from an index, and today (past deadlines leave the lists at
    midnight without a write)."""
    changed, count = db.session.execute(select(func.max(Need.updated_at), func.max(Need.id))).one()
    day = today()
    midnight = datetime.combine(day, time.min)
    declared, latest_emergency = emergencies_version()
    stamps = [changed or midnight, midnight, *([latest_emergency] if latest_emergency else [])]
    latest = max(stamps).replace(microsecond=0, tzinfo=UTC)
    return f"{count}.{changed.isoformat() if changed else '-'}.{day.isoformat()}.{declared}", latest


def emergencies_version() -> tuple[str, datetime | None]:
    """Every public page shows the emergencies in force in its banner: their count and last
    declaration or closing, so a page cached before one is declared or closed is not served
    after it (one that reaches its expected end leaves with the day, already in the stamps)."""
    count, declared, closed = db.session.execute(
        select(func.count(Emergency.id), func.max(Emergency.created_at),
               func.max(Emergency.closed_at))
    ).one()
    stamps = [s for s in (declared, closed) if s is not None]
    return f"{count}.{declared}.{closed}", (max(stamps) if stamps else None)


def _personal() -> bool:
    return bool(request.authorization or current_user.is_authenticated)


def private(response: Response) -> Response:
    """Nobody but the person's own browser may keep it, and not even that."""
    response.cache_control.private = True
    response.cache_control.no_store = True
    response.cache_control.public = False
    response.cache_control.max_age = None
    return response


def _not_modified(tag: str, modified: datetime) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains_weak(tag)
    since = request.if_modified_since
    return since is not None and modified <= since


def directory_version() -> tuple[str, datetime]:
    """The directory's version (see `read_directory_version`), read at most once a second."""
    return _remembered("directory", read_directory_version)


def read_directory_version() -> tuple[str, datetime]:
    """The public directory's version: its services' count and latest change, and the
    latest decision on an organisation (an approval lists its services, a suspension hides
    them)."""
    count, changed = db.session.execute(
        select(func.count(MemberService.id), func.max(MemberService.updated_at))
    ).one()
    decided = db.session.scalar(select(func.max(Organisation.decided_at)))
    emergencies, latest_emergency = emergencies_version()
    stamps = [s for s in (changed, decided, latest_emergency) if s is not None]
    latest = max(stamps or [datetime(2000, 1, 1)]).replace(microsecond=0, tzinfo=UTC)
    return f"{count}.{changed}.{decided}.{emergencies}.{today().isoformat()}", latest


Version = Callable[[], tuple[str, datetime]]


def public_cached(version: Version = book_version) -> Callable[[Callable[..., Any]], Any]:
    """A public page or list: conditional answers (by `version`) and a few seconds in any
    cache for visitors; personal (`private, no-store`) for the signed-in and API tokens."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def answer(*args: Any, **kwargs: Any) -> Any:
            return _answer(version, view, args, kwargs)

        return answer

    return decorate


# The answers last given, by ETag: the tag names the version of the data, the language and
# the query, so a kept answer is the one this app's view would render again. Bounded, one
# store per app (in `app.extensions`), per process.
KEPT_ANSWERS = 256


def _kept() -> OrderedDict[str, tuple[bytes, str]]:
    return current_app.extensions["komvos.kept_answers"]  # type: ignore[no-any-return]


def _keep(tag: str, response: Response) -> None:
    kept = _kept()
    kept[tag] = (response.get_data(), response.mimetype or "text/html")
    kept.move_to_end(tag)
    while len(kept) > KEPT_ANSWERS:
        kept.popitem(last=False)


def _answer(version: Version, view: Callable[..., Any], args: Any, kwargs: Any) -> Response:
    if _personal():
        return private(make_response(view(*args, **kwargs)))
    stamp, modified = version()
    key = f"{request.endpoint}|{request.full_path}|{current_language()}|{stamp}"
    tag = hashlib.sha256(key.encode()).hexdigest()[:32]
    kept = _kept().get(tag) if "_flashes" not in session else None
    if _not_modified(tag, modified):
        response = current_app.response_class(status=304)
    elif kept is not None:
        response = current_app.response_class(kept[0], mimetype=kept[1])
    else:
        response = make_response(view(*args, **kwargs))
        if response.status_code != 200 or session.modified:
            return private(response)  # an error, or an answer that set a cookie
        _keep(tag, response)
    response.set_etag(tag)
    response.last_modified = modified
    response.cache_control.public = True
    response.cache_control.max_age = PUBLIC_MAX_AGE
    response.vary.add("Cookie")  # a visitor's language lives in the session
    return response


# Static files -------------------------------------------------------------------------------

_DIGESTS: dict[tuple[str, int], str] = {}


def static_digest(filename: str) -> str | None:
    """A short digest of a static file's content (None when there is no such file)."""
    folder = current_app.static_folder or ""
    path = Path(folder, filename)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    key = (str(path), stamp)
    if key not in _DIGESTS:
        _DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _DIGESTS[key]


def _version_static(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        digest = static_digest(values["filename"])
        if digest:
            values["v"] = digest


def _cache_headers(response: Response) -> Response:
    if request.endpoint == "static":
        filename = (request.view_args or {}).get("filename", "")
        fresh = response.status_code in (200, 304)
        if fresh and request.args.get("v") == static_digest(filename):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = STATIC_MAX_AGE
            response.cache_control.immutable = True
        else:
            response.cache_control.no_cache = True
            response.cache_control.max_age = None
    elif not response.headers.get("Cache-Control"):
        private(response)
    return response


def init_app(app: Flask) -> None:
    """Link static files by their digest and set every response's Cache-Control."""
    app.extensions["komvos.kept_answers"] = OrderedDict()
    app.extensions["komvos.versions"] = {}
    personal_answers.init_app(app)
    if not event.contains(Session, "after_commit", _forget_versions):
        event.listen(Session, "after_commit", _forget_versions)
    app.url_defaults(_version_static)
    app.after_request(_cache_headers)
