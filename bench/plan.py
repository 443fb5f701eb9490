"""What ``python -m bench`` measures: the connection counts, the table's column, and the
request series that need more than one fixed body."""

from __future__ import annotations

from . import workload
from .load import Series

CONCURRENCY = (1, 2, 4, 8, 16)
TABLE_AT = 2
#: Paired runs of each operation against the floor that answers its own bytes.
OWN_FLOOR_ROUNDS = 2


def create_call_series() -> Series:
    """CreateCall, each request with an ExternalTicketId of its own (a new call each)."""
    return Series("CreateCall", body=workload.create_call("@N@"), counter_marker=b"@N@")


def answer_series(seeded: workload.Seeded) -> Series:
    """SetSolutionAcceptance, each request on another of the seeded calls with a proposal."""
    return Series("SetSolutionAcceptance", body=workload.set_solution_acceptance(0).replace(
        b"<h:CallId>0<", b"<h:CallId>@ID@<"), ids=seeded.proposed, id_marker=b"@ID@")
