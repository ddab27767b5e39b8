"""The cards of the staff's review queue, each rendered once per process for what it shows.

A card's HTML is kept under a key made of every value it shows: the queue's row (the match's
own columns, its offer's and need's versions, the names of their organisations, donor and
assignee: `queries.QUEUE_ROW`), its notes, the page's language, day, fairness figures and
emergencies, whether the viewer is its assignee, and the viewer's centre. Anything that
changes makes another key, so nothing is ever invalidated: a stale card is one no row asks
for any more, and the least recently used go first. What differs between two viewers of the
same card is a hole the page fills at every request (`HOLES`): the CSRF field, the page's
query string in the forms' addresses, the card to scroll to after a decision, and the
colleagues one may assign it to (another centre's staff are others). A confirmed or rejected
proposal is no longer a row of the queue, so its card is never asked for.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, get_template_attribute
from markupsafe import Markup

from web.matches.models import Match, MatchNote

HOLES = ("csrf", "here", "next", "colleagues")
_HOLE = re.compile(r"<!--card:(" + "|".join(HOLES) + r")-->")
# ~10 KB a card: some 20 MB a process at most.
KEPT = 2000


def hole(name: str) -> Markup:
    """What a card shows in place of `name` until the page fills it (a comment no escaped
    text can forge: an escaped `<` is `&lt;`)."""
    return Markup(f"<!--card:{name}-->")


@dataclass(frozen=True, slots=True)
class Shared:
    """What the page's cards share (the template's `c`), and the part of it in every key."""

    language: str
    centre_id: int | None  # the viewer's: another centre's staff never share a card
    me_id: int
    today: date
    fairness: Mapping[int, int]
    median: str
    weight_texts: Mapping[str, str]
    component_labels: Mapping[str, str]
    urgency_labels: Mapping[str, str]
    emergency_factor: float
    emergencies: tuple[Any, ...]  # what the emergencies in force are (ids, titles, scopes)
    need_emergencies: Callable[[Any], list[Any]]

    def hole(self, name: str) -> Markup:
        """The template's way to leave a hole."""
        return hole(name)

    def key(self) -> tuple[Any, ...]:
        """The part of a card's key the whole page shares (the weights and labels follow from
        the language and the process's configuration)."""
        return (self.language, self.centre_id, self.today, self.median, self.emergency_factor)


class _Kept:
    """A bounded, least-recently-used store of rendered cards, per process."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._cards: OrderedDict[tuple[Any, ...], tuple[tuple[str, ...], tuple[str, ...]]] = (
            OrderedDict())
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        with self._lock:
            found = self._cards.get(key)
            if found is not None:
                self._cards.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], card: tuple[tuple[str, ...], tuple[str, ...]]) -> None:
        with self._lock:
            self._cards[key] = card
            self._cards.move_to_end(key)
            while len(self._cards) > self._size:
                self._cards.popitem(last=False)

    def __len__(self) -> int:
        return len(self._cards)

    def clear(self) -> None:
        with self._lock:
            self._cards.clear()


def kept_cards() -> _Kept:
    """This app's cards (each app its own: tests build several in one process)."""
    kept = current_app.extensions.get("komvos.cards")
    if kept is None:
        kept = current_app.extensions.setdefault("komvos.cards", _Kept(KEPT))
    return kept  # type: ignore[no-any-return]


def _breakdown(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def row_of(match: Match) -> tuple[Any, ...]:
    """What `queries.QUEUE_ROW` reads of a proposal, read from its loaded objects (a card
    rendered from them is kept only if they still agree with the row asked for)."""
    offer, need = match.offer, match.need
    offer_org, need_org = offer.organisation, need.organisation
    return (
        match.id, match.quantity, match.score, match.distance_km, _breakdown(match.breakdown),
        match.assigned_to_id, offer.id, offer.version, need.id, need.version,
        need.organisation_id, need.category_id, need.place_id, need.centre_id,
        match.created_at, offer.created_at, need.created_at,
        offer_org.name if offer_org else None, offer_org.name_en if offer_org else None,
        offer_org.kind if offer_org else None, offer.donor.full_name if offer.donor else None,
        need_org.name if need_org else None, need_org.name_en if need_org else None,
        match.assigned_to.full_name if match.assigned_to else None,
    )


def _row_values(row: Any) -> tuple[Any, ...]:
    values = tuple(row)
    return values[:4] + (_breakdown(values[4]),) + values[5:]


def card_key(
    values: tuple[Any, ...], notes: Sequence[MatchNote], shared: Shared,
) -> tuple[Any, ...]:
    """Everything the card of the row `values` shows, and the page values it depends on."""
    match_id, breakdown, assigned_to_id, need_organisation_id = (
        values[0], values[4], values[5], values[10])
    return (
        shared.key(), values,
        tuple((n.id, n.body, n.author.full_name if n.author else None, n.created_at)
              for n in notes),
        shared.fairness.get(need_organisation_id, 0),
        assigned_to_id is not None and assigned_to_id == shared.me_id,
        shared.emergencies if '"emergency"' in breakdown else None,
        match_id,
    )


def _split(html: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    parts = _HOLE.split(html)
    return tuple(parts[0::2]), tuple(parts[1::2])


def _fill(card: tuple[tuple[str, ...], tuple[str, ...]], filled: Mapping[str, str]) -> str:
    texts, holes = card
    out = [texts[0]]
    for name, text in zip(holes, texts[1:], strict=True):
        out.append(filled[name])
        out.append(text)
    return "".join(out)


def cards(
    rows: Sequence[Any],
    notes: Mapping[int, Sequence[MatchNote]],
    shared: Shared,
    filled: Mapping[str, str],
    colleague_options: Callable[[int | None], Markup],
    load: Callable[[list[int]], Mapping[int, Match]],
) -> list[Markup]:
    """The cards of `rows` (the queue's page), from those kept or rendered now (`load` gives
    the proposals not kept), each with its holes filled: `filled` the page's, the card to go
    to next and the colleagues' options per card."""
    kept = kept_cards()
    values = [_row_values(row) for row in rows]
    keys = [card_key(v, notes.get(v[0], ()), shared) for v in values]
    found = [kept.get(key) for key in keys]
    missing = [v[0] for v, card in zip(values, found, strict=True) if card is None]
    if missing:
        loaded = load(missing)
        render = get_template_attribute("matches/_card.html", "card")
        for i, (v, key) in enumerate(zip(values, keys, strict=True)):
            if found[i] is not None or v[0] not in loaded:
                continue
            match = loaded[v[0]]
            rendered = found[i] = _split(str(render(match, notes.get(v[0], ()), shared)))
            # Kept only if the objects rendered are what the row said (a change committed
            # between the two reads is rendered, not kept under the older key).
            if row_of(match) == v:
                kept.put(key, rendered)
    out = []
    for i, (v, card) in enumerate(zip(values, found, strict=True)):
        if card is None:  # gone between the two reads: decided meanwhile
            continue
        after = values[i + 1] if i + 1 < len(values) else (values[i - 1] if i else None)
        out.append(Markup(_fill(card, {
            **filled, "next": f"match-{after[0]}" if after else "",
            "colleagues": str(colleague_options(v[5])),
        })))
    return out
