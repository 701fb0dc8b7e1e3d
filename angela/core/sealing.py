"""Sealing small secrets with the app's secret key, so that a copy of the
database (or of a session cookie) alone does not give them away.

Each use names its own context: the key of one context is derived from the
secret key with HKDF-SHA-256 and opens nothing sealed under another. The
seal is Fernet (AES-128-CBC with an HMAC-SHA-256), which also dates it, so
that a reader may refuse one that is too old. Changing the secret key makes
every sealed value unreadable.
"""

from __future__ import annotations

import base64
from enum import StrEnum
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class Context(StrEnum):
    """What a sealed value is for; part of its key."""

    # An account's authenticator secret, at rest.
    TOTP_SECRET = "angela/totp-secret/v1"  # noqa: S105 - the name of a context
    # A secret being set up, in the session cookie.
    ENROLMENT = "angela/totp-enrolment/v1"


class Unsealable(ValueError):
    """The value was not sealed with this key and context, was altered, or is too old."""


def seal(secret_key: str, context: Context, plaintext: str) -> str:
    """Return `plaintext` sealed under the key of `secret_key` and `context`."""
    return _fernet(secret_key, context).encrypt(plaintext.encode()).decode("ascii")


def unseal(secret_key: str, context: Context, sealed: str, max_age: int | None = None) -> str:
    """Return the plaintext of `sealed`; raise Unsealable when it cannot be
    opened with this key and context, or was sealed more than `max_age`
    seconds ago."""
    try:
        return _fernet(secret_key, context).decrypt(sealed.encode(), ttl=max_age).decode()
    except (InvalidToken, UnicodeError) as error:
        raise Unsealable(context.value) from error


@cache
def _fernet(secret_key: str, context: Context) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=context.value.encode()
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))
