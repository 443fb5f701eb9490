"""Per-request facts the SOAP layer hands to the ops middleware (logs and metrics).

The middleware opens a fresh dict per request in a context variable; the SOAP layer
notes what it learns (operation, login, customer, call id, fault code) from one place
each. A context variable rather than a WSGI environ key: the fast path (fastpath.py)
runs without the environ, and Spyne's copy of it is not the middleware's.
"""

from __future__ import annotations

from contextvars import ContextVar

_FACTS: ContextVar[dict | None] = ContextVar("helpdesk_request_facts", default=None)

#: A noted value is cut to this many characters (a login name is attacker-chosen).
MAX_VALUE = 120


def begin() -> tuple[dict, object]:
    facts: dict = {}
    return facts, _FACTS.set(facts)


def end(reset: object) -> None:
    _FACTS.reset(reset)


def note(**values) -> None:
    """Record facts about the current request; a no-op outside the middleware."""
    facts = _FACTS.get()
    if facts is None:
        return
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, str):
            value = "".join(ch if ch.isprintable() else "?" for ch in value[:MAX_VALUE])
        facts[key] = value


def current() -> dict | None:
    return _FACTS.get()


def note_envelope(root) -> None:
    """The request's parsed envelope, for the communication log (masked before it is kept)."""
    facts = _FACTS.get()
    if facts is not None:
        facts["envelope"] = root


def note_call(ctx, scope, failure: BaseException | None) -> None:
    """What GatewayApplication.call_wrapper knows once an operation has run (or failed)."""
    if _FACTS.get() is None:
        return
    principal = getattr(scope, "principal", None)
    args = getattr(ctx, "in_object", None)
    login = principal.login_name if principal is not None else None
    if login is None:  # who tried: the Login's name, or the WS-Security header's
        login = getattr(args, "LoginName", None) or _wsse_name(ctx)
    note(operation=ctx.descriptor.name, login=login,
         login_id=principal.login_id if principal is not None else None,
         customer=principal.customer_id if principal is not None else None,
         call_id=_call_id(args))
    if failure is not None:
        code = getattr(failure, "faultcode", None) or getattr(failure, "code", None)
        note(fault=code if isinstance(code, str) else "Server.InternalError",
             reason=getattr(failure, "reason", None))


def _call_id(args):
    value = getattr(args, "CallId", None)
    return value if isinstance(value, int) else None


def _wsse_name(ctx) -> str | None:
    try:
        from ..soap.wsse import username_token

        name, _password = username_token(getattr(ctx, "in_header_doc", None))
    except Exception:  # no header, or a malformed one: the fault says so already
        return None
    return name
