"""Listener management on /helpdesk: a customer system registers where to push changes.

Served in the Helpdesk application beside HelpdeskService (soap/app.py), with the same
authentication; each login sees and changes only its own listeners.
"""

from __future__ import annotations

from spyne import Boolean, Integer32, Integer64, ServiceBase, Unicode, rpc

from ..services import listeners
from . import faults as f
from . import listener_types as lt
from . import types as t

# Spyne's enum values are falsy for the first value (EnumValue.__bool__ is its index):
# test them against None, never for truth.

FAULTS = [*f.COMMON, f.UnknownReference]


def _allow(ctx):
    runtime = ctx.app.runtime
    return getattr(runtime, "push_allow_networks", ()) if runtime is not None else ()


class ListenerService(ServiceBase):
    __in_header__ = t.Session

    @rpc(t.req(Unicode, max_len=2000), t.opt(lt.EventTypeList), t.opt(lt.ListenerFormat),
         _returns=t.req(lt.ListenerRegistration), _throws=FAULTS)
    def RegisterListener(ctx, CallbackUrl, Events, Format):
        """Push the events (all if none are named) of the login's calls to CallbackUrl, as
        JSON or SOAP (listener.wsdl). Keep the returned Secret: it signs every delivery."""
        scope = ctx.udc
        done = listeners.register(scope.uow, scope.principal, CallbackUrl,
                                  [str(e) for e in Events or ()],
                                  str(Format) if Format is not None else None,
                                  _allow(ctx))
        return lt.ListenerRegistration(Listener=lt.listener_info(done.listener), Secret=done.secret)

    @rpc(_returns=t.req(lt.ListenerList), _throws=f.COMMON)
    def ListListeners(ctx):
        """The login's listeners with their delivery status (delivered, pending, parked)."""
        return [lt.listener_info(l) for l in listeners.mine(ctx.udc.uow, ctx.udc.principal)]

    @rpc(t.req(Integer64), t.opt(Unicode, max_len=2000), t.opt(lt.EventTypeList),
         t.opt(lt.ListenerFormat), t.opt(Boolean), _returns=t.req(lt.ListenerInfo), _throws=FAULTS)
    def UpdateListener(ctx, ListenerId, CallbackUrl, Events, Format, Active):
        """Change what is given; the rest stays."""
        scope = ctx.udc
        done = listeners.update(
            scope.uow, scope.principal, ListenerId, url=CallbackUrl,
            events=[str(e) for e in Events] if Events else None,
            fmt=str(Format) if Format is not None else None, active=Active, allow_networks=_allow(ctx))
        return lt.listener_info(done)

    @rpc(t.req(Integer64), _throws=FAULTS)
    def RemoveListener(ctx, ListenerId):
        """Stop pushing to this listener; its pending deliveries are dropped."""
        listeners.remove(ctx.udc.uow, ctx.udc.principal, ListenerId)

    @rpc(t.opt(Integer64), _returns=t.req(Integer32), _throws=FAULTS)
    def RedeliverParked(ctx, ListenerId):
        """Queue the parked deliveries (of one listener, or all the login's) again, in order."""
        return listeners.redeliver(ctx.udc.uow, ctx.udc.principal, ListenerId)
