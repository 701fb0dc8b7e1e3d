"""The `auth` blueprint: logging in and out of the staff face, changing
one's own password, the role check every staff view declares, the
provisional-password gate, and the session cookie's settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Request,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError

from angela import accounts, logins
from angela.extensions import login_manager
from angela.models import User
from angela.staff_forms import LoginForm, PasswordChangeForm

# Where the staff face lives: the only place with sessions.
STAFF_PREFIX = "/staff/"
bp = Blueprint("auth", __name__, url_prefix="/staff")

SESSION_TOKEN = "staff_token"  # noqa: S105 - the name of a session key
THROTTLED = "Trop de tentatives de connexion. Par sécurité, réessayez dans {minutes} minutes."
WRONG = "Adresse e-mail ou mot de passe incorrect."

CSRF_MESSAGE = (
    "Ce formulaire a expiré ou ne vient pas de cette page. Rechargez la page et recommencez."
)

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
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à l'espace équipe."
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)
    app.session_interface = _SessionInterface()
    app.register_blueprint(bp)


def limits() -> logins.Limits:
    config = current_app.config
    return logins.Limits(
        max_failures=config["LOGIN_MAX_FAILURES"],
        window=timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]),
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


def role_required(role: str) -> Callable[[View], View]:
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


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if current_user.is_authenticated:
        return redirect(url_for("staff.dashboard"))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    email, address = form.email.data or "", request.remote_addr or "-"
    if logins.is_throttled(email, address, limits()):
        return render_template("auth/login.html", form=form, error=_throttled()), 429
    user = accounts.authenticate(email, form.password.data or "")
    if user is None:
        logins.record_failure(email, address)
        return render_template("auth/login.html", form=form, error=WRONG), 200
    _open_session(user)
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/password", methods=["GET", "POST"])
@role_required("viewer")
def password_change() -> ResponseReturnValue:
    """Every role changes its own password here; a provisional one must be."""
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _password_page(form, 422 if form.errors else 200)
    email, address = current_user.email, request.remote_addr or "-"
    if logins.is_throttled(email, address, limits()):
        form.current_password.errors = [_throttled()]
        return _password_page(form, 429)
    try:
        user = accounts.change_password(
            current_user.id, form.current_password.data or "", form.new_password.data or ""
        )
    except accounts.WrongPassword as error:
        logins.record_failure(email, address)
        form.current_password.errors = [str(error)]
        return _password_page(form, 422)
    except accounts.AccountError as error:
        form.new_password.errors = [str(error)]
        return _password_page(form, 422)
    _open_session(user)  # a new session for this browser: the others are ended
    flash("Votre mot de passe est changé. Vos autres sessions sont fermées.", "success")
    return redirect(url_for("staff.dashboard"))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    token = session.get(SESSION_TOKEN)
    if token:
        logins.end_session(token)
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté·e.", "info")
    return redirect(url_for("auth.login"))


def csrf_refused(_error: CSRFError) -> ResponseReturnValue:
    return render_template("staff/error.html", title="Formulaire expiré", message=CSRF_MESSAGE), 400


bp.register_error_handler(CSRFError, csrf_refused)


def protect(staff_blueprint: Blueprint) -> None:
    """Guard every page of a staff blueprint: a session and a password chosen
    by its owner are needed (each view also declares its role), and an
    expired form gets the French page."""
    staff_blueprint.before_request(_logged_in)
    staff_blueprint.register_error_handler(CSRFError, csrf_refused)


def _logged_in() -> ResponseReturnValue | None:
    return require_login() or require_chosen_password()


def _open_session(user: User) -> None:
    token = logins.start_session(user)
    session.clear()
    session[SESSION_TOKEN] = token
    session.permanent = True
    login_user(user)


def _throttled() -> str:
    return THROTTLED.format(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def _password_page(form: PasswordChangeForm, status: int) -> ResponseReturnValue:
    return render_template("auth/password_change.html", form=form), status


def _load_user(user_id: str) -> User | None:
    token = session.get(SESSION_TOKEN)
    if not token:
        return None
    user = logins.resume_session(token, limits())
    if user is None or str(user.id) != user_id:
        session.pop(SESSION_TOKEN, None)
        return None
    return user


def _safe_next(target: str | None) -> str:
    # Only a path of this site's staff face: never an open redirect.
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/staff/"):
            return target
    return url_for("staff.dashboard")
