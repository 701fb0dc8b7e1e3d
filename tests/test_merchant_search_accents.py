"""The staff search forgives accents, case, dashes and word order, on the
name, the address and the reference, the same on SQLite and PostgreSQL;
the stored search key follows every write and the migration fills it in."""

from __future__ import annotations

from datetime import date

import flask_migrate
import pytest
from markupsafe import escape
from sqlalchemy import select, text

from angela import create_app
from angela.core.french import folded, search_key
from angela.extensions import db
from angela.models import Merchant

PLACES = {
    "ANG-0001": ("Boulangerie du Marché", "3 place Saint-Jean"),
    "ANG-0002": ("Le Cœur de Melun", "12 rue de l’Église"),
    "ANG-0003": ("PHARMACIE DES REMPARTS", "5 avenue Thiers"),
    "ANG-0004": ("Café de la Gare", "1 place Gallieni"),
}


@pytest.fixture
def places(make_merchant):
    for ref, (name, address) in PLACES.items():
        make_merchant(ref=ref, name=name, address=address)


def found(client, query):
    page = client.get("/staff/merchants", query_string={"q": query}).text
    return sorted(ref for ref, (name, _address) in PLACES.items() if f">{escape(name)}</a>" in page)


@pytest.mark.parametrize(
    ("query", "refs"),
    [
        ("boulangerie du marche", ["ANG-0001"]),
        ("BOULANGERIE DU MARCHÉ", ["ANG-0001"]),
        ("marche boulangerie", ["ANG-0001"]),  # any order
        ("ANG-0003", ["ANG-0003"]),
        ("ang-0003", ["ANG-0003"]),
        ("ang 0003", ["ANG-0003"]),
        ("pharmacie des remparts", ["ANG-0003"]),
        ("Remparts", ["ANG-0003"]),
        ("rue de l'eglise", ["ANG-0002"]),  # the address, typed with a plain apostrophe
        ("EGLISE", ["ANG-0002"]),
        ("coeur", ["ANG-0002"]),  # the ligature spelt out
        ("saint jean", ["ANG-0001"]),  # dash or space
        ("place", ["ANG-0001", "ANG-0004"]),
        ("gallieni café", ["ANG-0004"]),  # address and name together
        ("boulangerie gare", []),
        ("  ", ["ANG-0001", "ANG-0002", "ANG-0003", "ANG-0004"]),
    ],
)
def test_the_search_forgives_accents_case_and_order(staff_client, places, query, refs):
    assert found(staff_client("viewer"), query) == refs


def test_the_search_key_follows_every_write(app, staff_client, make_merchant):
    merchant = make_merchant(ref="ANG-0042", name="Tabac de la Poste", address="2 rue Carnot")
    with app.app_context():
        stored = db.session.get(Merchant, merchant.id)
        stored.name, stored.address = "Bar-Tabac Élysée", "9 quai Hippolyte Rossignol"
        db.session.commit()
    viewer = staff_client("viewer")
    page = viewer.get("/staff/merchants", query_string={"q": "elysee rossignol"}).text
    assert ">Bar-Tabac Élysée</a>" in page
    assert (
        ">Bar-Tabac Élysée</a>"
        not in viewer.get("/staff/merchants", query_string={"q": "poste"}).text
    )


def test_folding_is_what_people_expect():
    assert folded("  Boulangerie du   MARCHÉ ") == "boulangerie du marche"
    assert folded("L’Œuf à la Coque") == "l'oeuf a la coque"
    assert folded("Dammarie-lès-Lys") == "dammarie les lys"
    assert folded("100%_\\") == "100%_\\"  # LIKE's wildcards stay, to be escaped
    # A match never spans two fields: a folded query holds no line break.
    assert "\n" not in folded("a\nb") and search_key("A", None, "B") == "a\n\nb"


# The revision before the search key, and a merchant stored then.
BEFORE_SEARCH_KEY = "3d9a61c0e7b4"
OLD_ROW = (
    "INSERT INTO merchants (ref, name, category, address, postcode, commune_code, lat, lon, "
    "training_status, trained_on, version, created_at, updated_at) VALUES ('ANG-0007', "
    "'Hôtel de l''Écu', 'hotel', '7 rue Saint-Étienne', '77000', '77288', 48.54, 2.66, "
    "'trained', :day, 1, :day, :day)"
)


def test_the_migration_fills_the_search_key_of_existing_merchants(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        flask_migrate.upgrade(revision=BEFORE_SEARCH_KEY)
        db.session.execute(text(OLD_ROW), {"day": date(2026, 1, 5)})
        db.session.commit()
        flask_migrate.upgrade()
        key = db.session.execute(select(Merchant.search_key)).scalar_one()
        db.session.rollback()
        assert key == "ang 0007\nhotel de l'ecu\n7 rue saint etienne"
        flask_migrate.downgrade(revision="base")
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.engine.dispose()
