"""A person's own lists (the staff's review queue, an organisation's posts over the API) are
answered again from what the process rendered for them while nothing was written since, in
any process; never across people, never with a message that waits to be shown."""

from __future__ import annotations

import re

from werkzeug.test import TestResponse

from tests.conftest import need_fields
from tests.helpers import sign_in, sql_statements
from web import data_version

QUEUE = "/staff/matches"
# A form token carries the second it was made: two renderings a second apart differ there
# (a kept answer is the rendering's own bytes, compared as they are).
_TOKEN = re.compile(r'(name="csrf_token" value=")[^"]*"')


def _page(response: TestResponse) -> str:
    """The page's HTML with its form tokens blanked."""
    return _TOKEN.sub(r'\1"', response.get_data(as_text=True))


def test_the_queue_is_answered_again_until_a_write_then_rendered_afresh(
        app, client, make_user, make_offer, make_need, make_match):
    sign_in(client, make_user("staff"))
    first = make_match(make_offer(), make_need())
    client.get(QUEUE)  # a session's first page gives it its form token: rendered, not kept
    make_match(make_offer(), make_need())
    with sql_statements(app) as rendering:
        page = client.get(QUEUE).get_data(as_text=True)
    assert f'id="match-{first.id}"' in page
    with sql_statements(app) as again:  # the kept answer: the same bytes, form tokens too
        assert client.get(QUEUE).get_data(as_text=True) == page
    assert len(again) < len(rendering) and len(again) <= 2  # who is signed in, nothing more
    second = make_match(make_offer(title="Κουβέρτες ακόμα"), make_need())  # a commit
    with sql_statements(app) as after_write:
        page = client.get(QUEUE).get_data(as_text=True)
    assert f'id="match-{second.id}"' in page and len(after_write) == len(rendering)


def test_a_write_in_another_process_is_seen_at_once(make_app, make_user, make_offer,
                                                    make_need, make_match):
    elsewhere = make_app(mail_default_sender="Komvos <elsewhere@komvos.example>")
    staff_there = sign_in(elsewhere.test_client(), make_user("staff"))
    first = make_match(make_offer(), make_need())
    assert f'id="match-{first.id}"' in staff_there.get(QUEUE).get_data(as_text=True)
    assert f'id="match-{first.id}"' in staff_there.get(QUEUE).get_data(as_text=True)
    second = make_match(make_offer(), make_need())  # committed by this process, not that one
    assert f'id="match-{second.id}"' in staff_there.get(QUEUE).get_data(as_text=True)


def test_nobody_is_answered_with_what_another_was(app, make_user, make_offer, make_need,
                                                  make_match):
    make_match(make_offer(), make_need())
    anna = sign_in(app.test_client(), make_user("staff", full_name="Anna Staff"))
    boris = sign_in(app.test_client(), make_user("staff", full_name="Boris Staff"))
    for _ in range(2):
        seen_by_anna = anna.get(QUEUE).get_data(as_text=True)
        seen_by_boris = boris.get(QUEUE).get_data(as_text=True)
        assert 'class="who">Anna Staff<' in seen_by_anna  # the header: who is signed in
        assert 'class="who">Boris Staff<' in seen_by_boris
        assert 'class="who">Anna Staff<' not in seen_by_boris


def test_a_message_after_an_action_is_shown_once_and_never_kept(app, client, make_user,
                                                                make_offer, make_need,
                                                                make_match):
    sign_in(client, make_user("staff"))
    match = make_match(make_offer(), make_need())
    client.get(QUEUE)
    after = client.post("/staff/matches/confirm", data={"only": str(match.id)},
                        follow_redirects=True).get_data(as_text=True)
    assert "Επιβεβαιώθηκαν 1." in after
    assert f'id="match-{match.id}"' not in after
    for _ in range(2):
        again = client.get(QUEUE).get_data(as_text=True)
        assert "Επιβεβαιώθηκαν 1." not in again
        assert f'id="match-{match.id}"' not in again


def test_an_organisations_list_over_the_api_is_its_own_and_follows_its_posts(
        app, client, make_user, bearer):
    ngo, other = make_user("ngo"), make_user("ngo")
    mine, theirs = bearer(ngo), bearer(other)
    assert client.post("/api/v1/needs", json=need_fields(title="Πρώτη ανάγκη"),
                       headers=mine).status_code == 201
    with sql_statements(app) as rendering:
        first = client.get("/api/v1/needs", headers=mine)
    with sql_statements(app) as again_sent:
        again = client.get("/api/v1/needs", headers=mine)
    assert again.get_json() == first.get_json() and first.get_json()["total"] == 1
    assert again.headers["Content-Type"] == "application/json"
    assert len(again_sent) < len(rendering)
    assert client.get("/api/v1/needs", headers=theirs).get_json()["items"] == []
    assert client.post("/api/v1/needs", json=need_fields(title="Δεύτερη ανάγκη"),
                       headers=mine).status_code == 201
    listed = client.get("/api/v1/needs", headers=mine).get_json()["items"]
    titles = [n["title"] for n in listed]
    assert sorted(titles) == ["Δεύτερη ανάγκη", "Πρώτη ανάγκη"]


def test_nothing_is_kept_when_turned_off(make_app, make_user, make_offer, make_need,
                                         make_match):
    built = make_app(personal_answers_seconds=0)
    with built.app_context():
        client = sign_in(built.test_client(), make_user("staff"))
        make_match(make_offer(), make_need())
        assert data_version.current() is None
    client.get(QUEUE)  # the session's first page
    with sql_statements(built) as first:
        page = _page(client.get(QUEUE))
    assert 'name="csrf_token" value=""' in page  # there were tokens to blank
    with sql_statements(built) as second:  # rendered again: the same page, a newer token
        assert _page(client.get(QUEUE)) == page
    assert len(second) == len(first) > 2


def test_without_redis_there_is_no_version_and_a_commit_still_goes_through():
    unreachable = data_version.Versions("redis://127.0.0.1:9/0", "komvos-test", enabled=True)
    assert unreachable.current() is None  # so nothing is kept or reused
    unreachable.bump()  # logged, not raised: the commit it follows stands
    assert unreachable.current() is None
