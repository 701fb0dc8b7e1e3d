"""The signed, time-limited token a street report carries instead of a
session CSRF token: public pages set no cookie, so the form proves it was
served by us, for this refuge, not long ago, by a signature over the
refuge id and the moment it was issued (itsdangerous, keyed with the app's
secret key under a salt of its own)."""

from __future__ import annotations

from typing import Any

from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from angela.core.i18n import N_, gettext

SALT = "angela.report-token"
# Long enough to read the form, type a few lines and walk out of a signal
# shadow; short enough that a harvested token is soon worthless.
DEFAULT_MAX_AGE = 2 * 60 * 60

EXPIRED = "token_expired"
INVALID = "token_invalid"
_MESSAGES = {
    EXPIRED: N_(
        "Le formulaire a expiré (il reste valable deux heures). "
        "Il vient d'être renouvelé : envoyez-le à nouveau."
    ),
    INVALID: N_(
        "Le formulaire n'a pas pu être vérifié. Il vient d'être renouvelé : envoyez-le à nouveau."
    ),
}


class TokenError(ValueError):
    """The token is refused: `code` is token_expired or token_invalid,
    `message` says in French what to do."""

    def __init__(self, code: str) -> None:
        super().__init__(_MESSAGES[code])
        self.code, self.message = code, gettext(_MESSAGES[code])


class _ClockedSigner(TimestampSigner):
    """A timestamp signer whose clock can be set, so that issuing and
    checking at a given moment are testable without touching time."""

    def __init__(self, *args: Any, now: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now

    def get_timestamp(self) -> int:
        return super().get_timestamp() if self.now is None else self.now


def _serializer(secret_key: str, now: float | None) -> URLSafeTimedSerializer:
    clock = None if now is None else int(now)
    return URLSafeTimedSerializer(
        secret_key, salt=SALT, signer=_ClockedSigner, signer_kwargs={"now": clock}
    )


def issue(secret_key: str, refuge_id: int, now: float | None = None) -> str:
    """Return a token for a report on `refuge_id`, issued now (or at the
    Unix time `now`)."""
    return _serializer(secret_key, now).dumps(refuge_id)


def check(
    secret_key: str, token: str, refuge_id: int, max_age: int, now: float | None = None
) -> None:
    """Return when `token` was issued for `refuge_id` at most `max_age`
    seconds ago; raise TokenError (token_expired, or token_invalid when
    forged, malformed or issued for another refuge)."""
    try:
        signed_for = _serializer(secret_key, now).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError(EXPIRED) from None
    except BadData:
        raise TokenError(INVALID) from None
    # A bool is an int to Python, but never a refuge id.
    if type(signed_for) is not int or signed_for != refuge_id:
        raise TokenError(INVALID)
