"""The public visibility rule, written once: a merchant is a public refuge
when it is trained and its training is less than N months old (Europe/Paris),
and the staff's explanation of why a merchant is (not) public."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from angela.core.french import day_text
from angela.core.vocab import TrainingStatus

# A training this close to its end is flagged for renewal.
DUE_WITHIN_DAYS = 60
# A public refuge's details are confirmed with it at least this often
# (ANGELA_CHECK_EVERY_MONTHS).
CHECK_EVERY_MONTHS = 6


def public_window(today: date, valid_months: int) -> tuple[date, date]:
    """Return (after, until): a training makes a merchant public when its date
    is strictly after `after` (less than `valid_months` ago) and not later than
    `until` (today: a training in the future has not happened)."""
    return today - relativedelta(months=valid_months), today


def check_due_on_or_before(today: date, check_months: int) -> date:
    """Return the last check date that is now due again: a public refuge
    checked on or before it (or never) is to be checked."""
    due: date = today - relativedelta(months=check_months)
    return due


def is_public(status: str, trained_on: date | None, today: date, valid_months: int) -> bool:
    """Return whether a merchant with this status and training date is a public refuge."""
    after, until = public_window(today, valid_months)
    return (
        status == TrainingStatus.TRAINED and trained_on is not None and after < trained_on <= until
    )


def training_expires_on(trained_on: date, valid_months: int) -> date:
    """Return the first day on which a training given on `trained_on` no
    longer makes its merchant public."""
    expires: date = trained_on + relativedelta(months=valid_months)
    return expires


@dataclass(frozen=True)
class Visibility:
    public: bool
    reason: str  # why not, or until when it is
    due: bool  # public, but the training must be renewed soon


def explain(status: str, trained_on: date | None, today: date, valid_months: int) -> Visibility:
    """Return whether the public sees a merchant and, in French, why (not)."""
    if trained_on is not None and is_public(status, trained_on, today, valid_months):
        expires = training_expires_on(trained_on, valid_months)
        due = expires - timedelta(days=DUE_WITHIN_DAYS) <= today
        last_day = expires - timedelta(days=1)
        return Visibility(True, f"formation valable jusqu'au {day_text(last_day)}", due)
    if status != TrainingStatus.TRAINED:
        return Visibility(False, f"statut « {TrainingStatus.of(status).label} »", False)
    if trained_on is None:
        return Visibility(False, "aucune date de formation", False)
    if trained_on > today:
        return Visibility(False, f"formation datée du {day_text(trained_on)}, à venir", False)
    expired = training_expires_on(trained_on, valid_months)
    return Visibility(False, f"formation expirée le {day_text(expired)}", False)
