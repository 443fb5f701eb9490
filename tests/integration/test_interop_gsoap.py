"""A C/C++ stub generator (gSOAP's wsdl2h and soapcpp2) reads both WSDLs without a warning,
picks SOAP 1.1 and gives every field a natural type: 64-bit integers for xs:long, time_t for
dates, plain (not pointer) members for required fields, std::string for restricted strings."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.stub_types import builtin_fields

WSDL = Path(__file__).resolve().parents[2] / "wsdl"
#: xs builtin -> the C++ type wsdl2h gives it (a pointer when the field is optional).
CPP_TYPES = {"long": "LONG64", "int": "int", "boolean": "bool", "dateTime": "time_t",
             "string": "std::string", "base64Binary": "xsd__base64Binary"}


def members(header: str) -> dict[str, dict[str, str]]:
    """Class ns1__X -> {member: declared type, with '*' for a pointer}."""
    out = {}
    for match in re.finditer(r"^class ns1__(\w+)\n\{ public:\n(.*?)^\};", header, re.M | re.S):
        code = " ".join(line.split("///")[0] for line in match.group(2).splitlines())
        declared = {}
        for declaration in code.split(";"):
            tokens = declaration.split()
            if len(tokens) < 3 or not tokens[-1][0].isdigit():
                continue  # struct soap *soap, or a comment
            name, kind = tokens[-2], " ".join(tokens[:-2])
            if name.startswith("*"):
                name, kind = name[1:], kind + "*"
            declared[name] = re.sub(r"\s+", "", kind)  # std::vector<std::string >
        out[match.group(1)] = declared
    return out


def assert_natural_cpp_types(header: str, wsdl: bytes) -> None:
    assert "USCORE" not in header.split("Service Operation")[0].replace("__USCORE", ""), \
        "a per-field restriction became a type of its own"
    assert "xsd__integer" not in header and "ns1__InternalError " not in header
    classes = members(header)
    checked = 0
    for type_name, field in builtin_fields(wsdl):
        kind = CPP_TYPES[field.xs_type]
        expected = f"std::vector<{kind}>" if field.repeated else kind if field.required else kind + "*"
        assert classes[type_name].get(field.name) == expected, (type_name, field, classes[type_name])
        checked += 1
    assert checked > 50, checked


@pytest.mark.parametrize("name", ["helpdesk", "staff"])
def test_gsoap_generates_soap11_stubs(name, tmp_path):
    for tool in ("wsdl2h", "soapcpp2"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: apt-get install gsoap (CI installs it)")
    header = tmp_path / f"{name}.h"
    first = subprocess.run(["wsdl2h", "-o", str(header), str(WSDL / f"{name}.wsdl")],
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0 and "warning" not in (first.stdout + first.stderr).lower(), first.stderr
    second = subprocess.run(["soapcpp2", "-C", "-L", "-x", "-d", str(tmp_path), str(header)],
                            capture_output=True, text=True, timeout=120)
    assert second.returncode == 0 and "warning" not in (second.stdout + second.stderr).lower(), second.stderr
    nsmap = next(tmp_path.glob("*.nsmap")).read_text()
    assert '"SOAP-ENV", "http://schemas.xmlsoap.org/soap/envelope/"' in nsmap  # SOAP 1.1 first
    assert "soap12" not in nsmap
    assert "LONG64                               CallId" in header.read_text()
    assert_natural_cpp_types(header.read_text(), (WSDL / f"{name}.wsdl").read_bytes())
    client = (tmp_path / "soapClient.cpp").read_text()
    assert "soap_call___ns1__Login" in client
