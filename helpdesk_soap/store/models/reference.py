"""Reference data: the call statuses, the settings and the fields each request type asks
for. A trigger moves the reference version (counters.py) whenever they change."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class StatusRow(Base):
    __tablename__ = "call_statuses"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(20))
    result_visible: Mapped[bool] = mapped_column(Boolean, default=False)
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)


class SettingRow(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RequestTypeFieldRow(Base):
    """A field a category of call asks for (domain/request_types.py): required or optional,
    its label and maximum length, in the order forms show them. A field with no row is not
    asked for. Migration 0008 seeds the default set; a trigger moves the reference version
    on every change, so the workers' caches see it at once (store/cache.py)."""

    __tablename__ = "request_type_fields"

    category: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    required: Mapped[bool] = mapped_column(Boolean)
    label: Mapped[str] = mapped_column(String(200))
    max_length: Mapped[int | None] = mapped_column(Integer)
