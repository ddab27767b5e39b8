"""Words shown for the codes of kinds, urgencies and statuses."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "goods": _l("goods"),
    "skill": _l("skill"),
    "service": _l("service"),
}
URGENCY_LABELS = {
    "low": _l("low"),
    "normal": _l("normal"),
    "high": _l("high"),
    "emergency": _l("emergency"),
}
STATUS_LABELS = {
    "open": _l("open"),
    "partly_matched": _l("partly matched"),
    "matched": _l("matched"),
    "fulfilled": _l("fulfilled"),
    "withdrawn": _l("withdrawn"),
    "expired": _l("expired"),
}
# How often a recurring post gives or asks: the form's choices, and the word in sentences.
PER_LABELS = {
    "": _l("Once"),
    "week": _l("Every week"),
    "month": _l("Every month"),
}
PER_WORDS = {
    "week": _l("week"),
    "month": _l("month"),
}
