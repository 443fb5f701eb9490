"""What ``serve`` does around gunicorn: refuse a bad or busy address, and own the
metrics directory the workers share (prometheus_client's multiprocess mode)."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def parse_bind(bind: str) -> tuple[str, int] | None:
    """(host, port) of a TCP bind; None for a unix socket. ValueError if malformed."""
    if bind.startswith("unix:"):
        if not bind[5:]:
            raise ValueError(f"--bind {bind!r}: no socket path after 'unix:'")
        return None
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--bind {bind!r} is not HOST:PORT with a port from 1 to 65535")
    host = host.strip("[]") or "0.0.0.0"
    return host, int(port)


def check_bind(bind: str) -> None:
    """Bind the address once, as gunicorn would (SO_REUSEADDR), and let go again.
    OSError (one line) if the address is taken or not this machine's."""
    parsed = parse_bind(bind)
    if parsed is None:
        return
    host, port = parsed
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"--bind {bind}: cannot resolve {host!r} ({exc.strerror})") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise OSError(f"cannot listen on {bind}: {exc.strerror or exc}") from None


@contextmanager
def metrics_directory():
    """A fresh directory for the workers' metric files, set in the environment before
    any worker forks (and before prometheus_client is imported), removed afterwards.
    An operator's own PROMETHEUS_MULTIPROC_DIR is used, emptied of old files first."""
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        directory = Path(given)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
        yield directory
        return
    directory = Path(tempfile.mkdtemp(prefix="helpdesk-metrics-"))
    os.environ[MULTIPROC_ENV] = str(directory)
    try:
        yield directory
    finally:
        os.environ.pop(MULTIPROC_ENV, None)
        shutil.rmtree(directory, ignore_errors=True)


def child_exit(server, worker) -> None:
    """gunicorn's hook: a dead worker's live gauges no longer count."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
