"""Repositories: the store's rows in, the domain's plain objects out, one module per aggregate."""

from .accounts import CustomerRepository, OrganisationRepository, PortalRepository
from .admin import AdminRepository
from .assignments import AssignmentRecord, AssignmentRepository
from .attachments import AttachmentRepository, TimeRecordRepository
from .call_queries import CallSummary, CustomerCallRow, decode_cursor, encode_cursor
from .calls import CallRepository
from .commlog import CommlogRepository
from .contents import CallContentCache, ContentRepository
from .desk import DeskRepository
from .logins import LoginRecord, LoginRepository, SessionRepository
from .mail import MailRepository, TokenRepository
from .push import PushRepository
from .reference import (SettingsRepository, StatusRepository, forget_reference_version,
                        reference_version, versions)
from .request_types import CachedRequestTypes, RequestTypeRepository

__all__ = ["AdminRepository", "AssignmentRecord", "AssignmentRepository", "AttachmentRepository",
           "CachedRequestTypes", "CallContentCache", "CallRepository", "CallSummary",
           "CommlogRepository", "ContentRepository", "CustomerCallRow", "CustomerRepository",
           "DeskRepository", "LoginRecord", "LoginRepository", "MailRepository",
           "OrganisationRepository", "PortalRepository", "PushRepository", "RequestTypeRepository",
           "SessionRepository", "SettingsRepository", "StatusRepository", "TimeRecordRepository",
           "TokenRepository", "decode_cursor", "encode_cursor", "forget_reference_version",
           "reference_version", "versions"]
