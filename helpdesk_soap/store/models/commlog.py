"""Tables of the communication log (migration 0009): who is recorded, and what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, UTCDateTime


class CommlogSwitchRow(Base):
    """Recording is on for a login (or, with no login, for all) until ``expires_at``."""

    __tablename__ = "commlog_switches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    login_id: Mapped[int | None] = mapped_column(ForeignKey("logins.id", ondelete="CASCADE"), index=True)
    enabled_by: Mapped[str] = mapped_column(String(200))
    enabled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommlogEntryRow(Base):
    """One request and its answer, masked and cut to size before they were written."""

    __tablename__ = "commlog_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    request_id: Mapped[str] = mapped_column(String(128))
    login_id: Mapped[int | None] = mapped_column(ForeignKey("logins.id", ondelete="SET NULL"), index=True)
    login_name: Mapped[str] = mapped_column(String(254))
    service: Mapped[str] = mapped_column(String(20))
    operation: Mapped[str | None] = mapped_column(String(100))
    #: "ok", or the fault code answered.
    result: Mapped[str] = mapped_column(String(100))
    http_status: Mapped[int] = mapped_column(Integer)
    request: Mapped[str] = mapped_column(Text)
    response: Mapped[str] = mapped_column(Text)
