"""The second step of a staff login (ASVS level 2): setting up an
authenticator app, checking its codes and the recovery codes, turning it
off, and the command-line reset for someone who lost both phone and codes.
Administrators must use it; agents and viewers may.

The app's secret is stored sealed with a key derived from the app's secret
key (`core.sealing`): a copy of the database alone does not give it. The
recovery codes are stored as argon2id hashes, like passwords
(`accounts.HASHER`). A code is accepted once: an update that only succeeds
for a later step, or for a still unused recovery code, claims it, so that
two simultaneous requests cannot both use it. Every change is written to
the audit log in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from angela.core import sealing, totp
from angela.core.vocab import AuditAction, Role
from angela.extensions import db
from angela.models import RecoveryCode, User, utcnow
from angela.services import accounts, audit, sessions

MAX_CODE_LENGTH = 64  # whatever is typed, only this much is read

WRONG_SETUP_CODE = (
    "Code incorrect. Saisissez le code que l'application affiche maintenant "
    "(il change toutes les 30 secondes) ; vérifiez aussi que le téléphone est à l'heure."
)
WRONG_CODE = (
    "Code incorrect ou déjà utilisé. Saisissez le code que l'application affiche "
    "maintenant, ou l'un de vos codes de secours."
)
REASON_RESET = (
    "Réinitialisée en ligne de commande (téléphone et codes de secours perdus) ; "
    "ses sessions sont fermées."
)


class MfaError(ValueError):
    """The second step cannot be changed as asked; the message says why, in French."""


class WrongCode(MfaError):
    """The code given is not one the account may use now."""


@dataclass(frozen=True)
class Verified:
    """A code was accepted: from the app, or a recovery code (then how many remain)."""

    by_recovery_code: bool
    recovery_codes_left: int


def enabled(user: User) -> bool:
    """Whether the account logs in with a second step."""
    return user.totp_secret is not None


def required(user: User) -> bool:
    """Whether the account's role must log in with a second step."""
    return user.role == Role.ADMIN


def must_enrol(user: User) -> bool:
    """Whether the account must set up its second step before anything else."""
    return required(user) and not enabled(user)


def enable(user_id: int, secret: str, code: str, now: datetime | None = None) -> list[str]:
    """Turn the second step on with `secret`, once `code` shows the app has
    it; end the account's sessions (opened with the password alone: the
    caller opens a fresh one) and return the new recovery codes, to be shown
    once. Raise WrongCode when the code does not match, MfaError when the
    second step is already on."""
    user = accounts.get_user(user_id)
    if enabled(user):
        raise MfaError("La double authentification est déjà activée pour ce compte.")
    moment = now or utcnow()
    step = totp.matching_step(secret, _typed(code), None, moment.timestamp())
    if step is None:
        raise WrongCode(WRONG_SETUP_CODE)
    user.totp_secret = sealing.seal(_key(), sealing.Context.TOTP_SECRET, secret)
    user.totp_last_step, user.mfa_enabled_at = step, moment
    codes = _replace_recovery_codes(user.id)
    sessions.end_all(user.id)
    _record(AuditAction.MFA_ENABLE, user, on=True, actor=user)
    db.session.commit()
    return codes


def verify(user_id: int, code: str, now: datetime | None = None) -> Verified | None:
    """Accept, once, a code of the account's app (6 digits) or one of its
    recovery codes (audited), and commit; return None for any other code,
    and for an account that is inactive or has no second step."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or not enabled(user):
        return None
    typed, moment = _typed(code), now or utcnow()
    if totp.is_totp_code(typed):
        return _by_app(user, typed, moment)
    return _by_recovery_code(user, typed, moment)


def disable(user_id: int, code: str, now: datetime | None = None) -> None:
    """Turn the second step off, once a code of the app or a recovery code
    shows the person still has it. Raise WrongCode otherwise, MfaError when
    it is not on."""
    user = accounts.get_user(user_id)
    if not enabled(user):
        raise MfaError("La double authentification n'est pas activée pour ce compte.")
    if verify(user.id, code, now) is None:
        raise WrongCode(WRONG_CODE)
    _turn_off(user)
    _record(AuditAction.MFA_DISABLE, user, on=False, actor=user)
    db.session.commit()


def reset(email: str) -> User:
    """Turn off the second step of an account that lost both its phone and
    its recovery codes, and end its sessions (command line only; audited
    without an author). An administrator sets it up again at the next login.
    Raise LookupError when there is no such account, MfaError when the
    second step is not on."""
    user = accounts.find_by_email(email)
    if user is None:
        raise LookupError(email)
    if not enabled(user):
        raise MfaError(f"{user.email} n'a pas de double authentification : rien à réinitialiser.")
    _turn_off(user)
    sessions.end_all(user.id)
    _record(AuditAction.MFA_RESET, user, on=False, actor=None, reason=REASON_RESET)
    db.session.commit()
    return user


def recovery_codes_left(user_id: int) -> int:
    query = select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
    )
    return db.session.execute(query).scalar_one()


def _by_app(user: User, code: str, moment: datetime) -> Verified | None:
    secret = _secret(user)
    if secret is None:
        return None
    step = totp.matching_step(secret, code, user.totp_last_step, moment.timestamp())
    if step is None or not _claim_step(user.id, step):
        db.session.rollback()
        return None
    db.session.commit()
    return Verified(by_recovery_code=False, recovery_codes_left=recovery_codes_left(user.id))


def _claim_step(user_id: int, step: int) -> bool:
    """Record `step` as the account's last accepted one unless a later or equal one is."""
    claimed = db.session.execute(
        update(User)
        .where(User.id == user_id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def _by_recovery_code(user: User, code: str, moment: datetime) -> Verified | None:
    if len(code) != totp.RECOVERY_LENGTH:
        return None  # not worth ten argon2 checks
    unused = select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    found = next(
        (row for row in db.session.execute(unused).scalars() if _matches(row.code_hash, code)),
        None,
    )
    if found is None or not _claim_recovery_code(found.id, moment):
        db.session.rollback()
        return None
    left = recovery_codes_left(user.id)
    changes = audit.diff({"recovery_codes_left": left + 1}, {"recovery_codes_left": left})
    audit.record(AuditAction.MFA_RECOVERY_USED, user, target_user_id=user.id, changes=changes)
    db.session.commit()
    return Verified(by_recovery_code=True, recovery_codes_left=left)


def _claim_recovery_code(code_id: int, moment: datetime) -> bool:
    claimed = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == code_id, RecoveryCode.used_at.is_(None))
        .values(used_at=moment)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def _replace_recovery_codes(user_id: int) -> list[str]:
    """Forget the account's recovery codes, store hashes of new ones and
    return them in their readable form (the caller commits)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = totp.new_recovery_codes()
    db.session.add_all(
        RecoveryCode(user_id=user_id, code_hash=accounts.HASHER.hash(code)) for code in codes
    )
    return [totp.shown(code) for code in codes]


def _turn_off(user: User) -> None:
    user.totp_secret = user.totp_last_step = user.mfa_enabled_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _record(
    action: AuditAction, user: User, *, on: bool, actor: User | None, reason: str | None = None
) -> None:
    """Audit a change of the account's second step by `actor` (None: the command line)."""
    changes = audit.diff({"mfa": not on}, {"mfa": on})
    audit.record(action, actor, target_user_id=user.id, changes=changes, reason=reason)


def _secret(user: User) -> str | None:
    """Return the account's secret; None (and a line in the log) when it
    cannot be unsealed, which happens when the secret key changed."""
    try:
        return sealing.unseal(_key(), sealing.Context.TOTP_SECRET, user.totp_secret or "")
    except sealing.Unsealable:
        current_app.logger.warning(
            "The authenticator secret of account %s cannot be read: was ANGELA_SECRET_KEY "
            "changed? A recovery code still logs in; then set the second step up again.",
            user.id,
        )
        return None


def _matches(code_hash: str, code: str) -> bool:
    try:
        return accounts.HASHER.verify(code_hash, code)
    except (VerificationError, InvalidHashError):
        return False


def _key() -> str:
    return str(current_app.config["SECRET_KEY"])


def _typed(code: str) -> str:
    return totp.normalise(code[:MAX_CODE_LENGTH])
