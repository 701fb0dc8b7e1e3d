"""Configuration read from the environment when the app is created."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from angela.core.i18n import N_
from angela.core.posters import check_public_url
from angela.core.visibility import CHECK_EVERY_MONTHS

DEFAULT_GEOCODER_URL = "https://data.geopf.fr/geocodage"
DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# Translated on the public pages when left as it is (a deploy's own is shown as set).
DEFAULT_TILE_ATTRIBUTION = N_(
    '© <a href="https://www.openstreetmap.org/copyright">contributeurs OpenStreetMap</a>'
)


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed; the message says which."""


def from_environment(instance_path: str, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the Flask settings taken from `ANGELA_*` variables.

    Raises ConfigurationError when a value is malformed. A missing secret
    key is left as None: commands run without one, serving does not
    (`require_secret_key`).
    """
    env = dict(os.environ if environ is None else environ)
    database_url = env.get("ANGELA_DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "angela.sqlite3")
    )
    secret_key: str | None = env.get("ANGELA_SECRET_KEY") or None
    if secret_key is None and env.get("ANGELA_ENV") == "development":
        secret_key = "development-only-" + os.urandom(16).hex()
    return {
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "TRAINING_VALID_MONTHS": _positive_int(env, "ANGELA_TRAINING_VALID_MONTHS", 24),
        # A public refuge whose details were not confirmed for this long is
        # listed on the dashboard ("Coordonnées vérifiées").
        "CHECK_EVERY_MONTHS": _positive_int(env, "ANGELA_CHECK_EVERY_MONTHS", CHECK_EVERY_MONTHS),
        "INDEX_POLL_SECONDS": _positive_float(env, "ANGELA_INDEX_POLL_SECONDS", 2.0),
        "GEOCODER_URL": env.get("ANGELA_GEOCODER_URL", DEFAULT_GEOCODER_URL),
        "TILE_URL": env.get("ANGELA_TILE_URL", DEFAULT_TILE_URL),
        "TILE_ATTRIBUTION": env.get("ANGELA_TILE_ATTRIBUTION", DEFAULT_TILE_ATTRIBUTION),
        "EXIT_URL": env.get("ANGELA_EXIT_URL", "https://www.google.fr/"),
        # The public site's address, for the QR codes of posters printed from
        # a staff server that may sit behind another host; none: this request's.
        "PUBLIC_URL": _public_url(env),
        # How many reverse proxies in front set X-Forwarded-For/-Proto/-Host.
        "TRUSTED_PROXIES": _count(env, "ANGELA_TRUSTED_PROXIES", 0),
        # Where the public copies (refuges, support list) are kept for a
        # process that starts while the database is down; none for a local try.
        "PUBLIC_COPY_DIR": env.get("ANGELA_PUBLIC_COPY_DIR")
        or (
            None
            if env.get("ANGELA_ENV") == "development"
            else str(Path(instance_path) / "public-copy")
        ),
        # The staff session cookie is never sent with public requests.
        "SESSION_COOKIE_PATH": "/staff",
        **_staff_settings(env),
        **_report_settings(env),
    }


def _report_settings(env: dict[str, str]) -> dict[str, Any]:
    """Settings of the street reports: how long a form's token lasts, and
    the throttle (per sender, per refuge, over a window)."""
    return {
        "REPORT_TOKEN_MAX_AGE": _positive_int(env, "ANGELA_REPORT_TOKEN_MAX_AGE", 2 * 60 * 60),
        "REPORTS_PER_SENDER": _positive_int(env, "ANGELA_REPORTS_PER_SENDER", 5),
        "REPORTS_PER_REFUGE": _positive_int(env, "ANGELA_REPORTS_PER_REFUGE", 5),
        "REPORT_WINDOW_MINUTES": _positive_int(env, "ANGELA_REPORT_WINDOW_MINUTES", 60),
    }


def _staff_settings(env: dict[str, str]) -> dict[str, Any]:
    """Settings of the staff face: sessions, login throttling, uploads, geocoder."""
    max_hours = _positive_int(env, "ANGELA_SESSION_MAX_HOURS", 12)
    return {
        "GEOCODER_TIMEOUT": _positive_float(env, "ANGELA_GEOCODER_TIMEOUT", 5.0),
        # The public address search, per process, for everyone together.
        "ADDRESS_SEARCHES_PER_SECOND": _positive_float(
            env, "ANGELA_ADDRESS_SEARCHES_PER_SECOND", 5.0
        ),
        "ADDRESS_SEARCH_BURST": _positive_int(env, "ANGELA_ADDRESS_SEARCH_BURST", 20),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure is also set per request when it arrives over HTTPS.
        "SESSION_COOKIE_SECURE": env.get("ANGELA_SECURE_COOKIES", "") in ("1", "true", "yes"),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=max_hours),
        "STAFF_SESSION_MAX_HOURS": max_hours,
        "STAFF_SESSION_IDLE_MINUTES": _positive_int(env, "ANGELA_SESSION_IDLE_MINUTES", 30),
        "LOGIN_MAX_FAILURES": _positive_int(env, "ANGELA_LOGIN_MAX_FAILURES", 5),
        "LOGIN_FAILURE_WINDOW_MINUTES": _positive_int(env, "ANGELA_LOGIN_WINDOW_MINUTES", 15),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # The token lives as long as the staff session, which has its own limits.
        "WTF_CSRF_TIME_LIMIT": None,
        # Over HTTPS Flask-WTF would also demand a Referer, which our pages
        # never send (Referrer-Policy: no-referrer): the token and the
        # SameSite cookie protect the forms.
        "WTF_CSRF_SSL_STRICT": False,
        "WTF_I18N_ENABLED": False,  # no Babel: the forms ask WTForms for French
    }


def require_secret_key(settings: Mapping[str, Any]) -> None:
    """Raise ConfigurationError unless the settings hold a secret key: the
    server signs staff sessions with it, so it must not serve without one."""
    if not settings.get("SECRET_KEY"):
        raise ConfigurationError(
            "ANGELA_SECRET_KEY must be set to serve the app "
            "(or ANGELA_ENV=development for a local try)."
        )


def normalise_database_url(url: str) -> str:
    """Return `url` with the psycopg 3 driver named for plain PostgreSQL URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _positive_int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < 1:
        raise ConfigurationError(f"{name} must be at least 1.")
    return value


def _public_url(env: dict[str, str]) -> str | None:
    raw = env.get("ANGELA_PUBLIC_URL", "").strip()
    if not raw:
        return None
    try:
        return check_public_url(raw)
    except ValueError as error:
        raise ConfigurationError(f"ANGELA_PUBLIC_URL: {error}, not {raw!r}.") from None


def _count(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) > 10:
        raise ConfigurationError(f"{name} must be a whole number from 0 to 10, not {raw!r}.")
    return int(raw)


def _positive_float(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number of seconds, not {raw!r}.") from None
    if not 0 <= value <= 3600:
        raise ConfigurationError(f"{name} must be between 0 and 3600 seconds.")
    return value


MIGRATIONS_DIRECTORY = str(Path(__file__).resolve().parent.parent / "migrations")
