"""The communication log's recorder, in the ops middleware (the service rules are in
services/commlog.py).

After a request of a recorded login has been answered, its request tree (handed over by
the gateway through facts) and its answer are masked IN THE XML TREE, serialised, cut to
the size limit, and written in a transaction of their own. Masked: WS-Security passwords
and nonces, session and one-time tokens, Password/OldPassword/NewPassword, and attachment
contents. Whatever goes wrong here is logged in one line and never reaches the caller.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from datetime import datetime

from lxml import etree

log = logging.getLogger(__name__)

#: Local names of elements whose text is never written.
SECRET_FIELDS = frozenset({"Password", "OldPassword", "NewPassword", "Token", "Nonce"})
#: Local names of elements holding attachment contents (base64).
CONTENT_FIELDS = frozenset({"Content"})
MASK = "***"
SWITCH_CACHE_SECONDS = 5.0
PURGE_EVERY_SECONDS = 3600.0


def mask_tree(root) -> None:
    """Mask secrets and contents in place (a copy of the request's tree)."""
    # A list first: blanking an element removes its children, which would end a live
    # iteration early and leave later secrets unmasked.
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None and element is not root:
            continue
        name = etree.QName(element).localname
        if name in SECRET_FIELDS:
            _blank(element, MASK)
        elif name in CONTENT_FIELDS:
            size = sum(len("".join(t.split())) for t in element.itertext())
            _blank(element, f"[{size} base64 characters not recorded]")
        for attribute in list(element.attrib):
            if etree.QName(attribute).localname in SECRET_FIELDS:
                element.set(attribute, MASK)


def _blank(element, text: str) -> None:
    for child in list(element):
        element.remove(child)
    element.text = text


def masked(root, limit: int) -> str:
    if root is None:
        return "(no envelope: the request was refused before it was parsed)"
    tree = copy.deepcopy(root)
    mask_tree(tree)
    return _cut(etree.tostring(tree, encoding="unicode"), limit)


def masked_response(chunks: list[bytes], limit: int) -> str:
    data = b"".join(chunks)
    if not data:
        return ""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True,
                                                      huge_tree=True))
    except etree.XMLSyntaxError:
        return f"(an answer of {len(data)} bytes that is not XML, not recorded)"
    mask_tree(root)
    return _cut(etree.tostring(root, encoding="unicode"), limit)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... cut: {len(text) - limit} more characters]"


class Recorder:
    def __init__(self, database_url: str, retention_days: int, limit: int):
        self._url = database_url
        self.retention_days = retention_days
        self.limit = limit
        self._factory = self._engine = None
        self._switches: tuple[float, list] | None = None
        self._last_purge = 0.0
        self._lock = threading.Lock()

    def _unit_of_work(self):
        from ..store.engine import make_engine, make_session_factory
        from ..store.unit_of_work import SqlUnitOfWork

        if self._factory is None:
            self._engine = make_engine(self._url, pool_size=1, max_overflow=1)
            self._factory = make_session_factory(self._engine)
        return SqlUnitOfWork(self._factory)

    def _active(self) -> list:
        now = time.monotonic()
        cached = self._switches
        if cached is not None and now - cached[0] < SWITCH_CACHE_SECONDS:
            return cached[1]
        from ..services import commlog

        with self._lock:
            try:
                with self._unit_of_work() as uow:
                    switches = commlog.active_switches(uow)
            except Exception as exc:
                log.warning("communication log: cannot read its switches (%s)", type(exc).__name__)
                switches = []
            self._switches = (time.monotonic(), switches)
        return switches

    def wanted(self, facts: dict) -> bool:
        switches = self._active()
        if not switches:
            return False
        login_id, login = facts.get("login_id"), facts.get("login")
        return any(s.login_id is None or (login_id is not None and s.login_id == login_id)
                   or (login is not None and s.login_name == login) for s in switches)

    def record(self, facts: dict, fields: dict, body: list[bytes]) -> None:
        from ..services import commlog

        try:
            exchange = commlog.Exchange(
                at=datetime.now().astimezone(), request_id=fields["request_id"],
                login_id=facts.get("login_id"), login_name=facts.get("login") or "-",
                service=fields.get("service") or "-", operation=facts.get("operation"),
                result=facts.get("fault") or "ok", http_status=fields["status"],
                request=masked(facts.get("envelope"), self.limit),
                response=masked_response(body, self.limit))
            with self._unit_of_work() as uow:
                commlog.record(uow, exchange)
            if time.monotonic() - self._last_purge > PURGE_EVERY_SECONDS:
                self._last_purge = time.monotonic()
                with self._unit_of_work() as uow:
                    commlog.purge(uow, None, self.retention_days)
        except Exception as exc:
            log.warning("communication log: could not record request %s (%s)",
                        fields.get("request_id"), type(exc).__name__)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
