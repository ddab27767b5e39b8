"""The two sides of a post, offers and needs: what differs between them, said once, so that
one implementation of each use case serves both."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web.models import User
from web.posts.models import NEED_ROLES, OFFER_ROLES, Need, Offer
from web.posts.schemas import NeedInput, OfferInput, PostInput

# What the poster writes on either side (the kind follows from the category).
COMMON_FIELDS = (
    "category",
    "title",
    "description",
    "quantity",
    "unit",
    "place",
    "latitude",
    "longitude",
    "reach_km",
    "per",
)
# A field whose column is named otherwise.
COLUMNS = {"category": "category_id", "place": "place_id"}


@dataclass(frozen=True, slots=True)
class Side:
    """Offers or needs: model, schema, who may post, the side's own fields and words."""

    name: str
    model: type[Offer] | type[Need]
    schema: type[PostInput]
    roles: tuple[str, ...]
    own_fields: tuple[str, ...]
    # The column naming an individual poster's own posts (None: only organisations post).
    poster_column: str | None
    # What the audit trail calls taking a post back.
    ended_action: str

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field a poster writes, shared ones first."""
        return COMMON_FIELDS + self.own_fields

    def admits(self, user: User) -> bool:
        """Whether `user`'s role may post on this side (approval is checked apart)."""
        return user.role in self.roles

    def values_of(self, post: Offer | Need) -> dict[str, Any]:
        """The post's stored values under the names its schema uses."""
        return {name: getattr(post, COLUMNS.get(name, name)) for name in self.fields}


OFFER = Side(
    name="offer",
    model=Offer,
    schema=OfferInput,
    roles=OFFER_ROLES,
    own_fields=(
        "lot",
        "remote",
        "available_from",
        "available_until",
        "conditions",
        "restrict_sectors",
        "restrict_areas",
    ),
    poster_column="donor_id",
    ended_action="offer.withdrawn",
)
NEED = Side(
    name="need",
    model=Need,
    schema=NeedInput,
    roles=NEED_ROLES,
    own_fields=("urgency", "needed_by"),
    poster_column=None,
    ended_action="need.closed",
)


def side_of(post: Offer | Need) -> Side:
    """The side `post` is on."""
    return OFFER if isinstance(post, Offer) else NEED
