"""Printable posters: the paper formats they come in, the language of their
sheet, the public address a poster's QR code leads to, and the QR code
itself. Pure: no Flask, no database; the staff face chooses what to print."""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit

import segno
from babel import Locale

from angela.core import i18n


class PaperFormat(StrEnum):
    """The sheets a poster is laid out for, by the code of the `format`
    parameter; A4 first, the default."""

    A4 = "a4"
    A5 = "a5"

    @property
    def label(self) -> str:
        return self.value.upper()

    @staticmethod
    def parse(text: str | None) -> PaperFormat:
        """Return the format for a `format` parameter, A4 when absent; raise
        ValueError for any other word."""
        if text is None or text == "":
            return PaperFormat.A4
        return PaperFormat(text.strip().lower())


def sheet_language(text: str | None, pseudo: bool = False) -> i18n.Language:
    """Return the language of a poster's sheet for a `langue` parameter
    (one of the public face's languages, by code), French when absent, the
    pseudo-language too when `pseudo`; raise ValueError for any other word."""
    if text is None or text == "":
        return i18n.language(i18n.SOURCE)
    known = [*i18n.LANGUAGES, *([i18n.PSEUDO.code] if pseudo else [])]
    for code in known:
        if text.strip().lower() == code.lower():
            return i18n.language(code)
    raise ValueError(f"no poster language {text!r}")


def language_in_french(language: i18n.Language) -> str:
    """Return the name of `language` in French (« arabe »), for the staff."""
    if language == i18n.PSEUDO:
        return "pseudo-langue"
    return str(Locale.parse(language.code).get_display_name(i18n.SOURCE))


def check_public_url(url: str) -> str:
    """Return the public site's base address without its trailing slash;
    raise ValueError unless it is an absolute http(s) address without query
    or fragment (a poster's QR code is built from it, and printed)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("an absolute http:// or https:// address is needed")
    if parts.query or parts.fragment:
        raise ValueError("the address may not carry a query (?) or a fragment (#)")
    return url.strip().rstrip("/")


def public_address(base: str, path: str) -> str:
    """Return the absolute address of `path` (from the root of the public
    site, such as "/refuges/12") on the site at `base`."""
    return base.rstrip("/") + "/" + path.lstrip("/")


def qr_data_uri(address: str) -> str:
    """Return a QR code of `address` as an SVG `data:` address for an <img>:
    black on white on any paper and in any colour scheme, with a quiet zone
    of four modules as scanners expect. Level Q tolerates the scuffs and
    reflections of a shop window."""
    code = segno.make(address, error="q", micro=False)
    return code.svg_data_uri(scale=4, border=4, dark="#000", light="#fff")  # type: ignore[no-any-return]


def refuges_text(count: int) -> str:
    """Return the count a commune poster shows, in the language spoken:
    « 1 lieu refuge », « 12 lieux refuges »."""
    # Translators: how many safe places (shops, cafés… whose team is trained
    # to help) a commune has, on its poster: "12 lieux refuges".
    return i18n.ngettext("%(count)s\u00a0lieu refuge", "%(count)s\u00a0lieux refuges", count)
