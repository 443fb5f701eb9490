"""The toolkits integrators use call every operation from the WSDL alone:
zeep, suds-community, PHP SoapClient and node-soap (Java: test_interop_java.py).

Each runs the same script (examples/): Login, CreateCall with the session header and
umlauts and emoji that must come back unchanged, GetCallData, SetSolutionAcceptance on
a call with a proposed solution, a GetCallData that must fault with Client.CallNotFound,
a call with a WS-Security UsernameToken instead, ChangePassword and Logout. Each also reads the
live ?wsdl into its own types, which must be natural ones (test_toolkit_sees_natural_types).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.support.stub_types import builtin_fields

TNS = "urn:helpdesk-soap:helpdesk:v1"
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


# -- what each toolkit makes of the contract -----------------------------------------------

PHP_TYPES = """$c = new SoapClient($argv[1]);
echo json_encode(["functions" => $c->__getFunctions(), "types" => $c->__getTypes()]);"""
NODE_DESCRIBE = """require('soap').createClient(process.argv[1], {}, (err, client) => {
  if (err) throw err;
  const service = client.describe()[process.argv[2]];
  console.log(JSON.stringify(service[Object.keys(service)[0]]));
});"""
ZEEP_BUILTINS = {"long": "Long", "int": "Int", "boolean": "Boolean", "dateTime": "DateTime",
                 "string": "String", "base64Binary": "Base64Binary"}


def natural_in_zeep(wsdl_url: str, wsdl: bytes) -> None:
    from zeep import Client, xsd

    client = Client(wsdl_url)
    operations = client.service._binding._operations
    assert operations["CreateCall"].input.signature() == \
        "Call: ns0:NewCall, _soapheaders={Session: ns0:Session}"
    assert operations["GetCallData"].input.signature().startswith("CallId: xsd:long,")
    assert operations["GetCallData"].output.signature(as_output=True) == \
        "GetCallDataResult: ns0:CallDataResult"
    for type_name, field in builtin_fields(wsdl):
        element = dict(client.get_type(f"{{{TNS}}}{type_name}").elements)[field.name]
        # An anonymous restriction is zeep's String subclass: it takes and gives a str.
        assert isinstance(element.type, getattr(xsd, ZEEP_BUILTINS[field.xs_type])), (type_name, field)
        assert element.min_occurs == int(field.required) and not element.nillable, (type_name, field)
    assert not [t for t in client.wsdl.types.types if t.name and re.fullmatch(r"\w+_\w+Type", t.name)]


def natural_in_suds(wsdl_url: str) -> None:
    from suds.client import Client

    description = str(Client(wsdl_url))
    methods = [line.strip() for line in description.splitlines() if re.match(r"\s+\w+\(.*\)$", line)]
    assert "CreateCall(NewCall Call)" in methods, methods
    assert "GetCallData(xs:long CallId)" in methods, methods
    assert "SetSolutionAcceptance(xs:long CallId, xs:boolean Accepted, xs:string Comment)" in methods
    assert not re.search(r"\b\w+_\w+Type\b", description)


def natural_in_php(wsdl_url: str, wsdl: bytes) -> None:
    php = need("php", "php-cli php-soap")
    out = subprocess.run([php, "-r", PHP_TYPES, wsdl_url], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    answer = json.loads(out.stdout)
    assert "CreateCallResponse CreateCall(CreateCall $parameters)" in answer["functions"]
    structs, aliases = {}, {}
    for declared in answer["types"]:
        if declared.startswith("struct "):
            name, body = re.match(r"struct (\w+) \{\n(.*)\}", declared, re.S).groups()
            structs[name] = dict(line.strip(" ;").split(" ", 1)[::-1] for line in body.splitlines())
        else:  # "string CustomerId": an anonymous restriction, named after its element
            base, name = declared.split(" ", 1)
            aliases[name] = base
    assert not [name for name in aliases if re.fullmatch(r"\w+_\w+Type", name)]
    for type_name, field in builtin_fields(wsdl):
        declared = structs[type_name][field.name]
        assert aliases.get(declared, declared) == field.xs_type, (type_name, field, declared)


def natural_in_node(wsdl_url: str) -> None:
    node_modules()
    out = subprocess.run([need("node", "nodejs"), "-e", NODE_DESCRIBE, wsdl_url, "HelpdeskService"],
                         cwd=EXAMPLES / "node", capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    port = json.loads(out.stdout)
    assert [key for key in port["CreateCall"]["input"] if not key.startswith("targetN")] == ["Call"]
    assert port["CreateCall"]["input"]["Call"]["Subject"].startswith("xs:string")
    assert port["CreateCall"]["input"]["Call"]["FirstOccurredAt"] == "xs:dateTime"
    assert port["GetCallData"]["input"]["CallId"] == "xs:long"
    result = port["GetCallData"]["output"]["GetCallDataResult"]
    assert result["CallId"] == "xs:long" and result["CreatedAt"] == "xs:dateTime"
    assert port["ListCalls"]["input"]["PageSize"] == "xs:int"


@pytest.mark.parametrize("toolkit", ["zeep", "suds", "php", "node"])
def test_toolkit_sees_natural_types(server, toolkit):
    """Numbers as numbers, dates as dates, wrapped parameters, plain strings for restricted
    fields, required fields required and never nil."""
    wsdl = requests.get(server.wsdl_url, timeout=10).content
    if toolkit == "zeep":
        natural_in_zeep(server.wsdl_url, wsdl)
    elif toolkit == "suds":
        natural_in_suds(server.wsdl_url)
    elif toolkit == "php":
        natural_in_php(server.wsdl_url, wsdl)
    else:
        natural_in_node(server.wsdl_url)
