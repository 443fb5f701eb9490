"""What the domain asks of a call status's flags (issue 26, the admin pages).

Source document 003: a closed call takes no more updates, a cancelled one is over; so the
stages Closed and Cancelled are exactly the final ones. A status that the settings give to
a new call, or to a call whose solution waits for the customer's answer (or was rejected),
must leave the call open: it cannot be final."""

from __future__ import annotations

from .errors import InvalidArgument
from .model import Stage, Status
from .settings import Settings

FINAL_STAGES = frozenset({Stage.CLOSED, Stage.CANCELLED})
#: Settings that name a status a call must still be workable in.
OPEN_STATUS_SETTINGS = ("new_call_status", "unknown_customer_status",
                        "solution_proposed_status", "solution_rejected_status")


def check_flags(status: Status, settings: Settings) -> None:
    """Refuse flags the domain forbids (InvalidArgument, naming the field)."""
    if status.is_final and status.stage not in FINAL_STAGES:
        raise InvalidArgument("Only a status of the stage Closed or Cancelled can be final.",
                              field="is_final")
    if not status.is_final and status.stage in FINAL_STAGES:
        raise InvalidArgument("A status of the stage Closed or Cancelled must be final.",
                              field="is_final")
    if status.is_final:
        for key in OPEN_STATUS_SETTINGS:
            if getattr(settings, key) == status.code:
                raise InvalidArgument(f"The setting {key} names this status, so it cannot be "
                                      "final.", field="is_final")
