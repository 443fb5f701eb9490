"""The toolkits integrators use call every operation from the WSDL alone:
zeep, suds-community, PHP SoapClient and node-soap (Java: test_interop_java.py).

Each runs the same script (examples/): Login, CreateCall with the session header and
umlauts and emoji that must come back unchanged, GetCallData, SetSolutionAcceptance on
a call with a proposed solution, a GetCallData that must fault with Client.CallNotFound,
a call with a WS-Security UsernameToken instead, ChangePassword and Logout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXPECTED = ["logged in as Integration", "roundtrip ok", "accepted Accepted", "fault Client.CallNotFound",
            "wsse ok", "password changed", "logged out"]


def need(tool: str, packages: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: apt-get install {packages} (CI installs it)")
    return path


def node_modules() -> None:
    if not (EXAMPLES / "node" / "node_modules" / "soap").exists():
        subprocess.run([need("npm", "npm"), "ci", "--no-audit", "--no-fund", "--silent"],
                       cwd=EXAMPLES / "node", check=True, timeout=300)


def command(toolkit: str) -> tuple[list[str], Path]:
    if toolkit == "zeep":
        return [sys.executable, str(EXAMPLES / "python_zeep.py")], EXAMPLES
    if toolkit == "suds":
        return [sys.executable, str(EXAMPLES / "python_suds.py")], EXAMPLES
    if toolkit == "php":
        php = need("php", "php-cli php-soap")
        if "soap" not in subprocess.run([php, "-m"], capture_output=True, text=True).stdout:
            pytest.fail("PHP's SOAP extension is missing: apt-get install php-soap")
        return [php, str(EXAMPLES / "php" / "helpdesk.php")], EXAMPLES / "php"
    node_modules()
    return [need("node", "nodejs"), "helpdesk.js"], EXAMPLES / "node"


@pytest.mark.parametrize("toolkit", ["zeep", "suds", "php", "node"])
def test_toolkit_runs_every_operation(server, toolkit):
    login, password = f"interop-{toolkit}", f"{toolkit}-password-1"
    server.cli("login", "add", login, "--customer", "ACME", "--password-stdin", stdin=password + "\n")
    server.cli("login", "add", f"tech-{toolkit}", "--role", "staff", "--password-stdin", stdin="tech-password\n")
    from helpdesk_soap.client import HelpdeskClient, StaffClient

    proposed = HelpdeskClient(server.url, login, password).create_call("ACME", "to accept", "Accept me.").call_id
    StaffClient(server.url, f"tech-{toolkit}", "tech-password").propose_solution(proposed, "fix")

    argv, cwd = command(toolkit)
    env = dict(os.environ, HELPDESK_URL=server.url, HELPDESK_LOGIN=login, HELPDESK_PASSWORD=password,
               HELPDESK_CUSTOMER_ID="ACME", PROPOSED_CALL_ID=str(proposed), NEW_PASSWORD=password + "-2")
    out = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    for expected in EXPECTED:
        assert any(line.startswith(expected) for line in lines), (expected, out.stdout)
    call_id = int(next(line for line in lines if line.startswith("CallId ")).split()[1])
    subject = server.sql("SELECT subject FROM calls WHERE id = :i", i=call_id)[0][0]
    assert subject == "Störung: Telefonanlage Halle 4 ✈ 🛠 Grüße", "stored byte for byte"
    assert HelpdeskClient(server.url, login, password + "-2").get_call_data(call_id).call_id == call_id
