"""The full run's bulk reads and writes, and the open-book index that proposing for one new
post reads: what a run keeps, revises, supersedes and never proposes again, and an index
that never answers from a book that has changed."""

import gc
from datetime import timedelta

from sqlalchemy import select, update

from web.extensions import db
from web.matches import bridge, open_book, services
from web.matches.models import Match
from web.models import utcnow
from web.posts.models import Need, Offer


def proposals(**where):
    query = select(Match).where(Match.status == "proposed")
    for name, value in where.items():
        query = query.where(getattr(Match, name) == value)
    return list(db.session.scalars(query.order_by(Match.id)))


def change(model, post, **values):
    """An UPDATE of a post outside the services (as another process's would be), committed."""
    db.session.execute(update(model).where(model.id == post.id).values(**values))
    db.session.commit()
    db.session.expire_all()


def test_a_proposal_made_again_keeps_its_row_and_id_and_becomes_the_runs(
        make_user, make_need, make_offer):
    need = make_need(make_user("ngo"), quantity=50)
    offer = make_offer(make_user("individual"), quantity=20)
    [before] = proposals()
    first = services.run_matching("full")
    [after] = proposals()
    assert (after.id, after.quantity, after.run_id) == (before.id, 20, first.id)
    assert (after.offer_id, after.need_id) == (offer.id, need.id)
    assert first.superseded == 0 and first.proposals == 1


def test_a_run_whose_allocation_two_processes_share_proposes_the_same(
        app, make_user, make_need, make_offer):
    ngo, giver = make_user("ngo"), make_user("individual")
    for quantity in (50, 30, 8):
        make_need(ngo, quantity=quantity)
    for quantity in (20, 25):
        make_offer(giver, quantity=quantity)
    services.run_matching("full")
    alone = [(m.id, m.offer_id, m.need_id, m.quantity) for m in proposals()]
    app.config["KOMVOS"]["match_workers"] = 2
    shared = services.run_matching("full")
    assert [(m.id, m.offer_id, m.need_id, m.quantity) for m in proposals()] == alone
    assert shared.superseded == 0 and shared.proposals == len(alone) > 0


def test_a_pair_proposed_with_a_new_quantity_keeps_its_id_with_the_new_figures(
        make_user, make_need, make_offer):
    need = make_need(make_user("ngo"), quantity=50)
    offer = make_offer(make_user("individual"), quantity=20)
    [before] = proposals()
    change(Offer, offer, quantity=30)
    run = services.run_matching("full")
    [after] = proposals()
    assert (after.id, after.quantity, after.proposed_quantity) == (before.id, 30, 30)
    assert after.need_quantity == 30 and after.run_id == run.id and after.decided_at is None
    assert after.breakdown and set(after.breakdown) >= {"category", "distance"}
    assert (after.offer_id, after.need_id) == (offer.id, need.id)
    assert run.superseded == 0 and run.proposals == 1


def test_a_stale_proposal_is_superseded_and_a_new_pair_written_as_a_full_row(
        make_user, make_need, make_offer):
    need = make_need(make_user("ngo"), quantity=50)
    offer = make_offer(make_user("individual"), quantity=20)
    [stale] = proposals()
    change(Offer, offer, category_id="baby_formula", text_category_id=None, concepts=[])
    # Added without proposing (as an import or another process would): the run finds it.
    fresh_offer = Offer(**{c: getattr(offer, c) for c in (
        "kind", "title", "description", "unit", "place_id", "reach_km", "donor_id",
        "available_from")}, category_id="blankets", quantity=7)
    db.session.add(fresh_offer)
    db.session.commit()
    run = services.run_matching("full")
    db.session.refresh(stale)
    assert stale.status == "superseded" and stale.decided_at is not None
    [made] = proposals()
    assert (made.offer_id, made.need_id, made.quantity) == (fresh_offer.id, need.id, 7)
    assert made.run_id == run.id and made.created_at is not None and made.reason == ""
    assert made.score > 0 and made.distance_km == 0.0 and made.breakdown
    assert run.superseded == 1 and run.proposals == 1


def test_a_rejected_pair_is_never_proposed_again_by_a_full_run(
        make_user, make_need, make_offer):
    staff = make_user("staff")
    make_need(make_user("ngo"), quantity=50)
    make_offer(make_user("individual"), quantity=20)
    [match] = proposals()
    services.reject_match(staff, match.id, "Not this pair")
    for _ in range(2):
        services.run_matching("full")
        assert [(m.offer_id, m.need_id) for m in proposals()
                if (m.offer_id, m.need_id) == (match.offer_id, match.need_id)] == []


def test_a_confirmed_match_is_left_as_it_is_by_a_run(make_user, make_need, make_offer):
    staff = make_user("staff")
    make_need(make_user("ngo"), quantity=50)
    make_offer(make_user("individual"), quantity=20)
    [match] = proposals()
    services.confirm_match(staff, match.id)
    services.run_matching("full")
    db.session.refresh(match)
    assert match.status == "confirmed" and match.quantity == 20 and proposals() == []


def test_the_index_of_open_offers_is_kept_between_posts(app, make_user, make_need, make_offer):
    make_offer(make_user("individual"), quantity=10)
    make_need(make_user("ngo"), quantity=5)
    kept = app.extensions["komvos.open_books"]["offer"]
    make_need(make_user("ngo"), quantity=5)
    assert app.extensions["komvos.open_books"]["offer"] is kept


def test_a_warmed_worker_posts_against_the_indexes_it_built_at_start(
    app, make_user, make_need, make_offer
):
    from web.matches.open_book import forget_books, warm_books

    offer = make_offer(make_user("individual"), quantity=10)
    forget_books()
    warm_books()  # what gunicorn's post_worker_init does
    books = app.extensions["komvos.open_books"]
    warmed = dict(books)
    assert set(warmed) == {"offer", "need"}
    need = make_need(make_user("ngo"), quantity=5)
    assert books["offer"] is warmed["offer"]
    assert [(m.offer_id, m.need_id) for m in proposals()] == [(offer.id, need.id)]


def test_a_need_meets_an_offer_that_moved_and_one_posted_since_the_index_was_built(
        app, make_user, make_need, make_offer):
    far = make_offer(make_user("individual"), quantity=10, place="orestiada", reach_km=5)
    first = make_need(make_user("ngo"), quantity=10)  # builds the index: the offer is far
    assert proposals() == []
    kept = app.extensions["komvos.open_books"]["offer"]
    change(Offer, far, place_id="kypseli", latitude=None, longitude=None)
    second = make_need(make_user("ngo"), quantity=10)
    assert [(m.offer_id, m.need_id) for m in proposals()] == [(far.id, second.id)]
    newer = make_offer(make_user("individual"), quantity=30)  # proposes for `first`
    third = make_need(make_user("ngo"), quantity=10)
    assert (newer.id, third.id) in {(m.offer_id, m.need_id) for m in proposals()}
    assert (newer.id, first.id) in {(m.offer_id, m.need_id) for m in proposals()}
    assert app.extensions["komvos.open_books"]["offer"] is kept  # read beside it, not rebuilt


def ids_read(monkeypatch):
    """The ids of the posts each later reading of the open book returns, one set a reading."""
    read: list[set[int]] = []
    posts = open_book._posts

    def reading(side, query):
        rows = posts(side, query)
        read.append(set(rows))
        return rows

    monkeypatch.setattr(open_book, "_posts", reading)
    return read


def test_a_late_commit_is_read_afresh_and_a_row_the_index_holds_as_it_is_is_not(
        app, make_user, make_need, make_offer, monkeypatch):
    """Rows changed in the minutes before the index was built are read beside it only once
    they are no longer the version it holds: a change flushed before the build and committed
    after it (an `updated_at` older than the build's latest) is read; a row the index holds as
    it is, and does not find near, is not."""
    far = make_offer(make_user("individual"), quantity=10, place="orestiada", reach_km=5)
    late = make_offer(make_user("individual"), quantity=10, place="orestiada", reach_km=5)
    open_book.forget_books()  # (the app outlives each test's database)
    make_need(make_user("ngo"), quantity=10)  # builds the offers' index: both are far
    kept = app.extensions["komvos.open_books"]["offer"]
    assert {far.id, late.id} <= set(kept.held)  # both changed just before it was built
    # another process's move, flushed before the index was built and committed after
    change(Offer, late, place_id="kypseli", latitude=None, longitude=None,
           updated_at=kept.stamp - timedelta(seconds=30))
    read = ids_read(monkeypatch)
    need = make_need(make_user("ngo"), quantity=10)
    assert [m.offer_id for m in proposals(need_id=need.id)] == [late.id]
    assert read[-1] == {late.id}  # the far offer, unchanged, is not read again
    assert app.extensions["komvos.open_books"]["offer"] is kept
    # `LATE_COMMIT` later the book settles: the late commit is known by its id, the rest of
    # the window before the stamp is no longer read, and what changes after still is.
    kept.built_at -= open_book.LATE_COMMIT
    kept.checked = 0.0
    moved = make_offer(make_user("individual"), quantity=10, place="orestiada", reach_km=5)
    change(Offer, moved, place_id="kypseli", latitude=None, longitude=None)
    again = make_need(make_user("ngo"), quantity=30)
    assert kept.late == {late.id} and kept.since == kept.stamp
    assert [m.offer_id for m in proposals(need_id=again.id)] == [moved.id]  # late is taken
    assert read[-1] == {late.id, moved.id}
    assert app.extensions["komvos.open_books"]["offer"] is kept


def test_posts_written_long_before_the_index_was_built_are_not_read_again(
        app, make_user, make_need, make_offer, monkeypatch):
    """Only a change flushed within `LATE_COMMIT` of the build can commit after it: rows
    written long before (a seed, an import) are neither held nor read beside the index, and
    a change after the build still is."""
    far = make_offer(make_user("individual"), quantity=10, place="orestiada", reach_km=5)
    moved = make_offer(make_user("individual"), quantity=10, place="orestiada", reach_km=5)
    an_hour_ago = utcnow() - timedelta(hours=1)
    for offer in (far, moved):
        change(Offer, offer, updated_at=an_hour_ago)
    open_book.forget_books()
    make_need(make_user("ngo"), quantity=10)  # builds the offers' index: both are far
    kept = app.extensions["komvos.open_books"]["offer"]
    assert kept.since == kept.stamp == an_hour_ago and kept.held == {}
    change(Offer, moved, place_id="kypseli", latitude=None, longitude=None)  # after the build
    read = ids_read(monkeypatch)
    need = make_need(make_user("ngo"), quantity=10)
    assert [m.offer_id for m in proposals(need_id=need.id)] == [moved.id]
    assert read[-1] == {moved.id}
    assert app.extensions["komvos.open_books"]["offer"] is kept


def test_an_offer_never_meets_a_need_that_closed_since_the_index_was_built(
        make_user, make_need, make_offer):
    need = make_need(make_user("ngo"), quantity=10)
    make_offer(make_user("individual"), quantity=3)  # builds the index of needs
    change(Need, need, status="withdrawn")
    make_offer(make_user("individual"), quantity=4)
    assert {m.need_id for m in proposals()} == {need.id}  # only the first offer's, from before
    assert len(proposals()) == 1


def test_the_index_is_rebuilt_when_forgotten(app, make_user, make_need,
                                                             make_offer):
    make_offer(make_user("individual"), quantity=10)
    make_need(make_user("ngo"), quantity=5)
    kept = app.extensions["komvos.open_books"]["offer"]
    open_book.forget_books()
    make_need(make_user("ngo"), quantity=5)
    assert app.extensions["komvos.open_books"]["offer"] is not kept


def test_a_remote_offer_reaches_the_next_nearest_need_when_a_nearer_one_is_taken(
        app, make_user, make_need, make_offer):
    """The index gives a remote offer each group's 50 nearest open needs as they stood; once
    one of them is set aside for another offer, the 51st nearest is among the 50 it meets."""
    # The needs posted just before the index was built come from the index alone: it holds
    # them as they are, so they are not read again beside it.
    places = app.extensions["komvos.places"].places
    home = places["kypseli"]
    by_distance = sorted(places.values(), key=lambda p: (
        (p.lat - home.lat) ** 2 + (p.lon - home.lon) ** 2, p.id))
    ngo = make_user("ngo")
    fields = {"category": "legal_advice", "unit": "sessions", "quantity": 1,
              "title": "Νομικές συμβουλές για άσυλο", "description": ""}
    needs = [make_need(ngo, place=p.id, **fields) for p in by_distance[:51]]
    offer = {**fields, "remote": True, "reach_km": 0, "place": "kypseli"}
    first = make_offer(make_user("individual"), **offer)  # builds the index: takes one need
    [taken] = proposals(offer_id=first.id)
    second = make_offer(make_user("individual"), **{**offer, "quantity": 100})
    met = {m.need_id for m in proposals(offer_id=second.id)}
    assert taken.need_id not in met and len(met) == 50
    assert needs[50].id in met  # the farthest, 51st nearest: the one the taken need freed


def test_the_rows_of_a_run_give_the_same_values_as_each_post_read_alone(make_user, make_offer):
    # the full run's reader works out each category's, unit's and stated attributes' part
    # once for all the rows: every row must still get its own post's values
    donor = make_user("individual")
    for title, attributes in (("Πάνες νούμερο 4", None), ("Πάνες νούμερο 5", None),
                              ("Πάνες μωρού", None), ("Πάνες", {"nappy_size": ["3"]}),
                              ("Πάνες", {"nappy_size": ["3"]}), ("Πάνες νούμερο 4", None)):
        make_offer(donor, category="nappies", title=title, description="",
                   **({} if attributes is None else {"attributes": attributes}))
    make_offer(donor, title="Κουβέρτες")
    gc.collect()  # no id of a mapping read before is left to be reused by chance
    rows = open_book.open_rows(open_book.OFFERS)
    together = open_book.engine_values(open_book.OFFERS, rows.values())
    alone = [bridge.engine_offer(db.session.get(Offer, post_id)) for post_id in rows]
    assert together == alone
    sizes = [value.attributes.get("nappy_size") for value in together]
    assert len(set(sizes)) >= 4  # 4, 5, not stated, 3 and the blankets' none
