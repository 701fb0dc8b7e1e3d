"""The `staff` blueprint, merchants side: dashboard, list, register, edit,
locate, training and status. Views parse, call one use-case, render."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from angela.core import french
from angela.core.hours import paris_today
from angela.core.merchant_csv import record_of
from angela.core.visibility import Visibility, explain
from angela.core.vocab import AuditAction, Role, TrainingStatus
from angela.models import Merchant
from angela.services import accounts, audit, exchange, geocoding, merchants, uploads
from angela.services import merchant_search as search
from angela.staff import checks, reports, spreadsheets, templating
from angela.staff import hours as staff_hours
from angela.staff.forms import (
    HOURS_EXAMPLES,
    CheckForm,
    ImportConfirmForm,
    ImportForm,
    MerchantForm,
    StatusForm,
    TrainingForm,
)
from angela.staff.guard import protect, role_required

bp = Blueprint("staff", __name__, url_prefix="/staff")
protect(bp)
templating.install(bp)

CONFLICT_MESSAGE = (
    "Ce commerçant a été modifié entre-temps : rien n'a été enregistré. "
    "Vérifiez sa fiche ci-dessous, puis recommencez si besoin."
)
STALE_FORM_MESSAGE = (
    "Ce formulaire est incomplet ou trop ancien : rien n'a été enregistré. "
    "Vérifiez la fiche ci-dessous, puis recommencez."
)

# The status buttons: URL word → (what the audit log records, button,
# "Le lieu « X » est …": "lieu" agrees with every word, whatever the name).
STATUS_ACTIONS = {
    "suspend": (AuditAction.MERCHANT_SUSPEND, "Suspendre", "suspendu"),
    "withdraw": (AuditAction.MERCHANT_WITHDRAW, "Retirer du dispositif", "retiré du dispositif"),
    "reinstate": (AuditAction.MERCHANT_REINSTATE, "Rétablir", "rétabli"),
}


@bp.errorhandler(413)
def too_large(_error: Exception) -> ResponseReturnValue:
    message = "Le fichier dépasse 2 Mo : découpez-le ou retirez les colonnes inutiles."
    return render_template("staff/error.html", title="Fichier trop gros", message=message), 413


def _window() -> tuple[date, int]:
    return paris_today(), current_app.config["TRAINING_VALID_MONTHS"]


@bp.get("/")
@role_required(Role.VIEWER)
def dashboard() -> ResponseReturnValue:
    figures = search.dashboard(*_window())
    return render_template(
        "staff/dashboard.html", figures=figures, report_figures=reports.dashboard_figures(),
        **checks.dashboard_figures(*_window()),
    )  # fmt: skip


@bp.get("/merchants", endpoint="merchant_list")
@role_required(Role.VIEWER)
def merchant_list_page() -> ResponseReturnValue:
    args = request.args
    chosen = search.MerchantFilter(
        text=args.get("q", "")[:100],
        commune=args.get("commune", ""),
        status=args.get("status", ""),
        training=args.get("training", ""),
        sort=args.get("sort", "ref"),
        page=args.get("page", 1, type=int) or 1,
    )
    today, months = _window()
    page = search.search(
        chosen, today, months, check_months=current_app.config["CHECK_EVERY_MONTHS"]
    )
    badges = {m.id: _visibility(m, today, months) for m in page.merchants}
    return render_template(
        "staff/merchant_list.html", page=page, chosen=chosen, badges=badges,
        visits=reports.visit_flags(),
        filters=search.TRAINING_FILTERS, sorts=search.SORTS,
    )  # fmt: skip


@bp.get("/merchants/<int:merchant_id>")
@role_required(Role.VIEWER)
def merchant_detail(merchant_id: int) -> ResponseReturnValue:
    return _detail_page(_get_or_404(merchant_id))


def _detail_page(
    merchant: Merchant,
    training_form: TrainingForm | None = None,
    refused_status: tuple[str, str, str] | None = None,
) -> str:
    """The merchant page; with a refused training form, or a refused status
    change as (action, typed reason, error), their errors lead to their fields."""
    today, months = _window()
    # The full history holds private fields (contact, notes): admins only.
    # The last status change (when, who, why) is for every role.
    history: list[audit.AuditRow] = []
    if accounts.may(current_user.role, Role.ADMIN):
        history = audit.events(audit.AuditFilter(merchant_id=merchant.id))[0]
    if training_form is None:
        training_form = TrainingForm(formdata=None, trainer=merchant.trainer, trained_on=today)
    return render_template(
        "staff/merchant_detail.html", merchant=merchant, history=history,
        last_change=audit.last_status_change(merchant.id),
        **reports.merchant_figures(merchant.id),
        hours_reading=merchant.opening_hours and staff_hours.sentence(merchant.opening_hours),
        visibility=_visibility(merchant, today, months),
        training_form=training_form, refused_status=refused_status,
        status_form=StatusForm(formdata=None), status_actions=STATUS_ACTIONS,
        check_form=CheckForm(formdata=None),
        trainable=merchant.training_status not in merchants.UNTRAINABLE_STATUSES,
    )  # fmt: skip


@bp.route("/merchants/new", methods=["GET", "POST"])
@role_required(Role.AGENT)
def merchant_new() -> ResponseReturnValue:
    form = MerchantForm()
    if request.method == "GET":
        form.training_status.data, form.trained_on.data = (
            TrainingStatus.TRAINED.value,
            paris_today(),
        )
        return _form_page(form, None)
    if "locate" in request.form:
        return _locate_in_form(form, None)
    if not form.validate():
        return _form_page(form, None), 422
    try:
        merchant = merchants.register(
            form.to_record(), current_user, bool(form.confirm_duplicate.data)
        )
    except merchants.MerchantError as error:
        return _form_page(form, None, field_error=error), 422
    except merchants.ProbableDuplicate as duplicate:
        return _form_page(form, None, duplicates=duplicate.others), 409
    flash(
        f"Le lieu « {merchant.name} » est enregistré sous la référence {merchant.ref}.", "success"
    )
    return redirect(url_for("staff.merchant_detail", merchant_id=merchant.id))


@bp.route("/merchants/<int:merchant_id>/edit", methods=["GET", "POST"])
@role_required(Role.AGENT)
def merchant_edit(merchant_id: int) -> ResponseReturnValue:
    merchant = _get_or_404(merchant_id)
    form = MerchantForm()
    if request.method == "GET":
        form.fill(record_of(merchant), merchant.version)
        return _form_page(form, merchant)
    if "locate" in request.form:
        return _locate_in_form(form, merchant)
    version = _posted_version(form.version.data)
    if not form.validate() or version is None:
        return _form_page(form, merchant), 422
    try:
        merchants.update(
            merchant.id, version, form.to_record(), current_user,
            bool(form.confirm_duplicate.data),
        )  # fmt: skip
    except merchants.EditConflict as conflict:
        form.version.data = str(conflict.merchant.version)
        return _form_page(form, conflict.merchant, conflict=conflict), 409
    except merchants.MerchantError as error:
        return _form_page(form, merchant, field_error=error), 422
    except merchants.ProbableDuplicate as duplicate:
        return _form_page(form, merchant, duplicates=duplicate.others), 409
    flash("Modifications enregistrées.", "success")
    return redirect(url_for("staff.merchant_detail", merchant_id=merchant_id))


@bp.post("/locate")
@role_required(Role.AGENT)
def locate() -> ResponseReturnValue:
    """JSON for the map script: the position of an address, or a French error."""
    try:
        found = _geocode(request.form.get("address", ""), request.form.get("postcode", ""))
    except geocoding.GeocodingError as error:
        return jsonify({"error": str(error)}), 422
    return jsonify(
        {"lat": found.lat, "lon": found.lon, "label": found.label,
         "citycode": found.commune.code, "commune": found.commune.name}
    )  # fmt: skip


@bp.post("/merchants/<int:merchant_id>/training")
@role_required(Role.AGENT)
def training_record(merchant_id: int) -> ResponseReturnValue:
    merchant = _get_or_404(merchant_id)
    form = TrainingForm()
    version = _posted_version(form.version.data)
    if version is None:
        flash(STALE_FORM_MESSAGE, "error")
    elif not form.validate() or form.trained_on.data is None:
        # Shown again with the typed values, each error leading to its field.
        return _detail_page(merchant, training_form=form), 422
    else:
        try:
            merchants.record_training(
                merchant.id, version, form.trained_on.data, form.trainer_text(), current_user
            )
        except merchants.EditConflict:
            flash(CONFLICT_MESSAGE, "error")
        except merchants.MerchantError as error:
            flash(f"Formation non enregistrée. {error}", "error")
        else:
            flash(f"Formation du {french.day_text(form.trained_on.data)} enregistrée.", "success")
    return redirect(url_for("staff.merchant_detail", merchant_id=merchant_id))


@bp.post("/merchants/<int:merchant_id>/status/<action>")
@role_required(Role.AGENT)
def merchant_status(merchant_id: int, action: str) -> ResponseReturnValue:
    merchant = _get_or_404(merchant_id)
    if action not in STATUS_ACTIONS:
        abort(404)
    form = StatusForm()
    audit_action, _label, done = STATUS_ACTIONS[action]
    version = _posted_version(form.version.data)
    if version is None:
        flash(STALE_FORM_MESSAGE, "error")
    elif not form.validate():
        refused = (action, form.reason.data or "", " ".join(form.reason.errors))
        return _detail_page(merchant, refused_status=refused), 422
    else:
        try:
            merchants.set_status(
                merchant.id, version, audit_action, (form.reason.data or "").strip(), current_user
            )
        except merchants.EditConflict:
            flash(CONFLICT_MESSAGE, "error")
        else:
            flash(f"Le lieu « {merchant.name} » est {done}.", "success")
    return redirect(url_for("staff.merchant_detail", merchant_id=merchant_id))


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.AGENT)
def merchants_import() -> ResponseReturnValue:
    """Upload a CSV: check it all and show what importing it would do."""
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template(
            "staff/merchants_import.html", form=form
        ), 422 if form.errors else 200
    data = form.file.data.read()
    plan = exchange.plan_import(data, paris_today())
    upload_id = (
        None if plan.errors else uploads.keep(current_user.id, form.file.data.filename or "", data)
    )
    confirm = ImportConfirmForm(formdata=None, upload=upload_id, **_counts(plan))
    return render_template(
        "staff/merchants_import.html", form=form, plan=plan, confirm=confirm
    ), 422 if plan.errors else 200


@bp.post("/import/confirm")
@role_required(Role.AGENT)
def merchants_import_confirm() -> ResponseReturnValue:
    """Apply the previewed file in one transaction, unless it would now do
    something else than what was shown."""
    confirm = ImportConfirmForm()
    if not confirm.validate():
        abort(400)
    try:
        upload = uploads.fetch(confirm.upload.data or 0, current_user.id)
    except LookupError:
        flash("Ce fichier n'est plus disponible : envoyez-le de nouveau.", "error")
        return redirect(url_for("staff.merchants_import"))
    plan = exchange.plan_import(upload.data, paris_today())
    shown = {"created": confirm.created.data, "updated": confirm.updated.data}
    if plan.errors or _counts(plan) != shown:
        flash("Les données ont changé depuis l'aperçu : vérifiez le nouvel aperçu.", "error")
        again = ImportConfirmForm(formdata=None, upload=upload.id, **_counts(plan))
        form = ImportForm(formdata=None)
        return render_template(
            "staff/merchants_import.html", form=form, plan=plan, confirm=again
        ), 409
    uploads.discard(upload.id)
    counts = exchange.apply_import(plan, actor=current_user)
    flash(
        f"Import terminé : {counts['created']} créé(s), {counts['updated']} modifié(s), "
        f"{counts['unchanged']} inchangé(s).", "success",
    )  # fmt: skip
    return redirect(url_for("staff.merchant_list"))


@bp.get("/export.csv")
@role_required(Role.AGENT)
def merchants_export() -> ResponseReturnValue:
    """Every merchant in the canonical format, the same bytes as the command line."""
    filename = f"angela-commercants-{paris_today():%Y-%m-%d}.csv"
    return Response(
        exchange.export_csv(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip


def _posted_version(text: str | None) -> int | None:
    """The merchant version a form carried, or None when it is missing or garbled."""
    if text and text.isascii() and text.isdigit() and len(text) < 10:
        return int(text)
    return None


def _counts(plan: exchange.ImportPlan) -> dict[str, int]:
    counts = plan.counts
    return {"created": counts["created"], "updated": counts["updated"]}


def _get_or_404(merchant_id: int) -> Merchant:
    try:
        return merchants.get(merchant_id)
    except LookupError:
        abort(404)


def _geocode(address: str, postcode: str) -> geocoding.Located:
    config = current_app.config
    return geocoding.locate(address, postcode, config["GEOCODER_URL"], config["GEOCODER_TIMEOUT"])


def _locate_in_form(form: MerchantForm, merchant: Merchant | None) -> ResponseReturnValue:
    """The "Localiser" button without JavaScript: fill lat/lon and show the form again."""
    try:
        found = _geocode(form.address.data or "", form.postcode.data or "")
    except geocoding.GeocodingError as error:
        return _form_page(form, merchant, locate_error=str(error)), 422
    form.lat.data, form.lon.data = f"{found.lat:.6f}", f"{found.lon:.6f}"
    form.citycode.data = found.commune.code
    return _form_page(form, merchant, located=found)


def _visibility(merchant: Merchant, today: date, months: int) -> Visibility:
    return explain(merchant.training_status, merchant.trained_on, today, months)


def _form_page(form: MerchantForm, merchant: Merchant | None, **context: Any) -> str:
    error = context.get("field_error")
    if error is not None:
        getattr(form, error.field).errors = [*getattr(form, error.field).errors, str(error)]
    return render_template(
        "staff/merchant_form.html", form=form, merchant=merchant, hours_examples=HOURS_EXAMPLES,
        tile_url=current_app.config["TILE_URL"], **context,
    )  # fmt: skip


# --- the opening-hours editor's reading (angela/staff/hours.py) --------------
staff_hours.install(bp)


# --- the Excel export, the template and the column guide (angela/staff/spreadsheets.py)
spreadsheets.install(bp)


# --- the queue of street reports (angela/staff/reports.py) -------------------
reports.install(bp)

# --- "Coordonnées vérifiées" (angela/staff/checks.py) ---------------------------
checks.install(bp)
