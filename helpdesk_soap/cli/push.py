"""``helpdesk-soap push``: the delivery worker, listener status and redelivery."""

from __future__ import annotations

import os
import subprocess
import sys

import click

from .base import current_engine, pass_config, unit_of_work


@click.group("push")
def push() -> None:
    """Push changes to customers' ticket systems (docs/push.md)."""


@push.command("run")
@click.option("--parent-pid", type=int, hidden=True, help="Stop when this process is gone (serve).")
@pass_config
def push_run(config, parent_pid: int | None) -> None:
    """Deliver push events until stopped (serve starts one of these itself)."""
    from ..push.worker import run_worker

    # Checked, not migrated: serve migrated before it started this worker, and a worker
    # that finds no database (a file moved away) must not make an empty one in its place.
    current_engine(config, "push worker not started").dispose()
    run_worker(config, parent_pid)


@push.command("status")
@pass_config
def push_status(config) -> None:
    """Every listener with its delivery counts; FAILING marks one that keeps failing."""
    from ..services import listeners

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
    from ..services import listeners

    with unit_of_work(config) as uow:
        for row in listeners.parked(uow, None, limit=1000):
            click.echo("\t".join(str(v) for v in row))


@push.command("redeliver")
@click.option("--listener", "listener_id", type=int, help="Only this listener's.")
@pass_config
def push_redeliver(config, listener_id: int | None) -> None:
    """Put parked deliveries back in line, in their order."""
    from ..services import listeners

    with unit_of_work(config) as uow:
        count = listeners.redeliver(uow, None, listener_id)
    click.echo(f"{count} deliveries queued again")


def start_worker_process(config):
    """The delivery worker as a child of ``serve`` (None if HELPDESK_PUSH_WORKER is off).

    A process of its own (not a fork of gunicorn's master): it watches its parent and
    stops when serve is gone, and serve stops it on the way out.
    """
    if not config.push.worker:
        return None
    env = dict(os.environ, HELPDESK_DATABASE_URL=config.database_url,
               HELPDESK_LOG_LEVEL=config.log_level)
    return subprocess.Popen([sys.executable, "-m", "helpdesk_soap", "push", "run",
                             "--parent-pid", str(os.getpid())], env=env)


def stop_worker_process(process) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
