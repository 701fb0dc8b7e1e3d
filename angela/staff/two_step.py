"""The half-logged-in state between a right password and the code of an
account with a second step: the account and where to go next, kept in the
signed session cookie for a few minutes. It opens no server-side session
and logs no one in, so every staff page still sends the browser to the
login page; only the code page (and logout) read it."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import session

KEY = "two_step"
LIFETIME_SECONDS = 5 * 60


@dataclass(frozen=True)
class Waiting:
    """A password was right; the code is awaited."""

    user_id: int
    next_url: str
    expired: bool


def begin(user_id: int, next_url: str) -> None:
    """Forget anything the browser's session held and await the account's code."""
    session.clear()
    session[KEY] = {"user": user_id, "since": int(time.time()), "next": next_url}


def waiting(now: float | None = None) -> Waiting | None:
    """Return the login awaiting its code in this browser, None when there is none."""
    state = session.get(KEY)
    if not isinstance(state, dict):
        return None
    try:
        user_id, since, next_url = int(state["user"]), int(state["since"]), str(state["next"])
    except (KeyError, TypeError, ValueError):
        return None
    age = (time.time() if now is None else now) - since
    return Waiting(user_id=user_id, next_url=next_url, expired=not 0 <= age <= LIFETIME_SECONDS)


def end() -> None:
    session.pop(KEY, None)
