"""What hostile or clumsy clients found broken (issue 10), one test per defect, each failing
on the code before the fix: ids beyond PostgreSQL's integers, control characters, deep or
malformed JSON, errors that did not serialise, line breaks in mail headers, a post saved but
answered as failed, no throttling, a health check blind to the database, and answers that
disagreed with the OpenAPI document."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import redis
from sqlalchemy import func, select, text, update
from werkzeug.routing import IntegerConverter

from tests.conftest import RATELIMIT_KEY_PREFIX, need_fields, offer_fields, settings_for_tests
from tests.helpers import PASSWORD, POSTGRES_URL, sign_in
from web import create_app
from web.api.auth import create_token
from web.clock import today
from web.extensions import db
from web.matches.models import Match, MatchRun
from web.models import AuditEvent
from web.notifications.models import Notification
from web.posts.models import Need, Offer

MAX_ID = 2**31 - 1  # PostgreSQL's integer
BEYOND = MAX_ID + 1


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def proposals() -> list[Match]:
    return list(db.session.scalars(select(Match).where(Match.status == "proposed")))


# 1. Ids beyond 2^31-1 --------------------------------------------------------------------


def _id_rules(app):
    for rule in app.url_map.iter_rules():
        ids = [n for n, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if ids:
            yield rule, ids


def test_no_route_takes_an_integer_the_database_cannot_hold(app):
    unbounded = [
        rule.rule
        for rule, ids in _id_rules(app)
        for name in ids
        if not (rule._converters[name].max or MAX_ID + 1) <= MAX_ID
    ]
    assert unbounded == []
    assert len(list(_id_rules(app))) >= 20


def test_an_id_beyond_postgres_integers_is_404_on_every_route_that_takes_one(
    app, client, make_user, bearer
):
    staff = make_user("staff")
    sign_in(client, staff)
    headers = bearer(staff)
    checked = 0
    for rule, ids in _id_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            values = {name: BEYOND for name in ids}
            values.update({k: "approve" for k in rule.arguments if k not in ids})
            path = rule.rule
            for name, value in values.items():
                path = path.replace(f"<id:{name}>", str(value))
                path = path.replace(f"<int:{name}>", str(value))
                path = path.replace(f"<any(approve, reject):{name}>", str(value))
            response = client.open(path, method=method, headers=headers)
            assert response.status_code == 404, (method, path, response.status_code)
            checked += 1
    assert checked >= 20


def test_the_largest_id_still_reaches_the_view(client, make_user, bearer):
    headers = bearer(make_user("ngo"))
    assert client.get(f"/api/v1/needs/{MAX_ID}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/needs/{MAX_ID}").status_code == 401  # the route matched


def test_the_openapi_document_bounds_path_ids(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    [parameter] = spec["paths"]["/api/v1/needs/{need_id}"]["parameters"]
    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}


# 2. Control characters, 5. line breaks in one-line fields ---------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Blankets\x00for winter"),
        ("title", "Blankets\x1bfor winter"),
        ("title", "Blankets\r\nBcc: x@example.com"),
        ("title", "Blankets\tfor winter"),
        ("description", "Wool\x00"),
        ("description", "Wool\x7f"),
        ("description", "Wool\ud800"),
        ("conditions", "Pick up\x00"),
        ("unit", "pie\nces"),
        ("restrict_areas", ["kypseli\x00"]),
    ],
)
def test_the_api_refuses_control_characters_naming_the_field(
    client, make_user, bearer, field, value
):
    headers = bearer(make_user("individual"))
    # Serialised with escapes, as clients send a lone surrogate ("\ud800").
    body = json.dumps(offer_fields(**{field: value}))
    response = client.post(
        "/api/v1/offers", data=body, content_type="application/json", headers=headers
    )
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert count(Offer) == 0


def test_descriptions_keep_their_line_breaks_and_tabs(client, make_user, bearer):
    headers = bearer(make_user("individual"))
    body = offer_fields(description="Two sizes:\r\n\tdouble\n\tsingle", conditions="a\nb")
    response = client.post("/api/v1/offers", json=body, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["description"] == "Two sizes:\r\n\tdouble\n\tsingle"


def test_a_page_form_with_a_nul_is_refused_naming_the_field(client, make_user):
    sign_in(client, make_user("ngo"))
    form = need_fields(description="For 40 people\x00")
    response = client.post("/needs/new", data=form)
    assert response.status_code == 422
    assert "description" in response.get_data(as_text=True)
    assert count(Need) == 0


def test_a_title_with_a_line_break_is_refused_on_the_page_too(client, make_user):
    sign_in(client, make_user("ngo"))
    response = client.post("/needs/new", data=need_fields(title="Blankets\r\nfor a shelter"))
    assert response.status_code == 422
    assert count(Need) == 0


@pytest.mark.parametrize("reason", ["Not\x00needed", "\x08"])
def test_reject_and_cancel_reasons_with_control_characters_are_refused(
    client, make_user, make_offer, make_need, bearer, reason
):
    staff = make_user("staff")
    make_need(quantity=10)
    make_offer(quantity=10)
    [match] = proposals()
    response = client.post(
        f"/api/v1/matches/{match.id}/reject", json={"reason": reason}, headers=bearer(staff)
    )
    assert response.status_code == 422
    assert "reason" in response.get_json()["errors"]["json"]
    sign_in(client, staff)
    page = client.post(f"/staff/matches/{match.id}/reject", data={"reason": reason})
    assert page.status_code == 422 and "reason" in page.get_data(as_text=True)
    db.session.refresh(match)
    assert match.status == "proposed"


# 3. Deep or malformed JSON ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "[" * 1000 + "]" * 1000,
        '{"title": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"a": ' * 40 + "1" + "}" * 40,
        '{"title": "unterminated',
        "\xff\xfe not json",
    ],
)
def test_malformed_or_too_deep_json_is_a_400_in_json(client, make_user, bearer, body):
    headers = {**bearer(make_user("individual")), "Content-Type": "application/json"}
    response = client.post(
        "/api/v1/offers", data=body.encode("utf-8", "surrogatepass"), headers=headers
    )
    assert response.status_code == 400
    assert response.get_json()["code"] == 400


# 4. Every validation error serialises -------------------------------------------------------


def test_two_kinds_of_error_in_one_list_serialise(client, make_user, bearer):
    headers = bearer(make_user("individual"))
    body = offer_fields(restrict_areas=["nowhere", ""])
    response = client.post("/api/v1/offers", json=body, headers=headers)
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]["restrict_areas"]
    assert set(errors) == {"1", "_schema"}


# 5. A confirmation never fails because of a mail ---------------------------------------------


def test_a_title_stored_with_line_breaks_never_breaks_a_confirmation(
    client, make_user, make_offer, make_need, bearer
):
    offer = make_offer(quantity=10)
    make_need(quantity=10)
    # As rows written before titles were checked can be.
    db.session.execute(update(Offer).values(title="Old\r\nBcc: everyone@example.com"))
    db.session.commit()
    [match] = proposals()
    response = client.post(
        f"/api/v1/matches/{match.id}/confirm", headers=bearer(make_user("staff"))
    )
    assert response.status_code == 200 and response.get_json()["status"] == "confirmed"
    subjects = db.session.scalars(select(Notification.subject)).all()
    assert subjects and all("\n" not in s and "\r" not in s for s in subjects)
    assert offer.id


# 6. One unit of work ------------------------------------------------------------------------


@contextmanager
def failing_match_runs():
    """Make every insert of a match run fail inside the database, as a broken engine would."""
    if POSTGRES_URL:
        statements = [
            "CREATE FUNCTION komvos_fail_run() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'engine broken'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER fail_run BEFORE INSERT ON match_run FOR EACH ROW "
            "EXECUTE FUNCTION komvos_fail_run()",
        ]
        undo = ["DROP TRIGGER fail_run ON match_run", "DROP FUNCTION komvos_fail_run()"]
    else:
        statements = [
            "CREATE TRIGGER fail_run BEFORE INSERT ON match_run "
            "BEGIN SELECT RAISE(ABORT, 'engine broken'); END"
        ]
        undo = ["DROP TRIGGER fail_run"]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    try:
        yield
    finally:
        with db.engine.begin() as connection:
            for statement in undo:
                connection.execute(text(statement))


def test_a_post_stands_and_says_so_when_proposing_fails(client, make_user, bearer):
    headers = bearer(make_user("individual"))
    with failing_match_runs():
        response = client.post("/api/v1/offers", json=offer_fields(), headers=headers)
    assert response.status_code == 201
    assert count(Offer) == 1 and count(MatchRun) == 0
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "offer.posted")) == 1


def test_a_post_and_its_proposals_commit_together(client, make_user, make_need, bearer):
    make_need(quantity=10)
    response = client.post(
        "/api/v1/offers", json=offer_fields(quantity=10), headers=bearer(make_user("individual"))
    )
    assert response.status_code == 201
    assert [m.offer_id for m in proposals()] == [response.get_json()["id"]]


def test_an_edit_stands_when_proposing_fails(client, make_user, make_need, bearer):
    poster = make_user("ngo")
    need = make_need(poster)
    with failing_match_runs():
        response = client.patch(
            f"/api/v1/needs/{need.id}", json={"quantity": 55}, headers=bearer(poster)
        )
    assert response.status_code == 200
    db.session.refresh(need)
    assert need.quantity == 55


def test_a_rejection_stands_when_reproposing_fails(
    client, make_user, make_offer, make_need, bearer
):
    make_need(quantity=10)
    make_offer(quantity=10)
    [match] = proposals()
    with failing_match_runs():
        response = client.post(
            f"/api/v1/matches/{match.id}/reject",
            json={"reason": "Too far"},
            headers=bearer(make_user("staff")),
        )
    assert response.status_code == 200
    db.session.refresh(match)
    assert match.status == "rejected"


def test_a_page_post_stands_when_proposing_fails(client, make_user):
    sign_in(client, make_user("ngo"))
    with failing_match_runs():
        response = client.post("/needs/new", data=need_fields())
    assert response.status_code == 302
    assert count(Need) == 1


# 8. Rate limits -----------------------------------------------------------------------------


def test_wrong_passwords_for_one_account_are_throttled_with_retry_after(make_app, make_user):
    app = make_app(ratelimit_sign_in_account="3 per minute")
    with app.app_context():
        user = make_user("individual")
        client = app.test_client()
        wrong = {"email": user.email, "password": "not the password"}
        assert [client.post("/login", data=wrong).status_code for _ in range(3)] == [422] * 3
        throttled = client.post("/login", data=wrong)
        assert throttled.status_code == 429
        assert 0 < int(throttled.headers["Retry-After"]) <= 60
        assert "Πάρα πολλές" in throttled.get_data(as_text=True)  # the page's language
        client.post("/language", data={"language": "en"})
        page = client.post("/login", data=wrong).get_data(as_text=True)
        assert "Too many attempts" in page
        # Another account from the same address is not locked out by this one.
        other = make_user("individual")
        assert sign_in(app.test_client(), other)


def test_successful_sign_ins_do_not_count(make_app, make_user):
    app = make_app(ratelimit_sign_in_account="2 per minute")
    with app.app_context():
        user = make_user("individual")
        for _ in range(4):
            sign_in(app.test_client(), user)


def test_many_accounts_from_one_address_are_throttled(make_app, make_user):
    app = make_app(ratelimit_sign_in_address="4 per minute")
    with app.app_context():
        client = app.test_client()
        codes = [
            client.post(
                "/login", data={"email": f"x{i}@example.org", "password": "x" * 9}
            ).status_code
            for i in range(5)
        ]
        assert codes == [422] * 4 + [429]


def test_registrations_are_throttled_per_address(make_app):
    app = make_app(ratelimit_registration="2 per hour")
    with app.app_context():
        client = app.test_client()
        codes = [
            client.post(
                "/register/individual",
                data={
                    "full_name": f"Person {i}",
                    "email": f"person{i}@example.org",
                    "password": PASSWORD,
                    "confirm": PASSWORD,
                    "language": "en",
                },
            ).status_code
            for i in range(3)
        ]
        assert codes[-1] == 429 and 429 not in codes[:2]


def test_token_creation_is_throttled_per_account(make_app, make_user):
    app = make_app(ratelimit_token_account="2 per hour")
    with app.app_context():
        client = sign_in(app.test_client(), make_user("individual"))
        codes = [
            client.post("/account/tokens", data={"name": f"t{i}"}).status_code for i in range(3)
        ]
        assert codes == [200, 200, 429]


def test_the_api_is_throttled_per_account_in_json(make_app, make_user):
    app = make_app(ratelimit_api_account="3 per minute")
    with app.app_context():
        client = app.test_client()
        first = {"Authorization": f"Bearer {create_token(make_user('individual'), 'a')[1]}"}
        second = {"Authorization": f"Bearer {create_token(make_user('individual'), 'b')[1]}"}
        codes = [client.get("/api/v1/offers", headers=first).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        throttled = client.get("/api/v1/offers", headers=first)
        assert throttled.get_json()["code"] == 429 and "Retry-After" in throttled.headers
        assert client.get("/api/v1/offers", headers=second).status_code == 200


@pytest.mark.parametrize(("address", "counts"), [
    ("6 per minute", {"ratelimit_api_address"}),  # 6 = 2 x 3: one count, one round trip
    ("7 per minute", {"ratelimit_api_account", "ratelimit_api_address"}),  # both, as before
])
def test_an_anonymous_caller_keeps_the_account_limit_counted_once_where_it_divides(
        make_app, address, counts):
    app = make_app(ratelimit_api_account="3 per minute", ratelimit_api_address=address)
    with app.app_context():
        client = app.test_client()
        codes = [client.get("/api/v1/open-needs").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
    keys = redis.Redis.from_url("redis://127.0.0.1:6379/0").keys(f"{RATELIMIT_KEY_PREFIX}*")
    scopes = {scope for key in keys for scope in ("ratelimit_api_account",
                                                    "ratelimit_api_address")
              if scope in key.decode()}
    assert scopes == counts


def test_token_calls_from_an_address_are_limited_as_before(make_app, make_user):
    app = make_app(ratelimit_api_account="2 per minute", ratelimit_api_address="4 per minute")
    with app.app_context():
        client = app.test_client()
        tokens = [{"Authorization": f"Bearer {create_token(make_user('individual'), n)[1]}"}
                  for n in "ab"]
        codes = [client.get("/api/v1/offers", headers=tokens[n % 2]).status_code
                 for n in range(5)]
        assert codes == [200, 200, 200, 200, 429]  # each account 2, the address 4


def test_behind_a_trusted_proxy_each_visitor_counts_on_their_own(make_app):
    app = make_app(ratelimit_sign_in_address="2 per minute", proxy_hops=1)
    with app.app_context():
        client = app.test_client()

        def attempt(address: str) -> int:
            form = {"email": f"{address}@example.org", "password": "x" * 9}
            return client.post(
                "/login", data=form, headers={"X-Forwarded-For": address}
            ).status_code

        assert [attempt("203.0.113.1") for _ in range(3)] == [422, 422, 429]
        assert attempt("203.0.113.2") == 422


def test_counts_live_in_redis_under_the_sessions_own_prefix(make_app, make_user):
    app = make_app(ratelimit_sign_in_account="5 per minute")
    with app.app_context():
        app.test_client().post("/login", data={"email": "x@example.org", "password": "y" * 9})
    keys = redis.Redis.from_url("redis://127.0.0.1:6379/0").keys(f"{RATELIMIT_KEY_PREFIX}:*")
    assert keys


# 9. Health and an unreachable database ----------------------------------------------------


def test_health_checks_the_database_and_its_body_is_documented(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["checks"] == {"database": "ok", "reference_data": "ok"}
    spec = client.get("/api/v1/openapi.json").get_json()
    responses = spec["paths"]["/api/v1/health"]["get"]["responses"]
    assert "200" in responses and "503" in responses
    schema = spec["components"]["schemas"]["HealthOut"]
    assert set(schema["required"]) == set(body)


@pytest.fixture
def unreachable():
    """An app whose database does not answer (nothing listens on port 1)."""
    app = create_app(
        settings_for_tests("postgresql+psycopg://postgres@127.0.0.1:1/komvos?connect_timeout=2")
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_health_is_503_naming_the_database_when_it_is_down(unreachable):
    response = unreachable.test_client().get("/api/v1/health")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "unavailable"
    assert response.get_json()["status"] == "unavailable"


def test_an_unreachable_database_gives_503_pages_and_json(unreachable):
    client = unreachable.test_client()
    page = client.get("/needs")
    assert page.status_code == 503 and "Retry-After" in page.headers
    assert "βάση δεδομένων" in page.get_data(as_text=True)
    api = client.get("/api/v1/offers", headers={"Authorization": "Bearer kmv_whatever"})
    assert api.status_code == 503 and api.get_json()["code"] == 503
    assert client.get("/api/v1/open-needs").status_code == 503


def test_a_signed_in_person_gets_the_503_page_too(client, make_user, unreachable):
    sign_in(client, make_user("ngo"))
    other = unreachable.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    page = other.get("/needs/ours")
    assert page.status_code == 503
    assert "βάση δεδομένων" in page.get_data(as_text=True)


# 10. The API agrees with its OpenAPI document ---------------------------------------------


def test_datetimes_carry_their_utc_offset(client, make_user, bearer):
    headers = bearer(make_user("individual"))
    created = client.post("/api/v1/offers", json=offer_fields(), headers=headers).get_json()
    assert created["created_at"].endswith("+00:00")
    assert created["updated_at"].endswith("+00:00")


def test_a_405_says_what_is_allowed(client):
    response = client.delete("/api/v1/categories")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.get_json()["code"] == 405


def test_confirm_takes_no_body_as_documented(client, make_user, make_offer, make_need, bearer):
    make_need(quantity=10)
    make_offer(quantity=10)
    [match] = proposals()
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/matches/{match_id}/confirm"]["post"]
    assert operation["requestBody"].get("required", False) is False
    response = client.post(
        f"/api/v1/matches/{match.id}/confirm", headers=bearer(make_user("staff"))
    )
    assert response.status_code == 200 and response.get_json()["quantity"] == 10


@pytest.mark.parametrize(
    ("field", "value"),
    [("quantity", "10"), ("quantity", 10.0), ("reach_km", True), ("remote", "yes"), ("lot", "1")],
)
def test_the_api_refuses_numbers_and_booleans_sent_as_other_types(
    client, make_user, bearer, field, value
):
    body = offer_fields(kind="skill", category="digital_skills", unit="hours")
    body[field] = value
    response = client.post("/api/v1/offers", json=body, headers=bearer(make_user("individual")))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]


def test_forms_still_send_numbers_as_text(client, make_user):
    sign_in(client, make_user("ngo"))
    assert client.post("/needs/new", data=need_fields(quantity="10")).status_code == 302


@pytest.mark.parametrize("needed_by", ["9999-12-31", "0001-01-01"])
def test_dates_far_outside_any_plan_are_refused(client, make_user, bearer, needed_by):
    body = need_fields(needed_by=needed_by)
    response = client.post("/api/v1/needs", json=body, headers=bearer(make_user("ngo")))
    assert response.status_code == 422
    assert "needed_by" in response.get_json()["errors"]["json"]


def test_a_date_a_year_ahead_is_fine(client, make_user, bearer):
    body = need_fields(needed_by=(today() + timedelta(days=365)).isoformat())
    assert (
        client.post("/api/v1/needs", json=body, headers=bearer(make_user("ngo"))).status_code == 201
    )


def test_password_reset_links_are_throttled_per_account(make_app, make_user):
    app = make_app(ratelimit_password_reset_account="2 per hour", csrf=False)
    with app.app_context():
        client = app.test_client()
        user = make_user("individual")
        codes = [client.post("/password/forgot", data={"email": user.email}).status_code
                 for _ in range(3)]
        assert codes[-1] == 429 and 429 not in codes[:2]
        other = client.post("/password/forgot", data={"email": "someone@else.example"})
        assert other.status_code != 429
