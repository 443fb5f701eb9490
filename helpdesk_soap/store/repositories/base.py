"""How a repository runs a prebuilt Core statement."""

from __future__ import annotations

from .. import fast
from ..session import StoreSession


def core(session: StoreSession, statement, params):
    """Run a Core statement on the session's connection (and transaction), without the
    ORM's per-execution bookkeeping, which a plain table statement does not need; on the
    fast path on the driver's cursor (fast.execute). Read rows by position or unpacking.
    Pass a module-level statement: the fast path keeps one compiled form per statement object."""
    return fast.execute(session.connection(), statement, params)
