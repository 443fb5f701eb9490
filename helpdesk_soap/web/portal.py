"""The customers' portal: overview, call view, reply, attachments, solution, new call."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from ..domain import errors
from ..domain.model import SolutionState
from ..services import attachments, calls, workflow
from . import context, forms
from .context import CUSTOMER_SIDE, login_required, uow
from .helpers import progress

bp = Blueprint("portal", __name__)
customers_only = login_required(*CUSTOMER_SIDE)


@bp.route("/")
@customers_only
def overview():
    statuses = workflow.statuses(uow())
    try:
        where = forms.overview_filter(request.args)
        found = workflow.list_calls(uow(), context.principal(), where, request.args.get("cursor"),
                                    25)
    except errors.InvalidArgument as exc:
        return render_template("portal/overview.html", found=None, statuses=statuses,
                               error=context.message(exc)), 400
    return render_template("portal/overview.html", found=found, statuses=statuses,
                           categories=list(forms.request_types()))


def _detail(call_id: int, status: int = 200, **extra):
    data = calls.get_call_data(uow(), context.principal(), call_id,
                               public_url=context.runtime().public_url)
    return render_template("portal/call.html", data=data, timeline=calls.timeline(data),
                           steps=progress(data.status.stage),
                           proposed=data.call.solution_state is SolutionState.PROPOSED,
                           **extra), status


@bp.route("/calls/<int:call_id>")
@customers_only
def call(call_id: int):
    return _detail(call_id)


@bp.route("/calls/<int:call_id>/reply", methods=["POST"])
@customers_only
def reply(call_id: int):
    try:
        workflow.add_note(uow(), context.principal(), call_id, request.form.get("text", ""))
    except (errors.InvalidArgument, errors.CallClosed) as exc:
        return _detail(call_id, 400, reply_error=context.message(exc),
                       reply_text=request.form.get("text", ""))
    flash(_("Your reply is added."))
    return redirect(url_for("portal.call", call_id=call_id))


@bp.route("/calls/<int:call_id>/attach", methods=["POST"])
@customers_only
def attach(call_id: int):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _detail(call_id, 400, attach_error=_("Choose a file to attach."))
    try:
        attachments.add_attachment(uow(), context.principal(), call_id, upload.filename,
                                   upload.mimetype or "application/octet-stream", upload.read())
    except (errors.InvalidArgument, errors.CallClosed, errors.AttachmentTooLarge,
            errors.ContentTypeNotAllowed) as exc:
        return _detail(call_id, 400, attach_error=context.message(exc))
    flash(_("The file is attached."))
    return redirect(url_for("portal.call", call_id=call_id))


@bp.route("/calls/<int:call_id>/attachments/<int:attachment_id>")
@customers_only
def download(call_id: int, attachment_id: int):
    found, content = attachments.get_attachment(uow(), context.principal(), call_id, attachment_id)
    response = send_file(io.BytesIO(content), mimetype=found.content_type, as_attachment=True,
                         download_name=found.file_name, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/calls/<int:call_id>/solution", methods=["POST"])
@customers_only
def solution(call_id: int):
    accepted = request.form.get("answer") == "accept"
    if request.form.get("answer") not in ("accept", "reject"):
        abort(400)
    comment = request.form.get("comment", "")
    if not accepted and not comment.strip():
        return _detail(call_id, 400, solution_error=_("Please say why you reject the solution."))
    try:
        calls.set_solution_acceptance(uow(), context.principal(), call_id, accepted, comment)
    except (errors.NoSolutionProposed, errors.SolutionAlreadyAnswered) as exc:
        return _detail(call_id, 400, solution_error=context.message(exc))
    flash(_("Thank you: the solution is accepted.") if accepted
          else _("Thank you: the solution is rejected; we will get back to you."))
    return redirect(url_for("portal.call", call_id=call_id))


@bp.route("/calls/new", methods=["GET", "POST"])
@customers_only
def new_call():
    kinds = forms.request_types()
    kind = forms.category(request.values.get("category"))
    customers = calls.for_customers(uow(), context.principal())
    page = dict(kinds=kinds, kind=kind, customers=customers, form=request.form)
    if request.method == "GET" or kind is None:
        return render_template("portal/new_call.html", **page)
    numbers = {c.number for c in customers}
    number = request.form.get("customer") or (customers[0].number if customers else "")
    if number not in numbers:
        return render_template("portal/new_call.html", error=_("Choose one of your customers."),
                               **page), 400
    try:
        request_ = forms.call_request(kind, request.form, number)
        created = calls.create_call(uow(), context.principal(), request_)
    except (errors.InvalidArgument, errors.MissingField) as exc:
        return render_template("portal/new_call.html", error=context.message(exc), **page), 400
    flash(_("Your call is filed."))
    return redirect(url_for("portal.call", call_id=created.call.id))
