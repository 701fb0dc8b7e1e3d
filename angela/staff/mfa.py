"""The `mfa` blueprint, "Sécurité du compte": each person sets up the second
step of their login there (an authenticator app reads a QR code, or the key
typed by hand, then a first code turns it on and ten recovery codes are
shown once), sees how many recovery codes remain, and turns it off.
Administrators are sent here until they set it up (`guard.require_second_step`)."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from angela.core import sealing, totp
from angela.core.vocab import Role
from angela.services import accounts, login_throttle, mfa
from angela.staff import templating
from angela.staff.forms import EnrolmentForm, SecondStepForm
from angela.staff.guard import (
    csrf_refused,
    open_session,
    require_chosen_password,
    require_login,
    role_required,
    throttle_limits,
)
from angela.staff.login import throttled_message

bp = Blueprint("mfa", __name__, url_prefix="/staff/security")
bp.register_error_handler(CSRFError, csrf_refused)
templating.install(bp)

# The secret being set up in this browser, sealed in the session cookie so
# that reloading the page keeps the QR code already scanned.
SETUP_KEY = "mfa_setup"
SETUP_SECONDS = 30 * 60
TURNED_OFF = "La double authentification est désactivée pour votre compte."


@bp.before_request
def _gate() -> ResponseReturnValue | None:
    # A session and a chosen password, but not the second-step gate: it leads here.
    return require_login() or require_chosen_password()


@bp.get("")
@role_required(Role.VIEWER)
def security() -> ResponseReturnValue:
    return _page()


@bp.post("/enable")
@role_required(Role.VIEWER)
def enable() -> ResponseReturnValue:
    """Turn the second step on with the first code, then show the recovery codes, once."""
    form = EnrolmentForm()
    if not form.validate_on_submit():
        return _page(enrol=form, status=422)
    try:
        codes = mfa.enable(current_user.id, _setup_secret(), form.code.data or "")
    except mfa.WrongCode as error:
        form.code.errors = [str(error)]
        return _page(enrol=form, status=422)
    except mfa.MfaError as error:
        flash(str(error), "info")
        return redirect(url_for(".security"))
    open_session(accounts.get_user(current_user.id))  # the others were ended
    return _no_store(render_template("auth/recovery_codes.html", codes=codes))


@bp.post("/disable")
@role_required(Role.VIEWER)
def disable() -> ResponseReturnValue:
    """Turn the second step off, with a code that shows the person has it;
    wrong codes count like wrong passwords."""
    form = SecondStepForm()
    if not form.validate_on_submit():
        return _page(off=form, status=422)
    if not login_throttle.admit(current_user.email, request.remote_addr or "-", throttle_limits()):
        form.code.errors = [throttled_message()]
        return _page(off=form, status=429)
    try:
        mfa.disable(current_user.id, form.code.data or "")
    except mfa.WrongCode as error:
        form.code.errors = [str(error)]
        return _page(off=form, status=422)
    except mfa.MfaError as error:
        flash(str(error), "info")
        return redirect(url_for(".security"))
    flash(TURNED_OFF, "success")
    return redirect(url_for(".security"))


def _page(
    enrol: EnrolmentForm | None = None, off: SecondStepForm | None = None, status: int = 200
) -> ResponseReturnValue:
    """The security page: how to set the second step up, or that it is on."""
    user = current_user
    if mfa.enabled(user):
        context = {"off_form": off or SecondStepForm(), "left": mfa.recovery_codes_left(user.id)}
    else:
        secret = _setup_secret()
        context = {
            "enrol_form": enrol or EnrolmentForm(),
            "qr": totp.qr_data_uri(totp.provisioning_uri(secret, user.email)),
            "key": totp.grouped(secret),
        }
    page = render_template(
        "auth/security.html", enabled=mfa.enabled(user), required=mfa.required(user),
        recovery_total=totp.RECOVERY_CODE_COUNT, **context,
    )  # fmt: skip
    return _no_store(page, status)


def _setup_secret() -> str:
    """Return the secret being set up in this browser; a new one when there
    is none, or it is older than SETUP_SECONDS."""
    key = current_app.config["SECRET_KEY"]
    sealed = session.get(SETUP_KEY)
    if isinstance(sealed, str):
        try:
            return sealing.unseal(key, sealing.Context.ENROLMENT, sealed, max_age=SETUP_SECONDS)
        except sealing.Unsealable:
            pass
    secret = totp.new_secret()
    session[SETUP_KEY] = sealing.seal(key, sealing.Context.ENROLMENT, secret)
    return secret


def _no_store(page: str, status: int = 200) -> ResponseReturnValue:
    """A response no cache keeps: it shows a secret or recovery codes."""
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response
