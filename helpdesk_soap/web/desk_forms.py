"""The desk's form fields in, plain values out. No rules: services/desk.py checks them."""

from __future__ import annotations

from ..domain.desk import DeskFilter, NotifyEvent, TechnicianPrefs
from ..domain.errors import InvalidArgument
from ..domain.model import AssignmentState, ContactType, EntryKind, Visibility


def queue_filter(args) -> DeskFilter:
    def text(name):
        return (args.get(name) or "").strip() or None
    return DeskFilter(status=text("status"), stage=text("stage"), customer_number=text("customer"),
                      category=text("category"), priority=text("priority"),
                      mine=args.get("mine") == "1", my_customers=args.get("my_customers") == "1",
                      unassigned=args.get("unassigned") == "1",
                      unread=args.get("unread") == "1", text=text("q"))


def _choice(kind, raw, field):
    try:
        return kind(raw)
    except ValueError:
        raise InvalidArgument(f"Choose a {field.lower()}.", field=field) from None


def version(form) -> int | None:
    """The call version the form was made from (the optimistic check), or None."""
    raw = (form.get("version") or "").strip()
    return int(raw) if raw.isdigit() else None


def entry(form) -> dict:
    kind = _choice(EntryKind, form.get("kind", "History"), "Kind")
    contact = form.get("contact_type") or None
    return dict(kind=kind, visibility=_choice(Visibility, form.get("visibility", "Public"),
                                              "Visibility"),
                contact_type=_choice(ContactType, contact, "ContactType")
                if kind is EntryKind.CONTACT and contact else None)


def assignment_state(form) -> AssignmentState:
    return _choice(AssignmentState, form.get("state", ""), "State")


def visibility(form) -> Visibility:
    return _choice(Visibility, form.get("visibility", "Public"), "Visibility")


def minutes(form) -> int:
    raw = (form.get("minutes") or "").strip()
    if not raw.isdigit():
        raise InvalidArgument("Minutes must be a whole number.", field="Minutes")
    return int(raw)


def prefs(form) -> TechnicianPrefs:
    return TechnicianPrefs(available=form.get("available") == "1",
                           channel=form.get("channel", "email"),
                           events=frozenset(e for e in NotifyEvent if form.get(e.value) == "1"))


def internal(form) -> bool:
    """The visibility asked for: internal (True) or public."""
    return _choice(Visibility, form.get("visibility", ""), "Visibility") is Visibility.INTERNAL
