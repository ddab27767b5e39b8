"""Every route, every kind of visitor: the server enforces who may do what."""

import pytest

from tests.helpers import sign_in

ACTORS = ["anonymous", "individual", "company", "ngo", "pending_ngo", "staff", "admin"]

# route -> (method, path, expected status per actor, in ACTORS order).
# 302 for anonymous on protected pages is the redirect to sign-in.
MATRIX = {
    "main.home": ("GET", "/", [200] * 7),
    "main.set_language": ("POST", "/language", [302] * 7),
    "auth.register": ("GET", "/register", [200] * 7),
    "auth.register_individual": ("GET", "/register/individual", [200] * 7),
    "auth.register_organisation": ("GET", "/register/ngo", [200] * 7),
    "auth.login": ("GET", "/login", [200] * 7),
    "auth.logout": ("POST", "/logout", [302] * 7),
    "auth.organisation": ("GET", "/organisation", [302, 404, 200, 200, 200, 404, 404]),
    "auth.invite": ("POST", "/organisation/invitations", [302, 403, 422, 422, 403, 403, 403]),
    "auth.accept_invitation": ("GET", "/invitations/not-a-token", [404] * 7),
    "staff.organisations": ("GET", "/staff/organisations", [302, 403, 403, 403, 403, 200, 200]),
    "staff.decide": ("POST", "/staff/organisations/{org}/approve",
                     [302, 403, 403, 403, 403, 302, 302]),
    "api.health": ("GET", "/api/v1/health", [200] * 7),
    "api.categories": ("GET", "/api/v1/categories?q=blankets", [200] * 7),
    "api.places": ("GET", "/api/v1/places?q=kypseli", [200] * 7),
    "static": ("GET", "/static/komvos.css", [200] * 7),
}


@pytest.fixture
def actors(make_user):
    built = {
        "anonymous": None,
        "individual": make_user("individual"),
        "company": make_user("company"),
        "ngo": make_user("ngo"),
        "pending_ngo": make_user("ngo", status="pending"),
        "staff": make_user("staff"),
        "admin": make_user("admin"),
    }
    return built


def test_the_matrix_covers_every_route(app):
    assert {rule.endpoint for rule in app.url_map.iter_rules()} == set(MATRIX)


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_answers_each_actor_as_expected(app, actors, make_organisation, endpoint):
    method, path, expected = MATRIX[endpoint]
    got = []
    for actor in ACTORS:
        pending = make_organisation("ngo", status="pending")
        client = sign_in(app.test_client(), actors[actor])
        response = client.open(path.format(org=pending.id), method=method, data={})
        got.append(response.status_code)
        response.close()
    assert dict(zip(ACTORS, got, strict=True)) == dict(zip(ACTORS, expected, strict=True))


def test_anonymous_is_sent_to_sign_in_not_shown_the_page(app):
    response = app.test_client().get("/staff/organisations")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
