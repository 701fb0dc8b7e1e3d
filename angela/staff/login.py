"""The `auth` blueprint: logging in and out of the staff face (with the code
of the second step for accounts that have one), and changing one's own
password."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError

from angela.core.vocab import Role
from angela.models import User
from angela.services import accounts, login_throttle, mfa, sessions
from angela.staff import templating, two_step
from angela.staff.forms import LoginForm, PasswordChangeForm, SecondStepForm
from angela.staff.guard import (
    SESSION_TOKEN,
    STAFF_PREFIX,
    csrf_refused,
    open_session,
    role_required,
)
from angela.staff.guard import throttle_limits as limits

bp = Blueprint("auth", __name__, url_prefix="/staff")
bp.register_error_handler(CSRFError, csrf_refused)
templating.install(bp)

THROTTLED = "Trop de tentatives de connexion. Par sécurité, réessayez dans {minutes} minutes."
WRONG = "Adresse e-mail ou mot de passe incorrect."
EXPIRED = "La connexion a expiré : saisissez de nouveau votre adresse et votre mot de passe."
RECOVERY_USED = (
    "Vous vous êtes connecté·e avec un code de secours ; il ne servira plus. "
    "Il vous en reste {left}. Si vous avez perdu votre téléphone, désactivez puis réactivez "
    "la double authentification dans « Sécurité du compte »."
)
# Control characters (CR/LF would split the Location header), spaces and backslashes.
_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x20\x7f-\x9f\\]|\s")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if current_user.is_authenticated:
        return redirect(url_for("staff.dashboard"))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    # The attempt counts before the password is checked: a successful login forgets it.
    email, address = form.email.data or "", request.remote_addr or "-"
    if not login_throttle.admit(email, address, limits()):
        return render_template("auth/login.html", form=form, error=throttled_message()), 429
    user = accounts.authenticate(email, form.password.data or "")
    if user is None:
        return render_template("auth/login.html", form=form, error=WRONG), 200
    target = _safe_next(request.args.get("next"))
    if mfa.enabled(user):
        # The failed attempts are forgotten only once the code is right too.
        two_step.begin(user.id, target)
        return redirect(url_for("auth.login_code"))
    open_session(user)
    return redirect(target)


@bp.route("/login/code", methods=["GET", "POST"])
def login_code() -> ResponseReturnValue:
    """The second step: the code of the app, or a recovery code, counted
    like a password by the throttle; only then is the session opened."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.dashboard"))
    awaited = two_step.waiting()
    user = _awaiting_user(awaited)
    if awaited is None or user is None:
        two_step.end()
        if awaited is not None:
            flash(EXPIRED, "info")
        return redirect(url_for("auth.login"))
    form = SecondStepForm()
    if not form.validate_on_submit():
        return _code_page(form, 422 if form.errors else 200)
    if not login_throttle.admit(user.email, request.remote_addr or "-", limits()):
        return _code_page(form, 429, throttled_message())
    verified = mfa.verify(user.id, form.code.data or "")
    if verified is None:
        return _code_page(form, 422, mfa.WRONG_CODE)
    open_session(user)
    if verified.by_recovery_code:
        flash(RECOVERY_USED.format(left=verified.recovery_codes_left), "info")
    return redirect(awaited.next_url)


@bp.route("/password", methods=["GET", "POST"])
@role_required(Role.VIEWER)
def password_change() -> ResponseReturnValue:
    """Every role changes its own password here; a provisional one must be."""
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _password_page(form, 422 if form.errors else 200)
    email, address = current_user.email, request.remote_addr or "-"
    if not login_throttle.admit(email, address, limits()):
        form.current_password.errors = [throttled_message()]
        return _password_page(form, 429)
    try:
        user = accounts.change_password(
            current_user.id, form.current_password.data or "", form.new_password.data or ""
        )
    except accounts.WrongPassword as error:
        form.current_password.errors = [str(error)]
        return _password_page(form, 422)
    except accounts.AccountError as error:
        form.new_password.errors = [str(error)]
        return _password_page(form, 422)
    open_session(user)  # a new session for this browser: the others are ended
    flash("Votre mot de passe est changé. Vos autres sessions sont fermées.", "success")
    return redirect(url_for("staff.dashboard"))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    token = session.get(SESSION_TOKEN)
    if token:
        sessions.end_session(token)
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté·e.", "info")
    return redirect(url_for("auth.login"))


def throttled_message() -> str:
    """The refusal of a throttled attempt (a password or a code), in French."""
    return THROTTLED.format(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def _awaiting_user(awaited: two_step.Waiting | None) -> User | None:
    """Return the active account whose code is awaited in time, else None."""
    if awaited is None or awaited.expired:
        return None
    try:
        user = accounts.get_user(awaited.user_id)
    except LookupError:
        return None
    return user if user.active else None


def _code_page(form: SecondStepForm, status: int, error: str = "") -> ResponseReturnValue:
    if error:
        form.code.errors = [error]
    return render_template("auth/login_code.html", form=form), status


def _password_page(form: PasswordChangeForm, status: int) -> ResponseReturnValue:
    return render_template("auth/password_change.html", form=form), status


def _safe_next(target: str | None) -> str:
    """Return `target` when it is a plain path of this site's staff face,
    else the dashboard: never an open redirect, never a header broken by a
    line break, a backslash (read as a slash by browsers) or a space."""
    if target and target.startswith(STAFF_PREFIX) and not _UNSAFE_IN_NEXT.search(target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith(STAFF_PREFIX):
            return target
    return url_for("staff.dashboard")
