"""The command line, run as a real process: one-line errors, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def cli(database_url, *args, stdin: str | None = None):
    env = dict(os.environ, HELPDESK_DATABASE_URL=database_url)
    env.pop("HELPDESK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "helpdesk_soap", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=60)


def test_admin_commands_configure_a_fresh_database(database_url):
    assert cli(database_url, "db", "upgrade").returncode == 0
    assert cli(database_url, "customer", "add", "ACME", "--name", "Acme Airline").returncode == 0
    added = cli(database_url, "login", "add", "acme-tts", "--customer", "ACME", "--password-stdin",
                stdin="correct horse\n")
    assert added.returncode == 0, added.stderr
    assert "correct horse" not in added.stdout + added.stderr
    assert cli(database_url, "status", "add", "WAITING", "--name", "Waiting for parts",
               "--stage", "in_progress").returncode == 0
    assert "WAITING\tWaiting for parts\tInProgress\t-" in cli(database_url, "status", "list").stdout
    assert cli(database_url, "settings", "set", "solution_rejected_status", "WAITING").returncode == 0
    shown = cli(database_url, "settings", "show").stdout
    assert "solution_rejected_status\tWAITING" in shown


def test_demo_prints_working_credentials(database_url):
    out = cli(database_url, "demo")
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(":", 1) for line in out.stdout.strip().splitlines())
    assert lines["login"].strip() == "demo" and len(lines["password"].strip()) >= 12


@pytest.mark.parametrize("args, stdin, fragment", [
    (("settings", "set", "no_such_key", "1"), None, "Unknown setting"),
    (("settings", "set", "with_service_level", "maybe"), None, "true or false"),
    (("settings", "set", "solution_accepted_status", "NOPE"), None, "does not exist"),
    (("login", "add", "x", "--customer", "NOPE", "--password-stdin"), "long enough pw\n", "does not exist"),
    (("login", "add", "x", "--customer", "UNKNOWN", "--password-stdin"), "short\n", "at least 8"),
    (("call", "set-status", "999", "NEW"), None, "does not exist"),
    (("call", "set-status", "not-a-number", "NEW"), None, "not a valid integer"),
    (("status", "add", "X", "--name", "x", "--stage", "Sideways"), None, "Unknown stage"),
    (("status", "add", "X"), None, "Missing option '--name'"),
    (("no-such-command",), None, "No such command"),
    (("serve", "--workers", "0"), None, "not in the range"),
    (("login", "add", "t", "--role", "staff", "--customer", "UNKNOWN", "--password-stdin"),
     "long enough pw\n", "belong to no customer"),
    (("login", "add", "t", "--role", "integration", "--password-stdin"), "long enough pw\n",
     "need a customer"),
    (("login", "add", "t", "--customer", "UNKNOWN", "--email", "nope", "--password-stdin"),
     "long enough pw\n", "not an e-mail address"),
    (("portal", "set", "inactive"), None, "either a customer or an organisation"),
    (("customer", "set-organisation", "UNKNOWN", "Nowhere"), None, "does not exist"),
    (("login", "unlock", "ghost"), None, "does not exist"),
    (("settings", "set", "lockout_threshold", "0"), None, "at least 1"),
    (("customer", "add", "UNKNOWN", "--name", "dup"), None, "already exists"),
])
def test_bad_arguments_get_one_line_and_a_nonzero_exit(database_url, args, stdin, fragment):
    out = cli(database_url, *args, stdin=stdin)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    assert fragment in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert out.stderr.startswith("Error: ")


def test_unreachable_database_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    out = cli(f"sqlite:///{blocker}/sub/db.sqlite3", "settings", "show")
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert out.stderr.startswith("Error")


def test_demo_twice_resets_the_password_and_the_old_one_stops_working(database_url):
    from helpdesk_soap.security import PasswordVerifier
    from helpdesk_soap.services import auth
    from helpdesk_soap.store.engine import make_engine, make_session_factory
    from helpdesk_soap.store.unit_of_work import SqlUnitOfWork

    def password_of(out):
        return dict(line.split(":", 1) for line in out.stdout.strip().splitlines())["password"].strip()

    first = password_of(cli(database_url, "demo"))
    second = password_of(cli(database_url, "demo"))
    assert first != second
    engine = make_engine(database_url)
    verifier = PasswordVerifier()
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        assert auth.authenticate(uow, verifier, "demo", second).login_name == "demo"
        with pytest.raises(Exception, match="Authentication failed"):
            auth.authenticate(uow, verifier, "demo", first)
    engine.dispose()
