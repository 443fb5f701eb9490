"""The admin pages (issue 26), under /desk/admin: admins only; staff and customer-side
logins get the not-found page. One page lists everything; each form posts to one action."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..domain import errors
from ..domain.model import Role
from ..services import desk_admin
from . import context
from .context import login_required, uow

bp = Blueprint("desk_admin", __name__, url_prefix="/desk/admin")
admins_only = login_required(Role.ADMIN)
FORM_ERRORS = (errors.InvalidArgument, errors.MissingField, errors.UnknownReference,
               errors.AlreadyExists)


def _page(status: int = 200, **extra):
    found = desk_admin.overview(uow(), context.principal())
    return render_template("desk/admin.html", o=found, stages=desk_admin.STAGES,
                           roles=list(Role), field_states=desk_admin.FIELD_STATES,
                           **extra), status


@bp.route("/")
@admins_only
def index():
    return _page()


def _text(name: str) -> str:
    return request.form.get(name, "").strip()


def _flag(name: str) -> bool:
    return request.form.get(name) == "1"


def _role(raw: str) -> Role:
    try:
        return Role(raw)
    except ValueError:
        raise errors.InvalidArgument("Choose a role.", field="role") from None


#: action -> (anchor on the page, what it does). Each reads its own fields.
ACTIONS = {
    "add-customer": ("customers", lambda who: desk_admin.add_customer(
        uow(), who, _text("number"), _text("name"))),
    "add-organisation": ("customers", lambda who: desk_admin.add_organisation(
        uow(), who, _text("name"))),
    "customer-organisation": ("customers", lambda who: desk_admin.set_customer_organisation(
        uow(), who, _text("number"), _text("organisation"))),
    "portal": ("portals", lambda who: desk_admin.set_portal_active(
        uow(), who, _flag("active"), customer_number=_text("customer") or None,
        organisation=_text("organisation") or None)),
    "invite": ("logins", lambda who: desk_admin.invite(
        uow(), who, _text("customer"), _text("email"), context.runtime().public_url)),
    "unlock": ("logins", lambda who: desk_admin.unlock(uow(), who, _text("login"))),
    "active": ("logins", lambda who: desk_admin.set_active(
        uow(), who, _text("login"), _flag("active"))),
    "role": ("logins", lambda who: desk_admin.set_role(
        uow(), who, _text("login"), _role(_text("role")))),
    "technician-customers": ("technicians", lambda who: desk_admin.set_technician_customers(
        uow(), who, _text("login"), request.form.getlist("customers"))),
    "add-status": ("statuses", lambda who: desk_admin.add_status(
        uow(), who, _text("code"), _text("name"), _text("stage"), _flag("result_visible"),
        _flag("is_final"))),
    "status-flags": ("statuses", lambda who: desk_admin.set_status_flags(
        uow(), who, _text("code"), _text("stage"), _flag("result_visible"),
        _flag("is_final"))),
    "request-field": ("request-types", lambda who: desk_admin.set_request_field(
        uow(), who, _text("category"), _text("field"), _text("state"), _text("label"),
        _text("max_length"))),
    "request-reset": ("request-types", lambda who: desk_admin.reset_request_type(
        uow(), who, _text("category"))),
    "setting": ("settings", lambda who: desk_admin.set_setting(
        uow(), who, _text("key"), request.form.get("value", ""))),
}


@bp.route("/<action>", methods=["POST"])
@admins_only
def act(action: str):
    if action not in ACTIONS:
        abort(404)
    anchor, run = ACTIONS[action]
    try:
        run(context.principal())
    except FORM_ERRORS as exc:
        uow().rollback()
        return _page(400, error=exc.message, error_at=anchor)
    flash(_("Saved."))
    return redirect(url_for("desk_admin.index") + "#" + anchor)
