"""Every route, every kind of visitor: the server enforces who may do what."""

import pytest

from tests.helpers import sign_in
from web.centres.services import CentreDetails, default_centre, save_centre

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
    "staff.decide": (
        "POST",
        "/staff/organisations/{org}/approve",
        [302, 403, 403, 403, 403, 302, 302],
    ),
    "auth.account": ("GET", "/account", [302, 200, 200, 200, 200, 200, 200]),
    "auth.change_password": ("POST", "/account/password", [302, 422, 422, 422, 422, 422, 422]),
    "auth.set_person_active": (
        "POST",
        "/staff/people/999/deactivate",
        [302, 403, 403, 403, 403, 403, 404],
    ),
    "account.forgot_password": ("GET", "/password/forgot", [200] * 7),
    "account.reset_password": ("GET", "/password/reset/not-a-token", [404] * 7),
    "account.request_email_change": ("POST", "/account/email", [302] + [422] * 6),
    "account.confirm_email": ("GET", "/account/email/not-a-token", [404] * 7),
    "account.export_data": ("GET", "/account/data.json", [302] + [200] * 6),
    "account.erase": ("GET", "/account/erase", [302, 200, 200, 200, 200, 403, 403]),
    "auth.create_token": ("POST", "/account/tokens", [302, 422, 422, 422, 422, 422, 422]),
    "auth.revoke_token": (
        "POST",
        "/account/tokens/999/revoke",
        [302, 404, 404, 404, 404, 404, 404],
    ),
    # Offers: whoever may post (individuals, approved companies and approved member NGOs).
    "posts.new_offer": ("GET", "/offers/new", [302, 200, 200, 200, 403, 403, 403]),
    "posts.my_offers": ("GET", "/offers/mine", [302, 200, 200, 200, 403, 403, 403]),
    "posts.edit_offer": ("GET", "/offers/{offer}/edit", [302, 404, 404, 404, 403, 403, 403]),
    "posts.withdraw_offer": (
        "POST",
        "/offers/{offer}/withdraw",
        [302, 404, 404, 404, 403, 403, 403],
    ),
    # Needs: representatives of approved NGOs.
    "posts.new_need": ("GET", "/needs/new", [302, 403, 403, 200, 403, 403, 403]),
    "posts.our_needs": ("GET", "/needs/ours", [302, 403, 403, 200, 403, 403, 403]),
    "posts.edit_need": ("GET", "/needs/{need}/edit", [302, 403, 403, 404, 403, 403, 403]),
    "posts.close_need": ("POST", "/needs/{need}/close", [302, 403, 403, 404, 403, 403, 403]),
    "posts.open_needs": ("GET", "/needs", [200] * 7),
    "posts.need_page": ("GET", "/needs/{need}", [200] * 7),
    "posts.offer_page": ("GET", "/offers/{offer}", [302, 403, 403, 200, 403, 200, 200]),
    # The API authenticates with tokens only: a browser session is not enough.
    "reference.health": ("GET", "/api/v1/health", [200] * 7),
    "reference.categories": ("GET", "/api/v1/categories?q=blankets", [200] * 7),
    "reference.suggest": ("GET", "/api/v1/categories/suggest?text=Κουβέρτες", [200] * 7),
    "reference.places": ("GET", "/api/v1/places?q=kypseli", [200] * 7),
    "api-docs.openapi_json": ("GET", "/api/v1/openapi.json", [200] * 7),
    "api_docs_page.api_docs": ("GET", "/api/docs", [200] * 7),
    "open_needs.list_open_needs": ("GET", "/api/v1/open-needs", [200] * 7),
    "offers.list_offers": ("GET", "/api/v1/offers", [401] * 7),
    "offers.create_offer": ("POST", "/api/v1/offers", [401] * 7),
    "offers.get_offer": ("GET", "/api/v1/offers/{offer}", [401] * 7),
    "offers.update_offer": ("PATCH", "/api/v1/offers/{offer}", [401] * 7),
    "offers.withdraw_offer": ("DELETE", "/api/v1/offers/{offer}", [401] * 7),
    "needs.list_needs": ("GET", "/api/v1/needs", [401] * 7),
    "needs.create_need": ("POST", "/api/v1/needs", [401] * 7),
    "needs.get_need": ("GET", "/api/v1/needs/{need}", [401] * 7),
    "needs.update_need": ("PATCH", "/api/v1/needs/{need}", [401] * 7),
    "needs.close_need": ("DELETE", "/api/v1/needs/{need}", [401] * 7),
    # Matches: staff review; each side sees its own.
    "matches.queue": ("GET", "/staff/matches", [302, 403, 403, 403, 403, 200, 200]),
    "matches.confirm": ("POST", "/staff/matches/confirm", [302, 403, 403, 403, 403, 302, 302]),
    "matches.reject": (
        "POST",
        "/staff/matches/{match}/reject",
        [302, 403, 403, 403, 403, 302, 302],
    ),
    "matches.run": ("POST", "/staff/matches/run", [302, 403, 403, 403, 403, 302, 302]),
    "matches.runs": ("GET", "/staff/runs", [302, 403, 403, 403, 403, 200, 200]),
    "matches.health": ("GET", "/staff/health", [302, 403, 403, 403, 403, 200, 200]),
    "staff.offers": ("GET", "/staff/offers", [302, 403, 403, 403, 403, 200, 200]),
    "matches.mine": ("GET", "/matches", [302, 200, 200, 200, 200, 403, 403]),
    "matches.cancel": ("POST", "/matches/{match}/cancel", [302, 404, 404, 404, 404, 302, 302]),
    "matches.receipt": ("POST", "/matches/{match}/receipt", [302, 404, 404, 404, 404, 404, 404]),
    # Recurring commitments: the giving side (and staff), and only for a recurring match.
    "matches.commitment": ("GET", "/matches/{match}/schedule", [302] + [404] * 6),
    "matches.pause": ("POST", "/matches/{match}/pause", [302] + [404] * 6),
    "matches.end": ("POST", "/matches/{match}/end", [302] + [404] * 6),
    "matches_api.list_matches": ("GET", "/api/v1/matches", [401] * 7),
    "matches_api.confirm": ("POST", "/api/v1/matches/{match}/confirm", [401] * 7),
    "matches_api.reject": ("POST", "/api/v1/matches/{match}/reject", [401] * 7),
    "matches_api.receipt": ("POST", "/api/v1/matches/{match}/receipt", [401] * 7),
    "matches_api.cancel": ("POST", "/api/v1/matches/{match}/cancel", [401] * 7),
    "matches_api.pause": ("POST", "/api/v1/matches/{match}/pause", [401] * 7),
    "matches_api.end": ("POST", "/api/v1/matches/{match}/end", [401] * 7),
    # Notifications: everyone signed in has an inbox; unsubscribing needs no sign-in.
    "notifications.inbox": ("GET", "/inbox", [302, 200, 200, 200, 200, 200, 200]),
    "notifications.mark_read": ("POST", "/inbox/999/read", [302, 404, 404, 404, 404, 404, 404]),
    "notifications.mark_all_read": ("POST", "/inbox/read", [302] * 7),
    "notifications.save_preferences": ("POST", "/account/preferences", [302] * 7),
    "notifications.unsubscribe": ("GET", "/unsubscribe/not-a-token", [404] * 7),
    "notifications.mail_status": ("GET", "/staff/mail", [302, 403, 403, 403, 403, 200, 200]),
    "notifications.retry": ("POST", "/staff/mail/999/retry", [302, 403, 403, 403, 403, 404, 404]),
    # The staff's cockpit: dashboard, lists, exports and the audit trail.
    "staff.dashboard": ("GET", "/staff", [302, 403, 403, 403, 403, 200, 200]),
    "staff.needs": ("GET", "/staff/needs", [302, 403, 403, 403, 403, 200, 200]),
    "staff.matches": ("GET", "/staff/matches/all", [302, 403, 403, 403, 403, 200, 200]),
    "staff.audit_trail": ("GET", "/staff/audit", [302, 403, 403, 403, 403, 200, 200]),
    "staff.report": ("GET", "/staff/reports", [302, 403, 403, 403, 403, 200, 200]),
    "staff.report_xlsx": (
        "GET",
        "/staff/reports/report.xlsx",
        [302, 403, 403, 403, 403, 200, 200],
    ),
    "staff.export": (
        "GET",
        "/staff/exports/needs.csv",
        [302, 403, 403, 403, 403, 200, 200],
    ),
    "staff.export_audit": ("GET", "/staff/exports/audit.xlsx", [302, 403, 403, 403, 403, 200, 200]),
    # Each side exports its own: an NGO its needs, a donor its offers (staff: everything).
    "exports.own": ("GET", "/exports/needs.csv", [302, 403, 403, 200, 200, 200, 200]),
    "exports.import_own": ("GET", "/imports/needs", [302, 403, 403, 200, 403, 200, 200]),
    "exports.import_template": ("GET", "/imports/offers/template.xlsx", [302] + [200] * 6),
    "staff.import_for": ("GET", "/staff/imports/offers", [302, 403, 403, 403, 403, 200, 200]),
    "matches.note": ("POST", "/staff/matches/{match}/note", [302, 403, 403, 403, 403, 302, 302]),
    "matches.assign": (
        "POST",
        "/staff/matches/{match}/assign",
        [302, 403, 403, 403, 403, 302, 302],
    ),
    "notifications.mail_templates": (
        "GET",
        "/staff/mail/templates",
        [302, 403, 403, 403, 403, 200, 200],
    ),
    # The directory: public; members describe their services; staff approve them.
    "directory.directory": ("GET", "/directory", [200] * 7),
    "directory.organisation": ("GET", "/directory/{org}", [404] * 7),
    "directory.ours": ("GET", "/directory/ours", [302, 403, 403, 200, 403, 403, 403]),
    "directory.new_service": ("GET", "/directory/ours/new", [302, 403, 403, 200, 403, 403, 403]),
    "directory.edit_service": (
        "GET",
        "/directory/ours/999/edit",
        [302, 403, 403, 404, 403, 403, 403],
    ),
    "directory.review": ("GET", "/staff/directory", [302, 403, 403, 403, 403, 200, 200]),
    "directory.decide": (
        "POST",
        "/staff/directory/999/approve",
        [302, 403, 403, 403, 403, 404, 404],
    ),
    "directory_api.list_services": ("GET", "/api/v1/directory", [200] * 7),
    # Saved interests: people who offer keep theirs; anyone may subscribe an address.
    "interests.mine": ("GET", "/account/interests", [302, 200, 200, 200, 200, 403, 403]),
    "interests.add": ("POST", "/account/interests", [302, 422, 422, 422, 422, 403, 403]),
    "interests.edit": (
        "GET",
        "/account/interests/999/edit",
        [302, 404, 404, 404, 404, 403, 403],
    ),
    "interests.update": (
        "POST",
        "/account/interests/999/edit",
        [302, 404, 404, 404, 404, 403, 403],
    ),
    "interests.delete": (
        "POST",
        "/account/interests/999/delete",
        [302, 404, 404, 404, 404, 403, 403],
    ),
    "interests.subscribe": ("GET", "/interests/subscribe", [200] * 7),
    "interests.confirm": ("GET", "/interests/confirm/not-a-token", [404] * 7),
    "interests.unsubscribe": ("GET", "/interests/unsubscribe/not-a-token", [404] * 7),
    "interests_api.list_interests": ("GET", "/api/v1/interests", [401] * 7),
    "interests_api.create_interest": ("POST", "/api/v1/interests", [401] * 7),
    "interests_api.get_interest": ("GET", "/api/v1/interests/999", [401] * 7),
    "interests_api.update_interest": ("PATCH", "/api/v1/interests/999", [401] * 7),
    "interests_api.delete_interest": ("DELETE", "/api/v1/interests/999", [401] * 7),
    # Stale matches: the reminder's signed link, no sign-in.
    "followup.release": ("GET", "/followup/not-a-token", [404] * 7),
    # Committees and emergencies: staff manage; the public sees emergencies in force.
    "committees.staff_page": ("GET", "/staff/committees", [302, 403, 403, 403, 403, 200, 200]),
    "committees.set_seats": ("POST", "/staff/committees/999", [302, 403, 403, 403, 403, 404, 404]),
    "emergencies.staff_list": ("GET", "/staff/emergencies", [302, 403, 403, 403, 403, 200, 200]),
    "emergencies.declare": ("POST", "/staff/emergencies", [302, 403, 403, 403, 403, 422, 422]),
    "emergencies.staff_page": (
        "GET", "/staff/emergencies/999", [302, 403, 403, 403, 403, 404, 404]),
    "emergencies.close": (
        "POST", "/staff/emergencies/999/close", [302, 403, 403, 403, 403, 404, 404]),
    "emergencies.public_page": ("GET", "/emergencies/999", [404] * 7),
    "emergencies.intake": ("GET", "/emergencies/999/need", [302, 403, 403, 404, 404, 403, 403]),
    "committees_api.list_committees": ("GET", "/api/v1/committees", [200] * 7),
    "emergencies_api.list_emergencies": ("GET", "/api/v1/emergencies", [200] * 7),
    "emergencies_api.declare": ("POST", "/api/v1/emergencies", [401] * 7),
    "emergencies_api.get_emergency": ("GET", "/api/v1/emergencies/999", [404] * 7),
    "emergencies_api.close": ("POST", "/api/v1/emergencies/999/close", [401] * 7),
    # Centres: the deployment admin's pages.
    "centres.centres": ("GET", "/admin/centres", [302, 403, 403, 403, 403, 403, 200]),
    "centres.create": ("POST", "/admin/centres", [302, 403, 403, 403, 403, 403, 422]),
    "centres.page": ("GET", "/admin/centres/999", [302, 403, 403, 403, 403, 403, 404]),
    "centres.edit": ("POST", "/admin/centres/999", [302, 403, 403, 403, 403, 403, 404]),
    "centres.add_member": (
        "POST", "/admin/centres/999/members", [302, 403, 403, 403, 403, 403, 404]),
    "centres.remove_member": (
        "POST", "/admin/centres/999/members/{org}/remove", [302, 403, 403, 403, 403, 403, 404]),
    "centres.appoint": ("POST", "/admin/centres/999/staff", [302, 403, 403, 403, 403, 403, 404]),
    "static": ("GET", "/static/komvos.css", [200] * 7),
}


# The centre dimension: staff of another centre (B) than the one whose organisation, need and
# match a route reaches (A) get what A's staff get, except where the route reads or writes
# one of A's objects: there the answer is a missing object's (404), the same as for an id
# nobody has. Offers are national, so an offer's page answers B's staff too.
OTHER_CENTRE = {
    "staff.decide": 404,
    "matches.reject": 404,
    "matches.cancel": 404,
    "matches.note": 404,
    "matches.assign": 404,
}


def expected_for_other_centre(endpoint):
    """What staff of centre B get on a route reaching centre A's objects."""
    _method, _path, expected = MATRIX[endpoint]
    return OTHER_CENTRE.get(endpoint, expected[ACTORS.index("staff")])


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


def test_every_route_answers_each_actor_as_expected(
    app, actors, make_organisation, make_offer, make_need, make_match
):
    # One signed-in client per actor, reused for every route (signing in costs a hash).
    clients = {actor: sign_in(app.test_client(), user) for actor, user in actors.items()}
    wrong = {}
    # Signing out goes last: it would sign the shared clients out for the routes after it.
    order = sorted(MATRIX, key=lambda endpoint: (endpoint == "auth.logout", endpoint))
    for endpoint in order:
        method, path, expected = MATRIX[endpoint]
        # Someone else's offer, need and match: nobody in the matrix owns them.
        offer, need = make_offer(), make_need()
        match = make_match(offer, need)
        got = []
        for actor in ACTORS:
            pending = make_organisation("ngo", status="pending")
            target = path.format(org=pending.id, offer=offer.id, need=need.id, match=match.id)
            response = clients[actor].open(target, method=method, data={})
            got.append(response.status_code)
            response.close()
        if got != expected:
            wrong[endpoint] = {
                a: (g, e) for a, g, e in zip(ACTORS, got, expected, strict=True) if g != e
            }
    assert not wrong, f"(got, expected) per actor: {wrong}"


def test_staff_of_another_centre_reach_none_of_its_objects_on_any_route(
    app, make_user, make_organisation, make_offer, make_need, make_match
):
    """Every route, as staff of centre B, over centre A's organisation, need and match."""
    default_centre()  # A, the first centre: every builder's organisation is its member
    other = save_centre(None, CentreDetails(
        slug="thessaloniki", name_el="Θεσσαλονίκη", name_en="Thessaloniki",
        area=["thessaloniki_unit"]))
    client = sign_in(app.test_client(), make_user("staff", centre=other))
    wrong = {}
    order = sorted(MATRIX, key=lambda endpoint: (endpoint == "auth.logout", endpoint))
    for endpoint in order:
        method, path, _expected = MATRIX[endpoint]
        offer, need = make_offer(), make_need()  # A's need (Kypseli, an A member's)
        match = make_match(offer, need)
        pending = make_organisation("ngo", status="pending")  # a member of A
        target = path.format(org=pending.id, offer=offer.id, need=need.id, match=match.id)
        response = client.open(target, method=method, data={"reason": "x", "note": "x"})
        if response.status_code != expected_for_other_centre(endpoint):
            wrong[endpoint] = (response.status_code, expected_for_other_centre(endpoint))
        response.close()
    assert not wrong, f"(got, expected): {wrong}"
    assert need.centre_id != other.id and pending.status == "pending"


def test_anonymous_is_sent_to_sign_in_not_shown_the_page(app):
    response = app.test_client().get("/staff/organisations")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
