"""The guard of the staff face: the session cookie that exists only under
/staff/, the login it resumes, the role each view declares, the
provisional-password gate, the gate that sends an administrator without a
second step to set one up, and the French pages for an expired form, a
refused access and a missing page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    Flask,
    Request,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user
from flask_wtf.csrf import CSRFError

from angela.core.vocab import Role
from angela.extensions import login_manager
from angela.models import User
from angela.services import accounts, mfa, sessions
from angela.services.login_throttle import ThrottleLimits

# Where the staff face lives: the only place with sessions.
STAFF_PREFIX = "/staff/"
SESSION_TOKEN = "staff_token"  # noqa: S105 - the name of a session key
CSRF_MESSAGE = (
    "Ce formulaire a expiré ou ne vient pas de cette page. Rechargez la page et recommencez."
)

# The staff pages of refused and missing addresses, whichever blueprint (or
# none) the address belongs to: what happened, and what to do (errors.py
# renders them).
STAFF_ERRORS = {
    400: (
        "Demande incomplète",
        "Cette demande est incomplète ou ne vient pas de cette page. "
        "Revenez à la page précédente, rechargez-la et recommencez.",
    ),
    403: (
        "Accès refusé",
        "Votre rôle ne permet pas d'ouvrir cette page ni de faire cette action. "
        "Si vous en avez besoin pour votre travail, demandez à un administrateur du CIDFF.",
    ),
    404: (
        "Page introuvable",
        "Cette page n'existe pas, ou plus : le lien est peut-être ancien ou mal recopié, "
        "ou la fiche a été supprimée. Retrouvez-la depuis la liste des commerçants.",
    ),
    405: (
        "Action impossible",
        "Cette adresse ne s'utilise pas ainsi. Revenez à la page précédente.",
    ),
}

View = TypeVar("View", bound=Callable[..., Any])


class _SessionInterface(SecureCookieSessionInterface):
    """The Flask cookie, for the staff face only, marked Secure whenever the
    request came over HTTPS. Public pages and the API never read or write a
    session: nothing ties a visitor's requests together, and their responses
    do not vary by cookie."""

    def open_session(self, app: Flask, incoming: Request) -> SecureCookieSession | None:
        if not incoming.path.startswith(STAFF_PREFIX):
            return None  # Flask then uses a null session, never saved
        return super().open_session(app, incoming)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    """Give the app the staff session cookie and the login manager."""
    # Flask-Login's own context processor loads the user for every page,
    # even the outage page a database error renders (which then fails too):
    # templates get the lazy proxy instead, loaded only where it is used.
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à l'espace équipe."
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)
    app.session_interface = _SessionInterface()


def throttle_limits() -> ThrottleLimits:
    config = current_app.config
    return ThrottleLimits(
        max_failures=config["LOGIN_MAX_FAILURES"],
        window=timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]),
    )


def session_limits() -> sessions.SessionLimits:
    config = current_app.config
    return sessions.SessionLimits(
        idle=timedelta(minutes=config["STAFF_SESSION_IDLE_MINUTES"]),
        max_age=timedelta(hours=config["STAFF_SESSION_MAX_HOURS"]),
    )


def require_login() -> ResponseReturnValue | None:
    """Return the way to the login page for anonymous visitors, else None."""
    if current_user.is_authenticated:
        return None
    return login_manager.unauthorized()  # type: ignore[no-any-return]


def require_chosen_password() -> ResponseReturnValue | None:
    """Return the way to the password page while the logged-in account's
    password is provisional, else None."""
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.password_change"))
    return None


def require_second_step() -> ResponseReturnValue | None:
    """Return the way to the account security page while the logged-in
    account's role needs a second step it has not set up, else None."""
    if current_user.is_authenticated and mfa.must_enrol(current_user):
        return redirect(url_for("mfa.security"))
    return None


def role_required(role: Role) -> Callable[[View], View]:
    """Decorate a view: anonymous visitors go to the login page, accounts
    below `role` get 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return require_login()
            if not accounts.may(current_user.role, role):
                abort(403)
            return view(*args, **kwargs)

        return cast(View, wrapped)

    return decorate


def csrf_refused(_error: CSRFError) -> ResponseReturnValue:
    return render_template("staff/error.html", title="Formulaire expiré", message=CSRF_MESSAGE), 400


def protect(staff_blueprint: Blueprint) -> None:
    """Guard every page of a staff blueprint: a session, a password chosen
    by its owner and, for an administrator, a second step are needed (each
    view also declares its role), and an expired form gets the French page."""
    staff_blueprint.before_request(_logged_in)
    staff_blueprint.register_error_handler(CSRFError, csrf_refused)


def open_session(user: User) -> None:
    """Log the user in on this browser, with a new server-side session;
    expired sessions and old failed logins are forgotten on the way."""
    sessions.purge(session_limits(), throttle_limits().window)
    token = sessions.start_session(user)
    session.clear()
    session[SESSION_TOKEN] = token
    session.permanent = True
    login_user(user)


def _logged_in() -> ResponseReturnValue | None:
    return require_login() or require_chosen_password() or require_second_step()


def _load_user(user_id: str) -> User | None:
    token = session.get(SESSION_TOKEN)
    if not token:
        return None
    user = sessions.resume_session(token, session_limits())
    if user is None or str(user.id) != user_id:
        session.pop(SESSION_TOKEN, None)
        return None
    return user
