"""A throwaway PostgreSQL server for the test suite.

Started from the server binaries (HELPDESK_PG_BIN, else the newest
/usr/lib/postgresql/*/bin), as an unprivileged user when the tests run as
root (postgres refuses root), on a free loopback port with a temporary data
directory. Failing to start raises: the PostgreSQL half of the suite must
fail, never skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

USER = "helpdesk"


def _bin_dir() -> Path:
    if os.environ.get("HELPDESK_PG_BIN"):
        return Path(os.environ["HELPDESK_PG_BIN"])
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0)
    if candidates:
        return Path(candidates[-1])
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql-15, "
                       "or set HELPDESK_PG_BIN (or HELPDESK_TEST_BACKENDS=sqlite to skip PostgreSQL)")


#: ``LOW-HIGH``: the loopback ports this run may take (CI runs a suite per interpreter at
#: once, each with a range of its own, below the kernel's ephemeral ports, so two runs never
#: pick the same port). Unset: a port the kernel picks.
PORTS_ENV = "HELPDESK_TEST_PORTS"
_next_port: list[int] = []


def free_port() -> int:
    """A loopback port nobody listens on now: from HELPDESK_TEST_PORTS in turn (each once,
    until the range wraps), else one the kernel picks."""
    ports = os.environ.get(PORTS_ENV, "").strip()
    if not ports:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    low, high = (int(p) for p in ports.split("-"))
    if not _next_port:
        _next_port.append(low)
    for _ in range(high - low + 1):
        port = _next_port[0]
        _next_port[0] = port + 1 if port < high else low
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue  # taken, or still in TIME_WAIT
            return port
    raise RuntimeError(f"{PORTS_ENV}={ports}: no free port left")


class PostgresServer:
    def __init__(self, bin_dir: Path | None = None):
        self.bin = bin_dir or _bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="helpdesk-pg-"))
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self._as = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.root, nobody.pw_uid, nobody.pw_gid)
            self._as = ["runuser", "-u", "nobody", "--"]

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def _run(self, *args: str) -> None:
        out = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")

    def start(self) -> PostgresServer:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        return self._launch()

    def start_replica_of(self, primary: PostgresServer) -> PostgresServer:
        """A hot standby streaming from ``primary`` (pg_basebackup -R)."""
        self._run(str(self.bin / "pg_basebackup"), "-D", str(self.data), "-h", "127.0.0.1",
                  "-p", str(primary.port), "-U", USER, "-R", "-X", "stream", "--no-sync")
        return self._launch()

    def _launch(self) -> PostgresServer:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [*self._as, str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port),
                 "-k", str(self.root), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                 "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                 "-c", "max_connections=200"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"postgres exited with {self.proc.returncode}:\n{self.log.read_text()}")
            ready = subprocess.run([str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p",
                                    str(self.port), "-U", USER], capture_output=True)
            if ready.returncode == 0:
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"postgres did not accept connections within 60 s:\n{self.log.read_text()}")

    def sql(self, statement: str, database: str = "postgres"):
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname=database,
                             autocommit=True) as conn:
            cur = conn.execute(statement)
            return cur.fetchall() if cur.description else None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, template: str | None = None) -> str:
        """A new database, empty or a copy of ``template`` (which nobody may be connected to)."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop_database(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def halt(self) -> None:
        """Stop the server, keeping its data: ``resume()`` starts it again on the same port."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            self.proc.wait(timeout=30)

    def resume(self) -> PostgresServer:
        return self._launch()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)  # fast shutdown
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)
