"""Domain errors. Each carries the documented fault code it is published under.

The SOAP layer turns these into Faults in one place, the CLI into one-line
messages; neither needs to know more than ``code``, ``message`` and ``field``.
``Client.*`` codes are the caller's mistakes, ``Server.*`` codes are ours.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "Server.InternalError"
    default_message = "The service could not complete the request."

    def __init__(self, message: str | None = None, *, field: str | None = None,
                 limit: int | None = None):
        self.message = message or self.default_message
        self.field = field
        self.limit = limit
        super().__init__(self.message)


class AuthenticationFailed(DomainError):
    # One message for every cause (no such login, wrong password, no header),
    # so a caller cannot learn which logins exist.
    code = "Client.AuthenticationFailed"
    default_message = "Authentication failed."
    #: Why, for the server's own logs and metrics only; the caller always sees the same fault.
    reason = "credentials"


class LoginLocked(AuthenticationFailed):
    """A locked login's attempt: the same fault on the wire as a wrong password."""

    reason = "locked"


class CallNotFound(DomainError):
    # Also raised for calls that exist but are not visible to the login, so
    # call ids cannot be probed.
    code = "Client.CallNotFound"
    default_message = "No such call."


class SessionExpired(DomainError):
    # Unknown, expired or logged-out session token: log in again.
    code = "Client.SessionExpired"
    default_message = "The session is unknown or has expired; log in again."


class AccessDenied(DomainError):
    """An authenticated login asked for something its role may not do."""

    code = "Client.AccessDenied"
    default_message = "This login may not use this operation."


class ServiceUnavailable(DomainError):
    """The login's portal is inactive (source document 004)."""

    code = "Client.ServiceUnavailable"
    default_message = "Service unavailable. We apologise for the inconvenience."


class NoSolutionProposed(DomainError):
    code = "Client.NoSolutionProposed"
    default_message = "No solution is proposed for this call, so there is nothing to accept or reject."


class SolutionAlreadyAnswered(DomainError):
    code = "Client.SolutionAlreadyAnswered"
    default_message = "The proposed solution was already answered differently."


class InvalidArgument(DomainError):
    code = "Client.InvalidArgument"
    default_message = "A field has an invalid value."


class MissingField(DomainError):
    """A field the call's category requires (GetRequestTypes) is absent or empty."""

    code = "Client.MissingField"
    default_message = "A required field is missing."

    def __init__(self, message: str | None = None, *, field: str | None = None,
                 fields: tuple[str, ...] = ()):
        super().__init__(message, field=field)
        #: Every required field missing, ``field`` first.
        self.fields = fields or ((field,) if field else ())


class CallClosed(DomainError):
    """The call is in a final status: the customer side can no longer add to it (document 003)."""

    code = "Client.CallClosed"
    default_message = "The call is closed; open a new call instead."


class AttachmentNotFound(DomainError):
    # Also for attachments the caller may not see, so ids cannot be probed.
    code = "Client.AttachmentNotFound"
    default_message = "No such attachment."


class AttachmentTooLarge(DomainError):
    code = "Client.AttachmentTooLarge"
    default_message = "The attachment is larger than the configured limit."


class ContentTypeNotAllowed(DomainError):
    code = "Client.ContentTypeNotAllowed"
    default_message = "Attachments of this content type are not accepted."


class UnknownReference(DomainError):
    """An admin or staff action names a customer, status, login or call that does not exist."""

    code = "Client.UnknownReference"
    default_message = "The referenced object does not exist."


class AlreadyExists(DomainError):
    code = "Client.AlreadyExists"
    default_message = "An object with this key already exists."


class TokenInvalid(DomainError):
    """An invitation or password-reset token that is unknown, expired or already used.

    One code and one message for all three, so tokens cannot be probed.
    """

    code = "Client.TokenInvalid"
    default_message = "The token is unknown, expired or already used."


class ConfigurationError(DomainError):
    code = "Server.ConfigurationError"
    default_message = "The helpdesk is not configured for this request; an administrator must fix its settings."


class StoreUnavailable(DomainError):
    code = "Server.Unavailable"
    default_message = "The helpdesk store is unavailable; retry later."


class InternalError(DomainError):
    code = "Server.InternalError"


# -- the staff desk (issue 26) -----------------------------------------------------------

class CallChanged(DomainError):
    """A form was filled in on an older state of the call: someone changed it meanwhile."""

    code = "Client.CallChanged"
    default_message = ("Someone else changed this call while you were editing it; "
                       "here is its current state. Check it and send your change again.")


class Conflict(Exception):
    """A concurrent writer won: a unique key was taken or a row changed under us.

    Not a DomainError: services catch it and re-read; it never reaches a caller.
    """
