"""What the public face serves from memory — the refuge directory, the
support list — read from the database in the background and kept on disk.

A public request must never wait on the database while a copy exists: a
database that is down answers at once, but one that is frozen (the
connection accepted, then nothing) would hold the request until the worker
is killed. So a copy is checked at most every `INDEX_POLL_SECONDS`, and at
once after this process committed a change to it, by a thread of its own.
The request that started the check waits for it at most `REFRESH_WAIT`
seconds (a well database answers in milliseconds, so a change saved here is
seen by the next page), and requests that come while it still runs do not
wait at all: they get the copy in memory.

The copy is also written to disk after each rebuild, so that a process
started while the database is unreachable still has something to serve
(read at its first request if the database gives nothing within
`FIRST_WAIT` seconds).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as WaitedTooLong
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from angela.extensions import db
from angela.services import revisions
from angela.services.revisions import Watched

REFRESH_WAIT = 1.0
FIRST_WAIT = 3.0

log = logging.getLogger(__name__)
Key = TypeVar("Key")
Value = TypeVar("Value")


class NothingToServe(SQLAlchemyError):
    """The database gave nothing in time and there is no copy on disk: the
    public face answers 503, as for any database outage."""


@dataclass(frozen=True)
class Source(Generic[Key, Value]):
    """How to read one kept dataset: its revision key (cheap), the value for
    a key (a full read), and how the value goes to disk and back."""

    name: str
    dataset: Watched
    read_key: Callable[[], Key]
    build: Callable[[Key], Value]
    to_disk: Callable[[Key, Value], Any]
    from_disk: Callable[[Any], tuple[Key, Value]]


class Kept(Generic[Key, Value]):
    """One app's copy of one dataset; `get()` returns it."""

    def __init__(self, app: Flask, source: Source[Key, Value]):
        self.app, self.source = app, source
        self.poll_seconds: float = app.config["INDEX_POLL_SECONDS"]
        folder = app.config.get("PUBLIC_COPY_DIR")
        self.path = Path(folder) / f"{source.name}.json" if folder else None
        self.value: Value | None = None
        self.key: Key | None = None
        self.next_check = 0.0
        self.seen_generation = -1
        self.lock = threading.Lock()
        self.pending: Future[None] | None = None

    def get(self) -> Value:
        """Return the copy, checked against the database if due (waiting
        for that briefly, or not at all while an earlier check still runs).

        Raises NothingToServe when there is no copy at all and the database
        gives none in time.
        """
        generation = revisions.local_generation(self.source.dataset)
        fresh = self.seen_generation == generation and time.monotonic() < self.next_check
        if self.value is not None and fresh:
            return self.value
        check, started = self._check()
        if self.value is None:
            _wait(check, FIRST_WAIT)
            if self.value is None:
                self._read_disk()
            if self.value is None:
                raise NothingToServe(f"no {self.source.name} to serve yet")
        elif started:
            _wait(check, REFRESH_WAIT)
        return self.value

    def _check(self) -> tuple[Future[None], bool]:
        """Return the check under way, or a new one; and whether it is new."""
        with self.lock:
            if self.pending is not None and not self.pending.done():
                return self.pending, False
            self.pending = Future()
            threading.Thread(
                target=self._run, args=(self.pending,), name=f"angela-{self.source.name}",
                daemon=True,  # a check stuck on a frozen database must not hold up the exit
            ).start()  # fmt: skip
            return self.pending, True

    def _run(self, done: Future[None]) -> None:
        generation = revisions.local_generation(self.source.dataset)
        try:
            with self.app.app_context():
                self._refresh()
        except SQLAlchemyError as error:
            log.warning("%s check failed (%s); serving the last copy", self.source.name,
                        type(error).__name__)  # fmt: skip
        finally:
            # After a failure too: the next check waits its turn, and
            # until then the copy in memory is served without asking.
            self.seen_generation = generation
            self.next_check = time.monotonic() + self.poll_seconds
            done.set_result(None)

    def _refresh(self) -> None:
        try:
            key = self.source.read_key()
            if key != self.key or self.value is None:
                self.value, self.key = self.source.build(key), key
                self._write_disk()
        except SQLAlchemyError:
            # The connection may be gone: giving it back may fail too.
            with contextlib.suppress(SQLAlchemyError):
                db.session.rollback()
            raise

    def _write_disk(self) -> None:
        if self.path is None or self.value is None or self.key is None:
            return
        data = json.dumps(self.source.to_disk(self.key, self.value), ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Written aside, then renamed: a reader never sees half a file.
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(data)
            os.replace(temporary, self.path)
        except OSError as error:
            log.warning("could not keep the %s on disk: %s", self.source.name, error)

    def _read_disk(self) -> None:
        if self.path is None:
            return
        try:
            key, value = self.source.from_disk(json.loads(self.path.read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("no usable %s on disk: %s", self.source.name, error)
            return
        with self.lock:
            if self.value is None:
                self.value, self.key = value, key
                log.warning("serving the %s kept on disk", self.source.name)


def _wait(check: Future[None], seconds: float) -> None:
    with contextlib.suppress(WaitedTooLong):
        check.result(timeout=seconds)
