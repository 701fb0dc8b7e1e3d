"""Staff accounts: passwords (argon2id), creation, roles and deactivation,
changing one's own password and an administrator's provisional password.

Every change to an account is written to the audit log in the same
transaction. No `request` here: callers pass who acts.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from angela.core import emails
from angela.core.vocab import AuditAction, Role
from angela.extensions import db
from angela.models import User
from angela.services import audit, sessions

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # hashing a megabyte would be a denial of service

# OWASP's recommendation for argon2id: 19 MiB of memory, 2 passes, 1 lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.ID)

# Why an account's password changed, as the audit log says it (never the password).
REASON_CHANGED = "Mot de passe changé par la personne elle-même ; ses autres sessions sont fermées."
REASON_RESET = "Mot de passe provisoire donné par un administrateur ; ses sessions sont fermées."


class AccountError(ValueError):
    """The account cannot be created or changed; the message says why, in French."""


class WrongPassword(AccountError):
    """The current password given to change it is not the account's."""


def hash_password(password: str) -> str:
    """Return the argon2id hash of `password`; raise AccountError when it is too weak."""
    check_password(password)
    return HASHER.hash(password)


def check_password(password: str) -> None:
    """Raise AccountError when the password is too short or absurdly long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError("Le mot de passe est trop long.")


def normalise_email(email: str) -> str:
    """Return the canonical form of an address (`angela.core.emails`, the
    form the throttle counts too); raise AccountError when it is not one."""
    try:
        return emails.canonical(email)
    except emails.InvalidEmail:
        raise AccountError(f"« {email} » n'est pas une adresse e-mail valide.") from None


def may(role: str, needed: Role) -> bool:
    """Return whether an account with `role` may do what `needed` may."""
    return role in Role.codes() and Role.of(role).may(needed)


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this email and password, or None.

    The hash is upgraded when the hashing parameters have changed since it
    was made. Takes the same time whether or not the email exists.
    """
    user = find_by_email(email)
    stored = user.password_hash if user is not None else _dummy_hash()
    if not _verifies(stored, password):
        return None
    if user is None or not user.active:
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
        db.session.commit()
    return user


def find_by_email(email: str) -> User | None:
    try:
        canonical = normalise_email(email)
    except AccountError:
        return None
    return db.session.execute(select(User).where(User.email == canonical)).scalar_one_or_none()


def create_user(
    email: str, password: str, role: str, actor: User | None, *, provisional: bool = False
) -> User:
    """Create and commit an active account, whose password must be replaced
    at first login when `provisional`; raise AccountError when the email is
    taken or invalid, the role unknown or the password too short."""
    canonical = normalise_email(email)
    _check_role(role)
    if find_by_email(canonical) is not None:
        raise AccountError(f"Un compte existe déjà pour {canonical}.")
    user = User(
        email=canonical, password_hash=hash_password(password), role=role, active=True,
        must_change_password=provisional,
    )  # fmt: skip
    db.session.add(user)
    db.session.flush()
    after = {"email": canonical, "role": role, "active": True, "must_change_password": provisional}
    audit.record(
        AuditAction.USER_CREATE, actor, target_user_id=user.id, changes=audit.diff({}, after)
    )
    db.session.commit()
    return user


def update_user(user_id: int, role: str, active: bool, actor: User) -> User:
    """Change an account's role and active flag; deactivating ends its
    sessions. Raise AccountError when the change would leave no active
    admin, or LookupError when the account does not exist."""
    user = get_user(user_id)
    _check_role(role)
    before = {"role": user.role, "active": user.active}
    after = {"role": role, "active": active}
    if before == after:
        return user
    admin = Role.ADMIN
    losing_admin = user.role == admin and user.active and (role != admin or not active)
    if losing_admin and _active_admin_count() <= 1:
        raise AccountError("Il doit rester au moins un administrateur actif.")
    user.role, user.active = role, active
    if not active:
        sessions.end_all(user.id)
    audit.record(
        AuditAction.USER_UPDATE, actor, target_user_id=user.id, changes=audit.diff(before, after)
    )
    db.session.commit()
    return user


def change_password(user_id: int, current: str, new: str) -> User:
    """Give the account the password its owner chose and end all its
    sessions (the caller opens a fresh one for the browser that asked).
    Raise WrongPassword when `current` is not the account's password, and
    AccountError when `new` is too weak or the same."""
    user = get_user(user_id)
    if not _verifies(user.password_hash, current):
        raise WrongPassword("Le mot de passe actuel est incorrect.")
    if new == current:
        raise AccountError("Choisissez un mot de passe différent de l'actuel.")
    _set_password(
        user,
        new,
        provisional=False,
        actor=user,
        action=AuditAction.PASSWORD_CHANGE,
        reason=REASON_CHANGED,
    )
    return user


def reset_password(user_id: int, password: str, actor: User) -> User:
    """Give someone else's account a provisional password, to be replaced at
    their next login, and end its sessions. Raise AccountError when the
    password is too weak or the account is the actor's own, LookupError when
    there is no such account."""
    user = get_user(user_id)
    if user.id == actor.id:
        raise AccountError("Pour votre propre compte, utilisez « Mon mot de passe ».")
    _set_password(
        user,
        password,
        provisional=True,
        actor=actor,
        action=AuditAction.PASSWORD_RESET,
        reason=REASON_RESET,
    )
    return user


def get_user(user_id: int) -> User:
    """Return the account; raise LookupError when there is none."""
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError(user_id)
    return user


def list_users() -> list[User]:
    return list(db.session.execute(select(User).order_by(User.email)).scalars())


def _set_password(
    user: User,
    password: str,
    *,
    provisional: bool,
    actor: User,
    action: AuditAction,
    reason: str,
) -> None:
    before = {"must_change_password": user.must_change_password}
    user.password_hash = hash_password(password)
    user.must_change_password = provisional
    sessions.end_all(user.id)
    changes = audit.diff(before, {"must_change_password": provisional})
    audit.record(action, actor, target_user_id=user.id, changes=changes, reason=reason)
    db.session.commit()


def _verifies(stored_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash, password[:MAX_PASSWORD_LENGTH])
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    # Checked when the email is unknown, so that both answers take as long.
    return HASHER.hash("not the password of anyone, ever")


def _active_admin_count() -> int:
    query = select(func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True))
    return db.session.execute(query).scalar_one()


def _check_role(role: str) -> None:
    if role not in Role.codes():
        allowed = ", ".join(Role.codes())
        raise AccountError(f"Rôle « {role} » inconnu ; rôles possibles : {allowed}.")
