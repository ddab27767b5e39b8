"""The taxonomy and the gazetteer: complete, validated at start-up, found in any script."""

from pathlib import Path

import pytest

from web import create_app
from web.config import CONFIG_DIR
from web.reference import SECTORS, DataFileError, Gazetteer, load_gazetteer, load_taxonomy

DATA = Path(__file__).resolve().parent / "data"
SMALL_TAXONOMY = (DATA / "taxonomy_small.toml").read_text()
SMALL_PLACES = (DATA / "places_small.toml").read_text()


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(CONFIG_DIR / "taxonomy.toml")


@pytest.fixture(scope="module")
def places():
    return load_gazetteer(CONFIG_DIR / "places.toml")


def test_taxonomy_covers_every_sector_and_kind(taxonomy):
    assert len(taxonomy) >= 60
    assert {c.sector for c in taxonomy.categories.values()} == set(SECTORS)
    assert {c.kind for c in taxonomy.categories.values()} == {"goods", "skill", "service"}


def test_every_category_is_bilingual_with_synonyms_and_a_unit(taxonomy):
    for category in taxonomy.categories.values():
        assert category.labels["el"] and category.labels["en"], category.id
        assert category.unit in taxonomy.units, category.id
        assert category.path[-1] == category.id
        assert category.path[0] in taxonomy.categories


def test_children_sit_under_their_parents(taxonomy):
    children = [c for c in taxonomy.categories.values() if c.parent]
    assert children, "the taxonomy should have more than one level"
    for child in children:
        assert child.path[-2] == child.parent


def test_gazetteer_has_all_66_municipalities_of_attica(places):
    municipalities = [p for p in places.places.values() if p.kind == "municipality"]
    attica = [p for p in municipalities if places.region(p) == "attica"]
    assert len(attica) == 66
    assert len({p.regional_unit for p in attica}) == 8
    assert places.home_region == "attica"


def test_gazetteer_has_every_municipality_of_greece(places):
    """The 332 of Kallikratis as amended by Kleisthenis (2019), in 74 units, 13 regions."""
    municipalities = [p for p in places.places.values() if p.kind == "municipality"]
    assert len(municipalities) == 332
    assert len(places.regional_units) == 74
    assert len(places.regions) == 13
    assert set(places.unit_regions) == set(places.regional_units)
    per_region = {}
    for place in municipalities:
        per_region[places.region(place)] = per_region.get(places.region(place), 0) + 1
    assert per_region == {
        "attica": 66, "east_macedonia_thrace": 22, "central_macedonia": 38,
        "west_macedonia": 13, "thessaly": 25, "epirus": 18, "ionian_islands": 11,
        "western_greece": 19, "central_greece": 25, "peloponnese": 26, "north_aegean": 11,
        "south_aegean": 34, "crete": 24,
    }
    for place in places.places.values():
        assert place.names["el"] and place.names["en"], place.id
        assert places.regional_units[place.regional_unit]["el"], place.id


def test_the_municipalities_of_the_home_region_are_listed_first(places):
    listed = places.municipalities()
    assert {places.region(p) for p in listed[:66]} == {"attica"}
    assert [p.names["en"] for p in listed[:66]] == sorted(p.names["en"] for p in listed[:66])
    assert listed[0].id == "acharnes"


def test_gazetteer_has_neighbourhoods_of_the_larger_cities(places):
    for city in ("thessaloniki", "patras", "heraklion", "larissa", "volos", "ioannina"):
        inside = [p for p in places.places.values()
                  if p.kind == "neighbourhood" and p.municipality == city]
        assert len(inside) >= 4, city


def test_gazetteer_has_the_neighbourhoods_ngos_use(places):
    neighbourhoods = [p for p in places.places.values() if p.kind == "neighbourhood"]
    assert len(neighbourhoods) >= 30
    wanted = [
        "Κυψέλη",
        "Εξάρχεια",
        "Πατήσια",
        "Κολωνός",
        "Σεπόλια",
        "Άγιος Παντελεήμονας",
        "Ακαδημία Πλάτωνος",
        "Γκύζη",
        "Παγκράτι",
    ]
    names = {p.names["el"] for p in neighbourhoods}
    assert set(wanted) <= names


def test_places_lie_in_their_region(places):
    for place in places.places.values():
        assert 34.8 <= place.lat <= 41.8 and 19.3 <= place.lon <= 29.7, place.id
        if places.region(place) == "attica":
            assert 35.9 <= place.lat <= 38.5 and 22.8 <= place.lon <= 24.3, place.id
        if places.region(place) == "crete":
            assert place.lat <= 35.8 and place.lon >= 23.4, place.id
        if places.region(place) == "central_macedonia":
            assert place.lat >= 39.9, place.id


def test_a_neighbourhood_lies_near_its_municipality(places):
    for place in places.places.values():
        seat = places[place.municipality]
        if place.kind == "neighbourhood":
            assert abs(place.lat - seat.lat) < 0.1 and abs(place.lon - seat.lon) < 0.1, place.id


@pytest.mark.parametrize(
    "query, expected",
    [
        ("kipseli", "kypseli"),
        ("Κυψελη", "kypseli"),
        ("ΚΥΨΈΛΗ", "kypseli"),
        ("Κυψέλη", "kypseli"),
        ("kypseli", "kypseli"),
        ("exarxeia", "exarcheia"),
        ("Εξαρχεια", "exarcheia"),
        ("patisia", "patisia"),
        ("ΠΑΓΚΡΑΤΙ", "pangrati"),
        ("pagkrati", "pangrati"),
        ("agios panteleimonas", "agios_panteleimonas"),
        ("Χαλάνδρι", "chalandri"),
        ("halandri", "chalandri"),
        ("Piraeus", "piraeus"),
        ("Πειραιάς", "piraeus"),
        ("Θεσσαλονίκη", "thessaloniki"),
        ("ΘΕΣΣΑΛΟΝΙΚΗ", "thessaloniki"),
        ("thessaloniki", "thessaloniki"),
        ("Thesaloniki", "thessaloniki"),  # a typo
        ("Lesvos", "mytilini"),  # the island: Mytilene, its town and former municipality
        ("Λέσβος", "mytilini"),
        ("Mitilini", "mytilini"),
        ("Γιάννενα", "ioannina"),
        ("ioannina", "ioannina"),
        ("Kalamta", "kalamata"),
        ("patra", "patras"),
        ("Kerkyra", "kentriki_kerkyra"),
        ("Corfu", "kentriki_kerkyra"),
        ("Κεφαλονιά", "argostoli"),
        ("Santorini", "thira"),
        ("aleksandroupoli", "alexandroupoli"),
        ("toumba", "toumba"),
        ("Ψηλά Αλώνια", "psila_alonia"),
        ("Larissa Thessaly", "larissa"),  # the region names the city
        ("Λάρισα Θεσσαλίας", "larissa"),
        ("Heraklion Crete", "heraklion"),
        ("Ηράκλειο Κρήτης", "heraklion"),
    ],
)
def test_place_lookup_ignores_case_accents_and_script(places, query, expected):
    found = [p.id for p in places.search(query, limit=3)]
    assert expected in found, f"{query!r} found {found}"
    assert found[0] == expected


@pytest.mark.parametrize(
    "query, first, second",
    [
        # The same name in Attica and elsewhere: Attica (the centre's own region) first...
        ("Ampelokipoi", "ampelokipoi", "ampelokipoi_larisas"),
        ("Αμπελόκηποι", "ampelokipoi", "ampelokipoi_larisas"),
        ("Ηράκλειο", "irakleio", "heraklion"),
        ("Πόρος", "poros", "poros_irakleiou"),
        ("Γάζι", "gazi", "malevizi"),
        ("Agios Nikolaos", "agios_nikolaos", "agios_nikolaos_kritis"),
        ("Νέα Ιωνία", "nea_ionia", "nea_ionia_volou"),
        ("Perama", "perama", "perama_ioanninon"),
        ("Larissa", "larissis", "larissa"),  # Larissa Station in Athens, then the city
        # ...unless the query names the parent: the municipality, unit or region.
        ("Ampelokipoi Thessaloniki", "ampelokipoi_menemeni", None),
        ("Αμπελόκηποι Λάρισας", "ampelokipoi_larisas", None),
        ("Πόρος Ηρακλείου", "poros_irakleiou", None),
        ("Agios Nikolaos Lasithi", "agios_nikolaos_kritis", None),
        ("Νέα Ιωνία Βόλου", "nea_ionia_volou", None),
        ("Perama Ioannina", "perama_ioanninon", None),
    ],
)
def test_a_name_shared_beyond_attica_goes_to_attica_unless_the_parent_is_named(
    places, query, first, second
):
    found = [p.id for p in places.search(query, limit=5)]
    assert found[0] == first, f"{query!r} found {found}"
    if second:
        assert second in found, f"{query!r} found {found}"


def test_the_home_region_is_what_decides_those_ties(places):
    national = Gazetteer(places.places, places.regional_units, places.regions,
                         places.unit_regions, home_region=None)
    assert national.search("Larissa", 1)[0].id == "larissa"  # a municipality first
    assert national.search("Ηράκλειο", 1)[0].id == "heraklion"  # then by id
    crete = Gazetteer(places.places, places.regional_units, places.regions,
                      places.unit_regions, home_region="crete")
    assert crete.search("Agios Nikolaos", 1)[0].id == "agios_nikolaos_kritis"
    assert crete.search("Κυψέλη", 1)[0].id == "kypseli"


@pytest.mark.parametrize(
    "query, expected_label_en",
    [
        ("kouvertes", "Blankets"),
        ("κουβέρτα", "Blankets"),
        ("ΚΟΥΒΕΡΤΕΣ", "Blankets"),
        ("blankets", "Blankets"),
        ("blanket", "Blankets"),
    ],
)
def test_category_lookup_ignores_case_accents_script_and_language(
    taxonomy, query, expected_label_en
):
    found = [c.labels["en"] for c in taxonomy.search(query, limit=3)]
    assert found and found[0] == expected_label_en, f"{query!r} found {found}"


def test_category_lookup_finds_nothing_for_nonsense(taxonomy, places):
    assert taxonomy.search("qqqzzzxxx") == []
    assert places.search("qqqzzzxxx") == []
    assert taxonomy.search("   ") == []


def test_category_lookup_can_be_limited_to_a_kind(taxonomy):
    skills = taxonomy.search("interpreting", kind="skill")
    assert skills and all(c.kind == "skill" for c in skills)


def test_units_convert_within_a_dimension_only():
    taxonomy = load_taxonomy(DATA / "taxonomy_small.toml")
    assert taxonomy.converts("kg", "g")
    assert not taxonomy.converts("kg", "pieces")
    assert not taxonomy.converts("kg", "furlongs")


BROKEN_TAXONOMIES = [
    ("no categories", lambda s: s[: s.index("[[category]]")], "no [[category]] entries"),
    ("bad TOML", lambda s: s + "\n[[category]\n", "not valid TOML"),
    (
        "unknown unit",
        lambda s: s.replace(
            'unit = "pieces"\nlabel_el = "Κουβέρτες"', 'unit = "bales"\nlabel_el = "Κουβέρτες"'
        ),
        "category 'blankets': unit 'bales' is not defined",
    ),
    (
        "unknown parent",
        lambda s: s.replace('parent = "bedding"', 'parent = "linen"'),
        "category 'blankets': parent 'linen' does not exist",
    ),
    (
        "bad kind",
        lambda s: s.replace(
            'kind = "goods"\nsector = "basic_goods"\nunit = "pieces"\nlabel_el = "Κουβέρτες"',
            'kind = "stuff"\nsector = "basic_goods"\nunit = "pieces"\nlabel_el = "Κουβέρτες"',
        ),
        "category 'blankets': 'kind' is 'stuff'",
    ),
    (
        "bad sector",
        lambda s: s.replace('sector = "basic_goods"', 'sector = "food"', 1),
        "category 'bedding': 'sector' is 'food'",
    ),
    (
        "missing label",
        lambda s: s.replace('label_en = "Blankets"\n', ""),
        "category 'blankets': 'label_en' must be a non-empty string",
    ),
    (
        "duplicate id",
        lambda s: s.replace('id = "bedding"', 'id = "blankets"'),
        "category 'blankets' is defined twice",
    ),
    (
        "cycle",
        lambda s: s.replace('id = "bedding"\n', 'id = "bedding"\nparent = "blankets"\n'),
        "its parents form a cycle",
    ),
    (
        "unknown related",
        lambda s: s + 'related = ["tents"]\n',
        "category 'blankets': related category 'tents' does not exist",
    ),
    (
        "synonym twice",
        lambda s: s.replace('synonyms_el = ["κουβέρτα"]', 'synonyms_el = ["κουβέρτα", "Κουβερτα"]'),
        "category 'blankets': 'synonyms_el' lists the same word twice",
    ),
    (
        "bad unit factor",
        lambda s: s.replace("factor = 0.001", 'factor = "tiny"'),
        "unit 'g': 'factor' must be a number",
    ),
]


@pytest.mark.parametrize(
    "case, mutate, message", BROKEN_TAXONOMIES, ids=[c[0] for c in BROKEN_TAXONOMIES]
)
def test_a_malformed_taxonomy_names_the_bad_entry(tmp_path, case, mutate, message):
    path = tmp_path / "taxonomy.toml"
    path.write_text(mutate(SMALL_TAXONOMY))
    with pytest.raises(DataFileError) as raised:
        load_taxonomy(path)
    assert message in str(raised.value)
    assert str(raised.value).startswith("taxonomy.toml: ")


BROKEN_PLACES = [
    ("no places", lambda s: s[: s.index("[[place]]")], "no [[place]] entries"),
    (
        "latitude out of range",
        lambda s: s.replace("lat = 37.9993", "lat = 97.9993"),
        "place 'kypseli': 'lat' is 97.9993, outside",
    ),
    (
        "latitude not a number",
        lambda s: s.replace("lat = 37.9993", 'lat = "north"'),
        "place 'kypseli': 'lat' must be a number",
    ),
    (
        "unknown municipality",
        lambda s: s.replace(
            'municipality = "athens"\nregional_unit = "central_athens"\nlat = 37.9993',
            'municipality = "sparta"\nregional_unit = "central_athens"\nlat = 37.9993',
        ),
        "place 'kypseli': municipality 'sparta' is not a municipality",
    ),
    (
        "unknown regional unit",
        lambda s: s.replace(
            'regional_unit = "central_athens"\nlat = 37.9993',
            'regional_unit = "crete"\nlat = 37.9993',
        ),
        "place 'kypseli': 'regional_unit' is 'crete'",
    ),
    (
        "duplicate id",
        lambda s: s.replace('id = "kypseli"', 'id = "athens"'),
        "place 'athens' is defined twice",
    ),
    (
        "bad kind",
        lambda s: s.replace('kind = "neighbourhood"', 'kind = "village"'),
        "place 'kypseli': 'kind' is 'village'",
    ),
    (
        "regional unit without its region",
        lambda s: "[regions.attica]\nname_el = \"Αττική\"\nname_en = \"Attica\"\n\n" + s,
        "regional unit 'central_athens': 'region' must be a non-empty string",
    ),
    (
        "unknown region",
        lambda s: s.replace('name_en = "Central Athens"\n',
                            'name_en = "Central Athens"\nregion = "atlantis"\n')
        .replace("[regional_units", "[regions.attica]\nname_el = \"Αττική\"\n"
                 "name_en = \"Attica\"\n\n[regional_units", 1),
        "regional unit 'central_athens': 'region' is 'atlantis'",
    ),
    (
        "unknown home region",
        lambda s: 'home_region = "crete"\n' + s,
        "home_region 'crete' is not one of [regions]",
    ),
]


@pytest.mark.parametrize("case, mutate, message", BROKEN_PLACES, ids=[c[0] for c in BROKEN_PLACES])
def test_a_malformed_places_file_names_the_bad_entry(tmp_path, case, mutate, message):
    path = tmp_path / "places.toml"
    path.write_text(mutate(SMALL_PLACES))
    with pytest.raises(DataFileError) as raised:
        load_gazetteer(path)
    assert message in str(raised.value)


def test_the_app_refuses_to_start_with_a_malformed_taxonomy(tmp_path, database_url):
    path = tmp_path / "taxonomy.toml"
    path.write_text(SMALL_TAXONOMY.replace('parent = "bedding"', 'parent = "linen"'))
    settings = {"env": "testing", "database_url": database_url, "taxonomy_file": str(path)}
    with pytest.raises(DataFileError, match="parent 'linen' does not exist"):
        create_app(settings)


def test_the_small_test_files_are_themselves_valid():
    assert len(load_taxonomy(DATA / "taxonomy_small.toml")) == 2
    assert len(load_gazetteer(DATA / "places_small.toml")) == 2
