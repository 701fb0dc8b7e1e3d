"""Values as French staff read them: dates (« 1er décembre 2026 »), times
(« 14 h 05 »), phone numbers (« 01 64 39 00 00 »), decimals with a comma,
and each stored code (a status, a kind of place, a role, a commune) by its
French word. The audit log keeps codes and ISO text; this module is how
they are shown.

Pure: plain values in and out, no Flask, no database.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

import phonenumbers

from angela.core import i18n, phones, territory
from angela.core.hours import MONTHS
from angela.core.vocab import Category, ReportStatus, Role, TrainingStatus, Vocabulary

MISSING = "—"
# The fields, of every audited kind (merchant, account, support service),
# whose stored code has a French word.
_VOCABULARIES: dict[str, type[Vocabulary]] = {
    "category": Category,
    "training_status": TrainingStatus,
    "role": Role,
    "report_status": ReportStatus,
}
_PHONES = frozenset({"phone", "contact_phone"})
_DATES = frozenset({"trained_on", "last_checked_on"})
_DEGREES = frozenset({"lat", "lon"})


def day_text(day: date) -> str:
    """Return « 22 novembre 2026 », with « 1er » for the first of the month."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def checked_text(day: date | None) -> str | None:
    """Return « Vérifié le 12 octobre 2026 », what the public reads of a
    merchant's last check, or None when it was never checked (words.js
    `checkedText` is its twin)."""
    if day is None:
        return None
    # French says "1er octobre"; the other languages as Babel writes them.
    spoken = day_text(day) if i18n.language().code == i18n.SOURCE else i18n.day_in_words(day)
    return i18n.gettext("Vérifié le %(date)s", date=spoken)


def time_text(moment: datetime) -> str:
    """Return the time of day as French typography writes it: « 14 h 05 », « 9 h »."""
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"


def moment_text(moment: datetime) -> str:
    """Return « 22 novembre 2026 à 14 h 05 » for a moment already in local time."""
    return f"{day_text(moment.date())} à {time_text(moment)}"


def phone_text(e164: str) -> str:
    """Return a stored E.164 number as French people write it; a number
    that does not parse is returned as stored rather than lost."""
    try:
        return phones.for_display(e164)
    except phonenumbers.NumberParseException:
        return e164


def decimal_text(number: float, places: int = 6) -> str:
    """Return a decimal with a comma: 48,539100."""
    return f"{number:.{places}f}".replace(".", ",")


def commune_text(code: str) -> str:
    """Return the commune's name for its INSEE code (the code itself if it is
    not one of the 20)."""
    commune = territory.communes_by_code().get(code)
    return commune.name if commune is not None else code


def code_text(vocabulary: type[Vocabulary], code: str) -> str:
    """Return the French word of a stored code (the code itself if unknown)."""
    return vocabulary.labels().get(code, code)


def field_value_text(name: str, value: Any) -> str:
    """Return a value as the audit log keeps it (code, ISO date, E.164,
    INSEE code, boolean) in the words people read, by its field's name."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return "oui" if value else "non"
    if name in _VOCABULARIES and isinstance(value, str):
        return code_text(_VOCABULARIES[name], value)
    if name == "commune_code" and isinstance(value, str):
        return commune_text(value)
    if name in _PHONES and isinstance(value, str):
        return phone_text(value)
    if name in _DATES and isinstance(value, str):
        return _iso_day_text(value)
    if name in _DEGREES and isinstance(value, int | float):
        return decimal_text(float(value))
    return str(value)


def _iso_day_text(value: str) -> str:
    try:
        return day_text(date.fromisoformat(value))
    except ValueError:
        return value


# --- search -----------------------------------------------------------------

# Letters that Unicode does not decompose into a base letter and an accent.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d"})
# Typographic apostrophes read as the typed one; dashes as spaces, since
# names are written both ways ("Dammarie-lès-Lys", "Dammarie les Lys").
_PUNCTUATION = str.maketrans(
    {"’": "'", "ʼ": "'", "‘": "'", "-": " ", "‐": " ", "‑": " ", "–": " ", "—": " "}
)
SEARCH_SEPARATOR = "\n"


def folded(text: str) -> str:
    """Return the text as search compares it: without accents or case,
    ligatures spelt out, one kind of apostrophe, dashes and runs of white
    space as one space ("Boulangerie du Marché" → "boulangerie du marche")."""
    lowered = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    bare = "".join(char for char in lowered if not unicodedata.combining(char))
    return " ".join(bare.translate(_LIGATURES).translate(_PUNCTUATION).split())


def search_key(*parts: str | None) -> str:
    """Return the folded parts joined by a line break, which a folded query
    never holds: a match never spans two parts."""
    return SEARCH_SEPARATOR.join(folded(part or "") for part in parts)
