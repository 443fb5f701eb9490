"""`helpdesk-soap` run as a real process on a database."""

from __future__ import annotations

import os
import subprocess
import sys


def cli(database_url, *args, stdin: str | None = None, env: dict[str, str] | None = None):
    env = dict(os.environ, HELPDESK_DATABASE_URL=database_url, **(env or {}))
    env.pop("HELPDESK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "helpdesk_soap", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=60)
