"""Typed SQLAlchemy models, a module per aggregate. They are the store's, not the wire's or
the domain's.

Importing this package imports every table module, so that ``Base.metadata`` knows every
table: Alembic compares against it (migrations/env.py) and so does the drift test. A new
table module is added to the imports below. The table modules import only ``.base`` (and
never this package), so the store imports its rows from here: ``from ..models import CallRow``.
"""

from .base import NAMING, Base, BigId, UTCDateTime
from .accounts import CustomerRow, LoginRow, LoginTokenRow, OrganisationRow, PortalRow, SessionRow
from .reference import RequestTypeFieldRow, SettingRow, StatusRow
from .counters import ACCOUNT_VERSION, CHANGE_SEQUENCE, REFERENCE_VERSION, ChangeCounterRow
from .calls import AssignmentRow, CallRow, EntryRow
from .attachments import AttachmentRow, TimeRecordRow
from .mail import MailMessageRow, OutboxRow
from .commlog import CommlogEntryRow, CommlogSwitchRow
from .push import ListenerRow, PushDeliveryRow, PushEventRow
from .desk import TechnicianCustomerRow, TechnicianRow

__all__ = ["ACCOUNT_VERSION", "CHANGE_SEQUENCE", "NAMING", "REFERENCE_VERSION", "AssignmentRow",
           "AttachmentRow", "Base", "BigId", "CallRow", "ChangeCounterRow", "CommlogEntryRow",
           "CommlogSwitchRow", "CustomerRow", "EntryRow", "ListenerRow", "LoginRow",
           "LoginTokenRow", "MailMessageRow", "OrganisationRow", "OutboxRow", "PortalRow",
           "PushDeliveryRow", "PushEventRow", "RequestTypeFieldRow", "SessionRow", "SettingRow",
           "StatusRow", "TechnicianCustomerRow", "TechnicianRow", "TimeRecordRow", "UTCDateTime"]
