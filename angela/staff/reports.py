"""The staff queue of street reports, on the `staff` blueprint: the list
with its filters and one report's page, read by every role; taking in
hand, resolving and dismissing, by agents and administrators. Views parse,
call one use-case, render."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from angela.core import safeguarding
from angela.core.safeguarding import VisitFlag
from angela.core.schema import MAX_ID
from angela.core.vocab import Role
from angela.services import report_queue
from angela.services import safeguarding as visits
from angela.staff.forms import ReportStepForm
from angela.staff.guard import role_required

CONFLICT_MESSAGE = (
    "Ce signalement a été modifié entre-temps : rien n'a été enregistré. "
    "Vérifiez-le ci-dessous, puis recommencez si besoin."
)
STALE_FORM_MESSAGE = (
    "Ce formulaire est incomplet ou trop ancien : rien n'a été enregistré. "
    "Vérifiez le signalement ci-dessous, puis recommencez."
)
# The steps as the page shows them: button, and what the flash says after.
STEP_WORDS = {
    "progress": ("Prendre en charge", "Signalement pris en charge."),
    "resolve": ("Marquer comme résolu", "Signalement résolu."),
    "dismiss": ("Écarter", "Signalement écarté."),
}


def install(bp: Blueprint) -> None:
    """Add the report queue's pages to the staff blueprint."""

    @bp.get("/reports", endpoint="report_list")
    @role_required(Role.VIEWER)
    def report_list() -> ResponseReturnValue:
        args = request.args
        chosen = report_queue.ReportFilter(
            status=args.get("status", "")[:20],
            reason=args.get("reason", "")[:20],
            commune=args.get("commune", "")[:10],
            page=min(max(args.get("page", 1, type=int) or 1, 1), MAX_ID),
        )
        return render_template(
            "staff/report_list.html", page=report_queue.search(chosen), chosen=chosen,
            flags=visits.flags(),
        )  # fmt: skip

    @bp.get("/reports/<int:report_id>", endpoint="report_detail")
    @role_required(Role.VIEWER)
    def report_detail(report_id: int) -> ResponseReturnValue:
        return _detail_page(_get_or_404(report_id))

    @bp.post("/reports/<int:report_id>/<step>", endpoint="report_step")
    @role_required(Role.AGENT)
    def report_step(report_id: int, step: str) -> ResponseReturnValue:
        row = _get_or_404(report_id)
        if step not in report_queue.STEPS:
            abort(404)
        form = ReportStepForm()
        version = _posted_version(form.version.data)
        if version is None:
            flash(STALE_FORM_MESSAGE, "error")
        elif not form.validate():
            return _detail_page(row, (step, form.note.data or "", " ".join(form.note.errors))), 422
        else:
            try:
                report_queue.step(report_id, version, step, form.note.data or "", current_user)
            except report_queue.ReportConflict:
                flash(CONFLICT_MESSAGE, "error")
            except report_queue.ReportError as error:
                return _detail_page(row, (step, form.note.data or "", str(error))), 422
            else:
                flash(STEP_WORDS[step][1], "success")
        return redirect(url_for("staff.report_detail", report_id=report_id))


def _detail_page(row: report_queue.ReportRow, refused: tuple[str, str, str] | None = None) -> str:
    """One report's page; with a refused step as (step, typed note, error)."""
    return render_template(
        "staff/report_detail.html", row=row, refused=refused, step_words=STEP_WORDS,
        step_form=ReportStepForm(formdata=None), flag=visits.flag_of(row.merchant.id),
        note_max=report_queue.NOTE_MAX_LENGTH,
    )  # fmt: skip


def _get_or_404(report_id: int) -> report_queue.ReportRow:
    if report_id > MAX_ID:  # no row has it; PostgreSQL would refuse the number
        abort(404)
    try:
        return report_queue.get(report_id)
    except LookupError:
        abort(404)


def _posted_version(text: str | None) -> int | None:
    """The report version a form carried, or None when it is missing or garbled."""
    if text and text.isascii() and text.isdigit() and len(text) < 10:
        return int(text)
    return None


def dashboard_figures() -> dict[str, object]:
    """What the dashboard shows of the reports, first of all: the new
    reports of refused help, the merchants flagged for a visit, then the
    new reports by reason."""
    return {
        "help_refused": report_queue.new_of_reason(safeguarding.SIGNAL),
        "flagged": visits.flagged_merchants(),
        "by_reason": report_queue.new_by_reason(),
    }


def merchant_figures(merchant_id: int) -> dict[str, object]:
    """What the merchant page shows of its reports: all of them, and its flag."""
    return {
        "reports": report_queue.of_merchant(merchant_id),
        "visit": visits.flag_of(merchant_id),
    }


def visit_flags() -> dict[int, VisitFlag]:
    """The merchants flagged for a visit, for the badges of the merchant list."""
    return visits.flags()
