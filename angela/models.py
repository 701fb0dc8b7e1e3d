"""The stored data: merchants, and the revision counter that tells every
process when the public refuge index must be rebuilt."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Float, Integer, String, Text, event
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Mapped, Session, mapped_column

from angela.catalog import CATEGORIES, TRAINING_STATUSES
from angela.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


def _one_of(column: str, values: dict[str, str]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


class Merchant(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "merchants"
    __table_args__ = (
        CheckConstraint(_one_of("category", CATEGORIES), name="category"),
        CheckConstraint(_one_of("training_status", TRAINING_STATUSES), name="training_status"),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str] = mapped_column(String(5))
    commune_code: Mapped[str] = mapped_column(String(5), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    phone: Mapped[str | None] = mapped_column(String(20))
    opening_hours: Mapped[str | None] = mapped_column(Text)
    training_status: Mapped[str] = mapped_column(String(16), index=True)
    trained_on: Mapped[date | None] = mapped_column(Date)
    trainer: Mapped[str | None] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Merchant {self.ref} {self.name!r}>"


class Revision(db.Model):  # type: ignore[name-defined,misc]
    """One row per watched dataset; its counter moves with every change, in
    the same transaction, so that other processes can tell their copy is stale."""

    __tablename__ = "revisions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)


MERCHANTS_REVISION = "merchants"


@event.listens_for(Session, "before_flush")
def _bump_merchants_revision(session: Session, _context: object, _instances: object) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, Merchant) for obj in changed):
        session.info["merchants_changed"] = True
        result = session.execute(
            sql_update(Revision)
            .where(Revision.name == MERCHANTS_REVISION)
            .values(counter=Revision.counter + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            session.add(Revision(name=MERCHANTS_REVISION, counter=1))
