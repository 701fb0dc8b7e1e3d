"""The safeguarding rule of street reports: "help refused" is the gravest
thing a person can tell us about a refuge, so enough of them within a short
time flag the merchant for a visit by the staff. The numbers and the words
live here, once; the query that applies them is `services.safeguarding`.

Pure: plain values in and out, no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from angela.core.vocab import ReportReason, ReportStatus

SIGNAL = ReportReason.HELP_REFUSED
VISIT_THRESHOLD = 2
VISIT_WINDOW_DAYS = 90
# A dismissed report was judged unfounded by the staff: it must not send
# anyone to knock on a merchant's door. Resolved ones still count: the help
# was refused, whatever was done about it since.
IGNORED_STATUSES = (ReportStatus.DISMISSED,)
BADGE = "Visite à prévoir"


@dataclass(frozen=True)
class VisitFlag:
    """A merchant flagged for a visit, with how many counted reports did it."""

    merchant_id: int
    count: int

    @property
    def reason(self) -> str:
        """The flag in words: « 2 signalements d'aide refusée en 90 jours »."""
        return f"{self.count} signalements d'aide refusée en {VISIT_WINDOW_DAYS} jours"


def window_start(now: datetime) -> datetime:
    """Return the earliest `made_at` that still counts at `now` (inclusive)."""
    return now - timedelta(days=VISIT_WINDOW_DAYS)


def flagged(counts: dict[int, int]) -> dict[int, VisitFlag]:
    """Return the flags, by merchant id, of the merchants whose count of
    counted reports in the window reaches the threshold."""
    return {
        merchant_id: VisitFlag(merchant_id, count)
        for merchant_id, count in counts.items()
        if count >= VISIT_THRESHOLD
    }
