"""What an engine run did, in the staff's words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from web.extensions import db
from web.matches.models import Match, MatchRun
from web.statuses import RunTrigger


@dataclass(frozen=True, slots=True)
class RunReach:
    """How many needs and offers a run's proposals reached."""

    needs: int = 0
    offers: int = 0


def reach_of(runs: Iterable[MatchRun]) -> dict[int, RunReach]:
    """Distinct needs and offers among each run's proposals (whatever became of them)."""
    ids = [r.id for r in runs]
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Match.run_id,
            func.count(func.distinct(Match.need_id)),
            func.count(func.distinct(Match.offer_id)),
        )
        .where(Match.run_id.in_(ids))
        .group_by(Match.run_id)
    ).all()
    found = {run_id: RunReach() for run_id in ids}
    found.update({run_id: RunReach(needs, offers) for run_id, needs, offers in rows})  # type: ignore[misc]  # run_id IN ids: never None
    return found


def trigger_words(run: MatchRun) -> str:
    """Why the run happened."""
    if run.trigger == RunTrigger.FULL:
        if run.started_by is not None:
            return _("%(name)s re-optimised everything open.", name=run.started_by.full_name)
        return _("Everything open was re-optimised (scheduled).")
    if run.trigger == RunTrigger.OFFER:
        return _("An offer was posted, changed or freed.")
    if run.trigger == RunTrigger.NEED:
        return _("A need was posted, changed or freed.")
    return _("Quantity was freed by a rejection or cancellation.")


def result_words(run: MatchRun, reach: RunReach) -> str:
    """What the run looked at and what it proposed."""
    looked = _(
        "It looked at %(offers)s and %(needs)s.",
        offers=ngettext("%(num)d open offer", "%(num)d open offers", run.offers),
        needs=ngettext("%(num)d open need", "%(num)d open needs", run.needs),
    )
    if not run.proposals:
        return looked + " " + _("It proposed nothing new: no offer fits a need that still lacks.")
    proposed = _(
        "It proposed %(matches)s, reaching %(needs)s.",
        matches=ngettext("%(num)d match", "%(num)d matches", run.proposals),
        needs=ngettext("%(num)d need", "%(num)d needs", reach.needs),
    )
    words = [looked, proposed]
    if run.needs > reach.needs:
        words.append(
            ngettext(
                "%(num)d need got no proposal: no open offer of that kind is near enough, "
                "in time, or left.",
                "%(num)d needs got no proposal: no open offer of that kind is near enough, "
                "in time, or left.",
                run.needs - reach.needs,
            )
        )
    if run.superseded:
        words.append(
            ngettext(
                "%(num)d earlier proposal was replaced by a better one.",
                "%(num)d earlier proposals were replaced by better ones.",
                run.superseded,
            )
        )
    return " ".join(words)


def solver_words(run: MatchRun) -> str:
    """Whether the allocation is the best possible."""
    if not run.solver_status:
        return ""
    if run.solver_status.startswith("optimal"):
        return _("The allocation is the best possible.")
    return _("The allocation stopped before it was proven the best; it is close to it.")
