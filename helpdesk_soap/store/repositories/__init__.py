"""Repositories: the store's rows in, the domain's plain objects out, one module per aggregate."""

from .accounts import CustomerRepository, OrganisationRepository, PortalRepository
from .assignments import AssignmentRecord, AssignmentRepository
from .attachments import AttachmentRepository, TimeRecordRepository
from .call_queries import CallSummary, CustomerCallRow, decode_cursor, encode_cursor
from .calls import CallRepository
from .logins import LoginRecord, LoginRepository, SessionRepository
from .contents import CallContentCache, ContentRepository
from .reference import (SettingsRepository, StatusRepository, forget_reference_version,
                        reference_version, versions)

__all__ = ["AssignmentRecord", "AssignmentRepository", "AttachmentRepository", "CallContentCache",
           "CallRepository", "CallSummary", "ContentRepository", "CustomerCallRow", "CustomerRepository", "LoginRecord", "LoginRepository",
           "OrganisationRepository", "PortalRepository", "SessionRepository", "SettingsRepository",
           "StatusRepository", "TimeRecordRepository", "decode_cursor",
           "encode_cursor", "forget_reference_version", "reference_version", "versions"]
