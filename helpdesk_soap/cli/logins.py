"""``helpdesk-soap login add|unlock|set-password|invite|reset``: logins and their credentials."""

from __future__ import annotations

import sys

import click

from ..config import Config
from ..domain.model import Role
from .base import pass_config, unit_of_work


@click.group("login")
def login() -> None:
    """Logins (credentials for the SOAP service)."""


@login.command("add")
@click.argument("name")
@click.option("--customer", "customer_number", metavar="NUMBER",
              help="The customer the login belongs to (customer and integration logins).")
@click.option("--role", type=click.Choice([r.value.lower() for r in Role]), default="integration",
              show_default=True, help="customer: a person; integration: a ticket system; "
              "staff: a technician; admin: configures the service.")
@click.option("--email", help="Lets the login authenticate with this address too.")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Read the password from the first line of standard input.")
@click.option("--can-set-service-level", is_flag=True, help="May set ServiceLevel on CreateCall.")
@pass_config
def login_add(config: Config, name: str, customer_number: str | None, role: str, email: str | None,
              password_stdin: bool, can_set_service_level: bool) -> None:
    from ..services import admin

    password = sys.stdin.readline().rstrip("\r\n")
    with unit_of_work(config) as uow:
        info = admin.add_login(uow, name, customer_number, password, can_set_service_level,
                               Role(role.capitalize()), email)
    owner = f"for customer {info.customer_number}" if info.customer_number else "for the helpdesk"
    click.echo(f"{info.role.value.lower()} login {info.name} added {owner}")


@login.command("unlock")
@click.argument("name")
@pass_config
def login_unlock(config: Config, name: str) -> None:
    """Lift a lockout after too many failed logins."""
    from ..services import admin

    with unit_of_work(config) as uow:
        admin.unlock_login(uow, name)
    click.echo(f"login {name} unlocked")


@login.command("set-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Read the new password from the first line of standard input.")
@pass_config
def login_set_password(config: Config, name: str, password_stdin: bool) -> None:
    from ..services import admin

    password = sys.stdin.readline().rstrip("\r\n")
    with unit_of_work(config) as uow:
        admin.set_password(uow, name, password)
    click.echo(f"password of login {name} changed")


@login.command("invite")
@click.argument("email")
@click.option("--customer", "customer_number", required=True, metavar="NUMBER")
@click.option("--author", default="admin", show_default=True)
@click.option("--show-token", is_flag=True, help="Also print the token (when no mail can be sent).")
@pass_config
def login_invite(config: Config, email: str, customer_number: str, author: str, show_token: bool) -> None:
    """Invite EMAIL to become a login of a customer: a one-time link is mailed."""
    from ..services import tokens

    with unit_of_work(config) as uow:
        issued = tokens.invite_login(uow, author, customer_number, email,
                                     public_url=config.own_url)
    click.echo(f"invitation for {issued.email} queued, valid until {issued.expires_at:%Y-%m-%d %H:%M} UTC")
    if show_token:
        click.echo(issued.token)


@login.command("reset")
@click.argument("identifier", metavar="EMAIL_OR_LOGIN")
@click.option("--show-token", is_flag=True, help="Also print the token (when no mail can be sent).")
@pass_config
def login_reset(config: Config, identifier: str, show_token: bool) -> None:
    """Mail a one-time password-reset link to a login's address."""
    from ..domain.errors import UnknownReference
    from ..services import tokens

    with unit_of_work(config) as uow:
        issued = tokens.request_password_reset(uow, identifier, public_url=config.own_url)
    if issued is None:
        raise UnknownReference(f"No active login with an e-mail address matches {identifier!r}.")
    click.echo(f"password reset for {issued.email} queued, valid until "
               f"{issued.expires_at:%Y-%m-%d %H:%M} UTC")
    if show_token:
        click.echo(issued.token)
