"""The taxonomy of categories and the gazetteer of places: loaded, validated, searched.

Both are data files in config/ (`files`); `taxonomy` and `places` hold them in memory and
search them in Greek, English and Greeklish.
"""

from matching.text import strip_accents
from web.reference.files import DataFileError, loaded_once
from web.reference.places import PLACE_KINDS, Gazetteer, Place
from web.reference.places_file import load_gazetteer
from web.reference.taxonomy import (
    KINDS,
    SECTORS,
    Attribute,
    Category,
    Suggestion,
    Taxonomy,
    Unit,
)
from web.reference.taxonomy_file import load_taxonomy

__all__ = [
    "KINDS", "PLACE_KINDS", "SECTORS", "Attribute", "Category", "DataFileError", "Gazetteer",
    "Place", "Suggestion", "Taxonomy", "Unit", "load_gazetteer", "load_taxonomy", "loaded_once",
    "strip_accents",
]
