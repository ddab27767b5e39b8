"""Committees: data in config/committees.toml, staff seats, routing by sector, "my
committees" first in the queue, the dashboard and the digest, urgent needs told to members."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.helpers import sign_in
from web.api.auth import create_token
from web.committees import services
from web.committees.registry import load_committees, parse_committees
from web.config import CONFIG_DIR
from web.extensions import db
from web.matches.models import Match
from web.notifications.digests import staff_digest
from web.notifications.models import Notification
from web.reference import DataFileError

GOOD = {
    "basic_goods": "health_social",
    "committee": [
        {"id": "legal", "name": {"el": "Νομική", "en": "Legal"}, "sectors": ["legal"]},
        {"id": "health_social", "name": {"el": "Υγεία", "en": "Health"},
         "sectors": ["health", "social"]},
        {"id": "rest", "name": {"el": "Λοιπά", "en": "Rest"},
         "sectors": ["housing", "education", "employment"]},
    ],
}


def with_change(**change):
    data = {"basic_goods": GOOD["basic_goods"], "committee": [dict(c) for c in GOOD["committee"]]}
    if "first" in change:
        data["committee"][0].update(change.pop("first"))
    data.update(change)
    return data


def test_the_centres_file_has_its_five_committees_in_both_languages():
    committees = load_committees(CONFIG_DIR / "committees.toml")
    assert [c.name("en") for c in committees.all] == [
        "Legal support", "Access to health and social services", "Housing", "Education",
        "Integration into the labour market"]
    assert all(c.name("el") != c.name("en") for c in committees.all)
    assert [c.id for c in committees.for_sector("basic_goods")] == ["health_social"]


@pytest.mark.parametrize(("data", "named"), [
    (with_change(first={"sectors": ["weather"]}), "committee 'legal': unknown sector 'weather'"),
    (with_change(first={"name": {"el": "Νομική"}}), "committee 'legal': name needs el and en"),
    (with_change(first={"id": "health_social"}), "committee 'health_social': id appears twice"),
    (with_change(first={"id": "Legal Support"}), "committee #1: id must be"),
    (with_change(basic_goods="food"), "basic_goods: must name a committee id"),
    (with_change(first={"sectors": ["health"]}), "sector 'legal': no committee follows it"),
    (with_change(colour="blue"), "top level: unknown key 'colour'"),
])
def test_a_bad_committees_file_stops_start_up_naming_the_entry(data, named):
    with pytest.raises(DataFileError, match=named.replace("(", r"\(")):
        parse_committees(Path("committees.toml"), data)


def test_basic_goods_go_where_the_file_says(make_app, tmp_path):
    moved = (CONFIG_DIR / "committees.toml").read_text().replace(
        'basic_goods = "health_social"', 'basic_goods = "housing"')
    (tmp_path / "committees.toml").write_text(moved)
    app = make_app(committees_file=str(tmp_path / "committees.toml"))
    with app.app_context():
        assert [c.id for c in services.committees().for_sector("basic_goods")] == ["housing"]


def test_posts_go_to_the_committees_of_their_sector(app, make_need, make_offer):
    blankets = make_need()
    advice = make_offer(category="legal_advice", unit="sessions", quantity=5,
                        title="Νομικές συμβουλές")
    assert [c.id for c in services.committees_for(blankets)] == ["health_social"]
    assert [c.id for c in services.committees_for(advice)] == ["legal"]


def test_the_cli_seats_staff_and_lists_committees(app, make_user):
    anna = make_user("staff", email="anna@centre.example", full_name="Άννα Γεωργίου")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["committees", "add-member", "anna@centre.example", "legal"])
    assert result.exit_code == 0 and "now sits on legal" in result.output
    again = runner.invoke(args=["committees", "add-member", "anna@centre.example", "legal"])
    assert "already sat on legal" in again.output
    wrong = runner.invoke(args=["committees", "add-member", "anna@centre.example", "weather"])
    assert wrong.exit_code != 0 and "weather" in wrong.output
    donor = make_user("individual", email="donor@people.example")
    refused = runner.invoke(args=["committees", "add-member", donor.email, "legal"])
    assert refused.exit_code != 0
    listing = runner.invoke(args=["committees", "list"]).output
    assert "legal: Legal support" in listing and "anna@centre.example" in listing
    assert services.committee_ids_of(anna) == ["legal"]


def test_staff_choose_seats_on_the_committees_page(client, make_user):
    staff = make_user("staff", language="en")
    colleague = make_user("staff", full_name="Νίκος Παππάς")
    sign_in(client, staff)
    page = client.get("/staff/committees").get_data(as_text=True)
    assert "Access to health and social services" in page and "Νίκος Παππάς" in page
    response = client.post(f"/staff/committees/{colleague.id}",
                           data={"committees": ["housing", "legal"]})
    assert response.status_code == 302
    assert services.committee_ids_of(colleague) == ["legal", "housing"]
    client.post(f"/staff/committees/{colleague.id}", data={"committees": ["weather"]})
    assert services.committee_ids_of(colleague) == ["legal", "housing"]  # nothing changed
    client.post(f"/staff/committees/{colleague.id}", data={"committees": ["legal"]})
    assert services.committee_ids_of(colleague) == ["legal"]


@pytest.fixture
def two_proposals(make_user, make_offer, make_need):
    """A proposal for blankets (health and social services) and one for legal advice."""
    make_offer(place="kypseli", reach_km=30, title="Κουβέρτες μάλλινες")
    make_need(place="kypseli", title="Blankets for a family shelter")
    make_offer(category="legal_advice", unit="sessions", quantity=5, remote=True,
               title="Νομικές συμβουλές για άσυλο")
    make_need(category="legal_advice", unit="sessions", quantity=5,
              title="Νομικές συμβουλές για αιτούντες άσυλο")
    proposals = db.session.scalars(select(Match).where(Match.status == "proposed")).all()
    assert len(proposals) == 2
    return proposals


def test_committee_members_see_their_queue_first_and_all_one_click_away(
        client, make_user, two_proposals):
    lawyer = make_user("staff", language="en")
    services.add_member(None, lawyer, "legal")
    sign_in(client, lawyer)
    mine = client.get("/staff/matches").get_data(as_text=True)
    assert "Νομικές συμβουλές για άσυλο" in mine and "Κουβέρτες μάλλινες" not in mine
    assert "My committees: Legal support" in mine and 'href="/staff/matches?committee=all"' in mine
    everything = client.get("/staff/matches?committee=all").get_data(as_text=True)
    assert "Νομικές συμβουλές για άσυλο" in everything and "Κουβέρτες μάλλινες" in everything
    housing = client.get("/staff/matches?committee=housing").get_data(as_text=True)
    assert "Νομικές συμβουλές" not in housing and "Κουβέρτες" not in housing


def test_staff_on_no_committee_see_everything(client, make_user, two_proposals):
    sign_in(client, make_user("staff", language="en"))
    page = client.get("/staff/matches").get_data(as_text=True)
    assert "Νομικές συμβουλές για άσυλο" in page and "Κουβέρτες μάλλινες" in page
    assert "You sit on no committee" in page


def test_the_dashboard_opens_on_my_committees(client, make_user, two_proposals):
    lawyer = make_user("staff", language="en")
    services.add_member(None, lawyer, "legal")
    sign_in(client, lawyer)
    mine = client.get("/staff").get_data(as_text=True)
    assert "Blankets for a family shelter" not in mine
    assert '<strong>1</strong> proposals waiting' in mine
    assert 'href="/staff/needs?committee=mine"' in mine
    needs = client.get("/staff/needs?committee=mine").get_data(as_text=True)
    assert "Νομικές συμβουλές για αιτούντες άσυλο" in needs
    assert "Blankets for a family shelter" not in needs
    everything = client.get("/staff?committee=all").get_data(as_text=True)
    assert "Blankets for a family shelter" in everything
    assert '<strong>2</strong> proposals waiting' in everything


def test_the_staff_digest_counts_my_committees(app, make_user, two_proposals):
    lawyer = make_user("staff")
    nobody = make_user("staff")
    services.add_member(None, lawyer, "legal")
    assert staff_digest() == 2
    counts = {row.user_id: row.subject for row in db.session.scalars(
        select(Notification).where(Notification.kind == "proposals_digest"))}
    assert counts[lawyer.id].startswith("1 ") and counts[nobody.id].startswith("2 ")


def test_members_are_told_of_urgent_needs_in_their_committee_in_their_language(
        app, make_user, make_need):
    health_el = make_user("staff", language="el")
    health_en = make_user("staff", language="en")
    lawyer = make_user("staff", language="en")
    for member in (health_el, health_en):
        services.add_member(None, member, "health_social")
    services.add_member(None, lawyer, "legal")
    make_need(urgency="normal", title="Κουβέρτες όταν μπορείτε")
    need = make_need(urgency="emergency", title="Κουβέρτες απόψε")
    rows = db.session.scalars(select(Notification).where(
        Notification.kind == "urgent_need")).all()
    assert {r.user_id: r.subject for r in rows} == {
        health_el.id: "Επείγουσα ανάγκη για την επιτροπή Πρόσβαση σε υπηρεσίες υγείας και "
                      "κοινωνικές υπηρεσίες: Κουβέρτες απόψε",
        health_en.id: "Urgent need for Access to health and social services: Κουβέρτες απόψε",
    }
    assert all(r.link == f"/needs/{need.id}" for r in rows)


def test_the_api_lists_committees_with_members_for_staff_only(client, make_user):
    staff = make_user("staff", full_name="Άννα Γεωργίου")
    services.add_member(None, staff, "housing")
    public = client.get("/api/v1/committees").get_json()["items"]
    assert [c["id"] for c in public] == ["legal", "health_social", "housing", "education",
                                        "employment"]
    assert public[1]["sectors"] == ["basic_goods", "health", "social"]
    assert all(c["members"] is None for c in public)
    _token, secret = create_token(staff, "tests")
    seen = client.get("/api/v1/committees",
                      headers={"Authorization": f"Bearer {secret}"}).get_json()["items"]
    assert seen[2]["members"] == [{"id": staff.id, "name": "Άννα Γεωργίου",
                                   "email": staff.email}]
