"""Cutting a query's results into numbered pages, for the staff lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from angela.extensions import db


@dataclass(frozen=True)
class Page:
    rows: list[Any]  # the query's rows, as tuples
    total: int
    page: int  # the page shown, 1 to `pages`
    pages: int


def paginate(query: Select[Any], page: int, size: int) -> Page:
    """Return the rows of page `page` of the ordered query (clamped to the
    pages that exist: at least one), with the total count of rows."""
    total = db.session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())
    ).scalar_one()
    pages = max(1, -(-total // size))
    shown = min(max(page, 1), pages)
    rows = db.session.execute(query.limit(size).offset((shown - 1) * size)).all()
    return Page(list(rows), total, shown, pages)
