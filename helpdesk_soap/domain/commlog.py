"""The communication log's records: one exchange (a request and its answer), as the
recorder keeps it and the log shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Exchange:
    """One exchange to record, already masked and cut to size."""

    at: datetime
    request_id: str
    login_id: int | None
    login_name: str
    service: str
    operation: str | None
    result: str
    http_status: int
    request: str
    response: str


@dataclass(frozen=True, slots=True)
class LoggedExchange(Exchange):
    """An exchange as the log keeps it, under its id."""

    id: int
