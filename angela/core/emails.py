"""Staff e-mail addresses: the one form under which an address is stored,
looked up and throttled, so that `victim@cidff77.ｆｒ` (full-width letters),
`VICTIM@cidff77.fr` and ` victim@cidff77.fr ` are one account, with one
count of failed logins."""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

# RFC 5321: an address longer than this cannot be delivered, nor stored.
MAX_LENGTH = 254


class InvalidEmail(ValueError):
    """The text is not an e-mail address."""


def fold(text: str) -> str:
    """Return `text` compatibility-normalised (NFKC), case-folded and
    stripped: the comparison form of any address, valid or not."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return folded.strip()


def canonical(text: str) -> str:
    """Return the canonical form of an address (folded, then normalised as
    `email_validator` does: quoting, domain); raise InvalidEmail when it is not one."""
    try:
        normalised = validate_email(fold(text), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise InvalidEmail(str(error)) from None
    return fold(normalised)


def key(text: str) -> str:
    """Return the form an address is counted under: the canonical form when
    valid (the account it logs in to), else the folded text; never longer
    than an address can be."""
    try:
        return canonical(text)[:MAX_LENGTH]
    except InvalidEmail:
        return fold(text)[:MAX_LENGTH]
