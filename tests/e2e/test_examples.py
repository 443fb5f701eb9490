"""Every example in examples/ runs against a live server, so none can rot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server import PASSWORDS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(server, *command):
    env = dict(os.environ, HELPDESK_URL=server.url, HELPDESK_LOGIN="acme-tts",
               HELPDESK_PASSWORD=PASSWORDS["acme-tts"], HELPDESK_CUSTOMER_ID="ACME")
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("script", ["python_client.py", "python_zeep.py"])
def test_python_examples(server, script):
    out = run(server, sys.executable, str(EXAMPLES / script))
    assert out.returncode == 0, out.stderr
    assert "CallId " in out.stdout and "status NEW" in out.stdout


def test_curl_example(server):
    out = run(server, "bash", str(EXAMPLES / "curl_create_call.sh"))
    assert out.returncode == 0, out.stderr
    assert "<tns:CreateCallResponse>" in out.stdout and "<tns:Created>" in out.stdout
