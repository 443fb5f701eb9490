"""Open a call, read it back, and answer its solution, with helpdesk_soap.client.

    HELPDESK_URL=http://127.0.0.1:8080 HELPDESK_LOGIN=demo HELPDESK_PASSWORD=... \
    HELPDESK_CUSTOMER_ID=DEMO python examples/python_client.py
"""

import os
from datetime import UTC, datetime

from helpdesk_soap.client import HelpdeskClient
from helpdesk_soap.client.errors import HelpdeskError, NoSolutionProposed

client = HelpdeskClient.from_env(timeout=(5, 30))
try:
    created = client.create_call(
        os.environ["HELPDESK_CUSTOMER_ID"], "Phones in department 4 are down",
        "All handsets show 'no line' since 07:40.", priority="High", category="TechnicalSupport",
        external_ticket_id="INC0012345", affected_domain="pbx.dept4.example",
        first_occurred_at=datetime(2026, 11, 23, 7, 40, tzinfo=UTC), components=["PBX"])
    print(f"CallId {created.call_id} (created: {created.created}, status {created.status.code})")
    for warning in created.warnings:
        print(f"warning {warning.code}: {warning.message}")

    data = client.get_call_data(created.call_id)
    for entry in data.history:
        print(f"{entry.created_at:%Y-%m-%d %H:%M} {entry.author}: {entry.text}")

    try:
        client.accept_solution(created.call_id, "Works again, thanks.")
    except NoSolutionProposed:
        print("no solution proposed yet")
except HelpdeskError as exc:
    raise SystemExit(f"helpdesk error {exc.code}: {exc.message}")
