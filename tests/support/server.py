"""A real `helpdesk-soap serve` (gunicorn) on a loopback port, and real zeep clients."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from zeep import Client, Settings
from zeep.wsse.username import UsernameToken

from tests.support.postgres import free_port

__all__ = ["PASSWORDS", "Server", "free_port", "start_server", "stop_server", "wait_until_serving"]

PASSWORDS = {"acme-tts": "acme-password", "acme-sl": "acme-password",
             "globex-tts": "globex-password"}


@dataclass
class Server:
    url: str
    database_url: str
    log: Path

    @property
    def wsdl_url(self) -> str:
        return f"{self.url}/helpdesk?wsdl"

    def cli(self, *args: str, stdin: str | None = None) -> str:
        env = dict(os.environ, HELPDESK_DATABASE_URL=self.database_url)
        out = subprocess.run([sys.executable, "-m", "helpdesk_soap", *args], input=stdin, env=env,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return out.stdout

    @contextmanager
    def unit_of_work(self):
        """A unit of work on the server's database, in this process: to set up what a test
        needs through the services, without starting the CLI for each step."""
        from helpdesk_soap.store.engine import make_engine, make_session_factory
        from helpdesk_soap.store.unit_of_work import SqlUnitOfWork

        engine = make_engine(self.database_url)
        try:
            with SqlUnitOfWork(make_session_factory(engine)) as uow:
                yield uow
        finally:
            engine.dispose()

    def client(self, login: str, password: str | None = None, service: str = "helpdesk") -> Client:
        return Client(f"{self.url}/{service}?wsdl", settings=Settings(strict=True),
                      wsse=UsernameToken(login, password or PASSWORDS[login]))

    def anonymous(self, service: str = "helpdesk") -> Client:
        return Client(f"{self.url}/{service}?wsdl", settings=Settings(strict=True))

    def sql(self, statement: str, **params):
        """Read or change the server's database directly (e.g. to let time pass)."""
        from sqlalchemy import text

        from helpdesk_soap.store.engine import make_engine

        if self.database_url.startswith("sqlite"):
            # Python 3.12 deprecates sqlite3's implicit datetime adapter: bind what
            # SQLAlchemy's DateTime stores on SQLite (naive UTC, microseconds).
            params = {k: v.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
                      if isinstance(v, datetime) else v for k, v in params.items()}
        engine = make_engine(self.database_url)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(statement), params)
                return result.all() if result.returns_rows else None
        finally:
            engine.dispose()


def start_server(tmp: Path, database_url: str, workers: int = 2,
                 extra_env: dict[str, str] | None = None) -> tuple[subprocess.Popen, Server]:
    port = free_port()
    log = tmp / f"serve-{port}.log"
    env = dict(os.environ, HELPDESK_DATABASE_URL=database_url,
               HELPDESK_ATTACHMENT_DIR=str(tmp / "attachments"), **(extra_env or {}))
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "helpdesk_soap", "serve", "--bind",
                                 f"127.0.0.1:{port}", "--workers", str(workers)],
                                env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", database_url, log)
    try:
        wait_until_serving(proc, server)
    except BaseException:
        stop_server(proc)
        raise
    return proc, server


def wait_until_serving(proc: subprocess.Popen, server: Server, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"serve exited with {proc.returncode}:\n{server.log.read_text()}")
        try:
            if requests.get(server.wsdl_url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet, or a worker still booting
        time.sleep(0.2)
    pytest.fail(f"serve did not answer within {seconds} s:\n{server.log.read_text()}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
