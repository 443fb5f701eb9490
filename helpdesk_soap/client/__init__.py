"""The helpdesk's SOAP client, for customer-side ticket systems and ops.

It imports zeep and requests, never the server (Spyne, SQLAlchemy).
"""

from .client import HelpdeskClient, StaffClient
from .errors import ClientFault, HelpdeskError, ServerFault, TransportError

__all__ = ["HelpdeskClient", "StaffClient", "HelpdeskError", "ClientFault", "ServerFault",
           "TransportError"]
