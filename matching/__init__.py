"""Komvos matching engine: offers and needs in, explained and optimal proposals out.

Pure: standard library, numpy, scipy, OR-Tools, rapidfuzz and anyascii only; no clock, no
randomness, no files. The web builds `Offer`, `Need` and `Policy` values and calls `propose`
(a full run) or `propose_for_offer` / `propose_for_need` (one new item against what is open).
"""

from matching.allocation import Allocation
from matching.categories import closeness, compatible_categories
from matching.engine import (
    CandidateTable,
    Result,
    ShortPiece,
    allocate_candidates,
    candidates,
    propose,
    propose_for_need,
    propose_for_offer,
)
from matching.errors import InputError, MatchingError, PolicyError
from matching.index import OpenIndex
from matching.model import KINDS, URGENCIES, Candidate, Need, Offer, Proposal
from matching.policy import COMPONENTS, Policy

__all__ = [
    "COMPONENTS",
    "KINDS",
    "URGENCIES",
    "Allocation",
    "Candidate",
    "CandidateTable",
    "InputError",
    "MatchingError",
    "Need",
    "Offer",
    "OpenIndex",
    "Policy",
    "PolicyError",
    "Proposal",
    "Result",
    "ShortPiece",
    "allocate_candidates",
    "candidates",
    "closeness",
    "compatible_categories",
    "propose",
    "propose_for_need",
    "propose_for_offer",
]
