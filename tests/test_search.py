"""Search, suggestions and details read from what people write, on the shipped taxonomy."""

from __future__ import annotations

from pathlib import Path

import pytest

from web.posts.reading import effective_attributes, read_post
from web.reference import load_gazetteer, load_taxonomy

CONFIG = Path(__file__).parents[1] / "config"


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(CONFIG / "taxonomy.toml")


@pytest.fixture(scope="module")
def places():
    return load_gazetteer(CONFIG / "places.toml")


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("baby diapers size 4", "nappies"),  # several words; "size 4" says how, not what
        ("nappies size 4", "nappies"),
        ("πάνες νούμερο 4", "nappies"),
        ("PAMPERS", "nappies"),
        ("sports shoes", "shoes"),  # a word no category has does not hide the one that counts
        ("infant formula stage 1", "baby_formula"),
        ("Greek language lessons (online)", "greek_lessons"),
        ("adult men's winter jackets", "winter_jackets_adults"),
        ("Ukrainian interpreting", "interpreting_ukrainian"),
        ("baby diapers", "nappies"),  # not baby wipes: the rarer word decides
        ("kouvertes", "blankets"),  # Greeklish
        ("ΚΟΥΒΕΡΤΕΣ", "blankets"),  # capitals, no accents
        ("κουβέρτα", "blankets"),  # another inflection
        ("kouvetres", "blankets"),  # a typo
        ("ψυχολόγος", "psychological_support"),
        ("γυαλιά ηλίου", "sunglasses"),
        ("δωροκάρτες supermarket", "vouchers"),
        ("κάρτες sim", "sim_cards"),
        ("εθελοντές", "volunteering"),
        ("μαθήματα αραβικών", "arabic_lessons"),
        ("βαν με οδηγό", "van_with_driver"),  # a tie goes to the category the label names
    ],
)
def test_the_search_finds_what_people_type(taxonomy, query, first):
    assert taxonomy.search(query, 1)[0].id == first


def test_the_search_filters_by_kind(taxonomy):
    assert {c.kind for c in taxonomy.search("διερμηνέας", 10, kind="skill")} == {"skill"}
    assert taxonomy.search("διερμηνέας", 10, kind="goods") == []


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Καστέλλα, Πειραιάς", "kastella"),  # a neighbourhood with its municipality, a comma
        ("kipseli", "kypseli"),
        ("ΚΥΨΈΛΗ", "kypseli"),
        ("Κολωνός", "kolonos"),  # the word itself before a word of the same stem (Κολωνάκι)
        ("Σύνταγμα", "syntagma"),
    ],
)
def test_the_place_search_finds_what_people_type(places, query, first):
    assert places.search(query, 1)[0].id == first


@pytest.mark.parametrize(
    ("title", "description", "chosen"),
    [
        ("Πάνες νούμερο 4", "για μωρά 9-14 κιλά", "nappies"),
        ("Τσάντες για laptop", "Καινούργιες τσάντες 15 ιντσών", "computer_accessories"),
        ("Γυαλιά ηλίου", "20 ζευγάρια για παιδιά", "sunglasses"),
        ("Volunteers wanted", "Unpaid volunteer positions at our warehouse", "volunteering"),
        ("Help", "we need stuff", None),  # nothing clear: the poster chooses
    ],
)
def test_a_category_is_chosen_from_the_words_only_when_they_are_clear(
        taxonomy, title, description, chosen):
    best = taxonomy.confident(taxonomy.suggest(title, description))
    assert (best.id if best else None) == chosen


@pytest.mark.parametrize(
    ("category", "text", "side", "read"),
    [
        ("nappies", "Πάνες No4 (9-14kg)", "offer", {"nappy_size": {"4"}}),
        ("nappies", "pampers νούμερο 3-4", "offer", {"nappy_size": {"3", "4"}}),
        ("nappies", "νεογέννητα", "offer", {"nappy_size": {"1"}}),
        ("baby_formula", "γάλα 1ης βρεφικής ηλικίας", "need", {"formula_stage": {"1"}}),
        ("baby_formula", "infant formula stage 2", "need", {"formula_stage": {"2"}}),
        ("winter_jackets", "ανδρικά μπουφάν, μεγέθη M έως XL", "offer",
         {"sex": {"men"}, "clothing_size": {"m", "l", "xl"}}),
        ("clothing", "ρούχα για παιδιά 2-4 ετών", "need", {"age_group": {"children"}}),
        ("interpreting", "Διερμηνέας φαρσί και νταρί", "offer", {"language": {"farsi", "dari"}}),
        ("greek_lessons", "Μαθήματα δια ζώσης μόνο, όχι online", "need",
         {"mode": {"in_person"}}),
        ("english_lessons", "English classes, NOT online", "need",
         {"mode": {"in_person"}, "language": {"english"}}),
        ("language_lessons", "Lessons online or in person", "offer",
         {"mode": {"online", "in_person"}}),
        ("laptops", "10 laptops, broken, for parts", "offer", {"condition": {"for_parts"}}),
        ("laptops", "laptops, not broken", "offer", {"condition": {"new", "used"}}),
        ("crutches", "Crutches for a man with a broken leg", "need", {}),  # needs never ask
        ("job_placement", "Εθελοντική εργασία χωρίς αμοιβή", "offer", {"pay": {"unpaid"}}),
    ],
)
def test_details_are_read_from_the_words(taxonomy, category, text, side, read):
    found = taxonomy.read_attributes(taxonomy[category], text, side)
    assert {name: set(values) for name, values in found.items()} == read


def test_what_the_poster_sets_wins_over_what_the_words_say(taxonomy):
    reading = read_post(taxonomy, taxonomy["nappies"], "Πάνες νούμερο 4", "",
                        given={"nappy_size": ["5"]})
    assert reading.attributes["nappy_size"] == ["5"]


def test_a_category_implies_its_values_and_greek_goes_without_saying(taxonomy):
    somali = effective_attributes(taxonomy, taxonomy["interpreting_somali"],
                                  {"language": ["greek"]})
    assert somali["language"] == {"somali"}
    greek = effective_attributes(taxonomy, taxonomy["greek_lessons"], {})
    assert greek["language"] == {"greek"}
    goods = effective_attributes(taxonomy, taxonomy["blankets"], {})
    assert goods["condition"] == {"new", "used"}  # unstated goods are in working order


def test_categories_accept_the_units_people_count_in(taxonomy):
    assert taxonomy.accepts_unit(taxonomy["greek_lessons"], "sessions")
    assert taxonomy.accepts_unit(taxonomy["storage_space"], "places")
    assert not taxonomy.accepts_unit(taxonomy["blankets"], "kg")
    assert taxonomy.counted_unit(taxonomy["shoes_adults"], "pieces") == "pairs"


def test_the_api_suggests_a_category_with_the_details_it_read(client):
    answer = client.get("/api/v1/categories/suggest",
                        query_string={"text": "Πάνες νούμερο 4\nγια μωρά", "lang": "en"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["chosen"] == "nappies"
    first = body["items"][0]
    assert (first["id"], first["read"]) == ("nappies", {"nappy_size": ["4"]})
    assert 0 < first["confidence"] <= 1
    assert "nappy_size" in {a["id"] for a in first["attributes"]}


def test_the_api_filters_categories_by_kind(client):
    found = client.get("/api/v1/categories", query_string={"q": "αγγλικά", "kind": "skill"})
    assert found.status_code == 200
    assert {c["kind"] for c in found.get_json()} == {"skill"}
    assert client.get("/api/v1/categories", query_string={"kind": "toys"}).status_code == 422


def test_a_post_without_a_category_gets_the_one_its_words_make_clear(
        client, make_user, bearer):  # noqa: F811
    auth = bearer(make_user("ngo"))
    from tests.conftest import need_fields

    body = need_fields(title="Πάνες μωρού νούμερο 4", description="Για 10 βρέφη")
    del body["category"]
    created = client.post("/api/v1/needs", json=body, headers=auth)
    assert created.status_code == 201, created.get_json()
    need = created.get_json()
    assert (need["category"], need["category_suggested"]) == ("nappies", True)
    assert need["attributes"]["nappy_size"] == ["4"]
    unclear = need_fields(title="Διάφορα πράγματα", description="ό,τι έχετε")
    del unclear["category"]
    refused = client.post("/api/v1/needs", json=unclear, headers=auth)
    assert refused.status_code == 422
    assert "category" in refused.get_json()["errors"]["json"]


def test_details_set_through_the_api_are_checked(client, make_user, bearer):  # noqa: F811
    from tests.conftest import offer_fields

    auth = bearer(make_user("individual"))
    wrong = client.post("/api/v1/offers", headers=auth, json=offer_fields(
        category="nappies", attributes={"nappy_size": ["12"]}))
    assert wrong.status_code == 422 and "attributes" in wrong.get_json()["errors"]["json"]
    foreign = client.post("/api/v1/offers", headers=auth, json=offer_fields(
        category="nappies", attributes={"language": ["arabic"]}))
    assert foreign.status_code == 422
    right = client.post("/api/v1/offers", headers=auth, json=offer_fields(
        category="nappies", title="Πάνες", attributes={"nappy_size": ["5"]}))
    assert right.status_code == 201
    assert right.get_json()["attributes"]["nappy_size"] == ["5"]
