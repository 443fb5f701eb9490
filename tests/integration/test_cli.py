"""The command line, run as a real process: one-line errors, never a traceback."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.support.cli import cli


def test_admin_commands_configure_a_fresh_database(empty_database_url):
    database_url = empty_database_url  # no schema yet: `db upgrade` makes it
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


def demo(database_url, tmp_path, *args):
    """`helpdesk-soap demo`, with the per-user data directory (where a PostgreSQL
    database's demo passwords are kept) inside the test's directory."""
    out = cli(database_url, "demo", *args, env={"XDG_DATA_HOME": str(tmp_path / "data")})
    assert out.returncode == 0, out.stderr
    return out.stdout


def exported(screen: str) -> dict[str, str]:
    """The variables of the `export ...` line the demo prints for the README's example."""
    line = screen[screen.index("\nexport ") + 1:].split("\n", 1)[0]
    words = line.split()[1:]
    return dict(word.split("=", 1) for word in words)


def principal(database_url, login, password, customer: str | None = None):
    """The login authenticated with the password (and, if named, the customer's id)."""
    from helpdesk_soap.security import PasswordVerifier
    from helpdesk_soap.services import auth
    from helpdesk_soap.store.engine import make_engine, make_session_factory
    from helpdesk_soap.store.unit_of_work import SqlUnitOfWork

    engine = make_engine(database_url)
    try:
        with SqlUnitOfWork(make_session_factory(engine)) as uow:
            found = auth.authenticate(uow, PasswordVerifier(), login, password)
            return (found, uow.customers.by_number(customer).id) if customer else found
    finally:
        engine.dispose()


def test_demo_sets_up_a_customer_an_integration_and_a_staff_login(database_url, tmp_path):
    from helpdesk_soap.domain.model import Role

    screen = demo(database_url, tmp_path)
    env = exported(screen)
    assert env["HELPDESK_URL"] == "http://127.0.0.1:8080"
    integration, demo_customer = principal(database_url, env["HELPDESK_LOGIN"],
                                           env["HELPDESK_PASSWORD"], customer="DEMO")
    staff = principal(database_url, env["HELPDESK_STAFF_LOGIN"], env["HELPDESK_STAFF_PASSWORD"])
    assert (integration.login_name, integration.role) == ("demo", Role.INTEGRATION)
    assert (staff.login_name, staff.role) == ("demo-staff", Role.STAFF)
    assert integration.customer_id == demo_customer and staff.customer_id is None
    for url in ("http://127.0.0.1:8080/helpdesk?wsdl", "http://127.0.0.1:8080/staff?wsdl"):
        assert url in screen
    assert "New passwords" in screen and "--reset-passwords" in screen


def test_demo_again_keeps_the_passwords_and_says_so(database_url, tmp_path):
    first = exported(demo(database_url, tmp_path))
    again = demo(database_url, tmp_path)
    assert exported(again) == first
    assert "Passwords kept from the last run" in again
    assert principal(database_url, "demo", first["HELPDESK_PASSWORD"]).login_name == "demo"


def test_demo_reset_passwords_makes_new_ones_and_the_old_ones_stop_working(database_url, tmp_path):
    first = exported(demo(database_url, tmp_path))
    screen = demo(database_url, tmp_path, "--reset-passwords")
    second = exported(screen)
    assert "New passwords" in screen
    for login, password in (("HELPDESK_LOGIN", "HELPDESK_PASSWORD"),
                            ("HELPDESK_STAFF_LOGIN", "HELPDESK_STAFF_PASSWORD")):
        assert second[password] != first[password]
        assert principal(database_url, second[login], second[password]).login_name == second[login]
        with pytest.raises(Exception, match="Authentication failed"):
            principal(database_url, first[login], first[password])


def test_demo_keeps_its_passwords_readable_by_the_user_only(database_url, tmp_path):
    screen = demo(database_url, tmp_path)
    path = Path(screen.split("saved in ", 1)[1].split(" (readable", 1)[0])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert tmp_path in path.parents


def test_demo_does_not_claim_to_keep_a_password_changed_since(database_url, tmp_path):
    first = exported(demo(database_url, tmp_path))
    changed = cli(database_url, "login", "set-password", "demo", "--password-stdin",
                  stdin="changed by hand\n")
    assert changed.returncode == 0, changed.stderr
    screen = demo(database_url, tmp_path)
    second = exported(screen)
    assert "New passwords" in screen and second["HELPDESK_PASSWORD"] != first["HELPDESK_PASSWORD"]
    assert principal(database_url, "demo", second["HELPDESK_PASSWORD"]).login_name == "demo"
    assert second["HELPDESK_STAFF_PASSWORD"] == first["HELPDESK_STAFF_PASSWORD"]
    assert f'{second["HELPDESK_PASSWORD"]} (new)' in screen
    assert f'{second["HELPDESK_STAFF_PASSWORD"]} (kept)' in screen


def test_push_run_checks_the_schema_and_never_makes_a_database(empty_database_url):
    """The push worker (serve starts it after migrating) never migrates: on a database with
    no schema, e.g. where the file was moved away, it exits 75 naming the command, and
    leaves no schema behind that could pass for the real database."""
    from helpdesk_soap.store.engine import make_engine
    from helpdesk_soap.store.migrate import current_revisions

    refused = cli(empty_database_url, "push", "run")
    assert refused.returncode == 75, refused.stderr
    assert "push worker not started" in refused.stderr
    assert "run `helpdesk-soap db upgrade` first" in refused.stderr
    assert "Traceback" not in refused.stderr
    engine = make_engine(empty_database_url)
    try:
        assert current_revisions(engine) == frozenset()
    finally:
        engine.dispose()
