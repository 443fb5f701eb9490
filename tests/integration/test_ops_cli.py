"""Configuration changes made through the CLI are logged, naming what changed but no value."""

from __future__ import annotations

import os
import subprocess
import sys


def cli(database_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, HELPDESK_DATABASE_URL=database_url)
    return subprocess.run([sys.executable, "-m", "helpdesk_soap", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_configuration_changes_are_logged_without_values(database_url):
    out = cli(database_url, "customer", "add", "ACME", "--name", "Acme")
    assert out.returncode == 0 and "configuration change: customer add ACME by " in out.stderr
    out = cli(database_url, "login", "add", "ops-login", "--customer", "ACME", "--password-stdin",
              stdin="Secret-Pass-8j2v\n")
    assert out.returncode == 0 and "configuration change: login add ops-login by " in out.stderr
    assert "Secret-Pass-8j2v" not in out.stderr + out.stdout
    out = cli(database_url, "settings", "set", "lockout_threshold", "9")
    assert out.returncode == 0
    assert out.stderr.strip().endswith("configuration change: settings set lockout_threshold by "
                                       + out.stderr.strip().rpartition(" by ")[2])
    assert " 9" not in out.stderr
    listing = cli(database_url, "customer", "list")
    assert listing.returncode == 0 and "configuration change" not in listing.stderr
