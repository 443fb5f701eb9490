"""Listener management for HelpdeskClient: where the helpdesk pushes changes (docs/push.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Listener:
    listener_id: int
    callback_url: str
    format: str
    events: tuple[str, ...]
    active: bool
    created_at: datetime
    last_success_at: datetime | None
    last_failure_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    delivered: int
    pending: int
    parked: int


def _listener(r) -> Listener:
    events = tuple(str(e) for e in (getattr(r.Events, "EventType", None) or []))
    return Listener(int(r.ListenerId), r.CallbackUrl, str(r.Format), events, bool(r.Active),
                    r.CreatedAt, r.LastSuccessAt, r.LastFailureAt, r.LastError,
                    int(r.ConsecutiveFailures), int(r.Delivered), int(r.Pending), int(r.Parked))


def _events(events):
    return {"EventType": list(events)} if events else None


class ListenerMethods:
    """Mixed into HelpdeskClient (it provides ``_call``)."""

    def register_listener(self, callback_url: str, events=(), fmt: str = "JSON") -> tuple[Listener, str]:
        """(listener, secret): keep the secret, it is shown only now. Not retried (a retry
        after a lost answer would register twice; list_listeners shows what exists)."""
        r = self._call("RegisterListener", retry=False, CallbackUrl=callback_url,
                       Events=_events(events), Format=fmt)
        return _listener(r.Listener), r.Secret

    def list_listeners(self) -> list[Listener]:
        r = self._call("ListListeners", retry=True)
        return [_listener(x) for x in (getattr(r, "ListenerInfo", None) or (r or []))]

    def update_listener(self, listener_id: int, *, callback_url: str | None = None, events=None,
                        fmt: str | None = None, active: bool | None = None) -> Listener:
        return _listener(self._call("UpdateListener", retry=True, ListenerId=listener_id,
                                    CallbackUrl=callback_url, Events=_events(events), Format=fmt,
                                    Active=active))

    def remove_listener(self, listener_id: int) -> None:
        self._call("RemoveListener", retry=True, ListenerId=listener_id)

    def redeliver_parked(self, listener_id: int | None = None) -> int:
        """Queue parked deliveries again, in order; the number queued."""
        return int(self._call("RedeliverParked", retry=True, ListenerId=listener_id))
