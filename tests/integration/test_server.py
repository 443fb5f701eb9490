"""What a gunicorn worker does when it loads the gateway."""

from __future__ import annotations

import gc

from helpdesk_soap.config import Config
from helpdesk_soap.server import GatewayServer


def test_a_worker_freezes_the_heap_it_loaded_out_of_the_collectors_way(tmp_path):
    gc.unfreeze()
    app = None
    try:
        assert gc.get_freeze_count() == 0
        app = GatewayServer(Config(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}")).load()
        # The modules and the application's own objects: far more than the app object alone.
        assert gc.get_freeze_count() > 10_000
        assert callable(app)
    finally:
        gc.unfreeze()
        if app is not None:
            app.close()
