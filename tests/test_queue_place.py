"""The review queue keeps the staff's place: filters, sort, page and scroll survive a
decision; proposals keep their id; notes and assignments; title and category search."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.helpers import sign_in
from web.extensions import db
from web.matches import notes, services
from web.matches.models import Match, MatchNote
from web.models import AuditEvent
from web.validation import InvalidInput


@pytest.fixture
def staff(make_user):
    return make_user("staff", full_name="Άννα Γεωργίου")


def proposals():
    query = select(Match).where(Match.status == "proposed").order_by(Match.id)
    return list(db.session.scalars(query))


@pytest.fixture
def queue(make_user, make_need, make_offer):
    """Three proposals in Kypseli (blankets) and one in Piraeus (first-aid kits)."""
    for n in range(3):
        make_need(make_user("ngo"), title=f"Κουβέρτες ξενώνα {n}", quantity=10)
        make_offer(make_user("individual"), title=f"Κουβέρτες δωρεά {n}", quantity=10)
    make_need(make_user("ngo"), category="first_aid_kits", title="Φαρμακεία", place="piraeus")
    make_offer(make_user("company"), category="first_aid_kits", title="Κουτιά", place="piraeus")
    return proposals()


def cards(html):
    return [int(i) for i in re.findall(r'class="card proposal" id="match-(\d+)"', html)]


FILTERS = "sector=basic_goods&sort=age&q=%CE%BA%CE%BF%CF%85%CE%B2%CE%AD%CF%81%CF%84%CE%B5%CF%82"


def test_the_filters_search_and_sort_narrow_the_queue(client, staff, queue):
    sign_in(client, staff)
    everything = cards(client.get("/staff/matches").get_data(as_text=True))
    assert len(everything) == len(queue)
    blankets = cards(client.get(f"/staff/matches?{FILTERS}").get_data(as_text=True))
    assert len(blankets) == len(queue) - 1
    assert blankets == sorted(blankets)  # oldest first
    by_text = cards(client.get("/staff/matches?q=φαρμακ").get_data(as_text=True))
    assert len(by_text) == 1
    # The category filter takes what people type, found by the forms' search.
    by_category = cards(client.get("/staff/matches?category=kouvertes").get_data(as_text=True))
    assert sorted(by_category) == sorted(blankets)
    page = client.get("/staff/matches?category=kouvertes").get_data(as_text=True)
    assert 'value="Κουβέρτες"' in page


def test_confirming_comes_back_to_the_same_filters_and_the_next_card(client, staff, queue):
    sign_in(client, staff)
    html = client.get(f"/staff/matches?{FILTERS}").get_data(as_text=True)
    first, second, *_ = cards(html)
    response = client.post(
        f"/staff/matches/confirm?{FILTERS}",
        data={"only": str(first), f"next-{first}": f"match-{second}"},
    )
    location = urlsplit(response.headers["Location"])
    assert location.path == "/staff/matches"
    assert parse_qs(location.query) == parse_qs(FILTERS)
    assert location.fragment == f"match-{second}"
    assert db.session.get(Match, first).status == "confirmed"


def test_rejecting_comes_back_to_the_same_filters(client, staff, queue):
    sign_in(client, staff)
    first, second, *_ = cards(client.get(f"/staff/matches?{FILTERS}").get_data(as_text=True))
    response = client.post(
        f"/staff/matches/{first}/reject?{FILTERS}&page=1",
        data={"reason": "Άλλη περιοχή", "next": f"match-{second}"},
    )
    location = urlsplit(response.headers["Location"])
    assert parse_qs(location.query) == {**parse_qs(FILTERS), "page": ["1"]}
    assert location.fragment == f"match-{second}"


def test_an_anchor_that_is_not_a_card_is_dropped(client, staff, queue):
    sign_in(client, staff)
    response = client.post(
        "/staff/matches/confirm",
        data={"only": str(queue[0].id), f"next-{queue[0].id}": "javascript:alert(1)"},
    )
    assert response.headers["Location"] == "/staff/matches"


def test_the_page_carries_the_filters_into_its_forms(client, staff, queue):
    sign_in(client, staff)
    html = client.get(f"/staff/matches?{FILTERS}").get_data(as_text=True)
    actions = re.findall(r'action="([^"]+)"', html)
    confirm = next(a for a in actions if "/confirm" in a).replace("&amp;", "&")
    assert parse_qs(urlsplit(confirm).query) == parse_qs(FILTERS)
    assert all("sort=age" in a for a in actions if "/reject" in a)


def test_a_rejection_leaves_the_other_proposals_their_ids(staff, make_user, make_need, make_offer):
    need = make_need(make_user("ngo"), quantity=30)
    make_offer(make_user("individual"), quantity=10)
    make_offer(make_user("individual"), quantity=10)
    before = {(m.offer_id, m.need_id): m.id for m in proposals()}
    assert len(before) == 2
    rejected, kept = sorted(before.values())
    services.reject_match(staff, rejected, "Δεν ταιριάζει")
    after = {(m.offer_id, m.need_id): m.id for m in proposals()}
    assert kept in after.values()
    assert need.id in {n for _, n in after}


def test_a_full_run_keeps_the_id_of_a_pair_it_proposes_again(
    staff, make_user, make_need, make_offer
):
    make_need(make_user("ngo"), quantity=30)
    make_offer(make_user("individual"), quantity=10)
    [match] = proposals()
    db.session.execute(
        Match.__table__.update().where(Match.__table__.c.id == match.id).values(quantity=3)
    )
    db.session.commit()
    services.run_matching("full", staff)
    [again] = proposals()
    assert again.id == match.id and again.quantity == 10


def test_notes_and_assignment_show_who_looks_after_a_proposal(client, staff, make_user, queue):
    colleague = make_user("staff", full_name="Νίκος Δημητρίου")
    sign_in(client, staff)
    target = queue[0].id
    response = client.post(f"/staff/matches/{target}/note?sort=age", data={"note": "Τηλεφώνησα"})
    assert response.headers["Location"].endswith(f"/staff/matches?sort=age#match-{target}")
    client.post(f"/staff/matches/{target}/assign", data={"assignee": str(colleague.id)})
    [note] = db.session.scalars(select(MatchNote)).all()
    assert (note.body, note.author_id) == ("Τηλεφώνησα", staff.id)
    assert db.session.get(Match, target).assigned_to_id == colleague.id
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"match.noted", "match.assigned"} <= actions
    theirs = sign_in(client.application.test_client(), colleague)
    html = theirs.get(f"/staff/matches?assigned={colleague.id}").get_data(as_text=True)
    assert cards(html) == [target]
    assert "Ανατέθηκαν σε μένα (1)" in html and "Ανατέθηκε σε μένα" in html
    assert "Τηλεφώνησα" in html and "Άννα Γεωργίου" in html


@pytest.mark.parametrize(
    ("body", "ok"), [("", False), ("x" * 2001, False), ("Καλέστε τον φορέα", True)]
)
def test_a_note_needs_words_within_limits(staff, queue, body, ok):
    if ok:
        assert notes.add_note(staff, queue[0].id, body).body == body
    else:
        with pytest.raises(InvalidInput, match="2000"):
            notes.add_note(staff, queue[0].id, body)


def test_only_staff_are_assigned(staff, make_user, queue):
    with pytest.raises(InvalidInput, match="προσωπικό"):
        notes.assign_match(staff, queue[0].id, make_user("ngo").id)
