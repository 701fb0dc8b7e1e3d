"""CSV files waiting between the import preview and its confirmation, kept
in the database (any app server may receive the confirmation) for an hour."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from angela.extensions import db
from angela.models import ImportUpload, utcnow

KEEP_FOR = timedelta(hours=1)


def keep(user_id: int, filename: str, data: bytes) -> int:
    """Store an uploaded file for its owner, forget stale ones, commit; return its id."""
    db.session.execute(delete(ImportUpload).where(ImportUpload.created_at < utcnow() - KEEP_FOR))
    upload = ImportUpload(user_id=user_id, filename=filename[:200], data=data)
    db.session.add(upload)
    db.session.commit()
    return upload.id


def fetch(upload_id: int, user_id: int) -> ImportUpload:
    """Return the owner's stored file; raise LookupError when it is gone or not theirs."""
    upload = db.session.get(ImportUpload, upload_id)
    if upload is None or upload.user_id != user_id:
        raise LookupError(upload_id)
    return upload


def discard(upload_id: int) -> None:
    """Forget the file (the caller commits)."""
    db.session.execute(delete(ImportUpload).where(ImportUpload.id == upload_id))
