"""What every command module shares: the error-to-one-line group, the configuration on
the context, and the migrated engine and unit of work a command works in."""

from __future__ import annotations

import os
from contextlib import contextmanager

import click
from sqlalchemy.exc import SQLAlchemyError

from ..config import Config
from ..domain.errors import DomainError
from ..services.auth import OPERATOR  # who the CLI acts as, where a service asks

__all__ = ["OPERATOR", "Group", "migrated_engine", "pass_config", "unit_of_work"]

pass_config = click.make_pass_decorator(Config)


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


def migrated_engine(config: Config):
    """An engine on the configured database, after applying every migration."""
    from ..store.engine import make_engine
    from ..store.migrate import upgrade

    engine = make_engine(config.database_url)
    upgrade(engine)
    return engine


#: sysexits.h EX_TEMPFAIL: try again later (an MTA keeps the message and delivers it again).
EX_TEMPFAIL = 75


def current_engine(config: Config, refusal: str):
    """An engine on a database whose schema is at the code's heads; nothing here migrates.

    A schema that is behind (or no schema, or a store that does not answer) exits 75 with
    ``refusal`` and the reason: the mail intake (an MTA delivers the message again once
    ``helpdesk-soap db upgrade`` ran) and the push worker (serve migrated before it starts
    it) never make a database of their own where the configured one is missing.
    """
    import sys

    from ..domain.errors import StoreUnavailable
    from ..store.engine import make_engine
    from ..store.migrate import SchemaNotCurrent, check_current

    engine = make_engine(config.database_url)
    try:
        check_current(engine)
    except (SchemaNotCurrent, StoreUnavailable) as exc:
        engine.dispose()
        click.echo(f"helpdesk-soap: {refusal}: {exc}", err=True)
        sys.exit(EX_TEMPFAIL)
    return engine


@contextmanager
def unit_of_work(config: Config):
    from ..store.engine import make_session_factory
    from ..store.files import FileStore
    from ..store.unit_of_work import SqlUnitOfWork

    engine = migrated_engine(config)
    try:
        with SqlUnitOfWork(make_session_factory(engine), FileStore(config.attachment_root)) as uow:
            yield uow
    finally:
        engine.dispose()
