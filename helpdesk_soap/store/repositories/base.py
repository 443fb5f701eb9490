"""How a repository runs a prebuilt Core statement."""

from __future__ import annotations

from .. import prepared
from ..session import StoreSession


def core(session: StoreSession, statement, params):
    """Run a Core statement on the session's connection (and transaction), without the
    ORM's per-execution bookkeeping, which a plain table statement does not need. It runs
    on the driver's cursor (prepared.py): rows are plain tuples, read by position. Pass a
    module-level statement: prepared.py keeps one compiled form per statement object."""
    return prepared.execute(session.connection(), statement, params)
