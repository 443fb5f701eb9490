"""``helpdesk-soap serve``: migrate, then run gunicorn with the push worker beside it."""

from __future__ import annotations

import click

from ..config import Config
from .base import migrated_engine, pass_config
from .push import start_worker_process, stop_worker_process


@click.command("serve")
@click.option("--bind", metavar="HOST:PORT", help="Address to listen on [env HELPDESK_BIND; 127.0.0.1:8080].")
@click.option("--workers", type=click.IntRange(1, 64), help="Worker processes [env HELPDESK_WORKERS; 2].")
@pass_config
def serve(config: Config, bind: str | None, workers: int | None) -> None:
    """Migrate the schema, then serve /helpdesk under gunicorn."""
    from dataclasses import replace

    from ..ops.serving import check_bind, metrics_directory
    from ..server import GatewayServer

    config = replace(config, **{k: v for k, v in (("bind", bind), ("workers", workers)) if v})
    check_bind(config.bind)  # one line and exit 1, not gunicorn's retries
    migrated_engine(config).dispose()
    click.echo(f"helpdesk-soap: serving http://{config.bind}/helpdesk (WSDL at ?wsdl) "
               f"with {config.workers} workers", err=True)
    with metrics_directory():
        worker = start_worker_process(config)  # the push delivery worker (HELPDESK_PUSH_WORKER)
        try:
            GatewayServer(config).run()
        finally:
            stop_worker_process(worker)
