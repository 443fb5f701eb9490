"""The domain's closed sets of values: stages, priorities, categories, visibilities,
entry and contact kinds, roles, assignment and solution states (source documents 001-004).

model.py builds calls and entries from these and re-exports them, so that
``from helpdesk_soap.domain.model import Role`` keeps meaning the same class.
"""

from __future__ import annotations

import enum


class Stage(enum.StrEnum):
    """Progress stages (source document 003). Every configured status maps to one."""

    DRAFT = "Draft"
    OPEN = "Open"
    ASSIGNED = "Assigned"
    IN_PROGRESS = "InProgress"
    DONE = "Done"
    CLOSED = "Closed"
    CANCELLED = "Cancelled"


class Priority(enum.StrEnum):
    """From Low to Blocker (source document 002)."""

    LOW = "Low"
    MEDIUM = "Medium"
    HIGH = "High"
    CRITICAL = "Critical"
    BLOCKER = "Blocker"


class Category(enum.StrEnum):
    """Request categories (source document 002)."""

    QUESTION = "Question"
    TECHNICAL_SUPPORT = "TechnicalSupport"
    IMPROVEMENT = "Improvement"


class Visibility(enum.StrEnum):
    PUBLIC = "Public"
    INTERNAL = "Internal"


class EntryKind(enum.StrEnum):
    HISTORY = "History"
    CONTACT = "Contact"


class ContactType(enum.StrEnum):
    PHONE = "Phone"
    EMAIL = "Email"
    VISIT = "Visit"
    REMOTE = "Remote"
    NOTE = "Note"


class Role(enum.StrEnum):
    """Who a login is (source documents 001-004)."""

    CUSTOMER = "Customer"        # a person at a customer
    INTEGRATION = "Integration"  # a customer's ticket system, unattended
    STAFF = "Staff"              # the helpdesk's technicians
    ADMIN = "Admin"              # configures the service

    @property
    def is_staff(self) -> bool:
        return self in (Role.STAFF, Role.ADMIN)


class AssignmentState(enum.StrEnum):
    """A technician's relation to a call (source document 003)."""

    REQUESTED = "Requested"  # was offered the call
    ASSIGNED = "Assigned"    # took it, or was assigned
    AVAILABLE = "Available"  # could take it


class SolutionState(enum.StrEnum):
    NONE = "None"
    PROPOSED = "Proposed"
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
