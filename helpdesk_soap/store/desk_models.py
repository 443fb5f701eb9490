"""Tables of the staff desk (issue 26, migration 0010): each technician's availability and
notification preferences. Imported by models.py so that Base.metadata holds them."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, BigId


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
