"""Où est Angela ? — the refuge locator of Melun Val de Seine."""

from __future__ import annotations

from typing import Any

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class _CompiledTemplates(BytecodeCache):
    """The templates compiled once per process, whatever the number of apps
    made in it (the tests make one per test); a changed template has another
    checksum, so it is compiled again."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.compiled.get(bucket.key)
        if found is not None:
            bucket.bytecode_from_string(found)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED_TEMPLATES = _CompiledTemplates()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, commands."""
    from angela import assets, cli, config, errors, security
    from angela.extensions import csrf, db, migrate
    from angela.public import api, languages, offline, pages
    from angela.public import support as public_support
    from angela.services import coverage as coverage_week
    from angela.services import database, directory, support
    from angela.staff import admin, guard, login, merchants, mfa, posters
    from angela.staff import coverage as staff_coverage
    from angela.staff import support as staff_support

    app = Flask(__name__)
    app.jinja_options = {**app.jinja_options, "bytecode_cache": _COMPILED_TEMPLATES}
    if test_config is None:
        app.config.from_mapping(config.from_environment(app.instance_path))
    else:
        app.config.from_mapping(
            config.from_environment(app.instance_path, {"ANGELA_ENV": "development"})
        )
        app.config.from_mapping(test_config)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    # The engine options first: db.init_app creates the engine with them.
    database.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=config.MIGRATIONS_DIRECTORY)
    directory.init_app(app)
    support.init_app(app)
    coverage_week.init_app(app)
    assets.init_app(app, languages.generated_assets())
    languages.init_app(app)
    security.init_app(app)
    csrf.init_app(app)
    guard.init_app(app)

    app.register_blueprint(pages.bp)
    app.register_blueprint(public_support.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(offline.bp)
    app.register_blueprint(api.health_bp)
    app.register_blueprint(login.bp)
    app.register_blueprint(mfa.bp)
    app.register_blueprint(merchants.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(staff_support.bp)
    app.register_blueprint(posters.bp)
    app.register_blueprint(staff_coverage.bp)
    errors.init_app(app)
    cli.init_app(app)
    return app
