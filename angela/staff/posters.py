"""The `posters` blueprint: printable posters for every role — one per
public refuge for its shop window, next to the sticker, one per commune for
notice boards — in A4 or A5, each with a QR code to the public page it is
about. Views parse, call one use-case, render."""

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


@bp.get("/", endpoint="poster_index")
@role_required(Role.VIEWER)
def poster_index() -> ResponseReturnValue:
    text = request.args.get("q", "")[:100]
    found = posters.poster_index(text, paris_today(), _valid_months())
    return render_template(
        "staff/poster_index.html", found=found, text=text, formats=paper.PaperFormat
    )


@bp.get("/refuge/<int:merchant_id>", endpoint="poster_refuge")
@role_required(Role.VIEWER)
def poster_refuge(merchant_id: int) -> ResponseReturnValue:
    chosen = _format()
    try:
        merchant = posters.printable_refuge(merchant_id, paris_today(), _valid_months())
    except LookupError:
        abort(404)
    except posters.NotPrintable as refusal:
        return _refused(str(refusal))
    address = _public_address("public.refuge_show", refuge_id=merchant.id)
    return _poster("staff/poster_refuge.html", chosen, address, merchant=merchant)


@bp.get("/commune/<commune_code>", endpoint="poster_commune")
@role_required(Role.VIEWER)
def poster_commune(commune_code: str) -> ResponseReturnValue:
    chosen = _format()
    try:
        commune, count = posters.printable_commune(commune_code, paris_today(), _valid_months())
    except LookupError:
        abort(404)
    except posters.NotPrintable as refusal:
        return _refused(str(refusal))
    address = _public_address("public.index", commune=commune.code)
    return _poster(
        "staff/poster_commune.html", chosen, address,
        commune=commune, count_text=paper.refuges_text(count),
    )  # fmt: skip


def _format() -> paper.PaperFormat:
    try:
        return paper.PaperFormat.parse(request.args.get("format"))
    except ValueError:
        abort(_bad_format())


def _bad_format() -> Response:
    page = render_template("staff/error.html", title="Format inconnu", message=FORMAT_MESSAGE)
    return make_response(page, 400)


def _refused(message: str) -> ResponseReturnValue:
    # 409: the page exists, but the place is not in a state to be printed.
    return render_template("staff/error.html", title="Affiche impossible", message=message), 409


def _poster(template: str, chosen: paper.PaperFormat, address: str, **context: Any) -> str:
    # The same poster in each format, for the preview's switch.
    view_args = request.view_args or {}
    format_urls = [
        (option, url_for(str(request.endpoint), **view_args, format=option.value))
        for option in paper.PaperFormat
    ]
    return render_template(
        template, paper_format=chosen, format_urls=format_urls, address=address,
        qr=paper.qr_data_uri(address), **context,
    )  # fmt: skip


def _public_address(endpoint: str, **values: Any) -> str:
    """The absolute address of a public page: on the configured public site
    when there is one, else on the host this request came to."""
    path = url_for(endpoint, **values)[len(request.script_root) :]
    base = current_app.config.get("PUBLIC_URL") or request.url_root
    return paper.public_address(base, path)


def _valid_months() -> int:
    return int(current_app.config["TRAINING_VALID_MONTHS"])
