"""Telling technicians about events on calls (source document 004), through the outbox.

Each technician picks a channel and the events they want (services/desk.set_prefs);
unavailable technicians are told nothing. A channel is a function that queues one message
in the caller's transaction; CHANNELS is the one place to add another (a chat hook, SMS).
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from ..domain.desk import NotifyEvent, Technician
from ..domain.model import AssignmentState, Call
from .notify import send_to_address
from .unit_of_work import UnitOfWork


def _email(uow: UnitOfWork, technician: Technician, subject: str, text: str,
           now: datetime) -> bool:
    if not technician.email:
        return False
    send_to_address(uow, technician.email, subject, text, now, "staff-notification")
    return True


#: Channel name -> how a message goes out on it. The desk offers exactly these.
CHANNELS: dict[str, Callable[[UnitOfWork, Technician, str, str, datetime], bool]] = {
    "email": _email,
}

_SUBJECTS = {
    NotifyEvent.NEW_CALL: "New call {id}: {subject}",
    NotifyEvent.REPLY: "Reply on call {id}: {subject}",
    NotifyEvent.SOLUTION: "Solution answered on call {id}: {subject}",
}


def _tell(uow: UnitOfWork, call: Call, event: NotifyEvent, text: str, now: datetime,
          only_assigned: bool) -> int:
    """Queue the event's message for every technician who wants it; how many were queued."""
    technicians = uow.desk.subscribers(event, call.customer_id)
    if technicians and only_assigned:
        assigned = {a.login_id for a in uow.assignments.for_call(call.id)
                    if a.state is AssignmentState.ASSIGNED}
        technicians = [t for t in technicians if t.login_id in assigned]
    subject = _SUBJECTS[event].format(id=call.id, subject=call.subject)
    sent = 0
    for technician in technicians:
        if technician.prefs.wants(event):
            channel = CHANNELS.get(technician.prefs.channel, _email)
            sent += channel(uow, technician, subject, f"{text}\n\n-- \nCall {call.id}: "
                                                      f"{call.subject}\n", now)
    return sent


def new_call(uow: UnitOfWork, call: Call, now: datetime) -> int:
    """A call was filed: every available technician who asked for new calls and is
    responsible for its customer (a technician named for no customer is responsible for
    all of them)."""
    return _tell(uow, call, NotifyEvent.NEW_CALL, f"A new call was filed: {call.subject}\n\n"
                 f"{call.description}", now, only_assigned=False)


def customer_replied(uow: UnitOfWork, call: Call, text: str, now: datetime) -> int:
    """The customer replied: the technicians assigned to the call."""
    return _tell(uow, call, NotifyEvent.REPLY, f"The customer replied:\n\n{text}", now,
                 only_assigned=True)


def solution_answered(uow: UnitOfWork, call: Call, accepted: bool, comment: str,
                      now: datetime) -> int:
    verdict = "accepted" if accepted else "rejected"
    text = f"The customer {verdict} the proposed solution." + (
        f"\n\nComment: {comment}" if comment else "")
    return _tell(uow, call, NotifyEvent.SOLUTION, text, now, only_assigned=True)
