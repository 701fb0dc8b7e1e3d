"""What every staff template may use: the vocabularies' labels, the
communes by code, the merchant field labels, the role check, dates in Paris
time and phone numbers as people write them. Installed on each staff
blueprint, so that public templates never see these names."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint
from flask_login import current_user

from angela.core import phones, schema, support, territory
from angela.core.hours import PARIS
from angela.core.vocab import AuditAction, Category, Role, TrainingStatus
from angela.services import accounts, mfa
from angela.staff.forms import ActionForm

# The words for the account fields the audit log shows next to merchant fields.
ACCOUNT_LABELS = {
    "email": "E-mail", "role": "Rôle", "active": "Actif",
    "must_change_password": "Mot de passe provisoire",
    "mfa": "Double authentification", "recovery_codes_left": "Codes de secours restants",
}  # fmt: skip
# Support services share some field names with merchants; those keep the merchant words.
FIELD_LABELS = {**support.LABELS, **schema.LABELS, **ACCOUNT_LABELS}


def paris_time(moment: datetime | None, style: str = "") -> str:
    """Show a stored instant in Paris time (SQLite gives it back without zone)."""
    if moment is None:
        return ""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(PARIS)
    return local.isoformat() if style == "iso" else f"{local:%d/%m/%Y à %H:%M}"


def phone_text(e164: str | None) -> str:
    return phones.for_display(e164) if e164 else ""


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
        "may": may,
        "must_set_up_second_step": must_set_up_second_step,
        "paris_time": paris_time,
        "phone_text": phone_text,
        "action_form": ActionForm,
    }


def install(bp: Blueprint) -> None:
    """Give the blueprint's templates the staff context."""
    bp.context_processor(_context)
