"""The API's lists write their items without Marshmallow's machinery (web/api/writing.py):
the output must be what Marshmallow's `dump` writes, for every kind of post and field."""

from __future__ import annotations

from datetime import timedelta

from flask import g
from marshmallow import Schema
from sqlalchemy import select

from web.api.matches import MatchOut
from web.api.schemas import NeedOut, OfferOut, PublicNeedOut, page_of
from web.api.writing import writer
from web.clock import today
from web.extensions import db
from web.matches.models import Match
from web.pagination import page_body, paginate
from web.posts.models import Need


def _posts(make_user, make_need, make_offer):
    ngo = make_user("ngo")
    needs = [
        make_need(ngo, title="Πάνες νούμερο 4", category="nappies"),  # a size read
        make_need(ngo, title="Κουβέρτες", urgency="emergency"),
        make_need(ngo, title="Διερμηνεία", category="interpreting", unit="hours", quantity=2,
                  per="week", needed_by=(today() + timedelta(days=40)).isoformat()),
    ]
    offers = [
        make_offer(title="Κουβέρτες δωρεά", quantity=10),
        make_offer(title="Αραβικά", category="interpreting", unit="hours", quantity=4,
                   per="week", available_until=(today() + timedelta(days=60)).isoformat()),
        make_offer(ngo, title="Πλεόνασμα", quantity=3),  # a member's offer to the others
    ]
    return needs, offers


def test_each_item_is_written_as_marshmallow_dumps_it(app, make_user, make_need, make_offer):
    needs, offers = _posts(make_user, make_need, make_offer)
    needs[1].latitude = None  # a post without coordinates
    for schema, posts in ((NeedOut, needs), (PublicNeedOut, needs), (OfferOut, offers)):
        write = writer(schema)
        for post in posts:
            assert write(post) == schema().dump(post), (schema.__name__, post.title)


def test_a_page_is_written_as_marshmallow_dumps_it(app, make_user, make_need, make_offer,
                                                   make_match):
    needs, offers = _posts(make_user, make_need, make_offer)
    make_match(offers[0], needs[1], 5)
    db.session.commit()
    g.api_user = make_user("staff")  # a match is written as its reader may see it
    for schema, query in ((NeedOut, select(Need).order_by(Need.id)),
                          (MatchOut, select(Match).order_by(Match.id))):
        body = page_body(paginate(query, 1, 20))
        envelope = page_of(schema)()
        fast = envelope.dump(body)
        assert fast["items"], schema.__name__
        assert fast == Schema.dump(envelope, body)  # Marshmallow's own dump of the envelope
