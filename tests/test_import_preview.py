"""The import preview shows what changes: for each merchant to update, the
changed fields with their value before and after, in French; the merchants
to create in full; the unchanged ones only counted."""

from __future__ import annotations

import dataclasses
import html
import io
import re
from datetime import date

from angela.core import schema
from angela.core.import_preview import FieldChange, field_changes, record_fields
from angela.core.merchant_csv import MerchantRecord, record_of, write_excel, write_rows
from angela.extensions import db
from angela.models import Merchant
from angela.services import exchange
from tests.places import DAMMARIE_TOWN_HALL, MELUN_TOWN_HALL

BEFORE = MerchantRecord(
    ref="ANG-0003", name="Le Comptoir du Pont", category="bar", address="2 quai de la Courtille",
    postcode="77000", commune_code="77288", lat=MELUN_TOWN_HALL[0], lon=MELUN_TOWN_HALL[1],
    phone="+33164390000", opening_hours=None, training_status="trained",
    trained_on=date(2026, 11, 22), trainer="CIDFF 77", contact_name=None, contact_email=None,
    contact_phone=None, notes=None,
)  # fmt: skip


def test_only_the_changed_fields_are_listed_with_french_before_and_after():
    after = dataclasses.replace(
        BEFORE, training_status="suspended", category="bakery", phone="+33164520000",
        trained_on=date(2026, 11, 1), notes="Nouvelle gérante",
    )  # fmt: skip
    assert field_changes(BEFORE, after) == [
        FieldChange("Type de lieu", "Bar", "Boulangerie"),
        FieldChange("Téléphone (public)", "01 64 39 00 00", "01 64 52 00 00"),
        FieldChange("Statut de formation", "Formé", "Suspendu"),
        FieldChange("Date de formation", "22 novembre 2026", "1er novembre 2026"),
        FieldChange("Notes internes", "—", "Nouvelle gérante"),
    ]


def test_a_move_shows_the_commune_by_name_and_the_degrees_in_full():
    after = dataclasses.replace(
        BEFORE, lat=DAMMARIE_TOWN_HALL[0], lon=DAMMARIE_TOWN_HALL[1], commune_code="77152"
    )
    changes = {
        change.label: (change.before, change.after) for change in field_changes(BEFORE, after)
    }
    assert changes == {
        "Commune (INSEE)": ("Melun", "Dammarie-lès-Lys"),
        "Latitude": ("48,539343", "48,51723"),
        "Longitude": ("2,66029", "2,63947"),
    }


def test_the_same_record_has_no_change():
    assert field_changes(BEFORE, dataclasses.replace(BEFORE)) == []


def test_a_new_record_shows_every_field():
    fields = record_fields(BEFORE)
    assert [label for label, _ in fields] == list(schema.LABELS.values())
    assert ("Statut de formation", "Formé") in fields
    assert ("Date de formation", "22 novembre 2026") in fields
    assert ("Commune (INSEE)", "Melun") in fields
    assert ("Notes internes", "—") in fields


# --- The staff preview ------------------------------------------------------------


def upload(client, data: bytes):
    return client.post(
        "/staff/import",
        data={"file": (io.BytesIO(data), "commercants.csv")},
        content_type="multipart/form-data",
    )


def records(app) -> list[MerchantRecord]:
    with app.app_context():
        merchants = db.session.execute(db.select(Merchant).order_by(Merchant.ref)).scalars()
        return [record_of(merchant) for merchant in merchants]


def changes_on_page(page: str) -> dict[str, list[tuple[str, str, str]]]:
    """ref → [(label, before, after)] as the preview lists them."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    preview = page.split('id="apercu"', 1)[1]  # the staff menu may be a <details> too
    for block in re.findall(r"<details.*?</details>", preview, re.DOTALL):
        ref = re.search(r'<span class="ref">([^<]+)</span>', block)[1]
        found[ref] = [
            tuple(html.unescape(part) for part in change)
            for change in re.findall(
                r'<dt>([^<]+)</dt>\s*<dd><span class="visually-hidden">avant : </span>'
                r'<span class="before">([^<]*)</span>.*?<span class="after">([^<]*)</span>',
                block,
                re.DOTALL,
            )
        ]
    return found


def test_the_preview_lists_each_changed_field_before_and_after(
    app, staff_client, make_merchant, today
):
    make_merchant(ref="ANG-0001", name="Le Comptoir du Pont", category="bar")
    make_merchant(ref="ANG-0002", name="Pharmacie des Remparts", category="pharmacy")
    make_merchant(ref="ANG-0003", name="Inchangé")
    first, second, third = records(app)
    edited = [
        dataclasses.replace(first, training_status="suspended", category="bakery"),
        dataclasses.replace(second, name="Pharmacie du Pont"),
        third,
        dataclasses.replace(first, ref="ANG-0009", name="Nouveau Café", notes="À rappeler"),
    ]
    preview = upload(staff_client("agent"), write_excel(edited).encode())
    assert preview.status_code == 200
    shown = changes_on_page(preview.text)
    assert shown["ANG-0001"] == [
        ("Type de lieu", "Bar", "Boulangerie"),
        ("Statut de formation", "Formé", "Suspendu"),
    ]
    assert shown["ANG-0002"] == [("Nom du lieu", "Pharmacie des Remparts", "Pharmacie du Pont")]
    assert "ANG-0003" not in shown  # unchanged: only counted
    assert "<strong>1</strong> inchangé(s)" in preview.text
    new = re.search(r'<span class="ref">ANG-0009</span>.*?</details>', preview.text, re.DOTALL)[0]
    for label in schema.LABELS.values():
        assert f"<dt>{label}</dt>" in html.unescape(new)
    assert "<dd>Nouveau Café</dd>" in new and "<dd>À rappeler</dd>" in new
    assert "Commune (INSEE)</dt><dd>Melun</dd>" in new


def test_the_preview_of_the_canonical_file_reads_the_same(app, staff_client, make_merchant):
    make_merchant(ref="ANG-0001", category="bar")
    [record] = records(app)
    edited = dataclasses.replace(record, category="cafe")
    page = upload(staff_client("agent"), write_rows([edited]).encode()).text
    assert changes_on_page(page)["ANG-0001"] == [("Type de lieu", "Bar", "Café")]


def test_a_long_preview_details_the_first_merchants_and_counts_the_rest(
    app, staff_client, make_merchant, monkeypatch
):
    monkeypatch.setattr(exchange, "PREVIEW_SHOWN", 2)
    for _ in range(5):
        make_merchant()
    renamed = [dataclasses.replace(r, name=r.name + " bis") for r in records(app)]
    created = [dataclasses.replace(renamed[0], ref=f"NEW-{n}") for n in range(3)]
    page = upload(staff_client("agent"), write_rows(renamed + created).encode()).text
    assert len(changes_on_page(page)) == 4  # 2 updates, 2 creations
    assert "… et 3 autres lieux à modifier, non détaillés." in page
    assert "… et 1 autres lieux à créer, non détaillés." in page
    preview = page.split('id="apercu"', 1)[1]
    assert "<details>" in preview and "<details open>" not in preview  # many: folded


def test_a_short_preview_is_open(app, staff_client, make_merchant):
    make_merchant()
    [record] = records(app)
    page = upload(
        staff_client("agent"), write_rows([dataclasses.replace(record, trainer="X")]).encode()
    )
    assert "<details open>" in page.text.split('id="apercu"', 1)[1]
