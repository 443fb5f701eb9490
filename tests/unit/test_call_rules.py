"""Rules on Call, CallRequest and the small model helpers."""

from datetime import datetime, timedelta

import pytest

from helpdesk_soap.domain.errors import InvalidArgument, NoSolutionProposed, SolutionAlreadyAnswered
from helpdesk_soap.domain.model import (
    Call, CallRequest, Category, EntryKind, Principal, Priority, SolutionState, Stage, Status,
    contact_url, visible_result,
)

T0 = datetime(2024, 5, 1, 9, 0, 0)
NEW = Status("NEW", "New", Stage.OPEN)
PROPOSED = Status("SOLUTION_PROPOSED", "Solution proposed", Stage.DONE)
ACCEPTED = Status("SOLUTION_ACCEPTED", "Accepted", Stage.CLOSED, result_visible=True, is_final=True)
REJECTED = Status("SOLUTION_REJECTED", "Rejected", Stage.IN_PROGRESS)


def make_call(**kw) -> Call:
    values = dict(customer_id=10, origin_customer_id=10, created_by_login_id=7,
                  reported_customer_number="C-10", subject="Printer", description="",
                  priority=Priority.LOW, category=Category.QUESTION, status_code=NEW.code,
                  created_at=T0, updated_at=T0)
    values.update(kw)
    return Call(**values)


def proposed_call() -> Call:
    call = make_call()
    call.propose_solution("Restart it.", PROPOSED, author="staff", now=T0)
    call.new_entries.clear()
    return call


def test_accept_changes_state_and_status_and_records_one_entry_with_comment():
    call = proposed_call()
    later = T0 + timedelta(hours=1)
    assert call.answer_solution(True, "works now", ACCEPTED, author="cust", now=later) is True
    assert call.solution_state is SolutionState.ACCEPTED
    assert call.status_code == ACCEPTED.code
    answers = [e for e in call.new_entries if "Solution accepted" in e.text]
    assert len(answers) == 1
    assert "works now" in answers[0].text
    assert answers[0].kind is EntryKind.HISTORY and call.updated_at == later


def test_same_answer_twice_returns_false_and_records_nothing():
    call = proposed_call()
    call.answer_solution(False, "still broken", REJECTED, author="cust", now=T0)
    before = list(call.new_entries)
    assert call.answer_solution(False, "still broken", REJECTED, author="cust", now=T0) is False
    assert call.new_entries == before
    assert call.solution_state is SolutionState.REJECTED


def test_accept_after_reject_without_new_proposal_is_refused():
    call = proposed_call()
    call.answer_solution(False, "", REJECTED, author="cust", now=T0)
    before = list(call.new_entries)
    with pytest.raises(SolutionAlreadyAnswered):
        call.answer_solution(True, "", ACCEPTED, author="cust", now=T0)
    assert (call.solution_state, call.status_code) == (SolutionState.REJECTED, REJECTED.code)
    assert call.new_entries == before


@pytest.mark.parametrize("accepted", [True, False])
def test_answer_without_proposal_raises(accepted):
    call = make_call()
    with pytest.raises(NoSolutionProposed):
        call.answer_solution(accepted, "", ACCEPTED, author="cust", now=T0)
    assert call.new_entries == []


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_propose_blank_solution_raises(text):
    call = make_call()
    with pytest.raises(InvalidArgument) as info:
        call.propose_solution(text, PROPOSED, author="staff", now=T0)
    assert info.value.field == "Solution"
    assert call.solution_state is SolutionState.NONE
    assert call.new_entries == []


def test_new_proposal_after_reject_can_be_accepted():
    call = proposed_call()
    call.answer_solution(False, "", REJECTED, author="cust", now=T0)
    call.propose_solution("Replace toner.", PROPOSED, author="staff", now=T0)
    assert call.solution_state is SolutionState.PROPOSED
    assert call.solution == "Replace toner."
    assert call.status_code == PROPOSED.code
    assert call.answer_solution(True, "", ACCEPTED, author="cust", now=T0) is True
    assert call.solution_state is SolutionState.ACCEPTED


def test_visible_to():
    call = make_call(customer_id=10, created_by_login_id=7)
    assert call.visible_to(Principal(login_id=1, login_name="a", customer_id=10))
    assert call.visible_to(Principal(login_id=7, login_name="b", customer_id=99))
    assert not call.visible_to(Principal(login_id=8, login_name="c", customer_id=99))


def test_set_status_to_same_status_is_a_no_op():
    call = make_call()
    assert call.set_status(NEW, author="staff", now=T0 + timedelta(days=1)) is False
    assert call.new_entries == []
    assert call.updated_at == T0
    assert call.set_status(REJECTED, author="staff", now=T0) is True
    assert len(call.new_entries) == 1


def request(**kw) -> CallRequest:
    values = dict(customer_number="C-10", subject="Printer", priority=Priority.HIGH,
                  category=Category.TECHNICAL_SUPPORT)
    values.update(kw)
    return CallRequest(**values)


def test_validated_strips_subject_and_drops_blank_external_id():
    req = request(subject="  Printer jammed \n", external_ticket_id="   ").validated()
    assert req.subject == "Printer jammed"
    assert req.external_ticket_id is None
    assert request(external_ticket_id="EXT-1").validated().external_ticket_id == "EXT-1"


@pytest.mark.parametrize("subject", ["", "   "])
def test_validated_rejects_blank_subject(subject):
    with pytest.raises(InvalidArgument) as info:
        request(subject=subject).validated()
    assert info.value.field == "Subject"


def test_visible_result_only_in_result_visible_status():
    call = make_call(result="Fixed the driver.")
    assert visible_result(call, ACCEPTED) == "Fixed the driver."
    assert visible_result(call, NEW) is None


@pytest.mark.parametrize("base, path", [
    ("https://web.example", "calls/1/entry/2"),
    ("https://web.example/", "calls/1/entry/2"),
    ("https://web.example", "/calls/1/entry/2"),
    ("https://web.example//", "//calls/1/entry/2"),
])
def test_contact_url_joins_with_exactly_one_slash(base, path):
    assert contact_url(base, path) == "https://web.example/calls/1/entry/2"


@pytest.mark.parametrize("base, path", [("", "calls/1"), (None, "calls/1"),
                                        ("https://web.example", None)])
def test_contact_url_none_without_base_or_path(base, path):
    assert contact_url(base, path) is None
