"""The second factor of a staff login: time-based one-time codes (TOTP,
RFC 6238: 6 digits, a new one every 30 seconds, as every authenticator app
makes them) and single-use recovery codes for a lost phone.

A code is accepted for the current 30-second step and the one either side
(a phone's clock drifts, a person types slowly), and only for a step later
than the last one accepted for the account, so that a code seen over a
shoulder cannot be used again.
"""

from __future__ import annotations

import re
import secrets
import time

import pyotp
import segno
from pyotp.utils import strings_equal

ISSUER = "Où est Angela ?"
DIGITS = 6
STEP_SECONDS = 30
WINDOW = 1  # steps accepted either side of the current one
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code copied by hand is read back without doubt.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10  # about 50 bits; shown as two groups of five
_SEPARATORS = re.compile(r"[\s\-‐‑–—]+")


def new_secret() -> str:
    """Return a new random secret: 160 bits, in base 32 (32 letters and digits)."""
    return pyotp.random_base32()


def grouped(secret: str) -> str:
    """Return the secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def provisioning_uri(secret: str, account: str) -> str:
    """Return the `otpauth://` address an app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=ISSUER
    )


def qr_data_uri(uri: str) -> str:
    """Return a QR code of `uri` as an SVG `data:` address for an <img>: black
    on white whatever the page's colours, with no style attribute (the
    staff pages' CSP allows none)."""
    code = segno.make(uri, error="m", micro=False)
    return code.svg_data_uri(scale=5, border=4, dark="#000", light="#fff")  # type: ignore[no-any-return]


def step_at(moment: float) -> int:
    """Return the 30-second step a Unix time falls in."""
    return int(moment // STEP_SECONDS)


def matching_step(
    secret: str, code: str, after_step: int | None, now: float | None = None
) -> int | None:
    """Return the step whose code `code` is, among the current one and one
    either side, when that step is later than `after_step`; else None."""
    if not is_totp_code(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = step_at(time.time() if now is None else now)
    found = None
    for step in range(current - WINDOW, current + WINDOW + 1):
        # Every step is compared, in constant time: the answer's delay says nothing.
        later = after_step is None or step > after_step
        if strings_equal(code, totp.generate_otp(step)) and later:
            found = step
    return found


def code_at(secret: str, moment: float) -> str:
    """Return the code an app shows at a Unix time (for tests and checks)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(moment)


def normalise(code: str) -> str:
    """Return a typed code without spaces or dashes, in lower case: "123 456"
    and "ABCDE-FGHJK" are read as typed by most people."""
    return _SEPARATORS.sub("", code).lower()


def is_totp_code(code: str) -> bool:
    """Whether a normalised code has the shape of an app's code (6 digits)."""
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Return `count` new random recovery codes, normalised (no dash)."""
    return [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(count)
    ]


def shown(recovery_code: str) -> str:
    """Return a recovery code as people read it: two groups of five."""
    half = len(recovery_code) // 2
    return f"{recovery_code[:half]}-{recovery_code[half:]}"
