"""The client's exception classes mirror the server's fault catalogue, code for code."""

from __future__ import annotations

import subprocess
import sys

from helpdesk_soap.client import errors


def test_one_exception_class_per_documented_code():
    from helpdesk_soap.soap.faults import CATALOGUE

    assert set(errors.CODES) == set(CATALOGUE)
    for code, cls in errors.BY_CODE.items():
        assert cls.code == code and issubclass(cls, errors.HelpdeskError)
        assert issubclass(cls, errors.ServerFault if code.startswith("Server.") else errors.ClientFault)


def test_fault_detail_reaches_the_exception():
    exc = errors.from_fault("soap:Client.SchemaValidationError", "too long",
                            {"Code": "Client.SchemaValidationError", "Field": "Subject", "Limit": "200"})
    assert isinstance(exc, errors.SchemaValidationError)
    assert (exc.field, exc.limit, str(exc)) == ("Subject", 200, "Client.SchemaValidationError: too long")
    unknown = errors.from_fault("Server.Brandnew", "?")
    assert isinstance(unknown, errors.ServerFault) and unknown.code == "Server.Brandnew"


def test_the_client_does_not_import_the_server():
    code = ("import sys, helpdesk_soap.client; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spyne', 'sqlalchemy', 'alembic')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
