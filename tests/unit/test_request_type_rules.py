"""Request types as configuration: what a configuration may say, and what CreateCall's check
makes of it (domain/request_types.py)."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

import pytest

from helpdesk_soap.domain import errors
from helpdesk_soap.domain.model import CallRequest, Category, Priority
from helpdesk_soap.domain.request_types import (DEFAULT, FIELDS, REQUEST_TYPES, FieldRule, FieldState,
                                                FieldType, RequestTypes, incomplete_warning, make_rule)

R, O, A = FieldState.REQUIRED, FieldState.OPTIONAL, FieldState.ABSENT
T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TECH = Category.TECHNICAL_SUPPORT

#: The table as it was built in before it became configuration (issue 29).
_COMMON = (
    FieldRule("Subject", "subject", FieldType.TEXT, True, "Summary", 200),
    FieldRule("Description", "description", FieldType.LONG_TEXT, True, "Description", 65536),
    FieldRule("Priority", "priority", FieldType.PRIORITY, True, "Priority (Low to Blocker)"),
)
BUILT_IN = {
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


def request(category: Category, **kw) -> CallRequest:
    return CallRequest(customer_number="C-1", subject="S", priority=Priority.LOW, category=category, **kw)


def names(rules) -> list[str]:
    return [r.name for r in rules]


def test_the_default_set_is_the_table_that_was_built_in():
    assert dict(DEFAULT) == BUILT_IN
    assert REQUEST_TYPES is DEFAULT


def test_every_field_is_one_the_wire_carries_with_the_wires_limit():
    """A request type may only ask for what NewCall can carry, and never more of it."""
    from helpdesk_soap.soap.types import NewCall

    wire = NewCall._type_info
    attributes = {f.name for f in fields(CallRequest)}
    for spec in FIELDS.values():
        assert spec.name in wire, spec.name
        assert spec.attribute in attributes, spec.attribute
        assert getattr(wire[spec.name].Attributes, "max_len", None) == spec.wire_max_length, spec.name
        if spec.fixed:
            assert wire[spec.name].Attributes.min_occurs == 1, spec.name
    assert not {"CustomerId", "Category", "ExternalTicketId", "ServiceLevel"} & set(FIELDS)


@pytest.mark.parametrize("name, state, label, max_length, field", [
    ("CustomerId", R, None, None, "Field"),          # what a call is, not what it says
    ("NoSuchField", O, None, None, "Field"),
    ("Subject", O, None, None, "State"),             # the wire requires them: so must every category
    ("Subject", A, None, None, "State"),
    ("Priority", O, None, None, "State"),
    ("AffectedDomain", R, None, 201, "MaxLength"),   # beyond what NewCall carries
    ("AffectedDomain", R, None, 0, "MaxLength"),
    ("ReporterPhone", R, None, 51, "MaxLength"),
    ("FirstOccurredAt", R, None, 10, "MaxLength"),   # a date has no length
    ("Browser", O, "x" * 201, None, "Label"),
])
def test_a_configuration_beyond_what_the_wire_carries_is_refused(name, state, label, max_length, field):
    with pytest.raises(errors.InvalidArgument) as exc:
        make_rule(name, state, label, max_length)
    assert exc.value.field == field


def test_a_rule_takes_the_fields_defaults_where_nothing_is_given():
    assert make_rule("ReporterPhone", R) == FieldRule(
        "ReporterPhone", "reporter_phone", FieldType.TEXT, True, "Phone number of the person reporting", 50)
    assert make_rule("Browser", O, "  ", 80).label == "Browser(s) showing the problem"
    assert make_rule("Browser", A) is None
    assert make_rule("Subject", R, "Short summary", 120).max_length == 120


def test_with_rule_changes_one_field_in_place_and_keeps_what_is_not_given():
    custom = DEFAULT.with_rule(TECH, "AffectedDomain", O)
    changed = custom[TECH][3]
    assert (changed.name, changed.required, changed.label, changed.max_length) == (
        "AffectedDomain", False, "Domain where the problem occurs", 200)
    assert names(custom[TECH]) == names(DEFAULT[TECH])
    assert custom[Category.QUESTION] == DEFAULT[Category.QUESTION]
    assert DEFAULT[TECH][3].required  # the default set is not changed
    relabelled = custom.with_rule(TECH, "AffectedDomain", O, "Site or system", 80)
    assert relabelled.with_rule(TECH, "AffectedDomain", R)[TECH][3] == FieldRule(
        "AffectedDomain", "affected_domain", FieldType.TEXT, True, "Site or system", 80)


def test_a_new_field_goes_last_and_an_absent_one_goes_away():
    custom = DEFAULT.with_rule(Category.QUESTION, "ReporterPhone", R).with_rule(
        Category.QUESTION, "Description", A)
    assert names(custom[Category.QUESTION]) == ["Subject", "Priority", "ReporterPhone"]
    assert custom.state(Category.QUESTION, "Description") is A
    assert custom.state(Category.QUESTION, "ReporterPhone") is R
    assert custom.reset(Category.QUESTION) == DEFAULT


def test_every_category_keeps_subject_and_priority_whatever_is_stored():
    """A table read from the store may lack them (an administrator's SQL): they stay required."""
    types = RequestTypes({})
    assert set(types) == set(Category)
    for category in Category:
        assert [(r.name, r.required) for r in types[category]] == [("Subject", True), ("Priority", True)]


def test_the_check_names_every_missing_field_at_once():
    with pytest.raises(errors.MissingField) as exc:
        DEFAULT.check(request(TECH, description="d", affected_domain="  "))
    assert exc.value.field == "AffectedDomain"
    assert exc.value.fields == ("AffectedDomain", "FirstOccurredAt")
    assert "AffectedDomain" in exc.value.message and "FirstOccurredAt" in exc.value.message
    DEFAULT.check(request(TECH, description="d", first_occurred_at=T0, affected_domain="x"))


def test_a_relaxed_rule_lets_the_call_through_and_a_stricter_one_stops_it():
    relaxed = DEFAULT.with_rule(TECH, "AffectedDomain", O)
    relaxed.check(request(TECH, description="Phones are dead", first_occurred_at=T0))
    stricter = DEFAULT.with_rule(Category.QUESTION, "ReporterPhone", R)
    with pytest.raises(errors.MissingField) as exc:
        stricter.check(request(Category.QUESTION, description="d"))
    assert exc.value.fields == ("ReporterPhone",)


def test_an_empty_list_is_missing_and_a_list_with_text_is_not():
    types = DEFAULT.with_rule(TECH, "Components", R)
    full = dict(description="d", first_occurred_at=T0, affected_domain="x")
    with pytest.raises(errors.MissingField):
        types.check(request(TECH, components=(" ",), **full))
    types.check(request(TECH, components=("PBX",), **full))


def test_a_value_longer_than_its_category_allows_is_refused_with_the_limit():
    types = DEFAULT.with_rule(TECH, "Browser", O, max_length=10)
    types = types.with_rule(TECH, "Components", O, max_length=3)
    full = dict(description="d", first_occurred_at=T0, affected_domain="x")
    types.check(request(TECH, browser="Firefox", **full))
    with pytest.raises(errors.InvalidArgument) as exc:
        types.check(request(TECH, browser="Firefox 128 ESR", **full))
    assert (exc.value.field, exc.value.limit) == ("Browser", 10)
    with pytest.raises(errors.InvalidArgument) as exc:
        types.check(request(TECH, components=("PBX", "SIP trunk"), **full))
    assert (exc.value.field, exc.value.limit) == ("Components", 3)


def test_screening_an_incomplete_call_for_acceptance_returns_what_it_lacks():
    incomplete = request(TECH, description="Phones are dead")
    with pytest.raises(errors.MissingField):
        DEFAULT.screen(incomplete, accept_incomplete=False)
    missing = DEFAULT.screen(incomplete, accept_incomplete=True)
    assert names(missing) == ["AffectedDomain", "FirstOccurredAt"]
    warning = incomplete_warning(TECH, missing)
    assert warning.code == "MissingFieldsAccepted" and "AffectedDomain, FirstOccurredAt" in warning.message
    assert DEFAULT.screen(request(Category.QUESTION, description="d"), accept_incomplete=True) == ()
