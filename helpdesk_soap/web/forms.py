"""Form fields in, plain values out: the web's counterpart of soap/convert.py. No rules here:
the services check every value (a missing or malformed one comes back as a form message)."""

from __future__ import annotations

from datetime import UTC, datetime

from ..domain.errors import InvalidArgument
from ..domain.model import CallRequest, Category, Priority
from ..domain.request_types import FieldRule, FieldType
from ..services import workflow
from ..services.workflow import OverviewFilter
from .context import uow


def request_types():
    """The request types GetRequestTypes publishes (the configuration admins set): the
    web's one caller of the service."""
    return workflow.request_types(uow())


def _int(raw: str | None, field: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidArgument(f"{field} must be a number.", field=field) from None


def overview_filter(args) -> OverviewFilter:
    category = args.get("category") or None
    if category is not None and category not in Category.__members__.values():
        raise InvalidArgument("Unknown category.", field="Category")
    return OverviewFilter(year=_int(args.get("year"), "Year"),
                          month=_int(args.get("month"), "Month"),
                          status=args.get("status") or None,
                          category=Category(category) if category else None,
                          subject_contains=args.get("q") or None)


def category(raw: str | None) -> Category | None:
    try:
        return Category(raw) if raw else None
    except ValueError:
        return None


def _value(rule: FieldRule, raw: str):
    raw = raw.strip()
    if rule.type is FieldType.PRIORITY:
        try:
            return Priority(raw)
        except ValueError:
            raise InvalidArgument("Choose a priority.", field=rule.name) from None
    if rule.type is FieldType.DATE_TIME:
        if not raw:
            return None
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise InvalidArgument(f"{rule.label}: not a date and time.", field=rule.name) from None
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if rule.type is FieldType.TEXT_LIST:
        return tuple(part.strip() for part in raw.replace("\n", ",").split(",") if part.strip())
    if rule.max_length is not None and len(raw) > rule.max_length:
        raise InvalidArgument(f"{rule.label}: at most {rule.max_length} characters.",
                              field=rule.name, limit=rule.max_length)
    return raw or None


def call_request(kind: Category, form, customer_number: str) -> CallRequest:
    """The new-call form as a CallRequest, with the fields of the chosen request type."""
    values = {"customer_number": customer_number, "category": kind, "subject": "",
              "priority": Priority.MEDIUM}
    for rule in request_types()[kind]:
        value = _value(rule, form.get(rule.name, ""))
        if value is not None:
            values[rule.attribute] = value
    if values.get("description") is None:
        values["description"] = ""
    return CallRequest(**values)


def field_label(rule: FieldRule) -> str:
    """A request type's field label in the page's language (the table speaks English)."""
    from flask_babel import gettext as _

    labels = {
        "Subject": _("Summary"),
        "Description": _("Description"),
        "Priority": _("Priority"),
        "AffectedDomain": _("Domain where the problem occurs"),
        "FirstOccurredAt": _("Date and time the problem first occurred (an estimate will do)"),
        "Browser": _("Browser(s) showing the problem"),
        "Hosting": _("Hosting variant in use"),
        "Components": _("Affected components"),
        "ResponsibleUser": _("User responsible for the suggestion"),
    }
    return labels.get(rule.name, rule.label)
