"""Coordination centres (the deployment's tenants) and the organisations that are members."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import Model
from web.models import Organisation, utcnow


class Centre(Model):
    """A coordination centre: its names, branding line, contact and area.

    `area` lists gazetteer ids of regions, regional units or municipalities
    (config/places.toml); a place lies in the centre's area when it or what it lies in is
    listed. Its staff (`user.centre_id`) act only on its members' needs and their matches.
    """

    __tablename__ = "centre"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_el: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160))
    tagline_el: Mapped[str] = mapped_column(String(200), default="")
    tagline_en: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    area: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def name(self, language: str) -> str:
        """The name in `language`."""
        return self.name_en if language == "en" else self.name_el

    def tagline(self, language: str) -> str:
        """The branding line in `language`."""
        return self.tagline_en if language == "en" else self.tagline_el


class CentreMember(Model):
    """An organisation's membership of a centre (an NGO may belong to several)."""

    __tablename__ = "centre_member"
    __table_args__ = (UniqueConstraint("centre_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    centre: Mapped[Centre] = relationship()
    organisation: Mapped[Organisation] = relationship()
