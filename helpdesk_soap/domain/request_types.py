"""Request types: the fields each category of call asks for, and which CreateCall requires.

The default set comes from one vendor's form (source document 002): every
category needs a summary (Subject), a description and a priority; technical
support adds where and since when the fault shows (affected domain, first
occurrence) and, where the customer knows them, the browser, the hosting
variant and the affected components; an improvement suggestion names the
customer's user responsible for it. Admins change it (services/request_types.py):
the configuration is stored, and ``GetRequestTypes`` publishes the same table
that ``RequestTypes.check`` enforces on CreateCall.

What a configuration may say is bounded by what CreateCall's Call can carry
(``FIELDS``): a field is one of its elements, its maximum length at most the
wire's, and Subject and Priority stay required (the wire requires them anyway).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .errors import InvalidArgument, MissingField
from .model import CallRequest, Category, Warning
from .text import xml_safe


class FieldType(enum.StrEnum):
    TEXT = "Text"
    LONG_TEXT = "LongText"
    DATE_TIME = "DateTime"
    PRIORITY = "Priority"
    TEXT_LIST = "TextList"


class FieldState(enum.StrEnum):
    """What a category says of a field: CreateCall needs it, takes it, or does not ask."""

    REQUIRED = "Required"
    OPTIONAL = "Optional"
    #: Not asked for (GetRequestTypes leaves it out); a value sent anyway is still kept.
    ABSENT = "Absent"


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


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field of CreateCall's Call that a request type may ask for, as the wire carries it."""

    name: str
    attribute: str
    type: FieldType
    #: The wire's limit (types.NewCall; per item for a list); None where length means nothing.
    wire_max_length: int | None
    default_label: str
    #: Required in every category: the wire requires it.
    fixed: bool = False


#: The fields a request type may ask for. Not here: CustomerId and Category (what a call
#: is, not what it says), ExternalTicketId (the caller's retry key) and ServiceLevel
#: (which a login's permission decides).
FIELDS: dict[str, FieldSpec] = {s.name: s for s in (
    FieldSpec("Subject", "subject", FieldType.TEXT, 200, "Summary", fixed=True),
    FieldSpec("Description", "description", FieldType.LONG_TEXT, 65536, "Description"),
    FieldSpec("Priority", "priority", FieldType.PRIORITY, None, "Priority (Low to Blocker)",
              fixed=True),
    FieldSpec("AffectedDomain", "affected_domain", FieldType.TEXT, 200,
              "Domain where the problem occurs"),
    FieldSpec("FirstOccurredAt", "first_occurred_at", FieldType.DATE_TIME, None,
              "Date and time the problem first occurred (an estimate will do)"),
    FieldSpec("Browser", "browser", FieldType.TEXT, 200, "Browser(s) showing the problem"),
    FieldSpec("Hosting", "hosting", FieldType.TEXT, 200, "Hosting variant in use"),
    FieldSpec("Components", "components", FieldType.TEXT_LIST, 100, "Affected components"),
    FieldSpec("ResponsibleUser", "responsible_user", FieldType.TEXT, 200,
              "User responsible for the suggestion"),
    FieldSpec("ReporterName", "reporter_name", FieldType.TEXT, 200, "Name of the person reporting"),
    FieldSpec("ReporterEmail", "reporter_email", FieldType.TEXT, 254,
              "E-mail address of the person reporting"),
    FieldSpec("ReporterPhone", "reporter_phone", FieldType.TEXT, 50,
              "Phone number of the person reporting"),
    FieldSpec("Installation", "installation", FieldType.TEXT, 200, "Installation concerned"),
)}

MAX_LABEL = 200


def make_rule(name: str, state: FieldState, label: str | None = None,
              max_length: int | None = None) -> FieldRule | None:
    """The rule for field ``name`` in ``state`` (None: absent), checked against what the wire
    carries. No label takes the field's default; no max_length the wire's limit."""
    spec = FIELDS.get(name)
    if spec is None:
        raise InvalidArgument(f"{name!r} is not a field a request type can ask for; known: "
                              f"{', '.join(FIELDS)}.", field="Field")
    if spec.fixed and state is not FieldState.REQUIRED:
        raise InvalidArgument(f"{name} stays required in every category: CreateCall cannot "
                              "open a call without it.", field="State")
    if state is FieldState.ABSENT:
        return None
    label = xml_safe(label or "").strip() or spec.default_label
    if len(label) > MAX_LABEL:
        raise InvalidArgument(f"A label may have at most {MAX_LABEL} characters.", field="Label",
                              limit=MAX_LABEL)
    if spec.wire_max_length is None:
        if max_length is not None:
            raise InvalidArgument(f"{name} ({spec.type.value}) has no length to limit.",
                                  field="MaxLength")
    elif max_length is None:
        max_length = spec.wire_max_length
    elif not 1 <= max_length <= spec.wire_max_length:
        raise InvalidArgument(f"MaxLength of {name} must be between 1 and {spec.wire_max_length} "
                              "(what CreateCall carries).", field="MaxLength",
                              limit=spec.wire_max_length)
    return FieldRule(spec.name, spec.attribute, spec.type, state is FieldState.REQUIRED, label,
                     max_length)


def _fixed_first(rules: tuple[FieldRule, ...]) -> tuple[FieldRule, ...]:
    """``rules`` with every fixed field present (a default rule where one is missing)."""
    named = {r.name for r in rules}
    missing = tuple(make_rule(s.name, FieldState.REQUIRED) for s in FIELDS.values()
                    if s.fixed and s.name not in named)
    return missing + rules


class RequestTypes(Mapping[Category, tuple[FieldRule, ...]]):
    """Each category's fields, in order: an immutable mapping, complete for every category."""

    __slots__ = ("_table", "_required", "_limited")

    def __init__(self, table: Mapping[Category, tuple[FieldRule, ...]]):
        self._table = {c: _fixed_first(tuple(table.get(c, ()))) for c in Category}
        # What CreateCall checks, worked out once (a worker keeps one of these per
        # reference version): the required rules, and the rules whose length is stricter
        # than the wire's (the schema has already enforced that one).
        self._required = {c: tuple(r for r in rules if r.required)
                          for c, rules in self._table.items()}
        self._limited = {c: tuple(r for r in rules if r.max_length is not None
                                  and r.max_length < (FIELDS[r.name].wire_max_length or 0))
                         for c, rules in self._table.items()}

    def __getitem__(self, category: Category) -> tuple[FieldRule, ...]:
        return self._table[category]

    def __iter__(self) -> Iterator[Category]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        return f"RequestTypes({self._table!r})"

    def state(self, category: Category, name: str) -> FieldState:
        for rule in self._table[category]:
            if rule.name == name:
                return FieldState.REQUIRED if rule.required else FieldState.OPTIONAL
        return FieldState.ABSENT

    def with_rule(self, category: Category, name: str, state: FieldState, label: str | None = None,
                  max_length: int | None = None) -> RequestTypes:
        """A copy in which ``category`` says ``state`` of field ``name``. A field kept keeps
        its place (and, unless given, its label); a new one goes last."""
        current = self._table[category]
        old = next((r for r in current if r.name == name), None)
        if old is not None:  # what is not given stays as it was
            label = old.label if label is None else label
            max_length = old.max_length if max_length is None else max_length
        rule = make_rule(name, state, label, max_length)
        if old is not None and rule is not None:
            rules = tuple(rule if r.name == name else r for r in current)
        else:
            rules = tuple(r for r in current if r.name != name) + ((rule,) if rule else ())
        return RequestTypes({**self._table, category: rules})

    def reset(self, category: Category) -> RequestTypes:
        return RequestTypes({**self._table, category: DEFAULT[category]})

    def missing(self, request: CallRequest) -> tuple[FieldRule, ...]:
        """The rules of the request's category that it leaves empty although required."""
        found = ()
        for rule in self._required[request.category]:  # on every CreateCall: no calls inside
            value = getattr(request, rule.attribute)
            if value is None or (value.__class__ is str and not value.strip()) or (
                    value.__class__ is tuple and _empty(value)):
                found += (rule,)
        return found

    def check_lengths(self, request: CallRequest) -> None:
        """Refuse a value longer than its category allows (a list: any one item)."""
        for rule in self._limited[request.category]:
            value = getattr(request, rule.attribute)
            if value is None:
                continue
            for item in value if isinstance(value, tuple) else (value,):
                if isinstance(item, str) and len(item) > rule.max_length:
                    raise InvalidArgument(
                        f"{rule.name} may have at most {rule.max_length} characters in a "
                        f"{request.category.value} call.", field=rule.name, limit=rule.max_length)

    def check(self, request: CallRequest) -> None:
        """Refuse a request that breaks its category's rules: too long a value, or required
        fields left empty (the fault names them all; ``field`` is the first)."""
        self.screen(request, accept_incomplete=False)

    def screen(self, request: CallRequest, accept_incomplete: bool) -> tuple[FieldRule, ...]:
        """``check``, except that with ``accept_incomplete`` the required fields left empty
        are returned instead of refused (the call is filed; staff ask for them)."""
        if self._limited[request.category]:
            self.check_lengths(request)
        missing = self.missing(request)
        if missing and not accept_incomplete:
            raise missing_field(request.category, missing)
        return missing


def missing_field(category: Category, missing: tuple[FieldRule, ...]) -> MissingField:
    named = ", ".join(f"{r.name} ({r.label})" for r in missing)
    return MissingField(f"A {category.value} call needs {named}.", field=missing[0].name,
                        fields=tuple(r.name for r in missing))


def incomplete_warning(category: Category, missing: tuple[FieldRule, ...]) -> Warning:
    """What CreateCall answers when it filed a call that lacks required fields."""
    return Warning("MissingFieldsAccepted",
                   f"The call was filed without {', '.join(r.name for r in missing)}, which a "
                   f"{category.value} call requires (GetRequestTypes); the helpdesk will ask "
                   "for them.")


def _empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, tuple):
        return not any(isinstance(v, str) and v.strip() for v in value)
    return False


def _rules(*fields: tuple[str, FieldState]) -> tuple[FieldRule, ...]:
    return tuple(make_rule(name, state) for name, state in fields)


_R, _O = FieldState.REQUIRED, FieldState.OPTIONAL
_COMMON = (("Subject", _R), ("Description", _R), ("Priority", _R))

#: The set the helpdesk starts with (migration 0008 seeds it; a category can be reset to it).
DEFAULT = RequestTypes({
    Category.QUESTION: _rules(*_COMMON),
    Category.TECHNICAL_SUPPORT: _rules(*_COMMON, ("AffectedDomain", _R), ("FirstOccurredAt", _R),
                                       ("Browser", _O), ("Hosting", _O), ("Components", _O)),
    Category.IMPROVEMENT: _rules(*_COMMON, ("ResponsibleUser", _R)),
})
#: The former name of ``DEFAULT``.
REQUEST_TYPES = DEFAULT


def check(request: CallRequest, types: RequestTypes = DEFAULT) -> None:
    """``types.check(request)``: the default set unless another is given."""
    types.check(request)
