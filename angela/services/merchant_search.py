"""The staff's view of all merchants: search, filters, sort and pages, and
the dashboard figures.

The search forgives accents, case and word order: each word typed, folded
like the stored `Merchant.search_key` (`core.french.folded`), must appear in
the reference, the name or the address."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from angela.core import french, territory
from angela.core.visibility import (
    CHECK_EVERY_MONTHS,
    DUE_WITHIN_DAYS,
    check_due_on_or_before,
    public_window,
)
from angela.core.vocab import TrainingStatus
from angela.extensions import db
from angela.models import Merchant
from angela.services.directory import public_clause
from angela.services.pagination import paginate

PAGE_SIZE = 25
# Public refuges to check listed on the dashboard; the merchant list has the rest.
DUE_CHECKS_SHOWN = 20
# The wildcard characters of LIKE, and the character that escapes them.
LIKE_ESCAPE = "\\"
TRAINING_FILTERS = {
    "due": "Formation à renouveler (60 jours)",
    "expired": "Formation expirée",
    "no_hours": "Sans horaires",
    "public": "Visibles du public",
    "hidden": "Invisibles du public",
    "unchecked": "Coordonnées à vérifier",
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
class MerchantPage:
    merchants: list[Merchant]
    total: int
    page: int
    pages: int


def search(
    chosen: MerchantFilter,
    today: date,
    valid_months: int,
    check_months: int = CHECK_EVERY_MONTHS,
) -> MerchantPage:
    """Return the page of merchants matching the filter, in the chosen order."""
    query = _filtered(select(Merchant), chosen, today, valid_months, check_months)
    order = SORTS.get(chosen.sort, SORTS["ref"])
    found = paginate(query.order_by(*order), chosen.page, PAGE_SIZE)
    return MerchantPage([row[0] for row in found.rows], found.total, found.page, found.pages)


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
        "communes": _by_need(
            [(commune, public_by_commune.get(commune.code, 0)) for commune in territory.communes()]
        ),
        "public_total": sum(public_by_commune.values()),
        "by_status": [
            (status.value, status.label, by_status.get(status, 0)) for status in TrainingStatus
        ],
        "due": count(_due(today, valid_months)),
        "expired": count(_expired(today, valid_months)),
        "no_hours": count(_no_hours()),
    }


def due_checks(today: date, valid_months: int, check_months: int) -> tuple[list[Merchant], int]:
    """Return the first `DUE_CHECKS_SHOWN` public refuges whose details were
    not confirmed for `check_months` months, never checked first, then the
    oldest check first; and how many there are in all."""
    condition = _unchecked(today, valid_months, check_months)
    total = db.session.execute(select(func.count(Merchant.id)).where(condition)).scalar_one()
    # "IS NOT NULL" sorts false first: never checked, on every database.
    order = (Merchant.last_checked_on.is_not(None), Merchant.last_checked_on, Merchant.ref)
    shown = db.session.execute(
        select(Merchant).where(condition).order_by(*order).limit(DUE_CHECKS_SHOWN)
    ).scalars()
    return list(shown), total


def _by_need(
    rows: list[tuple[territory.Commune, int]],
) -> list[tuple[territory.Commune, int]]:
    """Communes without a public refuge first (the most inhabitants first),
    then by inhabitants per refuge, the most first: where the network lacks most."""

    def need(row: tuple[territory.Commune, int]) -> tuple[bool, float]:
        commune, count = row
        return count > 0, -commune.population / max(count, 1)

    return sorted(rows, key=need)


def _filtered(
    query: Select[Any], chosen: MerchantFilter, today: date, valid_months: int, check_months: int
) -> Select[Any]:
    for word in french.folded(chosen.text).split():
        query = query.where(Merchant.search_key.like(f"%{_escape_like(word)}%", escape=LIKE_ESCAPE))
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
        "unchecked": lambda: _unchecked(today, valid_months, check_months),
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
    return and_(Merchant.training_status == TrainingStatus.TRAINED, Merchant.trained_on <= after)


def _unchecked(today: date, valid_months: int, check_months: int) -> ColumnElement[bool]:
    # Only public refuges: what the public reads must be true; the others
    # are checked when they are trained again.
    return and_(
        public_clause(today, valid_months),
        or_(
            Merchant.last_checked_on.is_(None),
            Merchant.last_checked_on <= check_due_on_or_before(today, check_months),
        ),
    )


def _no_hours() -> ColumnElement[bool]:
    return or_(Merchant.opening_hours.is_(None), Merchant.opening_hours == "")


def _escape_like(text: str) -> str:
    """Return the text with LIKE's wildcards taken literally: "100%" finds
    "100%", not every name starting with 100."""
    for special in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(special, LIKE_ESCAPE + special)
    return text
