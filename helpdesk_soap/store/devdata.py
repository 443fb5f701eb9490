"""Realistic test data, fast: `helpdesk-soap dev generate --calls N`.

Written straight to the tables with bulk inserts (a development tool, not an
entry point for real calls), with the skew of a real helpdesk: a few large
customers own most calls (Zipf-like), most calls are closed, entries per call
vary around a mean, and a share of calls carries an ExternalTicketId.
"""

from __future__ import annotations

import itertools
import json
import random
from datetime import UTC, datetime, timedelta
from typing import Callable

from sqlalchemy import Engine, insert, select, update

from ..domain.model import Category, ContactType, Priority
from .models import CallRow, ChangeCounterRow, CustomerRow, EntryRow

_STATUS_WEIGHTS = {"CLOSED": 55, "SOLUTION_ACCEPTED": 20, "IN_PROGRESS": 8, "NEW": 6, "ASSIGNED": 5,
                   "SOLUTION_PROPOSED": 3, "SOLUTION_REJECTED": 1, "CANCELLED": 2}
_SUBJECTS = ["Phones down in department {n}", "Door alarm keeps triggering ({n})",
             "Fire detector fault on floor {n}", "Voicemail not reachable, site {n}",
             "PBX reboot loop at branch {n}", "Handset {n} shows no line"]
BATCH = 2000


def generate(engine: Engine, calls: int, *, customers: int | None = None, entries_per_call: int = 20,
             seed: int = 1, progress: Callable[[int], None] = lambda n: None) -> dict[str, int]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    customers = customers or max(5, calls // 200)
    statuses, status_weights = zip(*_STATUS_WEIGHTS.items())
    stats = {"customers": 0, "calls": 0, "entries": 0}
    with engine.begin() as conn:
        start = conn.execute(select(CustomerRow.id).order_by(CustomerRow.id.desc()).limit(1)).scalar() or 0
        ids = conn.execute(insert(CustomerRow).returning(CustomerRow.id), [
            {"number": f"GEN-{start + i:07d}", "name": f"Generated customer {start + i}",
             "created_at": now} for i in range(1, customers + 1)]).scalars().all()
        stats["customers"] = len(ids)
    # Zipf: a few customers dominate. Cumulative weights once, not per call.
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(ids))))
    done = 0
    while done < calls:
        size = min(BATCH, calls - done)
        call_rows = []
        for customer in rng.choices(ids, cum_weights=cumulative, k=size):
            created = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            updated = created + timedelta(hours=rng.randrange(1, 200))
            status = rng.choices(statuses, status_weights)[0]
            call_rows.append({
                "customer_id": customer, "origin_customer_id": customer, "created_by_login_id": None,
                "reported_customer_number": "GEN", "subject": rng.choice(_SUBJECTS).format(n=rng.randrange(1, 99)),
                "description": "Generated call.", "priority": rng.choice(list(Priority)).value,
                "category": rng.choice(list(Category)).value, "status_code": status,
                "external_ticket_id": f"GEN-{done + len(call_rows)}-{seed}" if rng.random() < 0.6 else None,
                "components": [], "result": "Fixed." if status in ("CLOSED", "SOLUTION_ACCEPTED") else None,
                "solution": None, "solution_state": "None", "created_at": created,
                "updated_at": updated, "changed_at": updated, "staff_unread": False,
                "internal": False, "version": 1,
                "service_level": None, "reporter_name": None, "reporter_email": None,
                "reporter_phone": None, "installation": None, "first_occurred_at": None})
        with engine.begin() as conn:
            # Number the batch's changes from the store's change sequence, like real writes.
            last = conn.execute(update(ChangeCounterRow).where(ChangeCounterRow.id == 1)
                                .values(value=ChangeCounterRow.value + len(call_rows))
                                .returning(ChangeCounterRow.value)).scalar_one()
            for offset, row in enumerate(call_rows, start=last - len(call_rows) + 1):
                row["change_seq"] = offset
            call_ids = _insert_calls(conn, call_rows)
            entry_rows = []
            for call_id, row in zip(call_ids, call_rows):
                for k in range(max(1, int(rng.expovariate(1 / entries_per_call)))):
                    contact = rng.random() < 0.2
                    entry_rows.append({
                        "call_id": call_id, "kind": "Contact" if contact else "History",
                        "visibility": "Internal" if rng.random() < 0.25 else "Public",
                        "contact_type": rng.choice(list(ContactType)).value if contact else None,
                        "author": "generator", "text": f"Generated entry {k}.",
                        "path": f"contacts/{call_id}/{k}" if contact else None,
                        "created_at": row["created_at"] + timedelta(minutes=k)})
            _insert(conn, EntryRow, entry_rows)
        done += size
        stats["calls"] += size
        stats["entries"] += len(entry_rows)
        progress(size)
    return stats


def _insert_calls(conn, rows: list[dict]) -> list[int]:
    if conn.dialect.name == "postgresql":
        # Take the ids from the sequence first, then COPY: many times faster than
        # INSERT ... RETURNING with thousands of parameters per statement.
        ids = conn.exec_driver_sql(
            f"SELECT nextval(pg_get_serial_sequence('calls', 'id')) FROM generate_series(1, {len(rows)})"
        ).scalars().all()
        for call_id, row in zip(ids, rows):
            row["id"] = call_id
        _insert(conn, CallRow, rows)
        return ids
    return conn.execute(insert(CallRow).returning(CallRow.id, sort_by_parameter_order=True),
                        rows).scalars().all()


def _insert(conn, model, rows: list[dict]) -> None:
    if conn.dialect.name != "postgresql":
        conn.execute(insert(model), rows)
        return
    columns = list(rows[0])
    table = model.__table__
    cursor = conn.connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_copy_value(row[c]) for c in columns])


def _copy_value(value):
    if isinstance(value, list):
        return json.dumps(value)
    return value
