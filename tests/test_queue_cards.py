"""The staff queue's cards are kept rendered per process (web/matches/cards.py): a kept card
is shown only while everything it shows is unchanged, never to another centre's staff, and a
decided proposal leaves the queue at once."""

import pytest
from sqlalchemy import select

from tests.helpers import sign_in, sql_statements
from web import data_version
from web.centres.services import CentreDetails, default_centre, save_centre
from web.extensions import db
from web.matches.cards import _Kept, kept_cards
from web.matches.models import Match
from web.posts.models import Offer


def _queue(client, path="/staff/matches"):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _card(page, match_id):
    start = page.find(f'<li class="card proposal" id="match-{match_id}">')
    assert start >= 0, f"no card of {match_id}"
    end = "</details>\n  </li>"  # its notes close a card
    return page[start:page.index(end, start) + len(end)]


@pytest.fixture
def two_proposals(make_user, make_need, make_offer):
    """Two proposals of the first centre, each its own need and offer."""
    for place in ("kypseli", "piraeus"):
        make_need(make_user("ngo"), place=place, quantity=10, title=f"Blankets {place}")
        make_offer(make_user("individual"), place=place, quantity=10, title=f"Offer {place}")
    return list(db.session.scalars(select(Match).where(Match.status == "proposed")
                                   .order_by(Match.id)))


def test_a_kept_card_is_shown_again_as_it_was_rendered(app, client, make_user, two_proposals):
    sign_in(client, make_user("staff"))
    kept = len(kept_cards())  # the app's: other tests' cards may be there already
    with sql_statements(app) as first:
        _queue(client)
    assert len(kept_cards()) == kept + 2
    with app.app_context():
        data_version.bump()  # a write elsewhere: the page renders again, its cards are kept
    with sql_statements(app) as second:
        page = _queue(client)
    # The kept cards need not load their proposals, offers, needs, people again.
    assert len(second) < len(first)
    for match in two_proposals:
        assert f'id="match-{match.id}"' in page
    assert "<!--card:" not in page  # every hole filled


def test_a_card_follows_its_notes_assignee_and_sides(client, make_user, two_proposals):
    staff = make_user("staff", full_name="Ελένη Π.")
    colleague = make_user("staff", full_name="Νίκος Κ.")
    match = two_proposals[0]
    sign_in(client, staff)
    before = _card(_queue(client), match.id)
    assert "Σημείωση πρώτη" not in before

    client.post(f"/staff/matches/{match.id}/note", data={"note": "Σημείωση πρώτη"})
    card = _card(_queue(client), match.id)
    assert "Σημείωση πρώτη" in card and "Ελένη Π." in card

    client.post(f"/staff/matches/{match.id}/assign", data={"assignee": str(colleague.id)})
    card = _card(_queue(client), match.id)
    assert "Νίκος Κ." in card and f'<option value="{colleague.id}" selected>' in card
    client.post(f"/staff/matches/{match.id}/assign", data={"assignee": str(staff.id)})
    card = _card(_queue(client), match.id)
    assert "Ανατέθηκε σε μένα" in card or "Assigned to me" in card
    assert f'<option value="{staff.id}" selected>' in card

    offer = db.session.get(Offer, match.offer_id)
    offer.title = "Κουβέρτες, νέος τίτλος"
    db.session.commit()
    assert "Κουβέρτες, νέος τίτλος" in _card(_queue(client), match.id)

    organisation = match.need.organisation
    organisation.name = "Νέο όνομα οργάνωσης"  # not under the need's version
    db.session.commit()
    assert "Νέο όνομα οργάνωσης" in _card(_queue(client), match.id)

    poster = colleague
    poster.full_name = "Νίκος Κωνσταντίνου"  # the assignee renamed
    db.session.commit()
    client.post(f"/staff/matches/{match.id}/assign", data={"assignee": str(colleague.id)})
    assert "Νίκος Κωνσταντίνου" in _card(_queue(client), match.id)


def test_a_decided_proposal_leaves_the_queue_at_once(client, make_user, two_proposals):
    first, second = two_proposals
    sign_in(client, make_user("staff"))
    page = _queue(client)
    assert f'id="match-{first.id}"' in page and f'id="match-{second.id}"' in page
    client.post("/staff/matches/confirm", data={"only": str(first.id)})
    page = _queue(client)
    assert f'id="match-{first.id}"' not in page and f'id="match-{second.id}"' in page
    client.post(f"/staff/matches/{second.id}/reject", data={"reason": "Όχι τώρα"})
    assert 'class="card proposal"' not in _queue(client)


def test_the_page_fills_each_card_with_its_own_query_and_neighbours(
    client, make_user, two_proposals
):
    first, second = two_proposals
    sign_in(client, make_user("staff"))
    _queue(client)
    page = _queue(client, "/staff/matches?sort=age&q=Blankets")
    card = _card(page, first.id)
    assert f'action="/staff/matches/{first.id}/reject?sort=age&amp;q=Blankets"' in card
    assert f'action="/staff/matches/{first.id}/note?sort=age&amp;q=Blankets"' in card
    assert f'value="match-{second.id}"' in card  # the card to go to after deciding this one
    alone = _card(_queue(client, "/staff/matches?q=kypseli"), first.id)
    assert f'action="/staff/matches/{first.id}/reject?q=kypseli"' in alone
    assert f"match-{second.id}" not in alone


def test_another_centres_staff_never_get_a_kept_card(client, make_user, make_organisation,
                                                     make_need, make_offer):
    athens = default_centre()
    salonica = save_centre(None, CentreDetails(
        slug="thessaloniki", name_el="Κέντρο Θεσσαλονίκης", name_en="Thessaloniki centre",
        area=["thessaloniki_unit"]))
    ngo = make_organisation("ngo", centre=athens, name="ΜΚΟ Αθήνας")
    need = make_need(make_user("ngo", organisation=ngo), place="kypseli", title="Ανάγκη Α")
    make_offer(place="kypseli", title="Προσφορά Α")
    [match] = db.session.scalars(select(Match).where(Match.need_id == need.id))
    athens_staff = make_user("staff", centre=athens, full_name="Προσωπικό Αθήνας")
    make_user("staff", centre=salonica, full_name="Προσωπικό Θεσσαλονίκης")

    sign_in(client, athens_staff)
    athens_card = _card(_queue(client), match.id)
    assert "Προσωπικό Αθήνας" in athens_card and "Προσωπικό Θεσσαλονίκης" not in athens_card
    kept = len(kept_cards())
    client.post("/logout")

    salonica_staff = db.session.scalar(select(type(athens_staff)).where(
        type(athens_staff).full_name == "Προσωπικό Θεσσαλονίκης"))
    sign_in(client, salonica_staff)
    assert "Ανάγκη Α" not in _queue(client)
    client.post("/logout")

    # The deployment's admin sees the same proposal, but its card is rendered for them: their
    # colleagues are every centre's staff.
    sign_in(client, make_user("admin", full_name="Διαχειριστής"))
    admin_card = _card(_queue(client), match.id)
    assert "Προσωπικό Θεσσαλονίκης" in admin_card and "Προσωπικό Αθήνας" in admin_card
    assert len(kept_cards()) == kept + 1


def test_the_kept_cards_are_bounded_least_recently_used_first():
    kept = _Kept(2)
    card = (("<li>", "</li>"), ("csrf",))
    kept.put(("a",), card)
    kept.put(("b",), card)
    assert kept.get(("a",)) == card  # "b" is now the least recently used
    kept.put(("c",), card)
    assert len(kept) == 2 and kept.get(("b",)) is None and kept.get(("a",)) == card
