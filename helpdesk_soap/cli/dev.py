"""``helpdesk-soap dev generate`` and ``helpdesk-soap demo``: test data and a demo world."""

from __future__ import annotations

import sys

import click

from ..config import Config
from .base import migrated_engine, pass_config, unit_of_work


@click.group("dev")
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
    from ..store.devdata import generate

    engine = migrated_engine(config)
    try:
        with click.progressbar(length=calls, label="generating calls", file=sys.stderr) as bar:
            stats = generate(engine, calls, customers=customers, entries_per_call=entries_per_call,
                             seed=seed, progress=bar.update)
    finally:
        engine.dispose()
    click.echo(f"created {stats['customers']} customers, {stats['calls']} calls, "
               f"{stats['entries']} entries")


@click.command("demo")
@click.option("--reset-passwords", is_flag=True, help="Give the demo logins new passwords.")
@pass_config
def demo(config: Config, reset_passwords: bool) -> None:
    """Set up a demo world: a customer, an integration login and a staff login.

    Prints the logins with their passwords and what to do next. Run again, it keeps the
    passwords (and says so) unless --reset-passwords is given.
    """
    from .. import demo as demo_world

    with unit_of_work(config) as uow:
        world = demo_world.set_up(uow, config, reset_passwords=reset_passwords)
    click.echo(demo_world.screen(world, config), nl=False)
