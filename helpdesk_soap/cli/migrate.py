"""``helpdesk-soap db upgrade``: schema migrations."""

from __future__ import annotations

import click

from ..config import Config
from .base import migrated_engine, pass_config


@click.group("db")
def db() -> None:
    """Schema migrations."""


@db.command("upgrade")
@pass_config
def db_upgrade(config: Config) -> None:
    """Apply all migrations (creates the schema and its defaults on a new database)."""
    migrated_engine(config).dispose()
    click.echo("database is at the latest schema")
