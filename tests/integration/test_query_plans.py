"""Every query the three operations issue walks an index on PostgreSQL: no sequential
scan on the calls or entries tables, checked with EXPLAIN on a populated database."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from helpdesk_soap.domain.model import CallRequest, Category, Priority
from helpdesk_soap.security import PasswordVerifier
from helpdesk_soap.services import admin, auth, calls, staff, workflow
from helpdesk_soap.store.devdata import generate
from helpdesk_soap.store.models import CustomerRow
from tests.support.statements import statements_run

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
WATCHED = {"calls", "call_entries"}


def seq_scans(plan: dict) -> list[str]:
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in WATCHED:
        found.append(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found += seq_scans(child)
    return found


def test_hot_queries_use_indexes(engine, uow_factory):
    generate(engine, 3000, customers=30, seed=7)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        number = conn.execute(select(CustomerRow.number).order_by(CustomerRow.id).limit(1)).scalar()
    with uow_factory() as uow:
        admin.add_login(uow, "plan-login", number, "plan-password")

    with statements_run(engine) as captured:
        request = CallRequest(customer_number=number, subject="Plan check", priority=Priority.LOW,
                              category=Category.QUESTION, description="Plan check.",
                              external_ticket_id="PLAN-1")
        verifier = PasswordVerifier()
        with uow_factory() as uow:
            principal = auth.authenticate(uow, verifier, "plan-login", "plan-password")
            call_id = calls.create_call(uow, principal, request).call.id
        with uow_factory() as uow:
            calls.create_call(uow, principal, request)  # the retry path
        with uow_factory() as uow:
            staff.propose_solution(uow, call_id, "Try this", author="tech")
        with uow_factory() as uow:
            calls.get_call_data(uow, principal, call_id)
        with uow_factory() as uow:
            workflow.add_note(uow, principal, call_id, "A reply.")
        with uow_factory() as uow:
            calls.set_solution_acceptance(uow, principal, call_id, True, "ok")
        with uow_factory() as uow:  # the customer's overview, a second page, and change polling
            page = workflow.list_calls(uow, principal, workflow.OverviewFilter(year=2026), None, 5)
            workflow.list_calls(uow, principal, workflow.OverviewFilter(), page.next_cursor, 5)
            workflow.changed_calls(uow, principal, 100, 20)

    checked = 0
    with engine.connect() as conn:
        for sql, params in captured.executed:
            if not sql.lstrip().upper().startswith(("SELECT", "UPDATE")):
                continue
            if not any(table in sql for table in WATCHED):
                continue
            plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + sql, params).scalar()
            plan = plan if isinstance(plan, list) else json.loads(plan)
            assert seq_scans(plan[0]["Plan"]) == [], f"sequential scan for:\n{sql}"
            checked += 1
    assert checked >= 10  # get, find by ExternalTicketId, entries, updates, overview, changes...
