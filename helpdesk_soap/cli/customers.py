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


@customer.command("set-organisation")
@click.argument("number")
@click.argument("organisation", required=False)
@pass_config
def customer_set_organisation(config: Config, number: str, organisation: str | None) -> None:
    """Put a customer into an organisation (without ORGANISATION: take it out)."""
    from ..services import admin

    with unit_of_work(config) as uow:
        admin.set_customer_organisation(uow, number, organisation)
    click.echo(f"customer {number} is now in {organisation or 'no organisation'}")


@customer.command("set-mail-domain")
@click.argument("number")
@click.argument("domain", required=False)
@pass_config
def customer_set_mail_domain(config: Config, number: str, domain: str | None) -> None:
    """File mail from any address at DOMAIN for this customer (without DOMAIN: none)."""
    from ..services import admin

    with unit_of_work(config) as uow:
        admin.set_customer_mail_domain(uow, number, domain)
    click.echo(f"mail domain of customer {number}: {domain or 'none'}")


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
