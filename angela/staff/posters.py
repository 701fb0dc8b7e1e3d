"""The `posters` blueprint: printable posters for every role — one per
public refuge for its shop window, next to the sticker, one per commune for
notice boards — in A4 or A5, each with a QR code to the public page it is
about. The staff tools around a poster speak French; its sheet speaks the
language chosen (`langue`), and its QR code leads to the public page in that
language. Views parse, call one use-case, render."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from angela.core import i18n
from angela.core import posters as paper
from angela.core.hours import paris_today
from angela.core.vocab import Role
from angela.services import posters
from angela.staff import templating
from angela.staff.guard import protect, role_required

bp = Blueprint("posters", __name__, url_prefix="/staff/posters")
protect(bp)
templating.install(bp)

FORMAT_MESSAGE = "Ce format d'affiche n'existe pas : choisissez A4 ou A5 sur la page des affiches."
LANGUAGE_MESSAGE = (
    "Cette langue d'affiche n'existe pas : choisissez-en une parmi celles que propose "
    "la page des affiches."
)
# The codeword, said in French on every sheet.
CODEWORD = "Où est Angela\u00a0?"


@bp.get("/", endpoint="poster_index")
@role_required(Role.VIEWER)
def poster_index() -> ResponseReturnValue:
    text = request.args.get("q", "")[:100]
    language = _language()
    found = posters.poster_index(text, paris_today(), _valid_months())
    return render_template(
        "staff/poster_index.html", found=found, text=text, formats=paper.PaperFormat,
        sheet_language=language, langue=_langue(language),
        sheet_languages=list(i18n.LANGUAGES.values()),
    )  # fmt: skip


@bp.get("/refuge/<int:merchant_id>", endpoint="poster_refuge")
@role_required(Role.VIEWER)
def poster_refuge(merchant_id: int) -> ResponseReturnValue:
    chosen, language = _format(), _language()
    try:
        merchant = posters.printable_refuge(merchant_id, paris_today(), _valid_months())
    except LookupError:
        abort(404)
    except posters.NotPrintable as refusal:
        return _refused(str(refusal))
    address = _public_address("public.refuge_show", language, refuge_id=merchant.id)
    with i18n.speaking(language.code):
        sheet = _sheet("staff/poster_sheet_refuge.html", language, address, merchant=merchant)
    return _poster("staff/poster_refuge.html", chosen, language, sheet, merchant=merchant)


@bp.get("/commune/<commune_code>", endpoint="poster_commune")
@role_required(Role.VIEWER)
def poster_commune(commune_code: str) -> ResponseReturnValue:
    chosen, language = _format(), _language()
    try:
        commune, count = posters.printable_commune(commune_code, paris_today(), _valid_months())
    except LookupError:
        abort(404)
    except posters.NotPrintable as refusal:
        return _refused(str(refusal))
    address = _public_address("public.index", language, commune=commune.code)
    with i18n.speaking(language.code):
        sheet = _sheet(
            "staff/poster_sheet_commune.html", language, address,
            commune=commune, refuges=paper.refuges_text(count),
        )  # fmt: skip
    return _poster("staff/poster_commune.html", chosen, language, sheet, commune=commune)


def _format() -> paper.PaperFormat:
    try:
        return paper.PaperFormat.parse(request.args.get("format"))
    except ValueError:
        abort(_bad_format())


def _language() -> i18n.Language:
    pseudo = bool(current_app.config.get("PSEUDO_LANGUAGE"))
    try:
        return paper.sheet_language(request.args.get("langue"), pseudo=pseudo)
    except ValueError:
        abort(_bad_parameter("Langue inconnue", LANGUAGE_MESSAGE))


def _langue(language: i18n.Language) -> str | None:
    """The `langue` parameter of links to a sheet in `language` (none for French)."""
    return None if language.code == i18n.SOURCE else language.code


def _bad_format() -> Response:
    return _bad_parameter("Format inconnu", FORMAT_MESSAGE)


def _bad_parameter(title: str, message: str) -> Response:
    page = render_template("staff/error.html", title=title, message=message)
    return make_response(page, 400)


def _refused(message: str) -> ResponseReturnValue:
    # 409: the page exists, but the place is not in a state to be printed.
    return render_template("staff/error.html", title="Affiche impossible", message=message), 409


def _sheet(template: str, language: i18n.Language, address: str, **context: Any) -> Markup:
    """The sheet in `template`, in the language spoken (`i18n.speaking`)."""
    # Inside a sentence of another language, the codeword is marked as French
    # and isolated, so that a right-to-left sentence keeps its question mark.
    codeword = (
        Markup.escape(CODEWORD)
        if language.code == i18n.SOURCE
        else Markup('<bdi lang="fr">%s</bdi>') % CODEWORD
    )
    html = render_template(
        template, address=address, qr=paper.qr_data_uri(address), codeword=codeword, **context
    )
    # What an autoescaped template wrote: HTML already, every value in it escaped.
    return Markup(html)  # noqa: S704


def _poster(
    template: str, chosen: paper.PaperFormat, language: i18n.Language, sheet: Markup,
    **context: Any,
) -> str:  # fmt: skip
    # The same poster in each format and in each language, for the preview's switches.
    view_args = request.view_args or {}
    endpoint = str(request.endpoint)
    format_urls = [
        (option, url_for(endpoint, **view_args, format=option.value, langue=_langue(language)))
        for option in paper.PaperFormat
    ]
    language_urls = [
        (option, url_for(endpoint, **view_args, format=chosen.value, langue=_langue(option)))
        for option in i18n.LANGUAGES.values()
    ]
    return render_template(
        template, paper_format=chosen, format_urls=format_urls, language_urls=language_urls,
        sheet_language=language, language_in_french=paper.language_in_french(language),
        langue=_langue(language), sheet=sheet, **context,
    )  # fmt: skip


def _public_address(endpoint: str, language: i18n.Language, **values: Any) -> str:
    """The absolute address of a public page in `language`: on the configured
    public site when there is one, else on the host this request came to."""
    path = url_for(endpoint, lang=language.code, **values)[len(request.script_root) :]
    base = current_app.config.get("PUBLIC_URL") or request.url_root
    return paper.public_address(base, path)


def _valid_months() -> int:
    return int(current_app.config["TRAINING_VALID_MONTHS"])
