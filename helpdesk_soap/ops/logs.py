"""The service's logging: one line per request, security events, text or JSON.

Only facts go into a line (ids, names, codes, numbers): never a password, a token or
a body. A login name is the caller's choice, so it is cut and stripped of control
characters (facts.note) and quoted here when it holds spaces.
"""

from __future__ import annotations

import json
import logging
import sys
import time

ACCESS = logging.getLogger("helpdesk_soap.access")
SECURITY = logging.getLogger("helpdesk_soap.security")
AUDIT = logging.getLogger("helpdesk_soap.audit")

#: The fields of a request line, in order.
FIELDS = ("request_id", "method", "path", "service", "operation", "login", "customer", "call_id",
          "fault", "status", "duration_ms")

#: /staff operations that change configuration (logged at info, with who did it).
CONFIGURATION_OPERATIONS = frozenset({"InviteLogin", "SetPortalActive", "CommlogEnable",
                                      "CommlogDisable", "CommlogPurge"})


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        out = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
               + f".{int(record.msecs):03d}Z",
               "level": record.levelname.lower(), "logger": record.name, "pid": record.process,
               "message": record.getMessage()}
        out.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str, fmt: str = "text") -> None:
    # What no line shows is not collected (the logging HOWTO's "Optimization"): the
    # caller's frame and thread names cost more than the rest of a request line.
    logging._srcfile = None
    logging.logThreads = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Spyne logs every client fault with a traceback, and on some errors the raw
    # request, passwords included. Our request guard and fault translation log
    # what matters, once, and never a request body.
    logging.getLogger("spyne").setLevel(logging.CRITICAL)


def _text_value(value) -> str:
    text = value if isinstance(value, str) else str(value)
    if not text or " " in text or "=" in text or '"' in text:
        return json.dumps(text, ensure_ascii=False)
    return text


def request_line(fields: dict) -> None:
    """The access line of one request."""
    if not ACCESS.isEnabledFor(logging.INFO):
        return
    shown = {k: fields[k] for k in FIELDS if fields.get(k) is not None}
    ACCESS.info("request %s", " ".join(f"{k}={_text_value(v)}" for k, v in shown.items()),
                extra={"fields": shown})


def security_events(fields: dict, reason: str | None) -> None:
    """Failed logins, lockouts, portal refusals and configuration changes, from a request."""
    fault, who = fields.get("fault"), fields.get("login")
    where = {k: fields[k] for k in ("request_id", "service", "operation", "login") if fields.get(k)}
    if fault == "Client.AuthenticationFailed":
        if reason == "locked":
            SECURITY.warning("login locked: refused %s for %s", fields.get("operation") or "-",
                             _text_value(who or "-"), extra={"fields": {**where, "event": "locked"}})
        else:
            SECURITY.warning("authentication failed for %s", _text_value(who or "-"),
                             extra={"fields": {**where, "event": "auth_failed"}})
    elif fault == "Client.ServiceUnavailable":
        SECURITY.warning("portal refused %s", _text_value(who or "-"),
                         extra={"fields": {**where, "event": "portal_refused"}})
    elif (fault is None and fields.get("service") == "staff"
          and fields.get("operation") in CONFIGURATION_OPERATIONS):
        AUDIT.info("configuration change: %s by %s", fields["operation"], _text_value(who or "-"),
                   extra={"fields": {**where, "event": "configuration"}})


#: CLI commands that change configuration: (group, command).
CLI_CHANGES = frozenset({
    ("customer", "add"), ("customer", "set-organisation"), ("customer", "set-mail-domain"),
    ("organisation", "add"), ("portal", "set"), ("login", "add"), ("login", "unlock"),
    ("login", "set-password"), ("login", "invite"), ("login", "reset"), ("status", "add"),
    ("settings", "set"), ("commlog", "enable"), ("commlog", "disable"), ("commlog", "purge")})


def cli_change(args: list[str]) -> None:
    """After a CLI command succeeded: if it changed configuration, one info line on
    stderr naming the command, the object it named (never a value: ``settings set KEY``
    without VALUE, passwords come on stdin) and the operating-system user."""
    import getpass

    words = [a for a in args if not a.startswith("-")]
    if args and args[0] == "--database":
        words = [a for a in args[2:] if not a.startswith("-")]
    if "--help" in args or len(words) < 2 or (words[0], words[1]) not in CLI_CHANGES:
        return
    command = " ".join(words[:3])[:200]
    try:
        user = getpass.getuser()
    except Exception:  # no user name known (a container without passwd entry)
        user = "-"
    if not AUDIT.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("helpdesk-soap: %(message)s"))
        AUDIT.addHandler(handler)
        AUDIT.setLevel(logging.INFO)
        AUDIT.propagate = False
    AUDIT.info("configuration change: %s by %s", command, user,
               extra={"fields": {"event": "configuration", "command": command, "by": user}})
