"""The helpdesk's SOAP client, for customer-side ticket systems and ops.

It imports zeep and requests, never the server (Spyne, SQLAlchemy).
"""

from .client import HelpdeskClient
from .errors import ClientFault, HelpdeskError, ServerFault, TransportError
from .staff import StaffClient

__all__ = ["HelpdeskClient", "StaffClient", "HelpdeskError", "ClientFault", "ServerFault",
           "TransportError"]
