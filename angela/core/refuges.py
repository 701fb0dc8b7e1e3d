"""Public refuges as the public may know them, and the directory: a
snapshot of them with its nearest index and their open statuses. Pure: the
services load the snapshot, this module answers from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from opening_hours import OpeningHours

from angela.core import hours, schema
from angela.core.nearest import NearestIndex


class Refuge(NamedTuple):
    """What the public may know of a merchant: its id and the schema's public
    fields. A named tuple: a directory holds one per public refuge and is
    rebuilt in every serving process after each change, beside the public
    lookups, so building one must cost as little as building a tuple."""

    id: int
    name: str
    category: str
    address: str
    postcode: str
    commune_code: str
    lat: float
    lon: float
    phone: str | None
    opening_hours: str | None
    last_checked_on: date | None = None


REFUGE_FIELDS: tuple[str, ...] = Refuge._fields
if ("id", *schema.PUBLIC_FIELDS) != REFUGE_FIELDS:
    raise RuntimeError("Refuge must hold the id and the schema's public fields, in order")


@dataclass
class Directory:
    """A snapshot of the public refuges, with their nearest index: the data
    revision it was loaded at and its day in Europe/Paris."""

    refuges: list[Refuge]
    revision: int = 0
    day: date | None = None
    index: NearestIndex = field(init=False)
    # What presenters derive once per snapshot: each refuge's fixed JSON,
    # keyed by (id, with its position).
    fixed_json: dict[tuple[int, bool], dict[str, Any]] = field(init=False, default_factory=dict)
    # What the public face derives once per snapshot as a whole, by name.
    derived: dict[str, Any] = field(init=False, default_factory=dict)
    _hours: dict[int, OpeningHours | None] = field(init=False, default_factory=dict)
    _statuses: dict[int, tuple[datetime, hours.OpenStatus]] = field(
        init=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self.refuges.sort(key=lambda refuge: refuge.id)
        self.by_id = {refuge.id: refuge for refuge in self.refuges}
        self.index = NearestIndex(
            [r.id for r in self.refuges],
            [r.lat for r in self.refuges],
            [r.lon for r in self.refuges],
        )

    def get(self, refuge_id: int) -> Refuge | None:
        return self.by_id.get(refuge_id)

    def status(self, refuge: Refuge, moment: datetime) -> hours.OpenStatus:
        """Return the refuge's open status at `moment`; unknown when it has no hours."""
        # A status holds from when it was computed until its next change, so
        # most lookups (at "now") reuse it instead of evaluating the hours.
        known = self._statuses.get(refuge.id)
        if known is not None:
            since, status = known
            if since <= moment and (status.next_change is None or moment < status.next_change):
                return status
        if refuge.id not in self._hours:
            try:
                parsed = hours.parse(refuge.opening_hours) if refuge.opening_hours else None
            except hours.HoursError:
                parsed = None  # stored hours are checked on the way in; stay quiet if not
            self._hours[refuge.id] = parsed
        parsed = self._hours[refuge.id]
        if parsed is None:
            status = hours.OpenStatus(open_now=None, next_change=None)
        else:
            status = hours.status_at(parsed, moment)
        self._statuses[refuge.id] = (moment, status)
        return status

    def nearest(
        self, lat: float, lon: float, limit: int, open_at: datetime | None = None
    ) -> list[tuple[Refuge, float]]:
        """Return up to `limit` (refuge, metres) pairs nearest first; with
        `open_at`, only refuges open at that moment."""
        accept = None
        if open_at is not None:
            moment = open_at

            def accept(position: int) -> bool:
                return self.status(self.refuges[position], moment).open_now is True

        found = self.index.nearest(lat, lon, limit, accept)
        return [(self.refuges[position], distance) for distance, position in found]

    def in_commune(self, code: str) -> list[Refuge]:
        return [refuge for refuge in self.refuges if refuge.commune_code == code]
