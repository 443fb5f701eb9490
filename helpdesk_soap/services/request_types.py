"""Request types as admins configure them: which fields each category of call requires,
takes or does not ask for (domain/request_types.py). The CLI and /staff drive these; only
admins may use them. CreateCall and GetRequestTypes read the same configuration
(``uow.request_types``), from the worker's cache, which a change invalidates at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.errors import InvalidArgument
from ..domain.model import Category, Principal
from ..domain.request_types import DEFAULT, FIELDS, FieldState, FieldType, RequestTypes
from .staff import require_admin
from .unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class FieldConfig:
    """One field of CreateCall's Call, as a category has it configured."""

    name: str
    type: FieldType
    state: FieldState
    label: str
    #: None for a field without length (a date, the priority).
    max_length: int | None
    #: The most the wire carries (NewCall); a configured max_length is at most this.
    wire_max_length: int | None
    #: Subject and Priority: required in every category.
    fixed: bool


@dataclass(frozen=True, slots=True)
class CategoryConfig:
    category: Category
    #: Every field a request type may ask for: the configured ones in their order, then
    #: the absent ones.
    fields: tuple[FieldConfig, ...]
    #: The category differs from the default set (``reset`` brings that back).
    customised: bool


def request_types(uow: UnitOfWork) -> RequestTypes:
    """The effective request types, as CreateCall enforces them (GetRequestTypes)."""
    return uow.request_types.get()


def configuration(uow: UnitOfWork, principal: Principal) -> list[CategoryConfig]:
    """Every category's configuration, with the fields it does not ask for. Admins only."""
    require_admin(principal)
    types = uow.request_types.get()
    return [_config(types, category) for category in Category]


def set_field(uow: UnitOfWork, principal: Principal, category: Category, name: str,
              state: FieldState, label: str | None = None,
              max_length: int | None = None) -> CategoryConfig:
    """Make field ``name`` required, optional or absent in ``category``. A label or maximum
    length not given stays as it was (for a field newly asked for: its default label, the
    wire's limit). Admins only."""
    require_admin(principal)
    name = _FIELD_NAMES.get((name or "").strip().lower(), name)
    uow.begin_write()
    types = uow.request_types.latest().with_rule(category, name, state, label, max_length)
    uow.request_types.save(category, types[category])
    uow.commit()
    return _config(types, category)


def reset(uow: UnitOfWork, principal: Principal, category: Category) -> CategoryConfig:
    """Give ``category`` the default set's fields again. Admins only."""
    require_admin(principal)
    uow.begin_write()
    types = uow.request_types.latest().reset(category)
    uow.request_types.save(category, types[category])
    uow.commit()
    return _config(types, category)


def _config(types: RequestTypes, category: Category) -> CategoryConfig:
    rules = types[category]
    configured = {r.name: r for r in rules}
    fields = [FieldConfig(r.name, r.type,
                          FieldState.REQUIRED if r.required else FieldState.OPTIONAL, r.label,
                          r.max_length, FIELDS[r.name].wire_max_length, FIELDS[r.name].fixed)
              for r in rules]
    fields += [FieldConfig(s.name, s.type, FieldState.ABSENT, s.default_label, None,
                           s.wire_max_length, s.fixed)
               for s in FIELDS.values() if s.name not in configured]
    return CategoryConfig(category, tuple(fields), rules != DEFAULT[category])


#: Field names in any case (``affecteddomain`` is AffectedDomain).
_FIELD_NAMES = {name.lower(): name for name in FIELDS}


def _parse(enum, raw: str, what: str, field: str):
    wanted = raw.replace("_", "").replace("-", "").lower()
    for member in enum:
        if member.value.lower() == wanted:
            return member
    raise InvalidArgument(f"Unknown {what} {raw!r}; known: {', '.join(m.value for m in enum)}.",
                          field=field)


def parse_category(raw: str) -> Category:
    """A category by its name, in any case (``technical-support`` too)."""
    return _parse(Category, raw, "category", "Category")


def parse_state(raw: str) -> FieldState:
    return _parse(FieldState, raw, "state", "State")
