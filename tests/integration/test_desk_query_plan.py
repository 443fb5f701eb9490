"""The desk's queue walks the calls' (updated_at, id) index backwards on PostgreSQL, on the
first page and deep in the list alike: no sequential scan, no sort of all calls."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from helpdesk_soap.domain.desk import DeskFilter
from helpdesk_soap.domain.model import Principal, Role
from helpdesk_soap.services import desk
from helpdesk_soap.store.devdata import generate
from tests.support.statements import statements_run

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def _nodes(plan: dict) -> list[dict]:
    return [plan, *(n for child in plan.get("Plans", []) for n in _nodes(child))]


def test_queue_pages_cost_the_same_at_any_depth(engine, uow_factory):
    generate(engine, 3000, customers=30, seed=11)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    who = Principal(login_id=None, login_name="plan-tech", customer_id=None, role=Role.STAFF)
    with statements_run(engine) as captured:
        cursor = None
        for _ in range(40):  # 40 pages of 25: a thousand calls deep
            with uow_factory() as uow:
                cursor = desk.queue(uow, who, DeskFilter(), cursor).next_cursor
            assert cursor is not None
    queries = [(sql, params) for sql, params in captured.executed if "ORDER BY calls.updated_at DESC" in sql]
    assert len(queries) == 40
    with engine.connect() as conn:
        for sql, params in (queries[0], queries[-1]):
            plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + sql, params).scalar()
            plan = plan if isinstance(plan, list) else json.loads(plan)
            nodes = _nodes(plan[0]["Plan"])
            scans = [n for n in nodes if n.get("Relation Name") == "calls"]
            assert [n["Node Type"] for n in scans] == ["Index Scan"], scans
            assert scans[0]["Index Name"] == "ix_calls_updated_id"
            assert scans[0]["Scan Direction"] == "Backward"
            assert not any(n["Node Type"] == "Sort" for n in nodes)
