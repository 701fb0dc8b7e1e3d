"""Data revisions: a counter per watched dataset, moved in the same
transaction as any change to it, so that every process can tell that its
in-memory copy is stale; and, within one process, a generation that moves
as soon as a change is committed here, so that the saving process sees it
at once."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from angela.extensions import db
from angela.models import Merchant, Revision, SupportService


class Watched(StrEnum):
    """The datasets whose changes other processes must notice: the key of
    the revision row, and of the session's note that it changed."""

    MERCHANTS = "merchants"
    SUPPORT = "support"


# Which model's changes move which revision.
_WATCHED_MODELS: dict[type, Watched] = {
    Merchant: Watched.MERCHANTS,
    SupportService: Watched.SUPPORT,
}
# Moves when this process commits a change to a watched dataset.
_local_generation: dict[Watched, int] = dict.fromkeys(Watched, 0)


def read(dataset: Watched) -> int:
    """Return the dataset's revision counter as stored (0 before any change)."""
    counter = db.session.execute(
        select(Revision.counter).where(Revision.name == dataset.value)
    ).scalar_one_or_none()
    return counter or 0


def local_generation(dataset: Watched) -> int:
    """Return how many changes to the dataset this process has committed."""
    return _local_generation[dataset]


def _changed_datasets(session: Session) -> set[Watched]:
    changed = (*session.new, *session.dirty, *session.deleted)
    return {_WATCHED_MODELS[type(obj)] for obj in changed if type(obj) in _WATCHED_MODELS}


@event.listens_for(Session, "before_flush")
def _bump(session: Session, _context: object, _instances: object) -> None:
    for dataset in _changed_datasets(session):
        session.info.setdefault("angela.changed", set()).add(dataset)
        result = session.execute(
            update(Revision)
            .where(Revision.name == dataset.value)
            .values(counter=Revision.counter + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            session.add(Revision(name=dataset.value, counter=1))


@event.listens_for(Session, "after_commit")
def _note_local_change(session: Session) -> None:
    for dataset in session.info.pop("angela.changed", set()):
        _local_generation[dataset] += 1


@event.listens_for(Session, "after_rollback")
def _forget_local_change(session: Session) -> None:
    session.info.pop("angela.changed", None)
