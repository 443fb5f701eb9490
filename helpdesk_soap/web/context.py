"""What a web request has: one unit of work, the logged-in principal, and the one place
where domain errors become pages."""

from __future__ import annotations

import functools
import logging

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from ..domain import errors
from ..domain.model import Principal, Role
from ..services import auth

log = logging.getLogger(__name__)

CUSTOMER_SIDE = (Role.CUSTOMER, Role.INTEGRATION)
STAFF_SIDE = (Role.STAFF, Role.ADMIN)
#: The session cookie's key for the token from auth.open_session.
TOKEN = "token"


def runtime():
    return current_app.extensions["helpdesk.runtime"]


def uow():
    """The request's unit of work (soap/app.py Runtime), opened on first use and closed
    when the request ends; a service commits only on success."""
    if "uow" not in g:
        unit = runtime().unit_of_work()
        g.uow = unit.__enter__()
    return g.uow


def close_uow(exc=None) -> None:
    unit = g.pop("uow", None)
    if unit is not None:
        unit.__exit__(None, None, None)


def principal() -> Principal | None:
    """The logged-in principal, checked against the store on every request (idle timeout,
    logout and password changes end the session), or None."""
    if "principal" not in g:
        g.principal = None
        token = session.get(TOKEN)
        if token:
            try:
                g.principal = auth.authenticate_session(uow(), token)
            except errors.SessionExpired:
                session.clear()
    return g.principal


def login_required(*roles: Role):
    """Only for a logged-in principal of one of ``roles``; anyone else of the other side gets
    the not-found page, as for a page that does not exist. A customer-side login whose portal
    is inactive gets nothing but "service unavailable"."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            who = principal()
            if who is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if who.role not in roles:
                abort(404)
            auth.check_portal(uow(), who)
            return view(*args, **kwargs)
        return wrapped
    return decorate


def landing(who: Principal) -> str:
    return url_for("desk.home") if who.role in STAFF_SIDE else url_for("portal.overview")


#: Domain errors that mean "there is nothing for you here": one page for all of them.
NOT_FOUND = (errors.CallNotFound, errors.AttachmentNotFound, errors.AccessDenied)


def message(exc: errors.DomainError) -> str:
    """A domain error as a sentence for a form, in the page's language where we know it."""
    known = {
        errors.AuthenticationFailed: _("Login failed. Check your login and password."),
        errors.ServiceUnavailable: _("Service unavailable. Sorry for the inconvenience."),
        errors.CallClosed: _("The call is closed; open a new call instead."),
        errors.NoSolutionProposed: _("No solution is proposed for this call."),
        errors.SolutionAlreadyAnswered: _("The proposed solution was already answered."),
        errors.AttachmentTooLarge: _("The file is larger than the allowed size."),
        errors.ContentTypeNotAllowed: _("Files of this type are not accepted."),
        errors.TokenInvalid: _("This link is unknown, expired or already used."),
        errors.StoreUnavailable: _("The helpdesk is busy; please try again in a moment."),
    }
    for kind, text in known.items():
        if isinstance(exc, kind):
            return text
    if isinstance(exc, (errors.InvalidArgument, errors.MissingField)):
        return exc.message  # names the field and the rule; the services speak English
    return _("The request could not be completed.")


def domain_error_page(exc: errors.DomainError):
    """Errors a view did not turn into a form message."""
    if isinstance(exc, NOT_FOUND):
        return render_template("error.html", title=_("Not found"),
                               text=_("There is no such page, or it is not yours to see.")), 404
    if isinstance(exc, errors.SessionExpired):
        session.clear()
        return redirect(url_for("auth.login"))
    if isinstance(exc, errors.ServiceUnavailable):
        session.clear()
        return render_template("error.html", title=_("Service unavailable"),
                               text=_("Service unavailable. Sorry for the inconvenience.")), 503
    if isinstance(exc, errors.TokenInvalid):
        return render_template("auth/token_invalid.html"), 404
    if isinstance(exc, errors.StoreUnavailable):
        return render_template("error.html", title=_("Busy"), text=message(exc)), 503
    if exc.code.startswith("Client."):
        return render_template("error.html", title=_("Not possible"), text=message(exc)), 400
    log.error("web request failed: %s: %s", exc.code, exc.message)
    return render_template("error.html", title=_("Something went wrong"),
                           text=_("The request could not be completed.")), 500
