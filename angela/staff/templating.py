"""What every staff template may use: the vocabularies' labels, the
communes by code, the merchant field labels, the role check, dates in Paris
time, phone numbers and stored values as French people write them
(`core.french`). Installed on each staff blueprint, so that public templates
never see these names."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint
from flask_login import current_user

from angela.core import french, schema, support, territory
from angela.core.hours import PARIS
from angela.core.vocab import (
    AuditAction,
    Category,
    ReportReason,
    ReportStatus,
    Role,
    TrainingStatus,
)
from angela.services import accounts, mfa, report_queue
from angela.staff.forms import ActionForm

# The words for the account fields the audit log shows next to merchant fields.
ACCOUNT_LABELS = {
    "email": "E-mail", "role": "Rôle", "active": "Actif",
    "must_change_password": "Mot de passe provisoire",
    "mfa": "Double authentification", "recovery_codes_left": "Codes de secours restants",
}  # fmt: skip
# Support services share some field names with merchants; those keep the merchant words.
# The log shows the commune by its name (`core.french`), not its INSEE code.
FIELD_LABELS = {
    **support.LABELS, **schema.LABELS, **ACCOUNT_LABELS, "commune_code": "Commune",
    # Street reports (`services.report_queue`, `services.report_retention`).
    "report_status": "Statut du signalement", "staff_note": "Note de l'équipe",
    "reports_purged": "Signalements effacés",
}  # fmt: skip


def paris_time(moment: datetime | None, style: str = "") -> str:
    """Show a stored instant in Paris time (SQLite gives it back without zone):
    « 22 novembre 2026 à 14 h 05 », « 22 novembre 2026 » with style "day",
    ISO 8601 with style "iso" (for `<time datetime>`)."""
    if moment is None:
        return ""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(PARIS)
    if style == "iso":
        return local.isoformat()
    return french.day_text(local.date()) if style == "day" else french.moment_text(local)


def day_text(day: date | None) -> str:
    """« 1er décembre 2026 » for a stored date (a training's), "" for none."""
    return french.day_text(day) if day is not None else ""


def phone_text(e164: str | None) -> str:
    return french.phone_text(e164) if e164 else ""


def may(role: str) -> bool:
    """Whether the logged-in account may do what `role` may."""
    return bool(current_user.is_authenticated) and accounts.may(current_user.role, Role.of(role))


def must_set_up_second_step() -> bool:
    """Whether the logged-in account may do nothing until it sets up its second step."""
    return bool(current_user.is_authenticated) and mfa.must_enrol(current_user)


def _context() -> dict[str, Any]:
    return {
        "audit_actions": AuditAction.labels(),
        "field_labels": FIELD_LABELS,
        "categories": Category.labels(),
        "statuses": TrainingStatus.labels(),
        "roles": Role.labels(),
        "communes_by_code": territory.communes_by_code(),
        # (code, name) by name, for the lists' commune filters.
        "commune_choices": [(c.code, c.name) for c in territory.communes()],
        "may": may,
        "must_set_up_second_step": must_set_up_second_step,
        "paris_time": paris_time,
        "phone_text": phone_text,
        "day_text": day_text,
        "value_text": french.field_value_text,
        "action_form": ActionForm,
        "report_reasons": ReportReason.labels(),
        "report_statuses": ReportStatus.labels(),
        # Called by the menu only, on pages that show it.
        "new_report_count": report_queue.new_count,
    }


def context() -> dict[str, Any]:
    """Return the staff context, for a staff page rendered outside the staff
    blueprints (the 404 of an unknown address under /staff/)."""
    return _context()


def install(bp: Blueprint) -> None:
    """Give the blueprint's templates the staff context."""
    bp.context_processor(_context)
