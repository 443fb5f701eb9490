"""``helpdesk-soap customer|organisation|portal``: the companies the helpdesk serves."""

from __future__ import annotations

import click

from ..config import Config
from .base import OPERATOR, pass_config, unit_of_work


@click.group("customer")
def customer() -> None:
    """Customers."""


@customer.command("add")
@click.argument("number")
@click.option("--name", required=True)
@pass_config
def customer_add(config: Config, number: str, name: str) -> None:
    from ..services import admin

    with unit_of_work(config) as uow:
        c = admin.add_customer(uow, number, name)
    click.echo(f"customer {c.number} added ({c.name})")


@customer.command("list")
@pass_config
def customer_list(config: Config) -> None:
    from ..services import admin

    with unit_of_work(config) as uow:
        for c in admin.list_customers(uow):
            click.echo(f"{c.number}\t{c.name}")


#: ``customer NAME NUMBER [ARGUMENT]``: its help, the admin service's function that takes the
#: argument (None without it), and what is echoed after it (with ``number`` and the ``value``,
#: or the last text when the argument is left out).
CUSTOMER_CHANGES = (
    ("set-organisation", "organisation",
     "Put a customer into an organisation (without ORGANISATION: take it out).",
     "set_customer_organisation", "customer {number} is now in {value}", "no organisation"),
    ("set-mail-domain", "domain",
     "File mail from any address at DOMAIN for this customer (without DOMAIN: none).",
     "set_customer_mail_domain", "mail domain of customer {number}: {value}", "none"),
)


def _customer_change(name: str, argument: str, help: str, function: str, done: str,
                     left_out: str) -> None:
    @click.argument("number")
    @click.argument(argument, required=False)
    @pass_config
    def command(config: Config, number: str, **given: str | None) -> None:
        from ..services import admin

        (value,) = given.values()
        with unit_of_work(config) as uow:
            getattr(admin, function)(uow, number, value)
        click.echo(done.format(number=number, value=value or left_out))
    customer.command(name, help=help)(command)


for _row in CUSTOMER_CHANGES:
    _customer_change(*_row)


@click.group("organisation")
def organisation() -> None:
    """Organisations: customers whose logins all see each other's calls."""


@organisation.command("add")
@click.argument("name")
@pass_config
def organisation_add(config: Config, name: str) -> None:
    from ..services import admin

    with unit_of_work(config) as uow:
        admin.add_organisation(uow, name)
    click.echo(f"organisation {name} added")


@click.group("portal")
def portal() -> None:
    """A company's access: while inactive, its logins get Client.ServiceUnavailable."""


@portal.command("set")
@click.option("--customer", "customer_number", metavar="NUMBER")
@click.option("--organisation", metavar="NAME")
@click.argument("state", type=click.Choice(["active", "inactive"]))
@pass_config
def portal_set(config: Config, customer_number: str | None, organisation: str | None, state: str) -> None:
    from ..services import desk_admin

    with unit_of_work(config) as uow:
        desk_admin.set_portal_active(uow, OPERATOR, state == "active",
                                     customer_number=customer_number, organisation=organisation)
    click.echo(f"portal of {customer_number or organisation} is {state}")
