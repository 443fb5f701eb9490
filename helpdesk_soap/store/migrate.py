"""Alembic, driven from code so it works from an installed package.

The migrations are the only way the schema changes; ``db upgrade`` and
``serve`` both call ``upgrade``. Everything else that opens the database without
owning its schema (mail intake, the readiness probe) compares the database's
revision with the code's heads instead (``check_current``, ``head_revisions``).
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from ..domain.errors import StoreUnavailable

SCRIPT_LOCATION = "helpdesk_soap.store:migrations"
#: What an operator runs to bring the schema to the code's heads.
UPGRADE_COMMAND = "helpdesk-soap db upgrade"


class SchemaNotCurrent(Exception):
    """The database's schema is not the one this code was written for."""


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    cfg.attributes["engine"] = engine
    return cfg


def head_revisions() -> frozenset[str]:
    """The migrations' head(s), as the code ships them."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> frozenset[str]:
    """The revision(s) the database is at; empty for a database never migrated."""
    with engine.connect() as conn:
        return frozenset(MigrationContext.configure(conn).get_current_heads())


def check_current(engine: Engine) -> None:
    """Raise ``SchemaNotCurrent`` (naming ``UPGRADE_COMMAND``) unless the schema is at
    the heads; ``StoreUnavailable`` when the database cannot be reached at all."""
    try:
        current = current_revisions(engine)
    except OperationalError as exc:
        raise StoreUnavailable() from exc
    expected = head_revisions()
    if current != expected:
        found = ", ".join(sorted(current)) or "no schema"
        raise SchemaNotCurrent(f"the database schema is at {found}, this helpdesk-soap expects "
                               f"{', '.join(sorted(expected))}: run `{UPGRADE_COMMAND}` first")


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)
