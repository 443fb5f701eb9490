"""``helpdesk-soap push``: the delivery worker, listener status and redelivery."""

from __future__ import annotations

import multiprocessing
import os

import click

from .cli import main, pass_config, unit_of_work


@main.group()
def push() -> None:
    """Push changes to customers' ticket systems (docs/push.md)."""


@push.command("run")
@pass_config
def push_run(config) -> None:
    """Deliver push events until stopped (serve starts one of these itself)."""
    from .cli import _engine
    from .push.worker import run_worker

    _engine(config).dispose()  # migrated
    run_worker(config)


@push.command("status")
@pass_config
def push_status(config) -> None:
    """Every listener with its delivery counts; FAILING marks one that keeps failing."""
    from .services import listeners

    with unit_of_work(config) as uow:
        rows = listeners.status(uow)
    for l in rows:
        failing = l.active and (l.consecutive_failures >= config.push.failing_after or l.parked)
        click.echo(f"{l.id}\tlogin={l.login_id}\t{l.format}\t{l.url}\t"
                   f"{'active' if l.active else 'inactive'}\tdelivered={l.delivered}\t"
                   f"pending={l.pending}\tparked={l.parked}\tfailures={l.consecutive_failures}\t"
                   f"last_success={l.last_success_at.isoformat() if l.last_success_at else '-'}"
                   + ("\tFAILING" if failing else ""))


@push.command("parked")
@pass_config
def push_parked(config) -> None:
    """Deliveries that gave up: id, listener, call, watermark, event, attempts, last error."""
    from .services import listeners

    with unit_of_work(config) as uow:
        for row in listeners.parked(uow, None, limit=1000):
            click.echo("\t".join(str(v) for v in row))


@push.command("redeliver")
@click.option("--listener", "listener_id", type=int, help="Only this listener's.")
@pass_config
def push_redeliver(config, listener_id: int | None) -> None:
    """Put parked deliveries back in line, in their order."""
    from .services import listeners

    with unit_of_work(config) as uow:
        count = listeners.redeliver(uow, None, listener_id)
    click.echo(f"{count} deliveries queued again")


def start_worker_process(config):
    """The delivery worker as a child of ``serve`` (None if HELPDESK_PUSH_WORKER is off)."""
    if not config.push.worker:
        return None
    from .push.worker import run_worker

    process = multiprocessing.get_context("spawn").Process(
        target=run_worker, args=(config, os.getpid()), name="helpdesk-soap-push", daemon=False)
    process.start()
    return process


def stop_worker_process(process) -> None:
    if process is None:
        return
    process.terminate()
    process.join(20)
    if process.is_alive():
        process.kill()
        process.join()
