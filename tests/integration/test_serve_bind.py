"""`serve` refuses a busy port or a malformed --bind with one line and exit status 1,
instead of gunicorn's retry loop."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest


def serve(tmp_path, bind: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, HELPDESK_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    return subprocess.run([sys.executable, "-m", "helpdesk_soap", "serve", "--bind", bind,
                           "--workers", "1"], env=env, capture_output=True, text=True, timeout=60)


def test_a_busy_port_is_refused_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = serve(tmp_path, f"127.0.0.1:{port}")
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"]
    assert "Retrying" not in out.stderr and not (tmp_path / "db.sqlite3").exists()


@pytest.mark.parametrize("bind", ["nonsense", "127.0.0.1:99999", "127.0.0.1:http", "unix:"])
def test_a_malformed_bind_is_refused_in_one_line(tmp_path, bind):
    out = serve(tmp_path, bind)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: --bind"), out.stderr


def test_an_address_not_of_this_machine_is_refused(tmp_path):
    out = serve(tmp_path, "192.0.2.1:8080")  # TEST-NET-1: never assigned to a host here
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "Error: cannot listen on 192.0.2.1:8080: Cannot assign requested address"]
