"""Reports from the street on the public blueprint:
`GET /refuges/<id>/signaler` (the form, or a fresh token as JSON for the
page's script) and `POST /refuges/<id>/signaler` (the report).

No cookie and no session: the form's signed token (`core.report_token`)
replaces the CSRF token, so the endpoint is CSRF-exempt. Whatever is cheap
is checked first — the refuge in the in-memory directory, the honeypot,
a sender this process already refused, the token, the fields — and only
then does the throttle (`services.report_intake`) touch the database.
Every answer is `no-store`: the form holds what the person typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from angela.core import hours, report_token, reports
from angela.core.i18n import N_, _, ngettext
from angela.core.report_token import TokenError
from angela.core.reports import FieldError, InvalidReport
from angela.core.vocab import ReportReason
from angela.extensions import csrf
from angela.public import languages, presenters
from angela.public.api import error_response
from angela.services import directory as refuge_directory
from angela.services import report_intake
from angela.services.report_intake import Throttled

Render = Callable[..., Response]
RULE = "/refuges/<int:refuge_id>/signaler"
# Filled by bots that fill every field; hidden from people (CSS, aria-hidden).
HONEYPOT = "site_web"
NOT_FOUND = N_("Ce refuge n'existe pas ou n'est plus actif.")
_THROTTLED = {
    "sender": N_("Trop de signalements envoyés depuis cette connexion. Réessayez dans %(wait)s."),
    "refuge": N_(
        "Ce refuge a déjà reçu plusieurs signalements dans l'heure : l'équipe en est "
        "prévenue. Si le vôtre dit autre chose, réessayez dans %(wait)s."
    ),
}


@dataclass(frozen=True)
class Refusal:
    """A report not taken: the status, the error object of the JSON answer,
    and the field errors the form lists."""

    status: int
    code: str
    message: str
    parameter: str | None = None
    fields: list[FieldError] = field(default_factory=list)
    retry_after: int | None = None


def install(bp: Blueprint, render: Render) -> None:
    """Add the report endpoints to the public blueprint; `render` is its
    page renderer (`pages.render_page`)."""

    # One rule matches both methods: with a rule per method, an id too large
    # for the database would be answered 405 instead of 404 (werkzeug counts
    # the other method's rule as a match before converting the id). The
    # `report_send` endpoint only builds the same URL, for POST.
    languages.route(bp, RULE, endpoint="report_send", build_only=True, methods=["POST"])(None)

    @languages.route(bp, RULE, endpoint="report_form", methods=["GET", "POST"])
    @csrf.exempt  # type: ignore[untyped-decorator]  # the signed token stands for it
    def report_form(refuge_id: int) -> Response:
        if request.method == "POST":
            return report_send(refuge_id)
        card = _card(refuge_id)
        if card is None:
            return _not_found(render)
        token = report_token.issue(current_app.config["SECRET_KEY"], refuge_id)
        if _wants_json():
            expires_in = current_app.config["REPORT_TOKEN_MAX_AGE"]
            return _private(jsonify(token=token, expires_in=expires_in))
        return _form(render, card, token, {}, None)

    def report_send(refuge_id: int) -> Response:
        if refuge_directory.directory().get(refuge_id) is None:
            return _not_found(render)
        try:
            _take(refuge_id, request.form)
        except _Refused as refused:
            return _refused(render, refuge_id, refused.refusal)
        if _wants_json():
            return _private(jsonify(status="received"), 201)
        email_given = bool(request.form.get("email", "").strip())
        card = _card(refuge_id)
        return _private(render("public/report_sent.html", 200, card=card, answer=email_given))


class _Refused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def _take(refuge_id: int, form: Mapping[str, str]) -> None:
    """Store the posted report, or raise _Refused; a filled honeypot is
    answered as accepted, and nothing is stored."""
    if form.get(HONEYPOT, "").strip():
        return
    config = current_app.config
    address = request.remote_addr or ""
    try:
        # Cheapest first: a sender already refused is answered from memory.
        report_intake.hold_back(address)
        report_token.check(
            config["SECRET_KEY"], form.get("token", ""), refuge_id, config["REPORT_TOKEN_MAX_AGE"]
        )
        report = reports.read(form, datetime.now(UTC))
        report_intake.receive(refuge_id, report, address)
    except TokenError as error:
        raise _Refused(Refusal(400, error.code, error.message, "token")) from None
    except InvalidReport as invalid:
        first = invalid.errors[0]
        refusal = Refusal(422, first.code, first.message, first.field, invalid.errors)
        raise _Refused(refusal) from None
    except Throttled as throttled:
        wait = _wait_words(throttled.retry_after)
        message = _(_THROTTLED[throttled.scope], wait=wait)
        refusal = Refusal(429, "too_many_reports", message, retry_after=throttled.retry_after)
        raise _Refused(refusal) from None


def _refused(render: Render, refuge_id: int, refusal: Refusal) -> Response:
    card = None if _wants_json() else _card(refuge_id)
    if card is None:
        response = error_response(refusal.status, refusal.code, refusal.message, refusal.parameter)
    else:
        # A fresh token, so that resending is all it takes.
        token = report_token.issue(current_app.config["SECRET_KEY"], refuge_id)
        response = _form(render, card, token, request.form, refusal)
    if refusal.retry_after is not None:
        response.headers["Retry-After"] = str(refusal.retry_after)
    return _private(response)


def _form(
    render: Render,
    card: dict[str, Any],
    token: str,
    typed: Mapping[str, str],
    refusal: Refusal | None,
) -> Response:
    values = {name: typed.get(name, "") for name in reports.FIELDS}
    response = render(
        "public/report_form.html",
        refusal.status if refusal else 200,
        card=card,
        token=token,
        values=values,
        reasons=ReportReason.choices(),
        max_text=reports.MAX_TEXT,
        honeypot=HONEYPOT,
        refusal=refusal,
        field_errors={error.field: error.message for error in refusal.fields} if refusal else {},
    )
    return _private(response)


def _card(refuge_id: int) -> dict[str, Any] | None:
    directory = refuge_directory.directory()
    refuge = directory.get(refuge_id)
    if refuge is None:
        return None
    return presenters.card(directory, refuge, datetime.now(hours.PARIS))


def _not_found(render: Render) -> Response:
    if _wants_json():
        return _private(error_response(404, "not_found", _(NOT_FOUND)))
    return _private(render("public/refuge_not_found.html", 404))


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _private(response: Response, status: int | None = None) -> Response:
    """What she typed, or a token for her, is in the answer: never kept by
    the browser or a cache; and the answer depends on Accept."""
    if status is not None:
        response.status_code = status
    response.cache_control.no_cache = None
    response.cache_control.no_store = True
    response.vary.add("Accept")
    return response


def _wait_words(seconds: int) -> str:
    minutes = -(-seconds // 60)
    return ngettext("une minute", "%(count)s minutes", max(minutes, 1))
