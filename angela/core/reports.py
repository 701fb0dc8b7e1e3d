"""What a street report may say, checked before anything is stored: a
reason from `ReportReason`, an optional text of at most 500 characters, an
optional e-mail (only to answer the person), and the moment it was made —
earlier than now when the phone kept it while it had no network, never
more than a week ago nor more than a few minutes ahead. Plain values in
and out; every refusal carries its field and a French message."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from angela.core import emails
from angela.core.i18n import _
from angela.core.vocab import ReportReason

MAX_TEXT = 500
# A report queued on a phone without network is still worth reading a week
# later; a phone's clock may run a little ahead of ours.
OLDEST = timedelta(days=7)
AHEAD = timedelta(minutes=5)
# Control characters but tab and line breaks, which a textarea sends.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The longest ISO 8601 moment a phone sends, with some room.
_MAX_MOMENT = 40

FIELDS = ("reason", "text", "email", "made_at")


@dataclass(frozen=True)
class FieldError:
    """One refused field: `code` for scripts, `message` in French."""

    field: str
    code: str
    message: str


class InvalidReport(ValueError):
    """The report cannot be taken as sent; `errors` lists every refused
    field, in the order of the form."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


@dataclass(frozen=True)
class StreetReport:
    """A checked report: `made_at` in UTC, rounded down to the minute."""

    reason: ReportReason
    text: str | None
    email: str | None
    made_at: datetime


def read(form: Mapping[str, str], now: datetime) -> StreetReport:
    """Return the report the form fields say, as of `now` (aware); raise
    InvalidReport listing every refused field."""
    errors: list[FieldError] = []
    checked: dict[str, object] = {}
    for field, check in (
        ("reason", _reason),
        ("text", _text),
        ("email", _email),
        ("made_at", lambda raw: _made_at(raw, now)),
    ):
        try:
            checked[field] = check(form.get(field, "") or "")
        except _Refused as refused:
            errors.append(FieldError(field, refused.code, refused.message))
    if errors:
        raise InvalidReport(errors)
    return StreetReport(**checked)  # type: ignore[arg-type]


class _Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _reason(raw: str) -> ReportReason:
    if not raw.strip():
        raise _Refused("missing_reason", _("Choisissez le problème que vous signalez."))
    try:
        return ReportReason.of(raw.strip())
    except ValueError:
        raise _Refused(
            "invalid_reason", _("Ce motif n'existe pas : choisissez-en un dans la liste.")
        ) from None


def _text(raw: str) -> str | None:
    # Browsers send a textarea's line breaks as CRLF but count them as one
    # character for maxlength: count them as the person saw them.
    text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    if _CONTROL.search(text):
        raise _Refused(
            "invalid_character",
            _("Le texte contient un caractère invisible non permis : retapez-le."),
        )
    if len(text) > MAX_TEXT:
        raise _Refused(
            "text_too_long",
            _(
                "Le texte fait %(length)s caractères : %(most)s au plus. "
                "Raccourcissez-le, l'essentiel suffit.",
                length=len(text),
                most=MAX_TEXT,
            ),
        )
    return text or None


def _email(raw: str) -> str | None:
    if not raw.strip():
        return None
    try:
        return emails.canonical(raw)
    except emails.InvalidEmail:
        raise _Refused(
            "invalid_email",
            _(
                "Cette adresse e-mail n'est pas valide (exemple : nom@exemple.fr). "
                "Elle est facultative : vous pouvez aussi la laisser vide."
            ),
        ) from None


def _made_at(raw: str, now: datetime) -> datetime:
    moment = now if not raw.strip() else _moment(raw.strip())
    if not now - OLDEST <= moment <= now + AHEAD:
        raise _Refused(
            "made_at_out_of_range",
            _(
                "Ce signalement date de plus de sept jours (ou d'une date à venir) : "
                "il ne peut plus être envoyé. Faites-en un nouveau si le problème demeure."
            ),
        )
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _moment(raw: str) -> datetime:
    refused = _Refused(
        "invalid_made_at",
        _(
            "Le moment du signalement doit être une date et une heure avec leur fuseau "
            "(ISO 8601, ex. 2026-10-12T21:30:00+02:00)."
        ),
    )
    if len(raw) > _MAX_MOMENT:
        raise refused
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise refused from None
    if moment.tzinfo is None:
        raise refused
    return moment
