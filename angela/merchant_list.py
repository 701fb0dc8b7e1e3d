"""The staff's view of all merchants: search, filters, sort and pages, the
public-visibility badge with its reason, and the dashboard figures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from angela import territory
from angela.catalog import TRAINING_STATUSES
from angela.extensions import db
from angela.models import Merchant
from angela.refuges import is_public, public_clause, public_window, training_expires_on

DUE_WITHIN_DAYS = 60
PAGE_SIZE = 25
TRAINING_FILTERS = {
    "due": "Formation à renouveler (60 jours)",
    "expired": "Formation expirée",
    "no_hours": "Sans horaires",
    "public": "Visibles du public",
    "hidden": "Invisibles du public",
}
SORTS = {
    "ref": (Merchant.ref,),
    "name": (func.lower(Merchant.name), Merchant.ref),
    "commune": (Merchant.commune_code, Merchant.ref),
    "trained_on": (Merchant.trained_on, Merchant.ref),
    "updated": (Merchant.updated_at.desc(), Merchant.ref),
}


@dataclass(frozen=True)
class MerchantFilter:
    text: str = ""
    commune: str = ""
    status: str = ""
    training: str = ""
    sort: str = "ref"
    page: int = 1


@dataclass(frozen=True)
class Visibility:
    public: bool
    reason: str  # why not, or until when it is
    due: bool  # public, but the training must be renewed soon


@dataclass(frozen=True)
class MerchantPage:
    merchants: list[Merchant]
    total: int
    page: int
    pages: int


def search(chosen: MerchantFilter, today: date, valid_months: int) -> MerchantPage:
    """Return the page of merchants matching the filter, in the chosen order."""
    query = _filtered(select(Merchant), chosen, today, valid_months)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(chosen.page, 1), pages)
    order = SORTS.get(chosen.sort, SORTS["ref"])
    found = db.session.execute(
        query.order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).scalars()
    return MerchantPage(list(found), total, page, pages)


def visibility(merchant: Merchant, today: date, valid_months: int) -> Visibility:
    """Return whether the public sees the merchant and, in French, why (not)."""
    status, trained_on = merchant.training_status, merchant.trained_on
    if trained_on is not None and is_public(status, trained_on, today, valid_months):
        expires = training_expires_on(trained_on, valid_months)
        due = expires - timedelta(days=DUE_WITHIN_DAYS) <= today
        last_day = expires - timedelta(days=1)
        return Visibility(True, f"formation valable jusqu'au {last_day:%d/%m/%Y}", due)
    if status != "trained":
        return Visibility(False, f"statut « {TRAINING_STATUSES[status]} »", False)
    if trained_on is None:
        return Visibility(False, "aucune date de formation", False)
    if trained_on > today:
        return Visibility(False, f"formation datée du {trained_on:%d/%m/%Y}, à venir", False)
    expired = training_expires_on(trained_on, valid_months)
    return Visibility(False, f"formation expirée le {expired:%d/%m/%Y}", False)


def dashboard(today: date, valid_months: int) -> dict[str, Any]:
    """Return the figures of the dashboard: public refuges per commune,
    merchants per status, trainings due and expired, merchants without hours."""
    public_by_commune = Counter(
        dict(
            db.session.execute(
                select(Merchant.commune_code, func.count(Merchant.id))
                .where(public_clause(today, valid_months))
                .group_by(Merchant.commune_code)
            ).all()
        )
    )
    by_status = dict(
        db.session.execute(
            select(Merchant.training_status, func.count(Merchant.id)).group_by(
                Merchant.training_status
            )
        ).all()
    )

    def count(condition: ColumnElement[bool]) -> int:
        return db.session.execute(select(func.count(Merchant.id)).where(condition)).scalar_one()

    return {
        "communes": [
            (commune, public_by_commune.get(commune.code, 0)) for commune in territory.communes()
        ],
        "public_total": sum(public_by_commune.values()),
        "by_status": [
            (code, label, by_status.get(code, 0)) for code, label in TRAINING_STATUSES.items()
        ],
        "due": count(_due(today, valid_months)),
        "expired": count(_expired(today, valid_months)),
        "no_hours": count(_no_hours()),
    }


def _filtered(
    query: Select[Any], chosen: MerchantFilter, today: date, valid_months: int
) -> Select[Any]:
    if chosen.text.strip():
        pattern = f"%{chosen.text.strip().lower()}%"
        query = query.where(
            or_(func.lower(Merchant.name).like(pattern), func.lower(Merchant.ref).like(pattern))
        )
    if chosen.commune:
        query = query.where(Merchant.commune_code == chosen.commune)
    if chosen.status:
        query = query.where(Merchant.training_status == chosen.status)
    conditions: dict[str, Callable[[], ColumnElement[bool]]] = {
        "due": lambda: _due(today, valid_months),
        "expired": lambda: _expired(today, valid_months),
        "no_hours": _no_hours,
        "public": lambda: public_clause(today, valid_months),
        "hidden": lambda: ~public_clause(today, valid_months),
    }
    if chosen.training in conditions:
        query = query.where(conditions[chosen.training]())
    return query


def _due(today: date, valid_months: int) -> ColumnElement[bool]:
    after, _until = public_window(today, valid_months)
    return and_(
        public_clause(today, valid_months),
        Merchant.trained_on <= after + timedelta(days=DUE_WITHIN_DAYS),
    )


def _expired(today: date, valid_months: int) -> ColumnElement[bool]:
    after, _until = public_window(today, valid_months)
    return and_(Merchant.training_status == "trained", Merchant.trained_on <= after)


def _no_hours() -> ColumnElement[bool]:
    return or_(Merchant.opening_hours.is_(None), Merchant.opening_hours == "")
