"""The languages of the public face and its words in each of them.

French is the source: every message is written in French where it is used
(`_("Trouver le refuge le plus proche")` in a template, `gettext(...)` in
Python, `_("...")` in the page's modules), extracted by Babel into
`angela/translations/messages.pot` (`make words`), and translated in one
gettext catalogue per language (`angela/translations/<code>/LC_MESSAGES/
messages.po`). The catalogues are read once per process, straight from the
`.po` files, so there is nothing to compile and nothing to go stale; the
page's modules get the messages they use as a small JSON per language
(`catalogue_json`), served as a fingerprinted static file.

The language being spoken is a context variable, set for a request from its
URL (`/`, `/en/`, `/ar/`…) or, for the API, from `Accept-Language`, and
around any work done for another language (`speaking`). This keeps the core
pure: the words of opening hours, walks and dates come from here without
Flask.

Placeholders are Python's named ones, `%(name)s`, in every language and in
the page's modules too, so Babel's own checks apply to all of them.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import LazyProxy, NullTranslations, Translations


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47, and the URL prefix ("" for the source)
    name: str  # named in itself, as the picker shows it
    word: str  # "language" in itself: the way to the others, for who reads none
    direction: str = "ltr"
    # How dates, times and numbers are written, when not as `code` says:
    # English for people in France, with the day before the month, 19:00.
    formats: str | None = None

    @property
    def prefix(self) -> str:
        return "" if self.code == SOURCE else f"/{self.code}"


SOURCE = "fr"
# The picker's order: French, then by how many people around Melun may need
# each (see issue 12): Arabic, Portuguese, Turkish, then the rest.
LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("fr", "Français", "Langue"),
        Language("en", "English", "Language", formats="en-GB"),
        Language("ar", "العربية", "اللغة", "rtl"),
        Language("pt", "Português", "Idioma"),
        Language("es", "Español", "Idioma"),
        Language("tr", "Türkçe", "Dil"),
        Language("uk", "Українська", "Мова"),
    )
}
# A made-up language for tests only: every message accented and a third
# longer, to find what overflows or was left untranslated.
PSEUDO = Language("en-XA", "Ƥşéüđö", "Ŀàñĝüàĝé")

CATALOGUES = Path(__file__).resolve().parents[1] / "translations"
TEMPLATE = CATALOGUES / "messages.pot"
DOMAIN = "messages"

_speaking: ContextVar[str] = ContextVar("language", default=SOURCE)


class CatalogueError(RuntimeError):
    """A language's catalogue is missing or cannot be read."""


def language(code: str | None = None) -> Language:
    """Return the language `code`, or the one being spoken."""
    code = code or _speaking.get()
    return PSEUDO if code == PSEUDO.code else LANGUAGES[code]


@contextmanager
def speaking(code: str) -> Iterator[Language]:
    """Speak `code` within the block (and its threads' copies of the context)."""
    token = _speaking.set(language(code).code)
    try:
        yield language(code)
    finally:
        _speaking.reset(token)


def speak(code: str) -> None:
    """Speak `code` from now on in this context (a request's)."""
    _speaking.set(language(code).code)


def negotiate(accepted: Iterator[tuple[str, float]] | list[tuple[str, float]]) -> str | None:
    """Return the first of our languages among `accepted` (an Accept-Language
    header's tags and weights, best first), matching "pt-BR" to "pt", or None."""
    for tag, weight in sorted(accepted, key=lambda pair: -pair[1]):
        if weight <= 0:
            continue
        primary = tag.split("-")[0].split("_")[0].lower()
        if primary in LANGUAGES:
            return primary
    return None


# --- The catalogues ---------------------------------------------------------


def catalogue_path(code: str) -> Path:
    return CATALOGUES / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(code: str) -> Catalog:
    """Return the translations of `code` as Babel reads them from its `.po`."""
    path = catalogue_path(code)
    try:
        with path.open("rb") as file:
            return read_po(file, locale=code, domain=DOMAIN)
    except (OSError, ValueError) as error:
        raise CatalogueError(f"the {code} catalogue cannot be read: {error}") from error


@cache
def source_messages() -> Catalog:
    """Return the extracted messages (`messages.pot`): what each catalogue translates."""
    with TEMPLATE.open("rb") as file:
        return read_po(file, domain=DOMAIN)


@cache
def translations(code: str) -> NullTranslations:
    """Return the gettext translations of `code` (none needed for French)."""
    if code == SOURCE:
        return SourceTranslations()
    if code == PSEUDO.code:
        return PseudoTranslations()
    compiled = io.BytesIO()
    # Fuzzy messages are not used: a doubtful translation is no translation.
    write_mo(compiled, catalogue(code), use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def gettext(message: str, **values: Any) -> str:
    """Return `message` in the language being spoken, `values` filled in."""
    text = translations(_speaking.get()).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, count: int, **values: Any) -> str:
    """Return the form of `singular`/`plural` for `count`; `count` is also
    a value (`%(count)s`)."""
    text = translations(_speaking.get()).ngettext(singular, plural, count)
    return text % {"count": count, **values}


_ = gettext


def N_(message: str) -> str:  # gettext's name for "mark only"
    """Mark `message` for extraction, to be translated where it is used."""
    return message


def lazy_gettext(message: str) -> Any:
    """Return `message`, translated each time it is used as text (for
    words defined once, such as the vocabularies' labels)."""
    return LazyProxy(gettext, message, enable_cache=False)


# --- Formats (Babel's, per locale, on the Paris clock given) ------------------


def babel_locale(code: str | None = None) -> Locale:
    chosen = language(code)
    tag = "en" if chosen is PSEUDO else chosen.formats or chosen.code
    return Locale.parse(tag, sep="-")


def clock_options(code: str | None = None) -> dict[str, str]:
    """Return the `Intl.DateTimeFormat` options that write a time of day as
    Babel's short time does in `code` ("02:00", "2:00", "2:00 AM")."""
    pattern = babel_locale(code).time_formats["short"].pattern
    hour = next(letter for letter in pattern if letter in "HhKk")
    return {
        "hour": "2-digit" if hour * 2 in pattern else "numeric",
        "hourCycle": "h23" if hour == "H" else "h12",
    }


def number(value: float, digits: int = 0) -> str:
    """Return `value` with the locale's decimal sign ("1,2" in French), in
    the digits of shop fronts and phone numbers (0-9) in every language."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale(), numbering_system="latn")


def clock(moment: time) -> str:
    """Return a time of day the way the language writes it ("19:00", "7:00 PM")."""
    return format_time(moment, format="short", locale=babel_locale())


def day_in_words(day: date) -> str:
    """Return a calendar day in words: "12 octobre 2026", "October 12, 2026"."""
    return format_date(day, format="long", locale=babel_locale())


def weekday(day: date) -> str:
    """Return the name of the weekday of `day`, as used inside a sentence."""
    return format_date(day, format="EEEE", locale=babel_locale())


def day_and_month(day: date) -> str:
    """Return "12 octobre", "October 12"."""
    return format_skeleton("MMMMd", day, locale=babel_locale())


def day_in_week(day: date) -> str:
    """Return "lundi 30 novembre", "Monday, November 30"."""
    # Translators: a day in a week's list of opening hours: "lundi 30 novembre".
    return gettext("%(weekday)s %(date)s", weekday=weekday(day), date=day_and_month(day))


# --- The page's modules: the messages they use, as JSON -----------------------

# Counts that reach every plural form of our languages (French, Spanish and
# Portuguese have one for whole millions).
_SAMPLE_COUNTS = (*range(1001), 1_000_000, 2_000_000)
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def placeholders(text: str) -> set[str]:
    """Return the named placeholders of a message ("%(name)s" → {"name"})."""
    return {found for found in _PLACEHOLDER.findall(text) if found}


def script_messages() -> list[Any]:
    """Return the extracted messages used by the page's modules (.js)."""
    return [
        message
        for message in source_messages()
        if message.id and any(path.endswith(".js") for path, _line in message.locations)
    ]


def plural_indexes(code: str) -> dict[str, int]:
    """Return, for each plural category of CLDR (what `Intl.PluralRules`
    gives the page), the index of the catalogue's form to use, found by
    asking both rules about the counts 0 to 1,000 and a few millions."""
    rule = babel_locale(code).plural_form
    chosen = translations(code)
    found: dict[str, int] = {}
    for count in _SAMPLE_COUNTS:
        index = _form_index(chosen, count)
        category = rule(count)
        if found.setdefault(category, index) != index:
            raise CatalogueError(f"{code}: plural category {category} has two forms")
    found.setdefault("other", max(found.values()))
    return found


@cache
def catalogue_json(code: str) -> bytes:
    """Return the JSON the page's modules read for `code`: each of their
    messages translated (a list of forms for plurals) and how to pick a form."""
    chosen = translations(code)
    messages: dict[str, Any] = {}
    for message in script_messages():
        if isinstance(message.id, tuple | list):
            singular, plural = message.id[0], message.id[1]
            count = len(set(plural_indexes(code).values()))
            forms = [
                chosen.ngettext(singular, plural, _count_for(code, index)) for index in range(count)
            ]
            messages[singular] = forms
        else:
            messages[message.id] = chosen.gettext(message.id)
    body = {
        "lang": code,
        "locale": str(babel_locale(code)).replace("_", "-"),
        "clock": clock_options(code),
        "dir": language(code).direction,
        "plural": plural_indexes(code),
        "messages": messages,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _form_index(chosen: NullTranslations, count: int) -> int:
    """Return the index of the catalogue's plural form for `count`."""
    if isinstance(chosen, Translations):
        return int(chosen.plural(count))
    return int(count != 1)


def _count_for(code: str, index: int) -> int:
    """Return a count whose plural form in `code` is the form `index`."""
    chosen = translations(code)
    found: int = next(count for count in _SAMPLE_COUNTS if _form_index(chosen, count) == index)
    return found


class SourceTranslations(NullTranslations):
    """French, the source: the messages as written; 0 and 1 take the singular."""

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n in (0, 1) else plural


# --- The pseudo-language --------------------------------------------------------

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķĺɱñöþǫŕşţüṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŞŢÜṼŴẊÝŽ",
)


def pseudo(text: str) -> str:
    """Return `text` accented and a third longer, its placeholders kept."""
    parts = re.split(r"(%\(\w+\)[sd]|%%)", text)
    accented = "".join(
        part if part.startswith("%") else part.translate(_ACCENTED) for part in parts
    )
    letters = sum(len(part) for part in parts if not part.startswith("%"))
    # In words of up to five dots, as a real translation breaks into words.
    extra = round(letters * 0.3)
    padding = "".join(" " + "·" * min(5, extra - start) for start in range(0, extra, 5))
    return f"⟦{accented}{padding}⟧" if text else text


class PseudoTranslations(NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return pseudo(singular if n == 1 else plural)
