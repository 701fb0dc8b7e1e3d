"""The import page's files for spreadsheets: the export "pour Excel", the
empty template to fill in, and the one-page column guide. The canonical
export and the import itself stay in angela/staff/merchants.py."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask.typing import ResponseReturnValue

from angela.core.column_guide import column_guide
from angela.core.hours import paris_today
from angela.core.merchant_csv import write_excel
from angela.core.vocab import Role
from angela.services import exchange
from angela.staff.guard import role_required


def download(text: str, filename: str) -> Response:
    """Return `text` as a CSV file to save, never kept by a cache."""
    return Response(
        text,
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def install(bp: Blueprint) -> None:
    """Add the Excel export, the template and the guide to the staff blueprint."""

    @bp.get("/export-excel.csv", endpoint="merchants_export_excel")
    @role_required(Role.AGENT)
    def merchants_export_excel() -> ResponseReturnValue:
        """Every merchant, for French Excel: it imports back unchanged."""
        return download(
            exchange.export_excel(), f"angela-commercants-{paris_today():%Y-%m-%d}-excel.csv"
        )

    @bp.get("/import/modele.csv", endpoint="merchants_template")
    @role_required(Role.AGENT)
    def merchants_template() -> ResponseReturnValue:
        """The header row of the Excel export, nothing else: no made-up merchant."""
        return download(write_excel([]), "angela-modele-a-remplir.csv")

    @bp.get("/import/guide", endpoint="merchants_import_guide")
    @role_required(Role.AGENT)
    def merchants_import_guide() -> ResponseReturnValue:
        return render_template("staff/merchants_import_guide.html", guide=column_guide())
