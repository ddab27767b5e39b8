"""Scenarios named after what a coordinator expects of the engine."""

from __future__ import annotations

from datetime import timedelta

from matching import OpenIndex, propose, propose_for_need, propose_for_offer


def allocated(result):
    return {(p.offer_id, p.need_id): p.quantity for p in result.proposals}


def test_splits_an_offer_across_two_needs(policy, today, make_offer, make_need):
    offer = make_offer(quantity=30)
    first, second = make_need(quantity=10), make_need(quantity=20)
    result = propose([offer], [first, second], policy, today)
    assert allocated(result) == {(offer.id, first.id): 10, (offer.id, second.id): 20}
    assert result.status == "optimal"


def test_an_emergency_need_is_covered_first_when_supply_is_short(
        policy, today, make_offer, make_need):
    offer = make_offer(quantity=10)
    normal = make_need(urgency="normal")
    emergency = make_need(urgency="emergency")
    result = propose([offer], [normal, emergency], policy, today)
    assert allocated(result) == {(offer.id, emergency.id): 10}


def test_an_offer_out_of_reach_is_never_proposed(policy, today, make_offer, make_need):
    offer = make_offer(reach_km=5.0)
    far = make_need(lat=38.05, lon=23.80)  # Marousi side, ~10 km away
    result = propose([offer], [far], policy, today)
    assert len(result.candidates) == 0
    assert result.proposals == ()


def test_a_need_out_of_its_own_reach_is_never_proposed(policy, today, make_offer, make_need):
    offer = make_offer(reach_km=50.0)
    need = make_need(lat=38.05, lon=23.80, reach_km=3.0)
    assert propose([offer], [need], policy, today).proposals == ()


def test_a_remote_offer_reaches_any_distance(policy, today, make_offer, make_need):
    tutor = make_offer(kind="skill", category_path=("education", "greek_lessons"), unit="hour",
                       remote=True, lat=None, lon=None, reach_km=0.0)
    need = make_need(kind="skill", category_path=("education", "greek_lessons"), unit="hour",
                     lat=40.64, lon=22.94)  # Thessaloniki
    result = propose([tutor], [need], policy, today)
    assert allocated(result) == {(tutor.id, need.id): 10}
    assert result.candidates[0].distance_km is None


def test_an_expired_offer_is_excluded(policy, today, make_offer, make_need):
    expired = make_offer(available_until=today - timedelta(days=1))
    fresh = make_offer(available_until=today)
    need = make_need(quantity=20)
    result = propose([expired, fresh], [need], policy, today)
    assert {c.offer_id for c in result.candidates} == {fresh.id}


def test_an_offer_available_only_after_the_deadline_is_excluded(
        policy, today, make_offer, make_need):
    late = make_offer(available_from=today + timedelta(days=10))
    need = make_need(needed_by=today + timedelta(days=5))
    assert len(propose([late], [need], policy, today).candidates) == 0


def test_kouvertes_matches_greek_and_english_blankets(policy, today, make_offer, make_need):
    offer = make_offer(text="kouvertes", quantity=20)
    greek = make_need(text="Κουβέρτες για οικογένειες")
    english = make_need(text="blankets")
    result = propose([offer], [greek, english], policy, today)
    assert allocated(result) == {(offer.id, greek.id): 10, (offer.id, english.id): 10}
    assert all(c.breakdown["text"] >= 0.75 for c in result.candidates)


def test_kouvertes_meets_koyvertes_without_taxonomy_terms(policy, today, make_offer, make_need):
    offer = make_offer(text="kouvertes", concepts=())
    need = make_need(text="Κουβέρτες", concepts=())
    assert propose([offer], [need], policy, today).candidates[0].breakdown["text"] == 1.0


def test_lots_of_50_are_never_split(policy, today, make_offer, make_need):
    boxes = make_offer(quantity=120, lot=50)
    needs = [make_need(quantity=q) for q in (70, 40, 60)]
    result = propose([boxes], needs, policy, today)
    assert all(p.quantity % 50 == 0 for p in result.proposals)
    assert sum(p.quantity for p in result.proposals) == 100
    assert allocated(result) == {(boxes.id, needs[0].id): 50, (boxes.id, needs[2].id): 50}


def test_a_lot_larger_than_the_need_is_not_a_candidate(policy, today, make_offer, make_need):
    assert len(propose([make_offer(quantity=50, lot=50)], [make_need(quantity=30)], policy,
                       today).candidates) == 0


def test_an_ngo_that_received_much_lately_yields_to_one_that_received_nothing(
        policy, today, make_offer, make_need):
    offer = make_offer(quantity=10)
    busy = make_need(received_recently=20.0, organisation_id="busy")
    idle = make_need(received_recently=0.0, organisation_id="idle")
    result = propose([offer], [busy, idle], policy, today)
    assert allocated(result) == {(offer.id, idle.id): 10}


def test_kinds_must_agree(policy, today, make_offer, make_need):
    assert len(propose([make_offer(kind="service")], [make_need()], policy, today).candidates) \
        == 0


def test_units_convert_within_a_dimension(policy, today, make_offer, make_need):
    rice = ("basic_goods", "food", "rice")
    offer = make_offer(category_path=rice, unit="kg", quantity=5, concepts=())
    need = make_need(category_path=rice, unit="g", quantity=3000, concepts=())
    result = propose([offer], [need], policy, today)
    [proposal] = result.proposals
    assert (proposal.quantity, proposal.need_quantity) == (3, 3000.0)


def test_units_of_different_dimensions_never_match(policy, today, make_offer, make_need):
    offer = make_offer(unit="kg")
    assert len(propose([offer], [make_need(unit="piece")], policy, today).candidates) == 0


def test_a_substitute_category_matches_with_lower_closeness(policy, today, make_offer,
                                                            make_need):
    bags = make_offer(category_path=("basic_goods", "bedding", "sleeping_bags"))
    result = propose([bags], [make_need()], policy, today)
    assert result.candidates[0].breakdown["category"] == policy.category_related


def test_confirmed_quantities_are_respected_by_passing_what_is_left(
        policy, today, make_offer, make_need):
    offer = make_offer(quantity=3)  # 7 of 10 already confirmed elsewhere
    need = make_need(quantity=10)
    assert allocated(propose([offer], [need], policy, today)) == {(offer.id, need.id): 3}


def test_incremental_offer_matches_the_full_run(policy, today, make_offer, make_need):
    offer = make_offer(quantity=25)
    needs = [make_need(quantity=q, urgency=u)
             for q, u in [(10, "low"), (10, "high"), (10, "normal")]]
    needs.append(make_need(category_path=("basic_goods", "food", "rice")))
    quick = propose_for_offer(offer, needs, policy, today)
    full = propose([offer], needs, policy, today)
    assert quick.proposals == full.proposals
    assert allocated(quick) == {(offer.id, needs[1].id): 10, (offer.id, needs[2].id): 10,
                                (offer.id, needs[0].id): 5}


def test_incremental_need_takes_the_best_offers(policy, today, make_offer, make_need):
    near, far = make_offer(quantity=6), make_offer(quantity=6, lat=38.02, reach_km=20.0)
    need = make_need(quantity=8)
    result = propose_for_need(need, [far, near], policy, today)
    assert allocated(result) == {(near.id, need.id): 6, (far.id, need.id): 2}


def test_incremental_need_with_lots_solves_the_knapsack(policy, today, make_offer, make_need):
    offers = [make_offer(quantity=30, lot=30), make_offer(quantity=40, lot=20)]
    need = make_need(quantity=40)
    result = propose_for_need(need, offers, policy, today)
    assert sum(p.quantity for p in result.proposals) == 40
    assert all(p.quantity % 20 == 0 for p in result.proposals)


def test_max_neighbours_keeps_the_nearest_needs(policy, today, make_offer, make_need):
    from matching import Policy

    near = make_need(lat=37.9760)
    far = make_need(lat=37.9900)
    narrow = Policy.from_mapping({"limits": {"max_neighbours": 1}})
    result = propose([make_offer()], [far, near], narrow, today)
    assert [c.need_id for c in result.candidates] == [near.id]


def test_candidates_read_like_a_sequence(policy, today, make_offer, make_need):
    offer = make_offer(quantity=20)
    needs = [make_need(), make_need()]
    table = propose([offer], needs, policy, today).candidates
    assert [c.need_id for c in table[::-1]] == [needs[1].id, needs[0].id]
    assert table[-1] == list(table)[1]
    assert set(table[0].breakdown) == {"category", "text", "attributes", "distance", "urgency",
                                       "deadline",
                                       "quantity", "fairness"}


def test_an_organisations_offer_goes_to_another_members_need_never_to_its_own(
        policy, today, make_offer, make_need):
    surplus = make_offer(quantity=30, organisation_id="o7")
    own = make_need(quantity=10, organisation_id="o7", urgency="emergency")
    other = make_need(quantity=10, organisation_id="o8")
    result = propose([surplus], [own, other], policy, today)
    assert {(c.offer_id, c.need_id) for c in result.candidates} == {(surplus.id, other.id)}
    assert allocated(result) == {(surplus.id, other.id): 10}


def test_an_organisations_own_need_is_left_out_incrementally_too(
        policy, today, make_offer, make_need):
    surplus = make_offer(organisation_id="o7")
    own, other = make_need(organisation_id="o7"), make_need(organisation_id="o8")
    for needs in ([own, other], OpenIndex([own, other])):
        assert allocated(propose_for_offer(surplus, needs, policy, today)) == {
            (surplus.id, other.id): 10}
    assert propose_for_need(own, OpenIndex([surplus]), policy, today).proposals == ()


def test_offers_of_no_organisation_meet_any_need(policy, today, make_offer, make_need):
    first, second = make_offer(quantity=5), make_offer(quantity=5)
    need = make_need(organisation_id=None)
    assert allocated(propose([first, second], [need], policy, today)) == {
        (first.id, need.id): 5, (second.id, need.id): 5}
