"""The store-wide counters: the change sequence and the versions the workers' caches key on."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ChangeCounterRow(Base):
    """Store-wide counters, a row each.

    Row 1 (CHANGE_SEQUENCE): the last change sequence number handed out. A
    transaction takes its numbers with an UPDATE of this row just before it
    commits; the row lock it then holds until the commit puts the numbers in
    commit order, so a poller that has seen number N has seen every change
    numbered below N.

    Row 2 (REFERENCE_VERSION): bumped by triggers (migrations 0005, 0006, 0008)
    whenever the settings, the call statuses, the customers or the request
    types change, whoever
    changes them; workers key their cache of these on it (store/cache.py).

    Row 3 (ACCOUNT_VERSION): the same for the logins and the portals (migration
    0007); workers key their cache of logins on it and the reference version.
    """

    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


CHANGE_SEQUENCE = 1
REFERENCE_VERSION = 2
ACCOUNT_VERSION = 3
