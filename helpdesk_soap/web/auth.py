"""Login, logout, password change, and the one-time links we mail (activation, reset)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from ..domain import errors
from ..services import auth, tokens
from . import context
from .context import CUSTOMER_SIDE, STAFF_SIDE, login_required, uow

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site, never another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        who = context.principal()
        if who is not None:
            return redirect(context.landing(who))
        return render_template("auth/login.html")
    identifier = request.form.get("identifier", "").strip()
    try:
        who, grant = auth.open_session(uow(), context.runtime().verifier, identifier,
                                       request.form.get("password", ""))
    except errors.ServiceUnavailable:
        return render_template("error.html", title=_("Service unavailable"),
                               text=_("Service unavailable. Sorry for the inconvenience.")), 503
    except errors.DomainError as exc:
        return render_template("auth/login.html", error=context.message(exc),
                               identifier=identifier), 401
    old = session.get(context.TOKEN)
    if old:
        auth.close_session(uow(), old)
    session.clear()  # a fresh cookie, with a fresh token: nothing survives from before
    session[context.TOKEN] = grant.token
    target = _safe_next(request.args.get("next"))
    if target is None or (who.role not in STAFF_SIDE and target.startswith("/desk")):
        target = context.landing(who)
    return redirect(target)


@bp.route("/logout", methods=["POST"])
def logout():
    auth.close_session(uow(), session.get(context.TOKEN))
    session.clear()
    flash(_("You are logged out."))
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required(*CUSTOMER_SIDE, *STAFF_SIDE)
def change_password():
    if request.method == "GET":
        return render_template("auth/password.html")
    new = request.form.get("new", "")
    if new != request.form.get("repeat", ""):
        return render_template("auth/password.html", error=_("The new passwords differ.")), 400
    try:
        auth.change_password(uow(), context.runtime().verifier, context.principal(),
                             request.form.get("old", ""), new, session.get(context.TOKEN))
    except errors.AuthenticationFailed:
        return render_template("auth/password.html",
                               error=_("The current password is not right.")), 400
    except errors.DomainError as exc:
        return render_template("auth/password.html", error=context.message(exc)), 400
    flash(_("Your password is changed."))
    return redirect(context.landing(context.principal()))


@bp.route("/activate", methods=["GET", "POST"])
def activate():
    """Both mailed links: an invitation (choose a login name and password) and a reset."""
    token = request.values.get("token", "")
    purpose = tokens.purpose_of(uow(), token)  # TokenInvalid: the clear "link used" page
    if request.method == "GET":
        return render_template("auth/activate.html", token=token, purpose=purpose)
    password = request.form.get("password", "")
    login_name = request.form.get("login_name", "").strip() if purpose == tokens.INVITE else None
    if password != request.form.get("repeat", ""):
        return render_template("auth/activate.html", token=token, purpose=purpose,
                               login_name=login_name, error=_("The passwords differ.")), 400
    try:
        name = tokens.activate(uow(), token, login_name, password)
    except errors.TokenInvalid:
        raise
    except errors.DomainError as exc:
        return render_template("auth/activate.html", token=token, purpose=purpose,
                               login_name=login_name, error=context.message(exc)), 400
    flash(_("Done. Log in with your new password."))
    return redirect(url_for("auth.login", name=name))


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    if request.method == "GET":
        return render_template("auth/reset.html")
    tokens.request_password_reset(uow(), request.form.get("identifier", ""),
                                  public_url=context.runtime().public_url)
    # The same answer whether or not the login exists.
    return render_template("auth/reset_sent.html")
