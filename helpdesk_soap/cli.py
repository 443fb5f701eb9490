"""The ``helpdesk-soap`` command: serve, migrate, and administer the helpdesk."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from .config import Config
from .domain.errors import DomainError
from .domain.model import ContactType, EntryKind, Role, Status, Visibility


class Group(click.Group):
    """Turns every expected failure into one line on stderr and exit status 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        except SQLAlchemyError as exc:
            raise click.ClickException(f"database error: {type(exc).__name__}: "
                                       f"{str(exc.orig if hasattr(exc, 'orig') else exc).splitlines()[0]}") from None
        except (ValueError, OSError) as exc:
            raise click.ClickException(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("HELPDESK_DEBUG"):
                raise
            click.echo(f"Error: internal error ({type(exc).__name__}); "
                       "set HELPDESK_DEBUG=1 to see the traceback.", err=True)
            ctx.exit(2)


def run(argv: list[str] | None = None) -> None:
    """The console entry point: every error is one line on stderr and a non-zero exit."""
    try:
        code = main.main(args=argv, prog_name="helpdesk-soap", standalone_mode=False)
    except click.UsageError as exc:
        hint = f" (see helpdesk-soap {exc.ctx.command_path.partition(' ')[2]} --help)".replace("  ", " ") \
            if exc.ctx else ""
        click.echo(f"Error: {exc.format_message()}{hint}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"Error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Error: aborted", err=True)
        sys.exit(1)
    if not code:  # ops: a configuration change is logged (ops/logs.py)
        from .ops.logs import cli_change
        cli_change(sys.argv[1:] if argv is None else argv)
    sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=Group)
@click.option("--database", "database_url", metavar="URL",
              help="SQLAlchemy database URL [env HELPDESK_DATABASE_URL; default: a SQLite file "
                   "in the per-user data directory].")
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """SOAP gateway in front of a helpdesk."""
    ctx.obj = Config.from_env(database_url=database_url)


def _engine(config: Config):
    from .store.engine import make_engine
    from .store.migrate import upgrade

    engine = make_engine(config.database_url)
    upgrade(engine)
    return engine


@contextmanager
def unit_of_work(config: Config):
    from .store.engine import make_session_factory
    from .store.files import FileStore
    from .store.unit_of_work import SqlUnitOfWork

    engine = _engine(config)
    try:
        with SqlUnitOfWork(make_session_factory(engine), FileStore(config.attachment_root)) as uow:
            yield uow
    finally:
        engine.dispose()


pass_config = click.make_pass_decorator(Config)


@main.command()
@click.option("--bind", metavar="HOST:PORT", help="Address to listen on [env HELPDESK_BIND; 127.0.0.1:8080].")
@click.option("--workers", type=click.IntRange(1, 64), help="Worker processes [env HELPDESK_WORKERS; 2].")
@pass_config
def serve(config: Config, bind: str | None, workers: int | None) -> None:
    """Migrate the schema, then serve /helpdesk under gunicorn."""
    from dataclasses import replace

    from .ops.serving import check_bind, metrics_directory
    from .server import GatewayServer

    config = replace(config, **{k: v for k, v in (("bind", bind), ("workers", workers)) if v})
    check_bind(config.bind)  # one line and exit 1, not gunicorn's retries
    _engine(config).dispose()
    click.echo(f"helpdesk-soap: serving http://{config.bind}/helpdesk (WSDL at ?wsdl) "
               f"with {config.workers} workers", err=True)
    from .cli_push import start_worker_process, stop_worker_process

    with metrics_directory():
        worker = start_worker_process(config)  # the push delivery worker (HELPDESK_PUSH_WORKER)
        try:
            GatewayServer(config).run()
        finally:
            stop_worker_process(worker)


@main.group()
def db() -> None:
    """Schema migrations."""


@db.command("upgrade")
@pass_config
def db_upgrade(config: Config) -> None:
    """Apply all migrations (creates the schema and its defaults on a new database)."""
    _engine(config).dispose()
    click.echo("database is at the latest schema")


@main.command("export-contract")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project directory; writes wsdl/ and schemas/ below it.")
def export_contract(out_dir: Path) -> None:
    """Write the published WSDL and XSD files (stable, sorted)."""
    from .soap.contract import written_contract

    for rel, data in written_contract().items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        click.echo(f"wrote {path}")


@main.group()
def customer() -> None:
    """Customers."""


@customer.command("add")
@click.argument("number")
@click.option("--name", required=True)
@pass_config
def customer_add(config: Config, number: str, name: str) -> None:
    from .services import admin

    with unit_of_work(config) as uow:
        c = admin.add_customer(uow, number, name)
    click.echo(f"customer {c.number} added ({c.name})")


@customer.command("list")
@pass_config
def customer_list(config: Config) -> None:
    from .services import admin

    with unit_of_work(config) as uow:
        for c in admin.list_customers(uow):
            click.echo(f"{c.number}\t{c.name}")


@customer.command("set-organisation")
@click.argument("number")
@click.argument("organisation", required=False)
@pass_config
def customer_set_organisation(config: Config, number: str, organisation: str | None) -> None:
    """Put a customer into an organisation (without ORGANISATION: take it out)."""
    from .services import admin

    with unit_of_work(config) as uow:
        admin.set_customer_organisation(uow, number, organisation)
    click.echo(f"customer {number} is now in {organisation or 'no organisation'}")


@main.group()
def organisation() -> None:
    """Organisations: customers whose logins all see each other's calls."""


@organisation.command("add")
@click.argument("name")
@pass_config
def organisation_add(config: Config, name: str) -> None:
    from .services import admin

    with unit_of_work(config) as uow:
        admin.add_organisation(uow, name)
    click.echo(f"organisation {name} added")


@main.group()
def portal() -> None:
    """A company's access: while inactive, its logins get Client.ServiceUnavailable."""


@portal.command("set")
@click.option("--customer", "customer_number", metavar="NUMBER")
@click.option("--organisation", metavar="NAME")
@click.argument("state", type=click.Choice(["active", "inactive"]))
@pass_config
def portal_set(config: Config, customer_number: str | None, organisation: str | None, state: str) -> None:
    from .services import desk_admin
    from .services.auth import OPERATOR

    with unit_of_work(config) as uow:
        desk_admin.set_portal_active(uow, OPERATOR, state == "active",
                                     customer_number=customer_number, organisation=organisation)
    click.echo(f"portal of {customer_number or organisation} is {state}")


@main.group()
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
    from .services import admin

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
    from .services import admin

    with unit_of_work(config) as uow:
        admin.unlock_login(uow, name)
    click.echo(f"login {name} unlocked")


@login.command("set-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Read the new password from the first line of standard input.")
@pass_config
def login_set_password(config: Config, name: str, password_stdin: bool) -> None:
    from .services import admin

    password = sys.stdin.readline().rstrip("\r\n")
    with unit_of_work(config) as uow:
        admin.set_password(uow, name, password)
    click.echo(f"password of login {name} changed")


@main.group()
def status() -> None:
    """Call statuses."""


@status.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--stage", required=True, help="Draft, Open, Assigned, InProgress, Done, Closed or Cancelled.")
@click.option("--result-visible", is_flag=True, help="The call's Result is shown to the customer.")
@click.option("--final", is_flag=True, help="The call is finished in this status.")
@pass_config
def status_add(config: Config, code: str, name: str, stage: str, result_visible: bool, final: bool) -> None:
    from .services import admin

    with unit_of_work(config) as uow:
        s = admin.add_status(uow, Status(code.strip(), name, admin.parse_stage(stage), result_visible, final))
    click.echo(f"status {s.code} added")


@status.command("list")
@pass_config
def status_list(config: Config) -> None:
    from .services import admin

    with unit_of_work(config) as uow:
        for s in admin.list_statuses(uow):
            flags = ",".join(f for f, on in (("result-visible", s.result_visible), ("final", s.is_final)) if on)
            click.echo(f"{s.code}\t{s.name}\t{s.stage.value}\t{flags or '-'}")


@main.group()
def settings() -> None:
    """The helpdesk's settings."""


@settings.command("show")
@pass_config
def settings_show(config: Config) -> None:
    from .services import admin

    with unit_of_work(config) as uow:
        for key, value in admin.show_settings(uow).as_mapping().items():
            click.echo(f"{key}\t{value}")


@settings.command("set")
@click.argument("key")
@click.argument("value")
@pass_config
def settings_set(config: Config, key: str, value: str) -> None:
    from .services import admin

    with unit_of_work(config) as uow:
        admin.set_setting(uow, key, value)
    click.echo(f"{key} set")


@main.group()
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
    from .services import staff

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
    from .services import staff

    with unit_of_work(config) as uow:
        staff.add_entry(uow, call_id, EntryKind.CONTACT, text, author=author,
                        visibility=Visibility.INTERNAL if internal else Visibility.PUBLIC,
                        contact_type=ContactType(contact_type), path=path)
    click.echo(f"contact entry added to call {call_id}")


@call.command("set-status")
@click.argument("call_id", type=int)
@click.argument("code")
@_author
@pass_config
def call_set_status(config: Config, call_id: int, code: str, author: str) -> None:
    from .services import staff

    with unit_of_work(config) as uow:
        staff.set_status(uow, call_id, code, author=author)
    click.echo(f"call {call_id} is now {code}")


@call.command("set-result")
@click.argument("call_id", type=int)
@click.argument("text")
@_author
@pass_config
def call_set_result(config: Config, call_id: int, text: str, author: str) -> None:
    from .services import staff

    with unit_of_work(config) as uow:
        staff.set_result(uow, call_id, text, author=author)
    click.echo(f"result of call {call_id} set")


@call.command("propose-solution")
@click.argument("call_id", type=int)
@click.argument("text")
@_author
@pass_config
def call_propose_solution(config: Config, call_id: int, text: str, author: str) -> None:
    from .services import staff

    with unit_of_work(config) as uow:
        staff.propose_solution(uow, call_id, text, author=author)
    click.echo(f"solution proposed for call {call_id}")


@main.group()
def dev() -> None:
    """Development tools."""


@dev.command("generate")
@click.option("--calls", type=click.IntRange(1), required=True, help="How many calls to create.")
@click.option("--customers", type=click.IntRange(1), help="How many customers [calls / 200].")
@click.option("--entries-per-call", type=click.IntRange(1), default=20, show_default=True,
              help="Mean history and contact entries per call.")
@click.option("--seed", type=int, default=1, show_default=True)
@pass_config
def dev_generate(config: Config, calls: int, customers: int | None, entries_per_call: int,
                 seed: int) -> None:
    """Fill the database with realistic, skewed test data."""
    from .store.devdata import generate

    engine = _engine(config)
    try:
        with click.progressbar(length=calls, label="generating calls", file=sys.stderr) as bar:
            stats = generate(engine, calls, customers=customers, entries_per_call=entries_per_call,
                             seed=seed, progress=bar.update)
    finally:
        engine.dispose()
    click.echo(f"created {stats['customers']} customers, {stats['calls']} calls, "
               f"{stats['entries']} entries")


@main.command()
@click.option("--reset-passwords", is_flag=True, help="Give the demo logins new passwords.")
@pass_config
def demo(config: Config, reset_passwords: bool) -> None:
    """Set up a demo world: a customer, an integration login and a staff login.

    Prints the logins with their passwords and what to do next. Run again, it keeps the
    passwords (and says so) unless --reset-passwords is given.
    """
    from . import demo as demo_world

    with unit_of_work(config) as uow:
        world = demo_world.set_up(uow, config, reset_passwords=reset_passwords)
    click.echo(demo_world.screen(world, config), nl=False)


def _register_mail_commands() -> None:
    from .mail import cli as _mail_cli  # noqa: F401  (adds `mail`, `login invite|reset`, ...)


_register_mail_commands()


def _register_request_type_commands() -> None:
    from .cli_request_types import request_type  # imports this module only when a command runs

    main.add_command(request_type)


_register_request_type_commands()


def _register_ops_commands() -> None:
    from .ops import cli as _ops_cli  # noqa: F401  (adds `commlog`)


_register_ops_commands()


def _register_push_commands() -> None:
    from . import cli_push as _cli_push  # noqa: F401  (adds `push run|status|parked|redeliver`)


_register_push_commands()
