"""The workflow's plain rules: attachment names and limits, request types, overview filters,
and which changes a customer sees."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpdesk_soap.domain import errors
from helpdesk_soap.domain.attachments import check_upload, normalise_content_type, sanitize_file_name
from helpdesk_soap.domain.model import (Call, CallRequest, Category, Entry, EntryKind, Priority,
                                        Visibility)
from helpdesk_soap.domain.request_types import check
from helpdesk_soap.domain.filters import OverviewFilter

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
T1 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("raw, safe", [
    ("report.pdf", "report.pdf"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\pat\\screen shot.png", "screen shot.png"),
    ("a<b>:c|d?.txt", "a_b_c_d_.txt"),
    ("con.txt", "attachment-con.txt"),
    ("  .hidden. ", "hidden"),
    ("", "attachment"),
    ("x" * 300 + ".docx", "x" * 195 + ".docx"),
])
def test_file_names_are_sanitised(raw, safe):
    assert sanitize_file_name(raw) == safe


def test_content_types_are_normalised_and_checked_against_the_allow_list():
    assert normalise_content_type("Image/PNG; name=x.png") == "image/png"
    with pytest.raises(errors.InvalidArgument):
        normalise_content_type("not a type")
    allowed = ("application/pdf", "image/*")
    check_upload("image/jpeg", 10, max_bytes=100, allowed=allowed)
    check_upload("application/pdf", 100, max_bytes=100, allowed=allowed)
    with pytest.raises(errors.ContentTypeNotAllowed):
        check_upload("application/x-msdownload", 10, max_bytes=100, allowed=allowed)
    with pytest.raises(errors.AttachmentTooLarge) as exc:
        check_upload("application/pdf", 101, max_bytes=100, allowed=allowed)
    assert exc.value.limit == 100
    with pytest.raises(errors.InvalidArgument):
        check_upload("application/pdf", 0, max_bytes=100, allowed=allowed)


def request(category: Category, **kw) -> CallRequest:
    return CallRequest(customer_number="C-1", subject="S", priority=Priority.LOW, category=category, **kw)


def test_each_category_names_its_first_missing_field():
    with pytest.raises(errors.MissingField) as exc:
        check(request(Category.QUESTION))
    assert exc.value.field == "Description"
    with pytest.raises(errors.MissingField) as exc:
        check(request(Category.TECHNICAL_SUPPORT, description="d", first_occurred_at=T0,
                      affected_domain="  "))
    assert exc.value.field == "AffectedDomain"
    with pytest.raises(errors.MissingField) as exc:
        check(request(Category.IMPROVEMENT, description="d"))
    assert exc.value.field == "ResponsibleUser"
    check(request(Category.TECHNICAL_SUPPORT, description="d", first_occurred_at=T0, affected_domain="x"))


@pytest.mark.parametrize("year, month, start, end", [
    (2025, None, datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)),
    (2025, 12, datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)),
    (2026, 2, datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)),
])
def test_year_and_month_become_a_half_open_range(year, month, start, end):
    where = OverviewFilter(year=year, month=month).validated()
    assert (where.created_from, where.created_before) == (start, end)


def call() -> Call:
    return Call(customer_id=1, origin_customer_id=1, created_by_login_id=1, reported_customer_number="C-1",
                subject="S", description="", priority=Priority.LOW, category=Category.QUESTION,
                status_code="NEW", created_at=T0, updated_at=T0)


def test_only_customer_visible_changes_move_changed_at():
    c = call()
    c.record(Entry(EntryKind.HISTORY, "internal", "tech", T1, visibility=Visibility.INTERNAL))
    assert (c.changed_at, c.updated_at, c.public_change) == (T0, T1, False)
    c.record(Entry(EntryKind.CONTACT, "called", "tech", T1))
    assert (c.changed_at, c.public_change) == (T1, True)
    c = call()
    c.set_result("fixed", author="tech", now=T1)  # a result change counts, though its entry is internal
    assert (c.changed_at, c.public_change) == (T1, True)
