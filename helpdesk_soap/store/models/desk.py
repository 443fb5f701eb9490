"""Tables of the staff desk (issue 26, migrations 0010 and 0012): each technician's
availability and notification preferences, and the customers they are responsible for."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId


class TechnicianRow(Base):
    """A staff or admin login's desk preferences; no row means the defaults (available,
    notified by e-mail, of no event: notifications are opted into)."""

    __tablename__ = "technician_prefs"

    login_id: Mapped[int] = mapped_column(BigId, ForeignKey("logins.id", ondelete="CASCADE"),
                                          primary_key=True)
    available: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str] = mapped_column(String(20))
    #: A new call was filed.
    notify_new_call: Mapped[bool] = mapped_column(Boolean)
    #: The customer replied on a call assigned to this technician.
    notify_reply: Mapped[bool] = mapped_column(Boolean)
    #: The customer accepted or rejected a solution on a call assigned to this technician.
    notify_solution: Mapped[bool] = mapped_column(Boolean)


class TechnicianCustomerRow(Base):
    """A technician is responsible for a customer (source document 004: "a new call for
    their customers"). A technician without any row is responsible for every customer."""

    __tablename__ = "technician_customers"

    login_id: Mapped[int] = mapped_column(BigId, ForeignKey("logins.id", ondelete="CASCADE"),
                                          primary_key=True)
    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("customers.id",
                                                               ondelete="CASCADE"),
                                             primary_key=True, index=True)
