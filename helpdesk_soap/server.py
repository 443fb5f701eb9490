"""Running the gateway under gunicorn, and the service's logging."""

from __future__ import annotations

import gc
import math

from gunicorn.app.base import BaseApplication

from .config import Config
from .edge.worker import EdgeWorker
from .ops.serving import child_exit


def configure_logging(level: str, fmt: str = "text") -> None:
    from .ops.logs import configure_logging as configure

    configure(level, fmt)


class GatewayServer(BaseApplication):
    """gunicorn, configured from a Config. Each worker builds its own app after fork."""

    def __init__(self, config: Config):
        self.config = config
        super().__init__()

    def load_config(self) -> None:
        options = {
            "bind": [self.config.bind],
            "workers": self.config.workers,
            # Reads whole requests in an event loop, with deadlines, before the
            # application sees them: a slow client never holds a worker
            # (docs/slow-clients.md).
            "worker_class": EdgeWorker,
            "keepalive": math.ceil(self.config.keepalive_timeout),
            "timeout": 60,
            "graceful_timeout": 20,
            "loglevel": self.config.log_level,
            "errorlog": "-",
            "proc_name": "helpdesk-soap",
            # gunicorn 23+ opens a control socket at a fixed per-user path; two
            # servers on one machine would fight over it.
            "control_socket_disable": True,
            # ops: a dead worker's metrics files stop counting as live (ops/serving.py).
            "child_exit": child_exit,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self):
        from .ops import wrap
        from .wsgi_app import create_service

        configure_logging(self.config.log_level, self.config.log_format)
        # ops (health, metrics, logs, the service page) outermost, around SOAP and the web.
        app = wrap(create_service(self.config), self.config)
        # Everything loaded so far (Spyne, SQLAlchemy, lxml, the app's schemas) lives as long
        # as the worker. Left in the collector's care, every full collection walked it all,
        # inside whichever request triggered it: GetCallData with 500 entries had a p99 five
        # times its median. Frozen, it is never walked again (p99 under twice the median).
        gc.collect()
        gc.freeze()
        return app
