"""A signed-in person's own lists (`personal_kept`: the staff's review queue, an
organisation's posts over the API) are answered again from what this process rendered for
the same person, session, path and language while the data's version stands
(`web.data_version`: moved after every commit, in any process), for at most
`personal_answers_seconds`. They stay `private, no-store` to browsers and proxies.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from time import monotonic
from typing import Any

from flask import Flask, current_app, g, make_response, request, session
from flask_login import current_user

from web import data_version
from web.i18n import current_language

KEPT_PERSONAL = 128
_KEEPING = threading.Lock()  # a threaded server's requests share the store
HEADERS_NOT_KEPT = frozenset({"content-length", "set-cookie", "date"})


def personal_kept(view: Callable[..., Any]) -> Callable[..., Any]:
    """A signed-in person's list, answered again from this process's last rendering of the
    same path, language, person and session while the data's version stands (at most
    `personal_answers_seconds`). Place it inside the check of who may see it: that check runs
    on every request. Nothing is kept when a message waits to be shown, when the rendering
    touched the session or failed, or when the version is unknown."""

    @wraps(view)
    def answer(*args: Any, **kwargs: Any) -> Any:
        version = g.get("data_version")
        if version is None or "_flashes" in session:
            return view(*args, **kwargs)
        who = getattr(g.get("api_user"), "id", None) or current_user.get_id()
        key = "|".join((request.endpoint or "", request.full_path, current_language(),
                        str(who), str(session.get("csrf_token", "")), version))
        kept = current_app.extensions["komvos.kept_personal"]
        found = kept.get(key)
        if found is not None and found[0] > monotonic():
            return current_app.response_class(found[1], status=200, headers=found[2])
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and not session.modified:
            headers = [(k, v) for k, v in response.headers.items()
                       if k.lower() not in HEADERS_NOT_KEPT]
            seconds = current_app.config["PERSONAL_ANSWERS_SECONDS"]
            with _KEEPING:
                kept[key] = (monotonic() + seconds, response.get_data(), headers)
                kept.move_to_end(key)
                while len(kept) > KEPT_PERSONAL:
                    kept.popitem(last=False)
        return response

    answer.keeps_personal = True  # type: ignore[attr-defined]  # read by _read_data_version
    return answer


def _read_data_version() -> None:
    """Before anything else reads the database, so that whatever the view reads is at least as
    new as the version its answer is kept under."""
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method == "GET" and getattr(view, "keeps_personal", False):
        g.data_version = data_version.current()


def init_app(app: Flask) -> None:
    """Keep the answers and read the data's version before each request that may reuse one."""
    app.extensions["komvos.kept_personal"] = OrderedDict()
    data_version.init_app(app)
    app.before_request(_read_data_version)
