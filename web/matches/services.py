"""The use cases of matches, one module each; the rest of the web imports them from here.

- proposing: for one offer or need, in the caller's transaction (`propose_within`, and
  `propose_for_new` for a post just written)
- full_run: re-optimise everything (`run_matching`)
- run_queue: ask for a full run that a worker makes (`enqueue_run`, `latest_request`)
- review: staff confirm or reject a proposal
- delivery: the NGO records what arrived, or a side cancels
- expiry: offers and needs past their dates expire
- fairness, reading, sides: what the pages read about matches
"""

from web.matches.delivery import cancel_match, record_receipt
from web.matches.expiry import expire_due
from web.matches.fairness import FAIRNESS_DAYS, median_received, received_recently
from web.matches.full_run import run_matching
from web.matches.proposing import (
    propose_for_need,
    propose_for_new,
    propose_for_offer,
    propose_within,
    repropose_after_release,
)
from web.matches.reading import pending_per_side, timeline, timelines
from web.matches.review import confirm_match, confirm_matches, reject_match
from web.matches.run_queue import enqueue_run, latest_request
from web.matches.sides import can_cancel, gives, receives
from web.matches.transitions import get_match

__all__ = [
    "FAIRNESS_DAYS",
    "can_cancel",
    "cancel_match",
    "confirm_match",
    "confirm_matches",
    "enqueue_run",
    "expire_due",
    "get_match",
    "gives",
    "latest_request",
    "median_received",
    "pending_per_side",
    "propose_for_need",
    "propose_for_new",
    "propose_for_offer",
    "propose_within",
    "receives",
    "received_recently",
    "record_receipt",
    "reject_match",
    "repropose_after_release",
    "run_matching",
    "timeline",
    "timelines",
]
