"""The ``helpdesk-soap`` group: its global option, the console entry point, and the one
place that says which command groups it has (each defined in a module of its own)."""

from __future__ import annotations

import sys

import click

from ..config import Config
from . import calls, commlog, configuration, contract, customers, dev, logins, mail, migrate, push, \
    request_types, serve
from .base import Group


@click.group(cls=Group)
@click.option("--database", "database_url", metavar="URL",
              help="SQLAlchemy database URL [env HELPDESK_DATABASE_URL; default: a SQLite file "
                   "in the per-user data directory].")
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """SOAP gateway in front of a helpdesk."""
    ctx.obj = Config.from_env(database_url=database_url)


COMMANDS: tuple[click.Command, ...] = (
    serve.serve, migrate.db, contract.export_contract,
    customers.customer, customers.organisation, customers.portal, logins.login,
    configuration.status, configuration.settings, request_types.request_type,
    calls.call, mail.mail, push.push, commlog.commlog, dev.dev, dev.demo,
)
for _command in COMMANDS:
    main.add_command(_command)


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
        from ..ops.logs import cli_change
        cli_change(sys.argv[1:] if argv is None else argv)
    sys.exit(code if isinstance(code, int) else 0)
