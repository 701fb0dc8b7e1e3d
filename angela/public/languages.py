"""The public face's language, from its address: French at `/`, every other
language under its own prefix (`/en/`, `/ar/refuges/12`…), so that a link
shared stays in its language and nothing is kept on the phone to remember
a choice (public pages set no cookie). The API speaks the language its
caller asks for (`Accept-Language`), French by default; the staff face
speaks French.

A page in French offers, without redirecting, the language the browser
prefers when we have it: a small line at its top, in that language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, abort, current_app, g, request, url_for
from werkzeug.routing import BaseConverter

from angela.core import i18n

# Where the language is in the address: what the other languages' rules start with.
PREFIXED = (*(code for code in i18n.LANGUAGES if code != i18n.SOURCE), i18n.PSEUDO.code)


class LanguageConverter(BaseConverter):
    """The language prefix of an address: one of ours, never French's."""

    regex = "|".join(sorted(PREFIXED, key=len, reverse=True))


def route(bp: Blueprint, rule: str, **options: Any) -> Callable[[Callable[..., Any] | None], Any]:
    """Register a public page at `rule` in French and under each language's
    prefix; `url_for` then builds the address in the language spoken."""

    def register(view: Callable[..., Any] | None) -> Callable[..., Any] | None:
        endpoint = options.pop("endpoint", None) or getattr(view, "__name__", None)
        bp.add_url_rule(rule, endpoint, view, defaults={"lang": i18n.SOURCE}, **options)
        bp.add_url_rule(f"/<lang:lang>{rule}", endpoint, view, **options)
        return view

    return register


def _language_of_request() -> str:
    """Return the language of this request: from its API caller's header,
    from its address, or French."""
    if request.path.startswith("/api/"):
        return i18n.negotiate(request.accept_languages) or i18n.SOURCE
    first = request.path.split("/")[1]
    if first == i18n.PSEUDO.code and not current_app.config.get("PSEUDO_LANGUAGE"):
        abort(404)
    return first if first in PREFIXED else i18n.SOURCE


def _speak() -> None:
    # French until known: a refused address is answered in French, never in
    # the language of the thread's previous request.
    i18n.speak(i18n.SOURCE)
    i18n.speak(_language_of_request())


def _back_to_french(_error: BaseException | None) -> None:
    # The request's language ends with it: whatever runs next in this
    # thread (another request, a command, a test) starts from French.
    i18n.speak(i18n.SOURCE)


def _pop_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values is not None:
        values.pop("lang", None)


def _add_language(endpoint: str, values: dict[str, Any]) -> None:
    if "lang" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = i18n.language().code


def offered() -> i18n.Language | None:
    """Return the language to offer on a French page: the browser's first
    choice among ours, when it is not French."""
    if i18n.language().code != i18n.SOURCE:
        return None
    # The answer now depends on the browser's languages (`vary_on_language`).
    g.negotiated = True
    found = i18n.negotiate(request.accept_languages)
    return i18n.language(found) if found and found != i18n.SOURCE else None


def address_in(code: str, external: bool = False) -> str:
    """Return this page's address in the language `code` (its query kept),
    or that language's home page when this one has no address of its own."""
    endpoint = request.endpoint
    if (
        endpoint is None
        or request.method != "GET"
        or not current_app.url_map.is_endpoint_expecting(endpoint, "lang")
    ):
        # An error, or a typed address that was posted (and is not repeated).
        return url_for("public.index", lang=code, _external=external)
    values = {**request.args.to_dict(), **(request.view_args or {})}
    return url_for(endpoint, lang=code, _external=external, **values)


def language_offer() -> tuple[i18n.Language, str] | None:
    """Return the language a French page offers and the line offering it,
    in that language; asked by the public layout only, so that no other
    answer depends on the browser's languages."""
    offer = offered()
    if offer is None:
        return None
    with i18n.speaking(offer.code):
        # Translators: shown on a French page to a browser that prefers
        # this language, linking to this page in it: "Read this page in
        # English" (in English), "Leer esta página en español"…
        return offer, i18n.gettext("Lire cette page en français")


def _context() -> dict[str, Any]:
    current = i18n.language()
    words = None if current.code == i18n.SOURCE else f"i18n/{current.code}.json"
    return {
        "language": current,
        "languages": list(i18n.LANGUAGES.values()),
        "address_in": address_in,
        "language_offer": language_offer,
        "words_asset": words,
    }


def vary_on_language(response: Any) -> Any:
    """A page that offered (or could have offered) another language varies
    with the browser's languages; so does an error of the API (its message)."""
    api_error = request.path.startswith("/api/") and response.status_code >= 400
    if api_error or g.get("negotiated"):
        response.vary.add("Accept-Language")
    return response


def generated_assets() -> dict[str, bytes]:
    """Return the page modules' catalogue of each language, to serve as
    static files (`assets.init_app`)."""
    return {f"i18n/{code}.json": i18n.catalogue_json(code) for code in PREFIXED}


def init_app(app: Flask) -> None:
    app.url_map.converters["lang"] = LanguageConverter
    app.before_request(_speak)
    app.teardown_request(_back_to_french)
    app.url_value_preprocessor(_pop_language)
    app.url_defaults(_add_language)
    app.after_request(vary_on_language)
    app.context_processor(_context)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: i18n.translations(i18n.language().code).gettext(message),
        lambda singular, plural, count: i18n.translations(i18n.language().code).ngettext(
            singular, plural, count
        ),
        newstyle=True,
    )
