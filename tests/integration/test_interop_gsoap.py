"""A C/C++ stub generator (gSOAP's wsdl2h and soapcpp2) reads both WSDLs without a warning,
picks SOAP 1.1 and gives call ids a 64-bit integer type."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

WSDL = Path(__file__).resolve().parents[2] / "wsdl"


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
    client = (tmp_path / "soapClient.cpp").read_text()
    assert "soap_call___ns1__Login" in client
