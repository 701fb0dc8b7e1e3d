"""Migrations create the same schema as the models, from an empty database."""

from __future__ import annotations

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from angela import create_app
from angela.extensions import db
from angela.models import Revision


def _empty(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    return app


def test_upgrade_an_empty_database_to_head(database_url):
    app = _empty(database_url)
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        counter = db.session.execute(select(Revision.counter)).scalar_one()
        db.session.rollback()  # release the table before the downgrade drops it
        assert counter == 0
        flask_migrate.downgrade(revision="base")
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.engine.dispose()
