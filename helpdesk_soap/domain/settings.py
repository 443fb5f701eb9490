"""The helpdesk's settings and the intake rules that read them.

Settings are stored as text key/value pairs; ``Settings.from_mapping`` is the
one place that gives them types and defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .errors import InvalidArgument
from .model import Customer, Principal, Warning

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True, slots=True)
class Settings:
    #: Status of a new call whose customer is known.
    new_call_status: str = "NEW"
    #: "Kundennr. Kunde unbekannt": customer number that takes calls for unknown CustomerIds.
    unknown_customer_number: str = "UNKNOWN"
    #: "Status Kunde unbekannt": status of a call whose CustomerId was not found.
    unknown_customer_status: str = "CUSTOMER_UNKNOWN"
    #: Status set when staff propose a solution.
    solution_proposed_status: str = "SOLUTION_PROPOSED"
    #: "Lösung akzeptiert Status".
    solution_accepted_status: str = "SOLUTION_ACCEPTED"
    #: "Lösung abgelehnt Status".
    solution_rejected_status: str = "SOLUTION_REJECTED"
    #: "Mit Servicelevel": any login may set the service level.
    with_service_level: bool = False
    #: "esweb Basis-Url": base URL of the web front end, for contact entry URLs.
    web_base_url: str = ""
    #: A session token expires after this many idle minutes; every use renews it.
    session_idle_minutes: int = 60
    #: Failed logins in a row that lock a login.
    lockout_threshold: int = 5
    #: Minutes a locked login stays locked.
    lockout_minutes: int = 15
    #: Largest attachment accepted, in bytes. The request limit (HELPDESK_MAX_REQUEST_BYTES,
    #: default 10 MiB) must leave room for it as base64 (4/3 of it) plus the envelope; the
    #: default of 7 MiB fits the default request limit.
    attachment_max_bytes: int = 7 * 1024 * 1024
    #: Content types accepted for attachments, comma-separated; ``image/*`` accepts a whole kind.
    attachment_content_types: str = (
        "application/pdf,image/*,text/plain,text/csv,application/zip,application/json,"
        "application/xml,text/xml,message/rfc822,application/msword,application/vnd.ms-excel,"
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
        "application/vnd.oasis.opendocument.text,application/vnd.oasis.opendocument.spreadsheet")
    #: CreateCall refuses calls that lack a field their category requires (GetRequestTypes).
    #: Switch off only for legacy callers that cannot send them yet.
    enforce_request_types: bool = True
    #: An integration login (a ticket system, unattended: nobody can answer a fault) that
    #: leaves out fields its category requires gets its call filed anyway, with the warning
    #: MissingFieldsAccepted and an internal entry naming them, instead of Client.MissingField.
    accept_incomplete_integration_calls: bool = False

    @property
    def allowed_content_types(self) -> tuple[str, ...]:
        return tuple(t.strip().lower() for t in self.attachment_content_types.split(",") if t.strip())

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def from_mapping(cls, values: dict[str, str]) -> Settings:
        kwargs = {}
        for f in fields(cls):
            if f.name in values:
                kwargs[f.name] = parse_value(f.name, values[f.name])
        return cls(**kwargs)

    def as_mapping(self) -> dict[str, str]:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        return out


def parse_value(key: str, raw: str) -> str | bool | int:
    kinds = {f.name: f.type for f in fields(Settings)}
    if key not in kinds:
        raise InvalidArgument(f"Unknown setting {key!r}; known: {', '.join(Settings.keys())}.",
                              field=key)
    if kinds[key] in ("bool", bool):
        low = raw.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise InvalidArgument(f"Setting {key} takes true or false, not {raw!r}.", field=key)
    if kinds[key] in ("int", int):
        try:
            number = int(raw.strip())
        except ValueError:
            number = 0
        if number < 1:
            raise InvalidArgument(f"Setting {key} takes a whole number of at least 1, not {raw!r}.",
                                  field=key)
        return number
    value = raw.strip()
    if key == "web_base_url" and value and not value.startswith(("http://", "https://")):
        raise InvalidArgument("web_base_url must start with http:// or https://.", field=key)
    return value


@dataclass(frozen=True, slots=True)
class Intake:
    """Where a new call goes, decided before anything is stored."""

    customer_number: str
    status_code: str
    customer_known: bool
    service_level: str | None
    warnings: tuple[Warning, ...]


def decide_intake(settings: Settings, principal: Principal, customer: Customer | None,
                  service_level: str | None) -> Intake:
    """Apply the CreateCall rules: unknown customer and service level.

    ``customer`` is the customer the sent CustomerId names, or None. A
    CustomerId that names a customer outside the login's own (or its
    organisation's) is treated
    exactly like an unknown one, so customer numbers cannot be probed and no
    login can file calls on a foreign account; staff review it either way.
    """
    warnings: list[Warning] = []
    if customer is not None and customer.id in principal.visible_customer_ids:
        number, status, known = customer.number, settings.new_call_status, True
    else:
        number, status, known = settings.unknown_customer_number, settings.unknown_customer_status, False
        warnings.append(Warning(
            "CustomerUnknown",
            "The CustomerId was not found for this login; the call was filed under the "
            "unknown-customer account for the helpdesk to review."))
    level = service_level.strip() if service_level else None
    if level and not (principal.can_set_service_level or settings.with_service_level):
        warnings.append(Warning(
            "ServiceLevelIgnored",
            "The ServiceLevel was not applied: this login may not set service levels."))
        level = None
    return Intake(number, status, known, level or None, tuple(warnings))
