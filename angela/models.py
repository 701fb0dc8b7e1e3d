"""The stored data: merchants (their columns sized by the merchant schema),
the reports made about them from the street and the throttle's salted
counts, the support services shown after the danger, and the revision counters
that tell every process when its copy is stale; staff accounts, their
recovery codes, server-side sessions, failed logins and the audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    event,
    false,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from angela.core import french
from angela.core.schema import FIELDS
from angela.core.support import FIELDS as SUPPORT_FIELDS
from angela.core.vocab import (
    Category,
    ReportReason,
    ReportStatus,
    Role,
    TrainingStatus,
    Vocabulary,
)
from angela.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


def _one_of(column: str, vocabulary: type[Vocabulary]) -> str:
    quoted = ", ".join(f"'{code}'" for code in vocabulary.codes())
    return f"{column} IN ({quoted})"


def _sized(name: str) -> String:
    """The text column of a merchant field, as long as the schema allows."""
    return String(FIELDS[name].max_length)


class Versioned:
    """When a row was created and last changed, and its version, which
    optimistic locking checks: a save from a stale form changes nothing."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class Merchant(Versioned, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "merchants"
    __table_args__ = (
        CheckConstraint(_one_of("category", Category), name="category"),
        CheckConstraint(_one_of("training_status", TrainingStatus), name="training_status"),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(_sized("ref"), unique=True)
    name: Mapped[str] = mapped_column(_sized("name"))
    category: Mapped[str] = mapped_column(_sized("category"))
    address: Mapped[str] = mapped_column(_sized("address"))
    postcode: Mapped[str] = mapped_column(_sized("postcode"))
    commune_code: Mapped[str] = mapped_column(_sized("commune_code"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    phone: Mapped[str | None] = mapped_column(_sized("phone"))
    opening_hours: Mapped[str | None] = mapped_column(Text)
    training_status: Mapped[str] = mapped_column(_sized("training_status"), index=True)
    trained_on: Mapped[date | None] = mapped_column(Date)
    trainer: Mapped[str | None] = mapped_column(_sized("trainer"))
    contact_name: Mapped[str | None] = mapped_column(_sized("contact_name"))
    contact_email: Mapped[str | None] = mapped_column(_sized("contact_email"))
    contact_phone: Mapped[str | None] = mapped_column(_sized("contact_phone"))
    notes: Mapped[str | None] = mapped_column(Text)
    # Reference, name and address folded (no accents, no case) for the staff
    # search, kept by `_keep_search_key` on every write: the same matches on
    # SQLite and PostgreSQL, without PostgreSQL's optional `unaccent`.
    search_key: Mapped[str] = mapped_column(Text)
    # The day a staff member last confirmed the details with the merchant
    # ("Coordonnées vérifiées"), shown publicly as "Vérifié le …".
    last_checked_on: Mapped[date | None] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"<Merchant {self.ref} {self.name!r}>"


@event.listens_for(Merchant, "before_insert")
@event.listens_for(Merchant, "before_update")
def _keep_search_key(_mapper: Any, _connection: Any, merchant: Merchant) -> None:
    """Fold the searched fields on every flush, whichever use-case wrote them."""
    merchant.search_key = french.search_key(merchant.ref, merchant.name, merchant.address)


def _support_sized(name: str) -> String:
    """The text column of a support service field, as long as its reader allows."""
    return String(SUPPORT_FIELDS[name].max_length)


class SupportService(Versioned, db.Model):  # type: ignore[name-defined,misc]
    """A service that accompanies victims after the danger, managed by the
    staff; the public sees it once complete (`core.support.missing`)."""

    __tablename__ = "support_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(_support_sized("name"), unique=True)
    services: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(_support_sized("phone"))
    address: Mapped[str | None] = mapped_column(_support_sized("address"))
    postcode: Mapped[str | None] = mapped_column(_support_sized("postcode"))
    hours: Mapped[str | None] = mapped_column(_support_sized("hours"))
    languages: Mapped[str | None] = mapped_column(_support_sized("languages"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<SupportService {self.id} {self.name!r}>"


class Revision(db.Model):  # type: ignore[name-defined,misc]
    """One row per watched dataset; its counter moves with every change, in
    the same transaction (`services.revisions`), so that other processes can
    tell their copy is stale."""

    __tablename__ = "revisions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """A CIDFF staff member or partner who logs in to `/staff/`."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_one_of("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when an administrator chose the password: the person must choose
    # their own before anything else.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # The two-step login (`services.mfa`): the authenticator secret, sealed
    # with a key derived from the app's secret key (`core.sealing`), set once
    # the person confirmed a first code; the last 30-second step accepted, so
    # that no code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class StaffSession(db.Model):  # type: ignore[name-defined,misc]
    """One login: the browser keeps a random token, the database its hash,
    so that logout and deactivation end it for every app server at once."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RecoveryCode(db.Model):  # type: ignore[name-defined,misc]
    """A single-use code that stands in for the authenticator app once,
    stored as an argon2id hash like a password."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginFailure(db.Model):  # type: ignore[name-defined,misc]
    """A failed login, counted per account and per address across servers."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class AuditEvent(db.Model):  # type: ignore[name-defined,misc]
    """Who changed what and when: each field's value before and after."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(32), index=True)
    merchant_id: Mapped[int | None] = mapped_column(
        ForeignKey("merchants.id", ondelete="SET NULL"), index=True
    )
    merchant_version: Mapped[int | None] = mapped_column(Integer)
    target_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    support_service_id: Mapped[int | None] = mapped_column(
        ForeignKey("support_services.id", ondelete="SET NULL"), index=True
    )
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), index=True
    )


class ImportUpload(db.Model):  # type: ignore[name-defined,misc]
    """A CSV file uploaded for preview, kept until its import is confirmed,
    in the database so that the confirmation may reach any app server."""

    __tablename__ = "import_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Report(Versioned, db.Model):  # type: ignore[name-defined,misc]
    """A problem with a refuge reported from the street. Nothing that
    identifies the sender is kept: no address, no position, no browser; the
    e-mail only when the person asks for an answer. `created_at` is when it
    reached us, `made_at` when the person made it (earlier when it waited
    on a phone without network)."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(_one_of("reason", ReportReason), name="reason"),
        CheckConstraint(_one_of("status", ReportStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("merchants.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(16), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(254))
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.NEW.value, index=True)
    # The staff's handling: who last moved it, their note, and when it was
    # resolved or dismissed (the clock of `flask reports purge`).
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    staff_note: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # When the text and e-mail were deleted; the report itself stays counted.
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.reason} {self.status}>"


class ReportSalt(db.Model):  # type: ignore[name-defined,misc]
    """The random salt of one day, with which a sender's network address is
    hashed for the report throttle; deleted the next day, after which no
    stored hash can be tied to an address again."""

    __tablename__ = "report_salts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary)


class ReportAttempt(db.Model):  # type: ignore[name-defined,misc]
    """One report sent (accepted or not), counted per salted address hash
    across app servers; rows older than a day are deleted."""

    __tablename__ = "report_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
