"""Staff use-cases on one merchant: register, edit (optimistic locking),
record a training, suspend, withdraw, reinstate, confirm its details. Each
change is written to the audit log in the same transaction."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from shapely.geometry import Point
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from angela.core import territory
from angela.core.merchant_csv import MerchantRecord
from angela.core.nearest import geodesic_m
from angela.core.schema import values_of
from angela.core.vocab import AuditAction, TrainingStatus
from angela.extensions import db
from angela.models import Merchant, User
from angela.services import audit
from angela.services.audit import AuditRow

DUPLICATE_RADIUS_M = 50
# The shipped boundaries are simplified: trust the national address base's
# commune for a point this close to it (in degrees, about 200 m).
CITYCODE_TOLERANCE_DEG = 0.002
REF_PREFIX = "ANG-"
_GENERATED_REF = re.compile(r"ANG-(\d+)")


class MerchantError(ValueError):
    """The input is refused; `field` names the form field, the message is French."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class ProbableDuplicate(Exception):
    """Other merchants look like this one; save again with confirmation."""

    def __init__(self, others: list[Merchant]):
        super().__init__(", ".join(merchant.ref for merchant in others))
        self.others = others


class EditConflict(Exception):
    """Someone saved the merchant since the form was opened."""

    def __init__(self, merchant: Merchant, since: list[AuditRow]):
        super().__init__(merchant.ref)
        self.merchant, self.since = merchant, since


def get(merchant_id: int) -> Merchant:
    """Return the merchant; raise LookupError when there is none."""
    merchant = db.session.get(Merchant, merchant_id)
    if merchant is None:
        raise LookupError(merchant_id)
    return merchant


def commune_for(lat: float, lon: float, citycode: str | None) -> territory.Commune:
    """Return the commune of the point: the geocoder's when it gave one of
    the 20 and the point is in or next to it, else the boundaries'. Raise
    MerchantError when the point is outside the territory."""
    hinted = territory.communes_by_code().get(citycode or "")
    if hinted is not None and hinted.boundary.distance(Point(lon, lat)) < CITYCODE_TOLERANCE_DEG:
        return hinted
    found = territory.commune_at(lat, lon)
    if found is None:
        raise MerchantError(
            "lat",
            f"Le point ({lat:.6f}, {lon:.6f}) est hors des 20 communes de Melun Val de Seine.",
        )
    return found


def duplicates_of(
    data: MerchantRecord, commune_code: str, exclude_id: int | None
) -> list[Merchant]:
    """Return other merchants within 50 m, or with the same name in the same commune."""
    near = 0.001  # degrees: a box wider than 50 m in every direction, then exact
    same_name = and_(
        func.lower(Merchant.name) == data.name.lower(), Merchant.commune_code == commune_code
    )
    in_box = and_(
        Merchant.lat.between(data.lat - near, data.lat + near),
        Merchant.lon.between(data.lon - 2 * near, data.lon + 2 * near),
    )
    query = select(Merchant).where(or_(same_name, in_box))
    if exclude_id is not None:
        query = query.where(Merchant.id != exclude_id)
    found = db.session.execute(query.order_by(Merchant.ref)).scalars()
    return [m for m in found if _same_place(m, data, commune_code)]


def _same_place(merchant: Merchant, data: MerchantRecord, commune_code: str) -> bool:
    if merchant.name.lower() == data.name.lower() and merchant.commune_code == commune_code:
        return True
    return geodesic_m(merchant.lat, merchant.lon, data.lat, data.lon) <= DUPLICATE_RADIUS_M


def register(data: MerchantRecord, actor: User, confirmed_duplicate: bool) -> Merchant:
    """Create and commit a merchant from the form's record (an empty `ref`
    gets the next generated one, `commune_code` is the address service's
    hint, checked against the position); return it.

    Raises MerchantError (outside the territory, ref taken) or
    ProbableDuplicate when not `confirmed_duplicate`.
    """
    commune = commune_for(data.lat, data.lon, data.commune_code)
    others = duplicates_of(data, commune.code, exclude_id=None)
    if others and not confirmed_duplicate:
        raise ProbableDuplicate(others)
    ref = data.ref or next_ref()
    if data.ref and _ref_taken(data.ref):
        raise MerchantError("ref", f"La référence {data.ref} est déjà utilisée.")
    merchant = Merchant(**_values(data, ref, commune.code))
    db.session.add(merchant)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise MerchantError("ref", f"La référence {ref} vient d'être prise ; réessayez.") from None
    audit.record(
        AuditAction.MERCHANT_CREATE, actor, merchant=merchant,
        changes=audit.diff({}, values_of(merchant)),
    )  # fmt: skip
    db.session.commit()
    return merchant


def update(
    merchant_id: int, version: int, data: MerchantRecord, actor: User, confirmed_duplicate: bool
) -> Merchant:
    """Save the form over the merchant as it was at `version`; return it.

    Raises EditConflict when it changed since, MerchantError, ProbableDuplicate.
    """
    merchant = _at_version(merchant_id, version)
    commune = commune_for(data.lat, data.lon, data.commune_code)
    if _moved_or_renamed(merchant, data, commune.code):
        others = duplicates_of(data, commune.code, exclude_id=merchant.id)
        if others and not confirmed_duplicate:
            raise ProbableDuplicate(others)
    ref = data.ref or merchant.ref
    if ref != merchant.ref and _ref_taken(ref):
        raise MerchantError("ref", f"La référence {ref} est déjà utilisée.")
    values = _values(data, ref, commune.code)
    # The check date is a confirmation with the merchant (`confirm_details`),
    # not something the form says: editing the form leaves it as it is.
    del values["last_checked_on"]
    return _change(merchant, AuditAction.MERCHANT_UPDATE, actor, values)


def confirm_details(merchant_id: int, version: int, today: date, actor: User) -> Merchant:
    """Record that the staff confirmed the address, hours and phone with the
    merchant as it was at `version`: checked on `today` (Europe/Paris).

    Raises EditConflict when it changed since.
    """
    merchant = _at_version(merchant_id, version)
    return _change(merchant, AuditAction.MERCHANT_CHECK, actor, {"last_checked_on": today})


# A training would silently lift these statuses: the staff reinstate first.
_NOT_TRAINABLE: dict[str, str] = {
    TrainingStatus.SUSPENDED: (
        "Ce commerçant est suspendu : une formation ne lève pas la suspension. "
        "Rétablissez-le d'abord (bouton « Rétablir », avec le motif), "
        "puis enregistrez la formation."
    ),
    TrainingStatus.WITHDRAWN: (
        "Ce commerçant est retiré du dispositif : une formation ne l'y fait pas revenir. "
        "Rétablissez-le d'abord (bouton « Rétablir », avec le motif), "
        "puis enregistrez la formation."
    ),
}
UNTRAINABLE_STATUSES = frozenset(_NOT_TRAINABLE)


def record_training(
    merchant_id: int, version: int, trained_on: date, trainer: str | None, actor: User
) -> Merchant:
    """Record a training or its renewal on the merchant as it was at
    `version`: it becomes `trained` on that date.

    Raises EditConflict when it changed since, MerchantError when it is
    suspended or withdrawn (reinstating it is a decision of its own).
    """
    merchant = _at_version(merchant_id, version)
    if merchant.training_status in _NOT_TRAINABLE:
        raise MerchantError("training_status", _NOT_TRAINABLE[merchant.training_status])
    values = {
        "training_status": TrainingStatus.TRAINED,
        "trained_on": trained_on,
        "trainer": trainer,
    }
    return _change(merchant, AuditAction.TRAINING_RECORD, actor, values)


# What each status action makes of a merchant; reinstating depends on it.
_STATUS_AFTER = {
    AuditAction.MERCHANT_SUSPEND: TrainingStatus.SUSPENDED,
    AuditAction.MERCHANT_WITHDRAW: TrainingStatus.WITHDRAWN,
}
STATUS_ACTIONS = (*_STATUS_AFTER, AuditAction.MERCHANT_REINSTATE)


def set_status(
    merchant_id: int, version: int, action: AuditAction, reason: str, actor: User
) -> Merchant:
    """Suspend, withdraw or reinstate the merchant as it was at `version`,
    with the reason given.

    Reinstating makes it `trained` again when it has a training date, else
    `pending`. Raises EditConflict when it changed since, ValueError for an
    action that is not one of these.
    """
    if action not in STATUS_ACTIONS:
        raise ValueError(f"not a status action: {action}")
    merchant = _at_version(merchant_id, version)
    if action == AuditAction.MERCHANT_REINSTATE:
        status = TrainingStatus.TRAINED if merchant.trained_on else TrainingStatus.PENDING
    else:
        status = _STATUS_AFTER[action]
    return _change(merchant, action, actor, {"training_status": status}, reason)


def next_ref() -> str:
    """Return the next free generated reference, ANG-0001 and up."""
    refs = db.session.execute(select(Merchant.ref).where(Merchant.ref.like(f"{REF_PREFIX}%")))
    numbers = [int(match.group(1)) for (ref,) in refs if (match := _GENERATED_REF.fullmatch(ref))]
    return f"{REF_PREFIX}{max(numbers, default=0) + 1:04d}"


def _at_version(merchant_id: int, version: int) -> Merchant:
    """Return the merchant; raise EditConflict when it is no longer at `version`."""
    merchant = get(merchant_id)
    if merchant.version != version:
        raise EditConflict(merchant, audit.merchant_events_since(merchant.id, version))
    return merchant


def _change(
    merchant: Merchant,
    action: AuditAction,
    actor: User,
    values: dict[str, Any],
    reason: str | None = None,
) -> Merchant:
    before = values_of(merchant)
    version = merchant.version
    for name, value in values.items():
        setattr(merchant, name, value)
    changes = audit.diff(before, values_of(merchant))
    if not changes and reason is None:
        return merchant
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise EditConflict(
            get(merchant.id), audit.merchant_events_since(merchant.id, version)
        ) from None
    audit.record(action, actor, merchant=merchant, changes=changes, reason=reason)
    db.session.commit()
    return merchant


def _values(data: MerchantRecord, ref: str, commune_code: str) -> dict[str, Any]:
    return {**values_of(data), "ref": ref, "commune_code": commune_code}


def _moved_or_renamed(merchant: Merchant, data: MerchantRecord, commune_code: str) -> bool:
    return (merchant.lat, merchant.lon, merchant.name, merchant.commune_code) != (
        data.lat, data.lon, data.name, commune_code,
    )  # fmt: skip


def _ref_taken(ref: str) -> bool:
    return db.session.execute(select(Merchant.id).where(Merchant.ref == ref)).first() is not None
