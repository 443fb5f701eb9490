"""``helpdesk-soap request-type list|set|reset``: the fields each category of call asks for."""

from __future__ import annotations

import click

from ..config import Config
from ..domain.model import Category
from ..domain.request_types import FieldState
from .base import OPERATOR, pass_config, unit_of_work

_CATEGORIES = click.Choice([c.value for c in Category], case_sensitive=False)
_STATES = click.Choice([s.value.lower() for s in FieldState], case_sensitive=False)


def _category(raw: str) -> Category:
    from ..services.request_types import parse_category

    return parse_category(raw)


def _echo(config, show_absent: bool = True) -> None:
    flag = " (customised)" if config.customised else ""
    click.echo(f"{config.category.value}{flag}")
    for f in config.fields:
        if show_absent or f.state is not FieldState.ABSENT:
            length = "-" if f.max_length is None else str(f.max_length)
            click.echo(f"  {f.name}\t{f.state.value.lower()}\t{f.type.value}\t{length}\t{f.label}")


@click.group("request-type")
def request_type() -> None:
    """The fields each category of call requires or takes (CreateCall, GetRequestTypes)."""


@request_type.command("list")
@click.argument("category", type=_CATEGORIES, required=False)
@click.option("--all", "show_absent", is_flag=True, help="Also list the fields not asked for.")
@pass_config
def request_type_list(config: Config, category: str | None, show_absent: bool) -> None:
    """Each category's fields: name, state, type, maximum length, label."""
    from ..services import request_types

    with unit_of_work(config) as uow:
        configs = request_types.configuration(uow, OPERATOR)
    for each in configs:
        if category is None or each.category is _category(category):
            _echo(each, show_absent)


@request_type.command("set")
@click.argument("category", type=_CATEGORIES)
@click.argument("field")
@click.argument("state", type=_STATES)
@click.option("--label", help="What forms show for the field [kept; a new field: its default].")
@click.option("--max-length", type=int,
              help="At most what CreateCall carries [kept; a new field: that limit].")
@pass_config
def request_type_set(config: Config, category: str, field: str, state: str, label: str | None,
                     max_length: int | None) -> None:
    """Make FIELD of CATEGORY required, optional or absent (not asked for)."""
    from ..services import request_types

    with unit_of_work(config) as uow:
        changed = request_types.set_field(uow, OPERATOR, _category(category), field,
                                          request_types.parse_state(state), label, max_length)
    _echo(changed, show_absent=False)


@request_type.command("reset")
@click.argument("category", type=_CATEGORIES)
@pass_config
def request_type_reset(config: Config, category: str) -> None:
    """Give CATEGORY the default set's fields again."""
    from ..services import request_types

    with unit_of_work(config) as uow:
        changed = request_types.reset(uow, OPERATOR, _category(category))
    _echo(changed, show_absent=False)
