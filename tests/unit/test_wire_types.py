"""types.new builds the same wire objects as Spyne's constructor, only faster."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree
from spyne.util.xml import get_object_as_xml

from helpdesk_soap.soap import convert
from helpdesk_soap.soap import types as t


def same(cls, **values) -> None:
    slow, fast = cls(**values), convert.new(cls, **values)
    assert etree.tostring(get_object_as_xml(slow, cls)) == etree.tostring(get_object_as_xml(fast, cls))
    assert {k: getattr(slow, k) for k in cls._type_info} == {k: getattr(fast, k) for k in cls._type_info}


def test_new_matches_the_constructor_with_all_fields_some_missing_and_lists():
    when = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    status = convert.new(t.StatusInfo, Code="NEW", Name="New", Stage="Open", IsFinal=False)
    same(t.StatusInfo, Code="NEW", Name="New", Stage="Open", IsFinal=False)
    same(t.HistoryEntry, EntryId=1, CreatedAt=when, Author="a", Text="ü <b>")
    same(t.ContactEntry, EntryId=2, CreatedAt=when, Author="a", ContactType="Phone", Text="x")
    same(t.CreateCallResult, CallId=3, Created=True, CustomerKnown=False, Status=status,
         Warnings=[convert.new(t.WarningInfo, Code="C", Message="M")])
    same(t.SolutionAcceptanceResult, CallId=4, SolutionState="Accepted", Changed=True, Status=status)
