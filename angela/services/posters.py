"""What a poster may show: a merchant only while it is a public refuge
(its public page answers 404 otherwise, and a printed QR code cannot be
taken back), a commune with its number of public refuges."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from angela.core import territory
from angela.core.visibility import Visibility, explain
from angela.extensions import db
from angela.models import Merchant
from angela.services import merchant_search, merchants
from angela.services.directory import public_clause


class NotPrintable(Exception):
    """No poster for this place: the message says why, in French."""


@dataclass(frozen=True)
class PosterIndex:
    """The communes by name with their public refuges, and the public
    refuges matching the search (the first page of them)."""

    communes: list[tuple[territory.Commune, int]]
    refuges: list[Merchant]
    refuges_total: int


def printable_refuge(merchant_id: int, today: date, valid_months: int) -> Merchant:
    """Return the merchant when it is a public refuge; raise LookupError
    when there is none, NotPrintable when the public does not see it."""
    merchant = merchants.get(merchant_id)
    visibility = explain(merchant.training_status, merchant.trained_on, today, valid_months)
    if not visibility.public:
        raise NotPrintable(_hidden_message(merchant, visibility))
    return merchant


def printable_commune(code: str, today: date, valid_months: int) -> tuple[territory.Commune, int]:
    """Return the commune and its number of public refuges; raise
    LookupError for a code that is not one of the 20, NotPrintable when
    the commune has no public refuge (the poster would lead to none)."""
    commune = territory.communes_by_code()[code]
    count = public_counts(today, valid_months)[code]
    if count == 0:
        raise NotPrintable(
            f"{commune.name} n'a aucun refuge visible du public pour l'instant : une affiche "
            "renverrait vers une liste vide. Elle sera possible dès qu'un lieu de la commune "
            "sera formé."
        )
    return commune, count


def poster_index(text: str, today: date, valid_months: int) -> PosterIndex:
    """Return the communes with their counts and, when `text` is given, the
    public refuges whose reference, name or address match it."""
    counts = public_counts(today, valid_months)
    communes = [(commune, counts[commune.code]) for commune in territory.communes()]
    if not text.strip():
        return PosterIndex(communes, [], 0)
    chosen = merchant_search.MerchantFilter(text=text, training="public", sort="name")
    page = merchant_search.search(chosen, today, valid_months)
    return PosterIndex(communes, page.merchants, page.total)


def public_counts(today: date, valid_months: int) -> Counter[str]:
    """Return the number of public refuges per commune code (0 for none)."""
    rows = db.session.execute(
        select(Merchant.commune_code, func.count(Merchant.id))
        .where(public_clause(today, valid_months))
        .group_by(Merchant.commune_code)
    ).all()
    return Counter({code: count for code, count in rows})


def _hidden_message(merchant: Merchant, visibility: Visibility) -> str:
    return (
        f"« {merchant.name} » n'est pas visible du public ({visibility.reason}) : "
        "le code d'une affiche mènerait à une page introuvable. Une affiche sera possible "
        "quand le lieu sera de nouveau visible du public."
    )
