"""Benchmark `flask --app angela db backup` and `db restore` on a database of
3,000 merchants (bench/synthetic_refuges.py) and 100,000 audit events, on
SQLite and, when ANGELA_BENCH_DATABASE_URL is set, on PostgreSQL.

    .venv/bin/python bench/backup.py [--merchants N] [--events N] [--runs R]
    ANGELA_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/angela_bench \\
        .venv/bin/python bench/backup.py

Prints, per database, the median over R runs (3) of the backup time and of
the restore time into a fresh database (`db restore`, which also runs the
upgrade), the size of the database and of the backup file.

The PostgreSQL database is emptied first (its `public` schema is dropped),
and a database `<name>_restore` beside it is dropped and created for the
restores: point it at a database of its own.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import flask_migrate
from flask import Flask
from sqlalchemy import create_engine, insert, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic_refuges

from angela import create_app
from angela.config import normalise_database_url
from angela.core.schema import values_of
from angela.core.vocab import AuditAction
from angela.extensions import db
from angela.models import AuditEvent, Merchant, utcnow
from angela.services import audit, backup

CHUNK = 5000


def make_app(url: str) -> Flask:
    settings = {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": normalise_database_url(url)}
    return create_app({**settings, "INDEX_POLL_SECONDS": 3600.0})


def seed(app: Flask, merchants: int, events: int) -> None:
    """The migrated schema, `merchants` synthetic refuges and `events` audit
    events about them (each a field-by-field diff, as imports write them)."""
    rng = random.Random(7)
    with app.app_context():
        flask_migrate.upgrade()
        db.session.add_all(synthetic_refuges.merchants(merchants))
        db.session.commit()
        stored = db.session.execute(db.select(Merchant)).scalars().all()
        diffs = [(m.id, m.version, audit.diff({}, values_of(m))) for m in stored]
        actions = [AuditAction.IMPORT_CREATE, AuditAction.MERCHANT_UPDATE]
        now = utcnow()
        for start in range(0, events, CHUNK):
            rows = []
            for number in range(start, min(start + CHUNK, events)):
                merchant_id, version, changes = rng.choice(diffs)
                rows.append(
                    {
                        "at": now - timedelta(minutes=events - number),
                        "action": rng.choice(actions).value,
                        "merchant_id": merchant_id,
                        "merchant_version": version,
                        "changes": changes,
                    }
                )
            db.session.execute(insert(AuditEvent), rows)
        db.session.commit()
        db.session.remove()


def measure(
    name: str,
    url: str,
    fresh: Callable[[int], str] | Callable[[int | None], str],
    workdir: Path,
    args: argparse.Namespace,
) -> None:
    """Seed the database at `url`, then time backups of it and restores
    into the databases `fresh` makes."""
    app = make_app(url)
    seed(app, args.merchants, args.events)
    runs = args.runs
    backups: list[float] = []
    restores: list[float] = []
    with app.app_context():
        database_size = _database_size()
        for run in range(runs):
            start = time.perf_counter()
            report = backup.back_up(workdir / f"{name}-{run}.backup")
            backups.append(time.perf_counter() - start)
        db.engine.dispose()
    for run in range(runs):
        with make_app(fresh(run)).app_context():
            start = time.perf_counter()
            backup.restore(report.path)
            restores.append(time.perf_counter() - start)
            restored = backup.Counts(*db.session.execute(text(backup.COUNT_QUERY)).one())
            db.session.remove()
            db.engine.dispose()
        if restored != report.counts:
            raise SystemExit(f"{name}: restored {restored}, backed up {report.counts}")
    print(
        f"{name:<11} {report.counts.merchants:>9} {report.counts.audit_events:>12}"
        f" {backup.human_size(database_size):>10} {statistics.median(backups):>9.2f} s"
        f" {backup.human_size(report.size):>10} {statistics.median(restores):>10.2f} s"
        f"   {report.tool or 'online backup API'}"
    )


def _database_size() -> int:
    if db.engine.url.get_backend_name() == "sqlite":
        return Path(str(db.engine.url.database)).stat().st_size
    return int(db.session.execute(text("SELECT pg_database_size(current_database())")).scalar())


def postgres_databases(url: str) -> tuple[str, Callable[[int | None], str]]:
    """Empty the bench database; return it and a maker of fresh restore
    databases (which drops the last one when given None)."""
    main = make_url(normalise_database_url(url))
    restore_name = f"{main.database}_restore"
    server = create_engine(main, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))

    def fresh(run: int | None) -> str:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{restore_name}" WITH (FORCE)'))
            if run is not None:
                connection.execute(text(f'CREATE DATABASE "{restore_name}"'))
        return main.set(database=restore_name).render_as_string(hide_password=False)

    return main.render_as_string(hide_password=False), fresh


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--merchants", type=int, default=3000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(
        f"{'database':<11} {'merchants':>9} {'audit events':>12} {'db size':>10}"
        f" {'backup':>11} {'file':>10} {'restore':>12}   tool"
    )
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        sqlite_url = f"sqlite:///{workdir / 'angela.sqlite3'}"
        measure(
            "SQLite",
            sqlite_url,
            lambda run: f"sqlite:///{workdir / f'restored-{run}.sqlite3'}",
            workdir,
            args,
        )
        postgres = os.environ.get("ANGELA_BENCH_DATABASE_URL")
        if postgres:
            url, fresh = postgres_databases(postgres)
            try:
                measure("PostgreSQL", url, fresh, workdir, args)
            finally:
                fresh(None)
        else:
            print("PostgreSQL: skipped (set ANGELA_BENCH_DATABASE_URL to a database of its own)")
    print(f"median of {args.runs} runs; restore = `db restore` into a fresh database")


if __name__ == "__main__":
    main()
