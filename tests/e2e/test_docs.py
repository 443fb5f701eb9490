"""The documentation's code runs: every sh, bash and python block of README.md and docs/
against a live `helpdesk-soap serve`, in the world `helpdesk-soap demo` sets up, with
the variables the demo prints. The README's install command runs too, in a fresh venv.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import requests

from tests.support.databases import BACKENDS, make_database
from tests.support.server import free_port, start_server, stop_server
from tests.support.docs import COMMAND_MARKERS, ROOT, RUNNABLE, all_blocks, blocks, command

RUN = [b for b in all_blocks() if b.language in RUNNABLE and b.marker not in COMMAND_MARKERS
       and b.example is None]


def demo_environment(screen: str) -> dict[str, str]:
    """The variables of the `export ...` line `helpdesk-soap demo` prints."""
    [line] = [line for line in screen.splitlines() if line.startswith("export ")]
    return dict(word.split("=", 1) for word in line.split()[1:])


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory):
    """A server, the demo's world on it, and the environment a reader would have."""
    tmp = tmp_path_factory.mktemp("docs")
    # A reader's first run: an empty database, that `serve` migrates.
    database_url, drop_database = make_database(request.param, request, tmp)
    proc, server = start_server(tmp, database_url)
    try:
        base = dict(os.environ, HELPDESK_DATABASE_URL=database_url,
                    XDG_DATA_HOME=str(tmp / "data"), HELPDESK_BIND=server.url.removeprefix("http://"),
                    HELPDESK_ATTACHMENT_DIR=str(tmp / "attachments"),
                    PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        out = subprocess.run([sys.executable, "-m", "helpdesk_soap", "demo"], env=base,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        env = {**base, **demo_environment(out.stdout)}
        assert env["HELPDESK_URL"] == server.url
        yield env
    finally:
        stop_server(proc)
        drop_database()
        assert "Traceback" not in server.log.read_text()


@pytest.mark.parametrize("block", RUN, ids=lambda b: b.where)
def test_block_runs_against_a_live_server(world, block, tmp_path):
    if block.language == "python":
        argv = [sys.executable, "-c", block.text]
    else:
        argv = ["bash", "-c", "set -euo pipefail\n" + block.text]
    out = subprocess.run(argv, env=world, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, f"{block.where} failed:\n{out.stdout}\n{out.stderr}"
    assert "Traceback" not in out.stderr


def test_the_readme_example_goes_from_create_to_accepted(world):
    [example] = [b for b in blocks(ROOT / "README.md") if b.language == "python"]
    runs = [subprocess.run([sys.executable, "-c", example.text], env=world, capture_output=True,
                           text=True, timeout=120) for _ in range(2)]
    calls = set()
    for out in runs:
        assert out.returncode == 0, out.stderr
        call_id, status, state = out.stdout.split()
        assert (status, state) == ("SOLUTION_ACCEPTED", "Accepted")
        calls.add(call_id)
    assert len(calls) == 2, "each run opens a call of its own"


def _copy_of_the_project(target: Path) -> Path:
    ignore = shutil.ignore_patterns(".venv", ".git", "build", "*.egg-info", "__pycache__",
                                    ".pytest_cache", "node_modules")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def test_the_readme_start_command_installs_sets_up_and_serves(tmp_path):
    """The README's first command as a newcomer runs it, in a copy of the project: a fresh
    venv, `pip install .`, `demo`, `serve` on the embedded default (a SQLite file in the
    user data directory). pip gets no network: the installed dependencies of this test run
    are lent to it on PYTHONPATH, so it builds and installs only the project itself."""
    project = _copy_of_the_project(tmp_path / "project")
    shims = tmp_path / "bin"
    shims.mkdir()
    (shims / "python3").symlink_to(getattr(sys, "_base_executable", sys.executable))
    port = free_port()
    lent = os.pathsep.join(dict.fromkeys([sysconfig.get_paths()["purelib"],
                                          sysconfig.get_paths()["platlib"]]))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELPDESK_", "VIRTUAL_ENV"))}
    env.update(PATH=f"{shims}{os.pathsep}{env['PATH']}", PYTHONPATH=lent,
               XDG_DATA_HOME=str(tmp_path / "data"), HELPDESK_BIND=f"127.0.0.1:{port}",
               PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               # pip reads a "no-" option's variable inverted: 0 turns build isolation off,
               # so setuptools comes from the lent packages instead of the network.
               PIP_NO_BUILD_ISOLATION="0")
    log = tmp_path / "start.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(["bash", "-c", command("<!-- start-command -->")], cwd=project,
                                env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while True:
            assert proc.poll() is None, f"the start command exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"no answer on {url}:\n{log.read_text()}"
            try:
                if requests.get(f"{url}/helpdesk?wsdl", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        screen = log.read_text()
        reader = {**env, **demo_environment(screen)}
        assert reader["HELPDESK_URL"] == url
        assert (project / ".venv" / "bin" / "helpdesk-soap").exists()
        assert (tmp_path / "data" / "helpdesk-soap" / "helpdesk.sqlite3").exists()
        [example] = [b for b in blocks(ROOT / "README.md") if b.language == "python"]
        ran = subprocess.run([sys.executable, "-c", example.text], env=reader,
                             capture_output=True, text=True, timeout=120)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.split()[1:] == ["SOLUTION_ACCEPTED", "Accepted"]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    assert "Traceback" not in log.read_text()
