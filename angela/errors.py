"""How errors reach people: JSON under /api/ (the API's error object), a
French page with the emergency numbers everywhere else, except under
/staff/: refused and missing addresses there get the staff layout,
whichever blueprint, or none, the address belongs to."""

from __future__ import annotations

from flask import Flask, Response, current_app, make_response, render_template, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from angela.core.i18n import N_, _
from angela.public.api import ApiError, error_response
from angela.public.pages import render_page
from angela.staff import guard, templating

_API_MESSAGES = {
    404: N_("Cette adresse de l'API n'existe pas."),
    405: N_("Méthode non autorisée sur cette adresse."),
    500: N_("Erreur interne du service."),
}
_PAGE_MESSAGES = {
    404: (N_("Page introuvable"), N_("Cette page n'existe pas ou n'existe plus.")),
    405: (N_("Action impossible"), N_("Cette adresse ne s'utilise pas ainsi.")),
    413: (N_("Envoi trop volumineux"), N_("Le fichier envoyé dépasse la taille permise.")),
    503: (
        N_("Service indisponible"),
        N_("Le service ne répond pas pour le moment. Réessayez dans un instant."),
    ),
}
_DEFAULT_PAGE = (N_("Erreur"), N_("Une erreur est survenue de notre côté."))
UNAVAILABLE = N_("Service momentanément indisponible. Réessayez dans un instant.")


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(SQLAlchemyError, _database_error)
    app.register_error_handler(HTTPException, _http_error)


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _api_error(error: ApiError) -> Response:
    return error_response(error.status, error.code, error.message, error.parameter)


def _database_error(error: SQLAlchemyError) -> Response:
    current_app.logger.error("database unavailable: %s", type(error).__name__)
    if _is_api():
        return error_response(503, "unavailable", _(UNAVAILABLE))
    return _page(503)


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if _is_api():
        code = (error.name or "error").lower().replace(" ", "_")
        message = _(_API_MESSAGES[status]) if status in _API_MESSAGES else error.name
        return error_response(status, code, message)
    if request.path.startswith(guard.STAFF_PREFIX) and status in guard.STAFF_ERRORS:
        return staff_page(status, *guard.STAFF_ERRORS[status])
    return _page(status)


def staff_page(status: int, title: str, message: str) -> Response:
    """An error in the staff layout, without the public emergency strip; the
    staff context is given here, since an unknown address has no blueprint."""
    page = render_template(
        "staff/error.html", title=title, message=message, status=status, **templating.context()
    )
    return make_response(page, status)


def _page(status: int) -> Response:
    title, message = _PAGE_MESSAGES.get(status, _DEFAULT_PAGE)
    return render_page("errors/error.html", status, title=_(title), message=_(message))
