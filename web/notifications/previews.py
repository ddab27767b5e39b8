"""Plain-text previews of every kind of message, in both languages, from sample data that is
never stored (staff read them at /staff/mail/templates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from web.links import public_base_url
from web.matches.models import Match
from web.models import Organisation, User
from web.notifications.kinds import KIND_LABELS
from web.notifications.outbox import SUBJECTS, render_message
from web.posts.models import Need, Offer
from web.statuses import MatchStatus, OrganisationKind


@dataclass(frozen=True, slots=True)
class Preview:
    """One kind of message as one language renders it."""

    kind: str
    language: str
    subject: str
    text: str


def _samples() -> tuple[User, dict[str, dict[str, Any]]]:
    ngo = Organisation(
        kind=OrganisationKind.NGO,
        name="Νομική Γέφυρα",
        name_en="Legal Bridge",
        phone="+30 210 000 0000",
    )
    company = Organisation(
        kind=OrganisationKind.COMPANY, name="Περιβόλι Α.Ε.", phone="+30 210 111 1111"
    )
    poster = User(
        full_name="Κατερίνα Σταματοπούλου", email="katerina@ngo.example", phone="", organisation=ngo
    )
    donor = User(
        full_name="Γιώργος Παππάς", email="giorgos@company.example", phone="", organisation=company
    )
    need = Need(
        title="Κουβέρτες για ξενώνα",
        unit="pieces",
        quantity=40,
        committed_quantity=20,
        organisation=ngo,
        poster=poster,
        needed_by=date(2026, 12, 20),
    )
    offer = Offer(
        title="Κουβέρτες μάλλινες", unit="pieces", quantity=50, donor=donor, organisation=company
    )
    match = Match(
        offer=offer,
        need=need,
        quantity=20,
        need_quantity=20,
        received_quantity=15,
        promised_quantity=20,
        short_reason="Ένα κιβώτιο χάθηκε.",
        reason="Η ανάγκη καλύφθηκε αλλιώς.",
        status=MatchStatus.FULFILLED,
    )
    followed = Need(
        id=1, title=need.title, unit="pieces", quantity=40, committed_quantity=20,
        category_id="blankets", place_id="kypseli", urgency="high", needed_by=need.needed_by,
    )
    base = public_base_url()
    side = {
        "match": match,
        "offer": offer,
        "need": need,
        "role": "donor",
        "title": offer.title,
        "recorded_by_name": poster.full_name,
    }
    contexts: dict[str, dict[str, Any]] = {
        "match_confirmed": side,
        "match_cancelled": side,
        "match_fulfilled": side,
        "match_rescheduled": side,
        "organisation_approved": {"name": company.name, "reason": ""},
        "organisation_rejected": {"name": company.name, "reason": "Δεν βρέθηκε η εγγραφή της."},
        "proposals_digest": {"count": 1, "matches": [match]},
        "need_deadline": {"title": need.title, "date": "20/12/2026", "left": 20, "unit": "pieces"},
        "offer_ending": {"title": offer.title, "date": "31/12/2026"},
        "daily_digest": {
            "count": 1,
            "items": [{"subject": "Επιβεβαιώθηκε αντιστοίχιση: Κουβέρτες"}],
        },
        "password_reset": {"reset_link": f"{base}/password/reset/EXAMPLE", "minutes": 60},
        "email_change": {"confirm_link": f"{base}/account/email/EXAMPLE", "hours": 24},
        "email_changed": {"new_email": "new.address@example.org"},
        "pledge_waiting": {"title": need.title, "quantity": 30, "unit": "pieces"},
        "interest_alert": {
            "count": 1,
            "needs": [followed],
            "pledge_links": {followed.id: f"{base}/offers/new?need=1"},
            "page_links": {followed.id: f"{base}/needs/1"},
            "manage_link": f"{base}/account/interests",
        },
        "interest_confirm": {"confirm_link": f"{base}/interests/confirm/EXAMPLE", "days": 7},
        "match_stale": {**side, "days": 8, "release_link": f"{base}/followup/EXAMPLE"},
        "match_escalated": {**side, "title": need.title, "days": 15},
        "urgent_need": {"title": need.title, "organisation": ngo.name, "quantity": 40,
                        "unit": "pieces", "committee": "Στέγαση", "urgency": "emergency"},
        "emergency_call": {"title": "Αφίξεις στον Πειραιά", "message": "Χρειάζονται κουβέρτες.",
                           "items": [{"title": need.title, "lacking": 20, "unit": "pieces",
                                      "area": "Πειραιάς", "link": "/offers/new?need=1"}],
                           "page": "/emergencies/1"},
    }
    return donor, contexts


def previews() -> list[tuple[str, str, list[Preview]]]:
    """Every kind with its label and its rendering in Greek and in English."""
    recipient, contexts = _samples()
    found = []
    for kind in SUBJECTS:
        rendered = []
        for language in ("el", "en"):
            subject, text, _html = render_message(
                recipient, kind, contexts[kind], link="/matches", language=language
            )
            rendered.append(Preview(kind, language, subject, text))
        found.append((kind, str(KIND_LABELS.get(kind, kind)), rendered))
    return found
