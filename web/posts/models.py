"""Offers and needs. Quantities are whole numbers in the unit the poster chose."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from web.clock import today
from web.extensions import Model
from web.models import Organisation, User, one_of, utcnow
from web.recurrence import PERS
from web.reference import KINDS
from web.statuses import ACTIVE_POST_STATUSES, OrganisationKind, PostStatus, status_type

if TYPE_CHECKING:
    from web.centres.models import Centre

URGENCIES = ("low", "normal", "high", "emergency")
STATUSES = tuple(PostStatus)
ACTIVE_STATUSES = ACTIVE_POST_STATUSES
# Who may offer: donors, and member NGOs giving their surplus and services to each other.
OFFER_ROLES = ("donor", "ngo")
NEED_ROLES = ("ngo",)
MAX_QUANTITY = 1_000_000
MAX_REACH_KM = 200


class _Post:
    """Columns that offers and needs share."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    category_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[int]
    unit: Mapped[str] = mapped_column(String(32))
    # What confirmed and fulfilled matches took; only the match ledger changes it.
    committed_quantity: Mapped[int] = mapped_column(default=0)
    place_id: Mapped[str] = mapped_column(String(64), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    reach_km: Mapped[int] = mapped_column(default=0)
    # A skill or service given (or asked for) every week or month (web/recurrence.py): the
    # quantity is then per period, counted in the period ledger, not in committed_quantity.
    per: Mapped[str | None] = mapped_column(String(8))
    # What the post's words say (web/posts/reading.py): attribute values stated by the poster
    # or read from the text, the categories it names, and the category it points to.
    attributes: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    concepts: Mapped[list[str]] = mapped_column(JSON, default=list)
    text_category_id: Mapped[str | None] = mapped_column(String(64))
    # Not a column: set on a post just saved whose category was chosen from its words.
    category_suggested = False
    status: Mapped[PostStatus] = mapped_column(
        status_type(PostStatus, "status"), default=PostStatus.OPEN, index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Indexed: the latest change of a need is the public lists' version (web/http_cache.py).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    # The poster's own reference, from an imported file: importing it again adds nothing.
    external_ref: Mapped[str | None] = mapped_column(String(64), index=True)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # Every UPDATE checks and bumps the version: concurrent edits fail instead of merging.
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

    @property
    def remaining_quantity(self) -> int:
        """What is still free to match."""
        return max(self.quantity - self.committed_quantity, 0)

    @property
    def covered_share(self) -> float:
        """The share of the quantity that matches have taken, 0..1."""
        return min(self.committed_quantity / self.quantity, 1.0) if self.quantity else 0.0

    @property
    def current_status(self) -> str:
        """The status as of today: an active post past its deadline or end reads as expired
        before the scheduled `flask expire` stores it (reads never write)."""
        end = getattr(self, "needed_by", None) or getattr(self, "available_until", None)
        if self.is_active and end is not None and end < today():
            return "expired"
        return self.status

    @property
    def is_active(self) -> bool:
        """Open or partly matched: it can still be edited, matched or withdrawn."""
        return self.status in ACTIVE_STATUSES


def _post_constraints(table: str) -> tuple[Any, ...]:
    return (
        CheckConstraint(one_of("kind", KINDS), name="kind"),
        CheckConstraint(f"quantity > 0 AND quantity <= {MAX_QUANTITY}", name="quantity"),
        CheckConstraint("committed_quantity >= 0", name="committed"),
        CheckConstraint(f"reach_km >= 0 AND reach_km <= {MAX_REACH_KM}", name="reach"),
        CheckConstraint(f"per IS NULL OR {one_of('per', PERS)}", name="per"),
        Index(f"ix_{table}_category_status", "category_id", "status"),
    )


class Offer(_Post, Model):
    """What a donor gives: goods, a skill or a service, in lots of `lot` units."""

    __tablename__ = "offer"
    __table_args__ = (
        *_post_constraints("offer"),
        CheckConstraint("lot >= 1", name="lot"),
    )

    donor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    lot: Mapped[int] = mapped_column(default=1)
    remote: Mapped[bool] = mapped_column(default=False)
    available_from: Mapped[date]
    available_until: Mapped[date | None]
    conditions: Mapped[str] = mapped_column(Text, default="")
    restrict_sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    restrict_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The need the donor offered this for ("I can offer this" on a need's page), if any.
    chosen_need_id: Mapped[int | None] = mapped_column(ForeignKey("need.id"))

    donor: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def from_member(self) -> bool:
        """Offered by a member NGO to the others (member-to-member, not a donation)."""
        return self.organisation is not None and self.organisation.kind == OrganisationKind.NGO


class Need(_Post, Model):
    """What an NGO lacks, how urgently, and by when."""

    __tablename__ = "need"
    __table_args__ = (
        *_post_constraints("need"),
        CheckConstraint(one_of("urgency", URGENCIES), name="urgency"),
    )

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    poster_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    urgency: Mapped[str] = mapped_column(String(16), default="normal")
    needed_by: Mapped[date]
    # The centre whose staff review its matches (web/centres/services.py: `centre_for_need`).
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)

    organisation: Mapped[Organisation] = relationship()
    poster: Mapped[User] = relationship()
    centre: Mapped[Centre] = relationship("Centre")
