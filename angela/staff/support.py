"""The `support` blueprint of the staff face: the support services the
public page lists after the danger — read by every role, added, edited and
deleted by agents and administrators. Views parse, call one use-case, render."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from angela.core.support import FIELD_NAMES, LABELS, missing
from angela.core.vocab import Role
from angela.models import SupportService
from angela.services import accounts, audit, support
from angela.staff import templating
from angela.staff.forms import SupportServiceForm, VersionForm
from angela.staff.guard import protect, role_required

bp = Blueprint("support", __name__, url_prefix="/staff/support")
protect(bp)
templating.install(bp)

CONFLICT_MESSAGE = "Ce service a été modifié entre-temps : rien n'a été enregistré."
DELETED_MESSAGE = "Ce service a été supprimé entre-temps."


@bp.get("/", endpoint="service_list")
@role_required(Role.VIEWER)
def service_list() -> ResponseReturnValue:
    return render_template("staff/support_list.html", entries=support.list_services())


@bp.route("/new", methods=["GET", "POST"], endpoint="service_new")
@role_required(Role.AGENT)
def service_new() -> ResponseReturnValue:
    form = SupportServiceForm()
    if request.method == "GET":
        return _form_page(form, None)
    if not form.validate():
        return _form_page(form, None), 422
    try:
        service = support.create(form.to_record(), current_user)
    except support.SupportError as error:
        return _form_page(form, None, field_error=error), 422
    flash(f"« {service.name} » est ajouté.{_public_note(service)}", "success")
    return redirect(url_for("support.service_list"))


@bp.route("/<int:service_id>/edit", methods=["GET", "POST"], endpoint="service_edit")
@role_required(Role.AGENT)
def service_edit(service_id: int) -> ResponseReturnValue:
    service = _get_or_404(service_id)
    form = SupportServiceForm()
    if request.method == "GET":
        form.fill(service, service.version)
        return _form_page(form, service)
    if not form.validate() or not (form.version.data or "").isdigit():
        return _form_page(form, service), 422
    try:
        support.update(service.id, int(form.version.data), form.to_record(), current_user)
    except support.EditConflict as conflict:
        return _conflict(form, conflict)
    except support.SupportError as error:
        return _form_page(form, service, field_error=error), 422
    flash(f"Modifications enregistrées.{_public_note(service)}", "success")
    return redirect(url_for("support.service_list"))


@bp.route("/<int:service_id>/delete", methods=["GET", "POST"], endpoint="service_delete")
@role_required(Role.AGENT)
def service_delete(service_id: int) -> ResponseReturnValue:
    """GET asks for confirmation; the POST of that page deletes."""
    service = _get_or_404(service_id)
    form = VersionForm()
    if request.method == "GET" or not form.validate():
        form.version.data = str(service.version)
        status = 200 if request.method == "GET" else 400
        return render_template("staff/support_delete.html", service=service, form=form), status
    try:
        name = support.delete(service.id, _version(form), current_user)
    except support.EditConflict as conflict:
        flash(DELETED_MESSAGE if conflict.service is None else CONFLICT_MESSAGE, "error")
        if conflict.service is None:
            return redirect(url_for("support.service_list"))
        return redirect(url_for("support.service_delete", service_id=service_id))
    flash(f"« {name} » est supprimé.", "success")
    return redirect(url_for("support.service_list"))


def _version(form: VersionForm) -> int:
    text = form.version.data or ""
    return int(text) if text.isdigit() else -1


def _public_note(service: SupportService) -> str:
    lacking = missing(service)
    if not lacking:
        return " Il est visible sur la page publique."
    return f" Il reste invisible au public : manque {', '.join(lacking).lower()}."


def _conflict(form: SupportServiceForm, conflict: support.EditConflict) -> ResponseReturnValue:
    if conflict.service is None:
        flash(DELETED_MESSAGE, "error")
        return redirect(url_for("support.service_list"))
    form.version.data = str(conflict.service.version)
    return _form_page(form, conflict.service, conflict=conflict.service), 409


def _get_or_404(service_id: int) -> SupportService:
    try:
        return support.get(service_id)
    except LookupError:
        abort(404)


def _form_page(form: SupportServiceForm, service: SupportService | None, **context: Any) -> str:
    error = context.pop("field_error", None)
    if error is not None:
        getattr(form, error.field).errors = [*getattr(form, error.field).errors, str(error)]
    history: list[audit.AuditRow] = []
    if service is not None and accounts.may(current_user.role, Role.ADMIN):
        history = audit.events(audit.AuditFilter(support_service_id=service.id))[0]
    return render_template(
        "staff/support_form.html", form=form, service=service, history=history,
        field_names=FIELD_NAMES, labels=LABELS, **context,
    )  # fmt: skip
