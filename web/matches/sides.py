"""Who is on which side of a match, and who may call it off."""

from __future__ import annotations

from web.centres.scope import may_see
from web.matches.models import Match
from web.models import User
from web.posts.models import OFFER_ROLES
from web.statuses import Role


def can_cancel(user: User, match: Match) -> bool:
    """Staff of its centre, the giving side or the receiving side may cancel a confirmed
    match."""
    return staff_reaches(user, match) or gives(user, match) or receives(user, match)


def staff_reaches(user: User, match: Match) -> bool:
    """Whether `user` is staff of the match's centre (its need's), or the deployment admin."""
    return user.is_staff and may_see(user, match)


def gives(user: User, match: Match) -> bool:
    """Whether `user` is on the match's giving side: the offer's donor or organisation (a
    company, or a member NGO giving to another)."""
    offer = match.offer
    if offer.organisation_id is not None:
        return user.role in OFFER_ROLES and user.organisation_id == offer.organisation_id
    return user.id == offer.donor_id


def receives(user: User, match: Match) -> bool:
    """Whether `user` represents the NGO whose need the match covers."""
    return user.role == Role.NGO and user.organisation_id == match.need.organisation_id
