"""`flask --app angela db backup`: a backup taken while an import writes
restores into a fresh database with every merchant, account and audit
event of before, and all of the import or none of it — on SQLite and on
PostgreSQL. The file is complete or absent, and its owner's only."""

from __future__ import annotations

import stat
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from angela.models import Merchant
from angela.services import backup, backup_postgres, backup_sqlite
from tests.backup.conftest import BEFORE, Rows, closed, everything, import_file, imported, make_app
from tests.test_exchange_cli import flask

IMPORTED = 3000  # merchants the import creates, while the backup runs
WAIT_S = 120


def refs(rows: Rows) -> set[str]:
    ref = [column.name for column in Merchant.__table__.columns].index("ref")
    return {values[ref] for values in rows["merchants"]}


class ImportInThread(threading.Thread):
    """`merchants import` of a file, in a thread of its own. After writing
    its first rows (its transaction open, nothing committed) it says so
    (`midway`) and, when `pause`, waits for `resume` before going on."""

    def __init__(self, app: Flask, path: Path, today: date, *, pause: bool) -> None:
        super().__init__(name="test-import", daemon=True)
        self.app, self.path, self.today, self.pause = app, path, today, pause
        self.midway = threading.Event()
        self.resume = threading.Event()
        self.committed = threading.Event()
        self.error: BaseException | None = None

    def _after_flush(self, _session: Session, _context: object) -> None:
        if threading.current_thread() is self and not self.midway.is_set():
            self.midway.set()
            if self.pause and not self.resume.wait(WAIT_S):
                raise TimeoutError("the import was never resumed")

    def run(self) -> None:
        event.listen(Session, "after_flush", self._after_flush)
        try:
            imported(self.app, self.path, self.today)
            self.committed.set()
        except BaseException as error:
            self.error = error
            self.midway.set()
        finally:
            event.remove(Session, "after_flush", self._after_flush)

    def finish(self) -> None:
        self.resume.set()
        self.join(WAIT_S)
        assert not self.is_alive(), "the import did not finish"
        if self.error is not None:
            raise self.error


# --- A backup during an import restores all of it or none ------------------------


def copying_after_the_commit(monkeypatch: pytest.MonkeyPatch, running: ImportInThread) -> None:
    """Let the import commit once the backup has fixed its moment, before it
    copies anything: SQLite's pages, or pg_dump's reading."""

    def commit_first(original: Callable[..., None]) -> Callable[..., None]:
        def copy(*arguments: Any) -> None:
            running.resume.set()
            assert running.committed.wait(WAIT_S), "the import did not commit"
            original(*arguments)

        return copy

    monkeypatch.setattr(backup_sqlite, "_copy_pages", commit_first(backup_sqlite._copy_pages))
    monkeypatch.setattr(backup_postgres, "_run_pg_dump", commit_first(backup_postgres._run_pg_dump))


@pytest.mark.parametrize(
    "moment",
    [
        # The backup runs from start to end while the import's transaction
        # is open, its first thousand rows written.
        "import paused midway",
        # The import commits while the backup runs, after the backup's moment.
        "import commits during the backup",
        # No choreography: the backup starts as the import writes, both run.
        "racing",
    ],
)
def test_a_backup_during_an_import_restores_all_of_it_or_none(
    source: Flask,
    populated: Rows,
    restore_into: Callable[[Path], Rows],
    tmp_path: Path,
    today: date,
    monkeypatch: pytest.MonkeyPatch,
    moment: str,
) -> None:
    big = import_file(tmp_path / "big.csv", today, 10_001, IMPORTED)
    running = ImportInThread(source, big, today, pause=moment != "racing")
    if moment == "import commits during the backup":
        copying_after_the_commit(monkeypatch, running)
    file = tmp_path / "during.backup"
    running.start()
    try:
        assert running.midway.wait(WAIT_S), "the import never wrote"
        result = flask(source.test_cli_runner(), source, "db", "backup", str(file))
        committed_during_the_backup = running.committed.is_set()
    finally:
        running.finish()
    assert result.exit_code == 0, result.output
    if moment != "racing":  # the import committed during the backup as choreographed, or not
        assert committed_during_the_backup == (moment == "import commits during the backup")
    after = everything(source)
    assert len(after["merchants"]) == BEFORE + IMPORTED  # the import did commit

    restored = restore_into(file)

    new_refs = refs(after) - refs(populated)
    assert len(new_refs) == IMPORTED
    held = refs(restored) & new_refs
    assert len(held) in (0, IMPORTED), f"half an import: {len(held)} of {IMPORTED} merchants"
    expected = after if held else populated
    for table in expected:  # row by row, every table: nothing lost, nothing extra
        assert restored[table] == expected[table], table
    if moment != "racing":  # the backup holds the moment it began: before the commit
        assert not held
    # What the command printed is what the file holds.
    counts = f"{len(expected['merchants'])} merchants, 2 accounts, "
    counts += f"{len(expected['audit_events'])} audit events from the "
    assert counts in result.stdout


# --- Refusals --------------------------------------------------------------------


def test_a_backup_never_replaces_a_file_unless_forced(
    source: Flask, populated: Rows, restore_into: Callable[[Path], Rows], tmp_path: Path
) -> None:
    file = tmp_path / "angela.backup"
    file.write_bytes(b"last week's backup")
    refused = flask(source.test_cli_runner(), source, "db", "backup", str(file))
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"backup failed: {file} already exists: choose another name, or --force to replace it.\n"
    )
    assert file.read_bytes() == b"last week's backup"

    forced = flask(source.test_cli_runner(), source, "db", "backup", "--force", str(file))
    assert forced.exit_code == 0, forced.output
    assert forced.stdout.startswith(f"wrote {file}, ")
    assert sorted(path.name for path in tmp_path.iterdir() if "backup" in path.name) == [
        "angela.backup"  # no angela.backup.tmp left behind
    ]
    # It holds contacts and password hashes: its owner only may read it.
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert restore_into(file) == populated


def test_an_in_memory_database_has_nothing_to_back_up(tmp_path: Path) -> None:
    app = make_app("sqlite://")
    file = tmp_path / "memory.backup"
    try:
        result = flask(app.test_cli_runner(), app, "db", "backup", str(file))
    finally:
        closed(app)
    assert result.exit_code == 1
    assert result.stderr == (
        "backup failed: the database is in memory: there is nothing on disk to back up.\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("size", "said"),
    [(0, "0 bytes"), (999, "999 bytes"), (1000, "1.0 kB"), (1_234_567, "1.2 MB")],
)
def test_sizes_are_said_in_decimal_units(size: int, said: str) -> None:
    assert backup.human_size(size) == said
