""".NET integrators: the proxy that wsdl.exe (Mono's `wsdl`) generates from the live ?wsdl calls
the server.

examples/dotnet/build.sh generates the proxy, compiles HelpdeskExample.cs against it with `mcs`
and runs it with `mono`: Login, CreateCall with a non-ASCII subject, GetCallData, the
Client.CallNotFound fault with its detail, SetSolutionAcceptance on a call with a proposed
solution, and Logout. The proxy must use the wrapped style (parameters in, result out), with
natural types. Needs Debian's `mono-devel`; without it this test fails (it does not skip).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from helpdesk_soap.client import HelpdeskClient, StaffClient
from tests.support.stub_types import builtin_fields, operations

BUILD = Path(__file__).resolve().parents[2] / "examples" / "dotnet" / "build.sh"
SUBJECT = "Telefonanlage gestört ✈ Ärger über Störung — 東京"  # as in HelpdeskExample.cs


def require_mono() -> None:
    missing = [tool for tool in ("wsdl", "mcs", "mono") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f".NET interop test needs {', '.join(missing)}: apt-get install mono-devel",
                    pytrace=False)


def generate(server, tmp_path: Path, service: str) -> str:
    """The C# proxy wsdl.exe writes for a service's ?wsdl (and what it said doing so)."""
    out = tmp_path / f"{service}.cs"
    run = subprocess.run(["wsdl", "-nologo", f"-out:{out}", f"{server.url}/{service}?wsdl"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "warning" not in (run.stdout + run.stderr).lower(), run.stdout + run.stderr
    return out.read_text(encoding="utf-8")


def methods(proxy: str) -> dict[str, str]:
    """Operation name -> 'ReturnType Name(parameters)' of the proxy's synchronous methods."""
    found = {}
    for match in re.finditer(r"^    public (\S+) (\w+)\(([^)]*)\) \{$", proxy, re.M):
        returns, name, params = match.groups()
        if not name.endswith("Async") and returns != "System.IAsyncResult":
            params = re.sub(r"\[[^\]]*\]\s*", "", params)  # drop attributes
            found[name] = f"{returns} {name}({params})"
    return found


#: xs builtin -> C# type; an optional value type also gets a `...Specified` flag.
CS_TYPES = {"long": "long", "int": "int", "boolean": "bool", "dateTime": "System.DateTime",
            "string": "string", "base64Binary": "byte[]"}
VALUE_TYPES = {"long", "int", "boolean", "dateTime"}


def classes(proxy: str) -> dict[str, str]:
    """Class name -> body, for the proxy's data classes."""
    return {m.group(1): m.group(2) for m in re.finditer(
        r"^public partial class (\w+) \{\n(.*?)^\}", proxy, re.M | re.S)}


def assert_natural_cs_types(proxy: str, wsdl: bytes) -> None:
    bodies = classes(proxy)
    checked = 0
    for type_name, field in builtin_fields(wsdl):
        if type_name not in bodies:
            continue  # wrappers (unwrapped into parameters) and fault details are no classes
        body, name = bodies[type_name], field.name[0].lower() + field.name[1:] + "Field"
        kind = CS_TYPES[field.xs_type] + ("[]" if field.repeated else "")
        assert f"    private {kind} {name};" in body, (type_name, field)
        specified = f"    private bool {name}Specified;" in body
        assert specified == (not field.required and field.xs_type in VALUE_TYPES and not field.repeated), \
            (type_name, field)
        checked += 1
    assert checked > 50, checked
    for operation in operations(wsdl):
        assert operation not in bodies and f"{operation}Response" not in bodies, operation


@pytest.mark.parametrize("service", ["helpdesk", "staff"])
def test_proxy_is_wrapped_with_natural_types(server, tmp_path, service):
    require_mono()
    proxy = generate(server, tmp_path, service)
    assert_natural_cs_types(proxy, requests.get(f"{server.url}/{service}?wsdl", timeout=10).content)
    signatures = methods(proxy)
    assert "ParameterStyle=System.Web.Services.Protocols.SoapParameterStyle.Bare" not in proxy
    for signature in signatures.values():
        name = signature.split("(")[0].split()[-1]
        # Bare style would take and return the wrapper objects: `CreateCallResponse CreateCall(CreateCall CreateCall1)`.
        assert f"{name}Response " not in signature and f"({name} " not in signature, signature
    # Per-field restrictions are no types of their own (NewCall_SubjectType).
    assert re.search(r"^public \w+ (partial )?\w+ \w+_\w+Type\b", proxy, re.M) is None
    assert "System.Xml.XmlElement" not in proxy and "object " not in " ".join(signatures.values())
    if service == "helpdesk":
        assert signatures["CreateCall"] == "CreateCallResult CreateCall(NewCall Call)"
        assert signatures["GetCallData"] == "CallDataResult GetCallData(long CallId)"
        assert signatures["SetSolutionAcceptance"] == \
            "SolutionAcceptanceResult SetSolutionAcceptance(long CallId, bool Accepted, string Comment)"
        assert signatures["Login"] == "SessionInfo Login(string LoginName, string Password)"
        assert signatures["Logout"] == "void Logout()"
        assert "    private long callIdField;" in classes(proxy)["CallDataResult"]
    else:
        assert signatures["ProposeSolution"] == "ChangeResult ProposeSolution(long CallId, string Solution)"
        assert signatures["GetCall"] == "StaffCallData GetCall(long CallId)"
        assert signatures["RecordTime"] == \
            "ChangeResult RecordTime(long CallId, int Minutes, string Note, string Technician)"


#: What Mono prints when its runtime aborts while shutting down its threads.
MONO_SHUTDOWN_CRASH = "condition `previous_token == NULL || previous_token == INTERRUPT_STATE' not met"


def test_csharp_client(server, tmp_path):
    require_mono()
    login, password = "interop-dotnet", "dotnet-password-1"
    server.cli("login", "add", login, "--customer", "ACME", "--password-stdin", stdin=password + "\n")
    server.cli("login", "add", "tech-dotnet", "--role", "staff", "--password-stdin",
               stdin="tech-password\n")

    def run_example():
        proposed = HelpdeskClient(server.url, login, password).create_call(
            "ACME", "to accept", "Accept me.").call_id
        StaffClient(server.url, "tech-dotnet", "tech-password").propose_solution(proposed, "fix")
        env = dict(os.environ, HELPDESK_URL=server.url, HELPDESK_LOGIN=login,
                   HELPDESK_PASSWORD=password, HELPDESK_CUSTOMER_ID="ACME",
                   PROPOSED_CALL_ID=str(proposed), HELPDESK_DOTNET_BUILD_DIR=str(tmp_path))
        return proposed, subprocess.run(["bash", str(BUILD)], env=env, capture_output=True,
                                        encoding="utf-8", timeout=300)

    proposed, out = run_example()
    if out.returncode != 0 and MONO_SHUTDOWN_CRASH in out.stdout + out.stderr \
            and "\ndone\n" in out.stdout:
        # Mono's runtime sometimes aborts on its own way out, after Main returned, on a busy
        # machine (mono/mono#10832): not ours to fix; the example runs once more.
        proposed, out = run_example()
    assert out.returncode == 0, f"stdout:\n{out.stdout}\nstderr:\n{out.stderr}"
    assert "warning" not in out.stdout.lower() + out.stderr.lower(), out.stdout + out.stderr

    lines = out.stdout.splitlines()
    assert any(line.startswith("Login ok, role Integration") for line in lines), out.stdout
    created = [m for m in map(re.compile(r"CallId (\d+) status NEW$").match, lines) if m]
    assert created, out.stdout
    assert f"Subject {SUBJECT}" in lines and "roundtrip ok" in lines, out.stdout
    assert "fault Client.CallNotFound detail CallNotFoundFault code Client.CallNotFound" in lines, out.stdout
    assert "accepted Accepted changed True" in lines, out.stdout
    assert lines[-1] == "done", out.stdout
    proxy = (tmp_path / "HelpdeskService.cs").read_text(encoding="utf-8")
    assert methods(proxy)["CreateCall"] == "CreateCallResult CreateCall(NewCall Call)"

    # What .NET sent is what the server stored; the acceptance reached the call.
    client = server.client("acme-tts")
    data = client.service.GetCallData(CallId=int(created[0].group(1)))
    assert data.Subject == SUBJECT and data.Components == ["PBX"]
    assert data.FirstOccurredAt.isoformat() == "2026-11-23T06:40:00+00:00"
    assert client.service.GetCallData(CallId=proposed).SolutionState == "Accepted"
