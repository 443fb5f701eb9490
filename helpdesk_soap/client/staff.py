"""The client of the helpdesk's own service, /staff (technicians, ops)."""

from __future__ import annotations

from datetime import datetime
from typing import Iterator

from zeep.helpers import serialize_object

from .transport import ServiceClient


class StaffClient(ServiceClient):
    """The helpdesk's own service: /staff. Results are plain dicts and lists."""

    service_path = "/staff"

    def _plain(self, operation: str, retry: bool, **kwargs):
        return serialize_object(self._call(operation, retry=retry, **kwargs), dict)

    def list_calls(self, *, status: str | None = None, stage: str | None = None,
                   customer_id: str | None = None, changed_since: datetime | None = None,
                   page_size: int = 100) -> Iterator[dict]:
        """Every matching call, page after page (by cursor)."""
        cursor = None
        while True:
            page = self._plain("ListCalls", True, Status=status, Stage=stage, CustomerId=customer_id,
                               ChangedSince=changed_since, Cursor=cursor, PageSize=page_size)
            yield from ((page.get("Calls") or {}).get("CallSummary") or [])
            cursor = page.get("NextCursor")
            if not cursor:
                return

    def get_call(self, call_id: int) -> dict:
        return self._plain("GetCall", True, CallId=call_id)

    def add_entry(self, call_id: int, text: str, *, kind: str = "History", visibility: str = "Public",
                  contact_type: str | None = None, path: str | None = None) -> dict:
        return self._plain("AddEntry", False, CallId=call_id, Kind=kind, Text=text,
                           Visibility=visibility, ContactType=contact_type, Path=path)

    def set_status(self, call_id: int, status: str) -> dict:
        return self._plain("SetStatus", True, CallId=call_id, Status=status)

    def set_result(self, call_id: int, result: str) -> dict:
        return self._plain("SetResult", True, CallId=call_id, Result=result)

    def propose_solution(self, call_id: int, solution: str) -> dict:
        return self._plain("ProposeSolution", False, CallId=call_id, Solution=solution)

    def assign(self, call_id: int, technician: str, state: str = "Assigned") -> dict:
        return self._plain("AssignTechnician", True, CallId=call_id, Technician=technician, State=state)

    def unassign(self, call_id: int, technician: str) -> dict:
        return self._plain("UnassignTechnician", False, CallId=call_id, Technician=technician)

    def set_portal_active(self, active: bool, *, customer_id: str | None = None,
                          organisation: str | None = None) -> None:
        self._call("SetPortalActive", retry=True, CustomerId=customer_id, Organisation=organisation,
                   Active=active)
