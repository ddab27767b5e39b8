"""Each text's document is made once per process and kept: a bounded cache that never changes
what a run proposes."""

from __future__ import annotations

import sys

import matching.candidates  # noqa: F401  (the module, not the function of that name)
from matching import propose
from matching.text import document

candidates_module = sys.modules["matching.candidates"]


def test_documents_kept_or_dropped_give_the_same_run(make_offer, make_need, policy, today,
                                                     monkeypatch):
    offers = [make_offer(text=f"κουβέρτες {k}", concepts=("blankets",)) for k in range(6)]
    needs = [make_need(text=f"blankets size {k}", concepts=("blankets",)) for k in range(6)]
    candidates_module.clear_documents()
    first = propose(offers, needs, policy, today)
    again = propose(offers, needs, policy, today)  # every document already made
    monkeypatch.setattr(candidates_module, "DOCUMENT_CACHE", 3)
    candidates_module.clear_documents()
    bounded = propose(offers, needs, policy, today)  # dropped and made again as it runs
    assert first.proposals == again.proposals == bounded.proposals
    assert list(first.candidates) == list(again.candidates) == list(bounded.candidates)
    assert candidates_module._KEPT[0] <= 3


def test_a_document_is_what_the_text_module_makes_even_for_unhashable_concepts():
    text = "Κουβέρτες για παιδιά, kouvertes"
    assert candidates_module._document(text, ("blankets",)) == document(text, ("blankets",))
    assert candidates_module._document(text, ["blankets"]) == document(text, ("blankets",))
