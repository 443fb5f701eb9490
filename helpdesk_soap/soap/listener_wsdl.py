"""The listener WSDL: what a customer's system implements to receive SOAP pushes.

One operation, ``CallChanged(Event)``, document/literal in ``urn:helpdesk-soap:listener``.
Exported as wsdl/listener.wsdl (and schemas/listener-v1.xsd); stub generators make the
server side from it. push/payload.py writes exactly these elements; ``listener_application``
is a Spyne server of it (the tests' receiver, and a starting point for Python).
"""

from __future__ import annotations

from spyne import (Application, Array, Boolean, ComplexModel, DateTime, Enum, Integer64,
                   ServiceBase, Unicode, rpc)
from spyne.protocol.soap import Soap11

from ..domain.events import ALL_EVENTS
from ..push.payload import LISTENER_TNS

#: Where a listener's WSDL says it lives: each customer serves it at its own CallbackUrl.
LISTENER_ADDRESS = "https://ticket-system.example/helpdesk-listener"


def _req(t):
    return t.customize(min_occurs=1, nillable=False)


def _opt(t):
    return t.customize(min_occurs=0, nillable=False)


class _Model(ComplexModel):
    __namespace__ = LISTENER_TNS


EventType = Enum(*[e.value for e in ALL_EVENTS], type_name="EventType")


class StatusState(_Model):
    _type_info = [("Code", _req(Unicode)), ("Name", _req(Unicode)), ("Stage", _req(Unicode)),
                  ("IsFinal", _req(Boolean))]


class Entry(_Model):
    """A public entry the change added."""

    _type_info = [("Kind", _req(Unicode)), ("Author", _req(Unicode)), ("Text", _req(Unicode)),
                  ("CreatedAt", _req(DateTime))]


class CallState(_Model):
    """The call as its customer sees it after the change."""

    _type_info = [
        ("CallId", _req(Integer64)), ("ExternalTicketId", _opt(Unicode)),
        ("CustomerId", _req(Unicode)), ("Subject", _req(Unicode)), ("Priority", _req(Unicode)),
        ("Category", _req(Unicode)), ("Status", _req(StatusState)), ("Result", _opt(Unicode)),
        ("Solution", _opt(Unicode)), ("SolutionState", _req(Unicode)),
        ("ChangedAt", _req(DateTime)),
        ("NewEntries", _req(Array(Entry.customize(nillable=False), type_name="EntryList"))),
    ]


class Event(_Model):
    """One customer-visible change. Deduplicate on EventId; Watermark orders a call's events
    (the sequence of GetChangedCalls)."""

    _type_info = [
        ("EventId", _req(Unicode)), ("EventType", _req(EventType)), ("CallId", _req(Integer64)),
        ("ExternalTicketId", _opt(Unicode)), ("Watermark", _req(Integer64)),
        ("OccurredAt", _req(DateTime)), ("Call", _req(CallState)),
    ]


def listener_service(handle=None):
    """The service a receiver implements; ``handle(event)`` is called for each push."""

    class ListenerService(ServiceBase):
        @rpc(_req(Event))
        def CallChanged(ctx, Event):
            """Take in one event (verify the X-Helpdesk-Signature header first)."""
            if handle is not None:
                handle(ctx, Event)

    return ListenerService


def listener_application(handle=None) -> Application:
    return Application([listener_service(handle)], tns=LISTENER_TNS, name="HelpdeskListener",
                       in_protocol=Soap11(validator="lxml"), out_protocol=Soap11())


def listener_document() -> bytes:
    """The normalised listener WSDL (soap/contract.py), with the placeholder address."""
    from spyne.server.wsgi import WsgiApplication

    from .contract import build_wsdl

    application = listener_application()
    WsgiApplication(application)  # sets the binding's HTTP transport
    return build_wsdl(application)
