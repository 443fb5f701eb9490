"""Operations: health, metrics, request logs and the service page, around the gateway.

``wrap(app, config)`` is the outermost WSGI middleware (see middleware.py); the SOAP
layer hands it per-request facts through ``facts.note`` (facts.py).
"""

from __future__ import annotations


def wrap(app, config):
    """The ops middleware around whatever WSGI application the server built."""
    from .middleware import OpsMiddleware

    return OpsMiddleware(app, config)
