"""Server processes for the measurements: a free port, a gunicorn master in its own
process group (its workers' CPU time read from /proc), and the environment ``serve`` runs in."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A gunicorn master started in its own process group; stopped with its workers."""

    def __init__(self, args: list[str], env: dict, log: Path):
        self.log = log
        self.started = time.monotonic()
        with log.open("wb") as out:
            self.proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    def wait_ready(self, url: str, probe=None, seconds: float = 60) -> float:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log.read_text()}")
            try:
                ok = probe() if probe else requests.get(url, timeout=5).status_code == 200
                if ok:
                    return time.monotonic() - self.started
            except requests.RequestException:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"server did not answer:\n{self.log.read_text()}")

    def cpu_seconds(self, main_threads: bool = False) -> float:
        """CPU time (user + system) used so far by the workers, from /proc, in clock ticks
        (10 ms). With ``main_threads``, the scheduler's count in nanoseconds where the kernel
        keeps it (/proc/PID/sched): exact, but of each worker's main thread only, so only for
        requests that start no thread (SQLite's writer-lock wait does)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.workers():
            exact = _run_time(pid) if main_threads else None
            if exact is not None:
                total += exact * ticks
                continue
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _run_time(pid: int) -> float | None:
    """Seconds the main thread of PID has run so far, from /proc/PID/sched (kernels with
    scheduler debugging), or None."""
    try:
        with open(f"/proc/{pid}/sched") as f:
            for line in f:
                if line.startswith("se.sum_exec_runtime"):
                    return float(line.split(":", 1)[1]) / 1000  # milliseconds
    except OSError:
        pass
    return None


def serve_env(url: str) -> dict:
    return dict(os.environ, HELPDESK_DATABASE_URL=url, HELPDESK_LOG_LEVEL="warning",
                HELPDESK_WORKERS="2")
