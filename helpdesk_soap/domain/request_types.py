"""Request types: the fields each category of call asks for (source document 002).

Every category needs a summary (Subject), a description and a priority.
Technical support adds where and since when the fault shows (affected domain,
first occurrence) and, where the customer knows them, the browser, the
hosting variant and the affected components. An improvement suggestion names
the customer's user responsible for it. ``GetRequestTypes`` publishes this
table so a client can build its form; ``check`` enforces it on CreateCall.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .errors import MissingField
from .model import CallRequest, Category


class FieldType(enum.StrEnum):
    TEXT = "Text"
    LONG_TEXT = "LongText"
    DATE_TIME = "DateTime"
    PRIORITY = "Priority"
    TEXT_LIST = "TextList"


@dataclass(frozen=True, slots=True)
class FieldRule:
    #: The element name in CreateCall's Call.
    name: str
    #: The CallRequest attribute it fills.
    attribute: str
    type: FieldType
    required: bool
    label: str
    max_length: int | None = None


_COMMON = (
    FieldRule("Subject", "subject", FieldType.TEXT, True, "Summary", 200),
    FieldRule("Description", "description", FieldType.LONG_TEXT, True, "Description", 65536),
    FieldRule("Priority", "priority", FieldType.PRIORITY, True, "Priority (Low to Blocker)"),
)

REQUEST_TYPES: dict[Category, tuple[FieldRule, ...]] = {
    Category.QUESTION: _COMMON,
    Category.TECHNICAL_SUPPORT: _COMMON + (
        FieldRule("AffectedDomain", "affected_domain", FieldType.TEXT, True,
                  "Domain where the problem occurs", 200),
        FieldRule("FirstOccurredAt", "first_occurred_at", FieldType.DATE_TIME, True,
                  "Date and time the problem first occurred (an estimate will do)"),
        FieldRule("Browser", "browser", FieldType.TEXT, False, "Browser(s) showing the problem", 200),
        FieldRule("Hosting", "hosting", FieldType.TEXT, False, "Hosting variant in use", 200),
        FieldRule("Components", "components", FieldType.TEXT_LIST, False, "Affected components", 100),
    ),
    Category.IMPROVEMENT: _COMMON + (
        FieldRule("ResponsibleUser", "responsible_user", FieldType.TEXT, True,
                  "User responsible for the suggestion", 200),
    ),
}


def check(request: CallRequest) -> None:
    """Refuse a request that lacks a field its category requires, naming the first one missing."""
    for rule in REQUEST_TYPES[request.category]:
        value = getattr(request, rule.attribute)
        if rule.required and (value is None or (isinstance(value, (str, tuple)) and
                                                not (value.strip() if isinstance(value, str) else value))):
            raise MissingField(
                f"A {request.category.value} call needs {rule.name} ({rule.label}).", field=rule.name)
