"""The "Coordonnées vérifiées" action on a merchant page: the staff
confirmed the address, hours and phone with the merchant today, which the
public reads as « Vérifié le … ». Installed on the staff blueprint beside
the other merchant actions (angela/staff/merchants.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from angela.core import french
from angela.core.hours import paris_today
from angela.core.vocab import Role
from angela.services import merchant_search as search
from angela.services import merchants
from angela.staff.forms import CheckForm
from angela.staff.guard import role_required

CONFLICT_MESSAGE = (
    "Ce commerçant a été modifié entre-temps : la vérification n'a pas été enregistrée. "
    "Relisez sa fiche ci-dessous, puis confirmez de nouveau si elle est juste."
)
STALE_FORM_MESSAGE = (
    "Ce formulaire est incomplet ou trop ancien : rien n'a été enregistré. "
    "Relisez la fiche ci-dessous, puis recommencez."
)


def dashboard_figures(today: date, valid_months: int) -> dict[str, Any]:
    """Return what the dashboard's "Coordonnées à vérifier" section shows:
    the public refuges due for a check, oldest first, how many in all, and
    after how many months a check is due."""
    check_months = current_app.config["CHECK_EVERY_MONTHS"]
    due, total = search.due_checks(today, valid_months, check_months)
    return {"due_checks": due, "due_checks_total": total, "check_months": check_months}


def install(bp: Blueprint) -> None:
    """Add the check action to the staff blueprint."""

    @bp.post("/merchants/<int:merchant_id>/check", endpoint="merchant_check")
    @role_required(Role.AGENT)
    def merchant_check(merchant_id: int) -> ResponseReturnValue:
        form = CheckForm()
        version = _version(form.version.data)
        if not form.validate() or version is None:
            flash(STALE_FORM_MESSAGE, "error")
            return redirect(url_for("staff.merchant_detail", merchant_id=merchant_id))
        today = paris_today()
        try:
            merchants.confirm_details(merchant_id, version, today, current_user)
        except LookupError:
            abort(404)
        except merchants.EditConflict:
            flash(CONFLICT_MESSAGE, "error")
        else:
            flash(f"Coordonnées vérifiées le {french.day_text(today)}.", "success")
        return redirect(url_for("staff.merchant_detail", merchant_id=merchant_id))


def _version(text: str | None) -> int | None:
    """The merchant version the form carried, or None when missing or garbled."""
    if text and text.isascii() and text.isdigit() and len(text) < 10:
        return int(text)
    return None
