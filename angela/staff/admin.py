"""The `admin` blueprint: staff accounts and the audit log (admins only)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from angela.core.schema import MAX_ID
from angela.core.vocab import AuditAction, Role
from angela.services import accounts, audit
from angela.staff import templating
from angela.staff.forms import PasswordResetForm, UserCreateForm, UserEditForm
from angela.staff.guard import protect, role_required

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")
protect(bp)
templating.install(bp)


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit_list() -> ResponseReturnValue:
    args = request.args
    chosen = audit.AuditFilter(
        action=_action(args.get("action", "")),
        actor_id=_id(args.get("actor", type=int)),
        merchant_id=_id(args.get("merchant", type=int)),
        page=min(max(args.get("page", 1, type=int) or 1, 1), MAX_ID),
    )
    rows, pages = audit.events(chosen)
    return render_template(
        "admin/audit_list.html", rows=rows, pages=pages, chosen=chosen,
        actions=AuditAction.labels(), actors=audit.actors(),
    )  # fmt: skip


def _id(value: int | None) -> int | None:
    """Return an id filter as given; one no row can have becomes -1, which
    matches nothing (and never reaches the database as an overflow)."""
    return value if value is None or 0 < value <= MAX_ID else -1


@bp.route("/users", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_list() -> ResponseReturnValue:
    form = UserCreateForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.email.data or "", form.password.data or "", form.role.data or "",
                current_user, provisional=True,
            )  # fmt: skip
        except accounts.AccountError as error:
            form.email.errors = [*form.email.errors, str(error)]
            status = 422
        else:
            flash(
                f"Compte créé pour {user.email} ({Role.of(user.role).label}). Son mot de passe est "
                "provisoire : il lui sera demandé d'en choisir un à sa première connexion.",
                "success",
            )
            return redirect(url_for("admin.user_list"))
    elif form.errors:
        status = 422
    users = accounts.list_users()
    edit_forms = {
        u.id: UserEditForm(formdata=None, prefix=f"u{u.id}", role=u.role, active=u.active)
        for u in users
    }
    reset_forms = {u.id: PasswordResetForm(formdata=None, prefix=f"p{u.id}") for u in users}
    return render_template(
        "admin/user_list.html", form=form, users=users, edit_forms=edit_forms,
        reset_forms=reset_forms,
    ), status  # fmt: skip


@bp.post("/users/<int:user_id>")
@role_required(Role.ADMIN)
def user_update(user_id: int) -> ResponseReturnValue:
    form = UserEditForm(prefix=f"u{user_id}")
    if not form.validate():
        abort(400)
    try:
        user = accounts.update_user(
            user_id, form.role.data or "", bool(form.active.data), current_user
        )
    except LookupError:
        abort(404)
    except accounts.AccountError as error:
        flash(str(error), "error")
    else:
        state = "actif" if user.active else "désactivé (ses sessions sont fermées)"
        flash(f"{user.email} : {Role.of(user.role).label}, {state}.", "success")
    return redirect(url_for("admin.user_list"))


@bp.post("/users/<int:user_id>/password")
@role_required(Role.ADMIN)
def user_password_reset(user_id: int) -> ResponseReturnValue:
    """Give someone a provisional password (said to them in person)."""
    form = PasswordResetForm(prefix=f"p{user_id}")
    if not form.validate():
        flash(f"Mot de passe non changé : {' '.join(form.password.errors)}", "error")
        return redirect(url_for("admin.user_list"))
    try:
        user = accounts.reset_password(user_id, form.password.data or "", current_user)
    except LookupError:
        abort(404)
    except accounts.AccountError as error:
        flash(str(error), "error")
    else:
        flash(
            f"Mot de passe provisoire enregistré pour {user.email} : ses sessions sont fermées "
            "et il lui sera demandé d'en choisir un à sa prochaine connexion.",
            "success",
        )
    return redirect(url_for("admin.user_list"))


def _action(code: str) -> AuditAction | None:
    return AuditAction.of(code) if code in AuditAction.codes() else None
