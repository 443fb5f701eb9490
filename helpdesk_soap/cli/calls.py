"""``helpdesk-soap call ...``: staff actions on a call."""

from __future__ import annotations

import click

from ..config import Config
from ..domain.model import ContactType, EntryKind, Visibility
from .base import pass_config, unit_of_work


@click.group("call")
def call() -> None:
    """Staff actions on a call."""


_author = click.option("--author", default="staff", show_default=True, help="Recorded as the entry's author.")
_internal = click.option("--internal", is_flag=True, help="Staff only: never shown to the customer.")


@call.command("add-history")
@click.argument("call_id", type=int)
@click.argument("text")
@_internal
@_author
@pass_config
def call_add_history(config: Config, call_id: int, text: str, internal: bool, author: str) -> None:
    from ..services import staff

    with unit_of_work(config) as uow:
        staff.add_entry(uow, call_id, EntryKind.HISTORY, text, author=author,
                        visibility=Visibility.INTERNAL if internal else Visibility.PUBLIC)
    click.echo(f"history entry added to call {call_id}")


@call.command("add-contact")
@click.argument("call_id", type=int)
@click.argument("text")
@click.option("--type", "contact_type", type=click.Choice([c.value for c in ContactType]),
              default=ContactType.NOTE.value, show_default=True)
@click.option("--path", help="Path of the entry in the web front end (joined to web_base_url).")
@_internal
@_author
@pass_config
def call_add_contact(config: Config, call_id: int, text: str, contact_type: str, path: str | None,
                     internal: bool, author: str) -> None:
    from ..services import staff

    with unit_of_work(config) as uow:
        staff.add_entry(uow, call_id, EntryKind.CONTACT, text, author=author,
                        visibility=Visibility.INTERNAL if internal else Visibility.PUBLIC,
                        contact_type=ContactType(contact_type), path=path)
    click.echo(f"contact entry added to call {call_id}")


#: ``call NAME CALL_ID ARGUMENT``: the staff service's function that takes the argument's
#: text, and what is echoed after it (with ``call_id`` and the ``value``).
TEXT_CHANGES = (
    ("set-status", "code", "set_status", "call {call_id} is now {value}"),
    ("set-result", "text", "set_result", "result of call {call_id} set"),
    ("propose-solution", "text", "propose_solution", "solution proposed for call {call_id}"),
)


def _text_change(name: str, argument: str, function: str, done: str) -> None:
    @click.argument("call_id", type=int)
    @click.argument(argument)
    @_author
    @pass_config
    def command(config: Config, call_id: int, author: str, **text: str) -> None:
        from ..services import staff

        (value,) = text.values()
        with unit_of_work(config) as uow:
            getattr(staff, function)(uow, call_id, value, author=author)
        click.echo(done.format(call_id=call_id, value=value))
    call.command(name)(command)


for _row in TEXT_CHANGES:
    _text_change(*_row)
