"""Wire types of the listener operations on /helpdesk (RegisterListener and friends)."""

from __future__ import annotations

from spyne import Boolean, DateTime, Enum, Integer32, Integer64, Unicode

from ..domain.events import ALL_EVENTS, Format
from .types import Model, _list, opt, req

EventType = Enum(*[e.value for e in ALL_EVENTS], type_name="EventType")
ListenerFormat = Enum(*[f.value for f in Format], type_name="ListenerFormat")
EventTypeList = _list(EventType, "EventTypeList")


class ListenerInfo(Model):
    _type_info = [
        ("ListenerId", req(Integer64)),
        ("CallbackUrl", req(Unicode)),
        ("Format", req(ListenerFormat)),
        ("Events", req(EventTypeList)),
        ("Active", req(Boolean)),
        ("CreatedAt", req(DateTime)),
        ("LastSuccessAt", opt(DateTime)),
        ("LastFailureAt", opt(DateTime)),
        ("LastError", opt(Unicode)),
        ("ConsecutiveFailures", req(Integer32)),
        ("Delivered", req(Integer32)),
        ("Pending", req(Integer32)),
        ("Parked", req(Integer32)),
    ]


class ListenerRegistration(Model):
    """A new listener and its signing secret, which is shown only this once."""

    _type_info = [("Listener", req(ListenerInfo)), ("Secret", req(Unicode))]


ListenerList = _list(ListenerInfo, "ListenerList")


def listener_info(l) -> ListenerInfo:
    return ListenerInfo(ListenerId=l.id, CallbackUrl=l.url, Format=l.format,
                        Events=[e.value for e in l.events], Active=l.active, CreatedAt=l.created_at,
                        LastSuccessAt=l.last_success_at, LastFailureAt=l.last_failure_at,
                        LastError=l.last_error, ConsecutiveFailures=l.consecutive_failures,
                        Delivered=l.delivered, Pending=l.pending, Parked=l.parked)
