"""The staff desk (issue 26): the queue, the call view and its forms, the technician's own
availability and notifications. Views read the form, call one services function, and
render or redirect; customer-side logins get the not-found page on every desk URL."""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _, lazy_gettext

from ..domain import errors
from ..domain.desk import NotifyEvent
from ..services import attachments, desk
from ..services.staff_notify import CHANNELS
from . import context, desk_forms
from .context import STAFF_SIDE, login_required, uow
from .helpers import progress

bp = Blueprint("desk", __name__, url_prefix="/desk")
staff_only = login_required(*STAFF_SIDE)
#: What a desk form turns into a message on the call view instead of an error page.
FORM_ERRORS = (errors.InvalidArgument, errors.MissingField, errors.UnknownReference,
               errors.CallClosed, errors.CallChanged, errors.AttachmentTooLarge,
               errors.ContentTypeNotAllowed)


@bp.route("/")
@staff_only
def home():
    """The queue."""
    statuses = uow().statuses.list()
    try:
        where = desk_forms.queue_filter(request.args)
        page = desk.queue(uow(), context.principal(), where, request.args.get("cursor"))
    except errors.InvalidArgument as exc:
        return render_template("desk/queue.html", page=None, statuses=statuses,
                               error=context.message(exc)), 400
    return render_template("desk/queue.html", page=page, statuses=statuses,
                           status_names={s.code: s.name for s in statuses})


def _detail(call_id: int, status: int = 200, **extra):
    found = desk.open_call(uow(), context.principal(), call_id)
    return render_template("desk/call.html", d=found, v=found.view, call=found.view.call,
                           steps=progress(found.view.status.stage), **extra), status


def _message(exc: errors.DomainError) -> str:
    if isinstance(exc, errors.CallChanged):
        return _("Someone else changed this call while you were editing it; here is its "
                 "current state. Check it and send your change again.")
    if isinstance(exc, errors.UnknownReference):
        return exc.message
    return context.message(exc)


def _change(call_id: int, anchor: str, done: str, action):
    """Run one change; on a form error, the call view again with the message at ``anchor``."""
    try:
        action()
    except FORM_ERRORS as exc:
        uow().rollback()  # nothing of a refused change stays, whatever the service had read
        code = 409 if isinstance(exc, errors.CallChanged) else 400
        return _detail(call_id, code, form_error=_message(exc), error_at=anchor,
                       form=request.form)
    flash(done)
    return redirect(url_for("desk.call", call_id=call_id) + "#" + anchor)


@bp.route("/calls/<int:call_id>")
@staff_only
def call(call_id: int):
    return _detail(call_id)


@bp.route("/calls/<int:call_id>/entry", methods=["POST"])
@staff_only
def entry(call_id: int):
    form = request.form
    return _change(call_id, "updates", _("The entry is added."), lambda: desk.add_entry(
        uow(), context.principal(), call_id, form.get("text", ""), **desk_forms.entry(form)))


def _field(name: str):
    """Reads one text field of the form ("" when it is missing)."""
    return lambda form: form.get(name, "")


#: The call view's forms that make one change with values read from the form: the URL's
#: last part (also the view's name), the anchor the answer returns to, what is flashed, the
#: desk service, and how each of its values after the call's id is read.
FORM_CHANGES = (
    ("status", "general", lazy_gettext("The status is changed."), desk.set_status,
     desk_forms.version, _field("status")),
    ("visibility", "visibility", lazy_gettext("The visibility is changed."), desk.set_visibility,
     desk_forms.version, desk_forms.internal),
    ("result", "general", lazy_gettext("The result is saved."), desk.set_result,
     desk_forms.version, _field("result")),
    ("solution", "solution", lazy_gettext("The solution is proposed to the customer."),
     desk.propose_solution, desk_forms.version, _field("solution")),
    ("assign", "fleet", lazy_gettext("The fleet is updated."), desk.assign,
     _field("technician"), desk_forms.assignment_state),
    ("unassign", "fleet", lazy_gettext("The fleet is updated."), desk.unassign,
     _field("technician")),
    ("time", "time", lazy_gettext("The time is recorded."), desk.record_time,
     desk_forms.minutes, _field("note")),
)


def _form_view(name: str, anchor: str, done, change, *values):
    def view(call_id: int):
        form = request.form
        return _change(call_id, anchor, str(done), lambda: change(
            uow(), context.principal(), call_id, *(value(form) for value in values)))
    view.__name__ = name
    bp.add_url_rule(f"/calls/<int:call_id>/{name}", name, staff_only(view), methods=["POST"])


for _row in FORM_CHANGES:
    _form_view(*_row)


@bp.route("/calls/<int:call_id>/attach", methods=["POST"])
@staff_only
def attach(call_id: int):
    upload = request.files.get("file")

    def add():
        if upload is None or not upload.filename:
            raise errors.InvalidArgument(_("Choose a file to attach."), field="File")
        attachments.add_attachment(uow(), context.principal(), call_id, upload.filename,
                                   upload.mimetype or "application/octet-stream", upload.read(),
                                   visibility=desk_forms.visibility(request.form))
    return _change(call_id, "attachments", _("The file is attached."), add)


@bp.route("/calls/<int:call_id>/attachments/<int:attachment_id>")
@staff_only
def download(call_id: int, attachment_id: int):
    found, content = attachments.get_attachment(uow(), context.principal(), call_id, attachment_id)
    response = send_file(io.BytesIO(content), mimetype=found.content_type, as_attachment=True,
                         download_name=found.file_name, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/me", methods=["GET", "POST"])
@staff_only
def me():
    """The technician's availability and notifications (source document 004)."""
    page = dict(events=list(NotifyEvent), channels=list(CHANNELS))
    if request.method == "GET":
        return render_template("desk/me.html", prefs=desk.my_prefs(uow(), context.principal()),
                               **page)
    prefs = desk_forms.prefs(request.form)
    try:
        desk.set_prefs(uow(), context.principal(), prefs)
    except errors.InvalidArgument as exc:
        return render_template("desk/me.html", prefs=prefs, error=context.message(exc),
                               **page), 400
    flash(_("Your settings are saved."))
    return redirect(url_for("desk.me"))
