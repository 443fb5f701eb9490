"""What the store's call queries filter by: plain values, checked here, turned into SQL by
the store (store/repositories/call_queries.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from .errors import InvalidArgument
from .model import Category, Stage


@dataclass(frozen=True, slots=True)
class OverviewFilter:
    """What the customer's overview is filtered by; every field is optional."""

    year: int | None = None
    month: int | None = None
    status: str | None = None
    stage: Stage | None = None
    category: Category | None = None
    subject_contains: str | None = None

    @property
    def created_from(self) -> datetime | None:
        if self.year is None:
            return None
        return datetime(self.year, self.month or 1, 1, tzinfo=UTC)

    @property
    def created_before(self) -> datetime | None:
        if self.year is None:
            return None
        if self.month is None:
            return datetime(self.year + 1, 1, 1, tzinfo=UTC)
        return datetime(self.year + (self.month == 12), self.month % 12 + 1, 1, tzinfo=UTC)

    def validated(self) -> OverviewFilter:
        if self.month is not None and self.year is None:
            raise InvalidArgument("Month filters only together with Year.", field="Month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise InvalidArgument("Month must be between 1 and 12.", field="Month")
        if self.year is not None and not 1970 <= self.year <= 9998:
            raise InvalidArgument("Year must be between 1970 and 9998.", field="Year")
        text = (self.subject_contains or "").strip()
        return OverviewFilter(self.year, self.month, self.status, self.stage, self.category,
                              text or None)


@dataclass(frozen=True, slots=True)
class CallFilter:
    """What the staff's call search is filtered by; every field is optional."""

    status: str | None = None
    stage: str | None = None
    customer_number: str | None = None
    changed_since: datetime | None = None
