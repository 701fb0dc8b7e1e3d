"""Command-line interface: `flask --app angela merchants import|export`, `seed`, `sessions purge`,
`users create`, `users reset-mfa`, `reports purge`, and `db backup|restore` beside Flask-Migrate's
`db upgrade`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from angela.core.hours import paris_today
from angela.core.vocab import Role
from angela.services import accounts, backup, exchange, mfa, report_retention, sessions
from angela.staff.guard import session_limits, throttle_limits

SEED_FILE = Path(__file__).resolve().parent.parent / "seed" / "merchants.csv"

merchants_cli = AppGroup("merchants", help="Import and export merchants as CSV.")
users_cli = AppGroup("users", help="Manage staff accounts.")


@merchants_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report, change nothing.")
def merchants_import(file: Path, dry_run: bool) -> None:
    """Import FILE: every row is checked first; any error changes nothing."""
    with _database_errors():
        plan = exchange.plan_import(file.read_bytes(), paris_today())
        _report_or_exit(plan)
        counts = plan.counts if dry_run else exchange.apply_import(plan)
    prefix = "dry run, nothing changed: would have " if dry_run else ""
    click.echo(
        f"{prefix}created {counts['created']}, updated {counts['updated']}, "
        f"unchanged {counts['unchanged']}"
    )


@merchants_cli.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def merchants_export(file: Path | None) -> None:
    """Write every merchant as CSV to FILE, or to standard output."""
    with _database_errors():
        text = exchange.export_csv()
    if file is None:
        sys.stdout.write(text)
    else:
        file.write_text(text, encoding="utf-8", newline="")
        click.echo(f"exported to {file}", err=True)


@click.command("seed")
@with_appcontext
def seed() -> None:
    """Load the fictional demo merchants into an empty database."""
    with _database_errors():
        count = exchange.merchant_count()
        if count:
            click.echo(f"The database already holds {count} merchants: nothing seeded.")
            return
        plan = exchange.plan_import(SEED_FILE.read_bytes(), paris_today())
        _report_or_exit(plan)
        counts = exchange.apply_import(plan)
    click.echo(f"Seeded {counts['created']} fictional demo merchants from {SEED_FILE.name}.")


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role", required=True, type=click.Choice(Role.codes()), help="admin, agent or viewer."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(email: str, role: str, password_stdin: bool) -> None:
    """Create an active staff account; the password is asked twice."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(email, password, role, actor=None)
    except accounts.AccountError as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    click.echo(f"created {user.role} account {user.email}")


@users_cli.command("reset-mfa")
@click.argument("email")
def users_reset_mfa(email: str) -> None:
    """Turn off the two-step login of an account that lost both its phone and
    its recovery codes, and end its sessions; an admin sets it up again at
    the next login. Audited, as done on the command line."""
    with _database_errors():
        try:
            user = mfa.reset(email)
        except LookupError:
            click.echo(f"no account for {email}", err=True)
            raise SystemExit(1) from None
        except mfa.MfaError as error:
            click.echo(str(error), err=True)
            raise SystemExit(1) from None
    click.echo(f"two-step login reset for {user.email}: their sessions are ended")


def _report_or_exit(plan: exchange.ImportPlan) -> None:
    """Print the first errors, then their number, and exit with status 1."""
    if plan.errors:
        for error in plan.errors_shown:
            click.echo(str(error), err=True)
        if plan.errors_hidden:
            click.echo(f"... and {plan.errors_hidden} more error(s), not shown.", err=True)
        click.echo(f"{len(plan.errors)} error(s): nothing was changed.", err=True)
        raise SystemExit(1)


@contextmanager
def _database_errors() -> Iterator[None]:
    """Turn a database error into one line and exit status 1: never the
    SQL and its parameters, which may run to megabytes of private data.
    An import rolls back on error, so nothing was changed."""
    try:
        yield
    except SQLAlchemyError as error:
        click.echo(f"database error, nothing was changed: {_first_line(error)}", err=True)
        raise SystemExit(1) from None


def _first_line(error: SQLAlchemyError) -> str:
    # The driver's own message, without SQLAlchemy's [SQL: ...] appendix.
    lines = str(getattr(error, "orig", None) or "").strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__


sessions_cli = AppGroup("sessions", help="Staff sessions and failed logins.")


@sessions_cli.command("purge")
def sessions_purge() -> None:
    """Forget expired staff sessions and failed logins past the throttle window."""
    with _database_errors():
        purged = sessions.purge(session_limits(), throttle_limits().window)
    click.echo(f"purged {purged.sessions} expired sessions, {purged.failures} old failed logins")


reports_cli = AppGroup("reports", help="Street reports about refuges.")


@reports_cli.command("purge")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Purge as if on this day (YYYY-MM-DD); default: today in Paris.",
)
def reports_purge(today: datetime | None) -> None:
    """Delete the text and e-mail of reports closed more than 12 months ago."""
    with _database_errors():
        purged = report_retention.purge(today.date() if today else paris_today())
    click.echo(f"purged the text and e-mail of {purged} closed reports")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@with_appcontext
def db_backup(file: Path, force: bool) -> None:
    """Back up the database to FILE.

    Consistent while the app serves and writes; FILE is complete or absent.
    """
    try:
        report = backup.back_up(file, force=force)
    except backup.BackupError as error:
        click.echo(f"backup failed: {error}", err=True)
        raise SystemExit(1) from None
    tool = f" ({report.tool})" if report.tool else ""
    click.echo(
        f"wrote {report.path}, {backup.human_size(report.size)} ({report.size} bytes): "
        f"{report.counts} from the {report.source}{tool}"
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace everything in a database that is not empty.")
@with_appcontext
def db_restore(file: Path, force: bool) -> None:
    """Restore the backup FILE, then upgrade the schema.

    The database must be empty, unless --force: stop the app first.
    """
    try:
        report = backup.restore(file, force=force)
    except backup.BackupError as error:
        click.echo(f"restore failed: {error}", err=True)
        raise SystemExit(1) from None
    replaced = " (replacing what it held)" if report.replaced else ""
    click.echo(
        f"restored {report.path} into the {report.target}{replaced}, schema upgraded: "
        f"{report.counts}"
    )


def init_app(app: Flask) -> None:
    # Beside `db upgrade`: the group Flask-Migrate registered (migrate.init_app runs first).
    migrations = app.cli.commands["db"]
    if not isinstance(migrations, click.Group):
        raise RuntimeError("Flask-Migrate's `db` command group must be registered first")
    migrations.add_command(db_backup)
    migrations.add_command(db_restore)
    app.cli.add_command(merchants_cli)
    app.cli.add_command(seed)
    app.cli.add_command(users_cli)
    app.cli.add_command(sessions_cli)
    app.cli.add_command(reports_cli)
