"""The Spyne import shim: active on 3.12+, a no-op on 3.11, and harmless to six itself."""

from __future__ import annotations

import sys

import pytest

import helpdesk_soap.soap  # noqa: F401  (installs the shim, as every entry point does)
from helpdesk_soap import spyne_compat

installed = [f for f in sys.meta_path if isinstance(f, spyne_compat._SixAlias)]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.11 keeps Spyne's own six")
def test_no_op_on_3_11():
    assert not spyne_compat.needed()
    assert installed == []


@pytest.mark.skipif(sys.version_info < (3, 12), reason="the shim is only needed on 3.12+")
def test_serves_the_vendored_six_from_pypi_six():
    import six

    assert len(installed) == 1
    from spyne.util import six as vendored
    from spyne.util.six.moves.collections_abc import MutableSet
    from spyne.util.six.moves.urllib.parse import unquote

    assert vendored.string_types == six.string_types
    assert vendored.get_function_name(test_serves_the_vendored_six_from_pypi_six) == \
        "test_serves_the_vendored_six_from_pypi_six"
    assert unquote("a%20b") == "a b"
    assert MutableSet.__module__ == "collections.abc"
    assert not hasattr(six, "get_function_name"), "PyPI's six must be left unchanged"


def test_install_is_idempotent():
    before = list(sys.meta_path)
    spyne_compat.install()
    assert sys.meta_path == before


def test_spyne_application_builds_on_this_python():
    from helpdesk_soap.soap.app import contract_documents

    wsdl = contract_documents()["/helpdesk"]
    assert b'name="CreateCall"' in wsdl and b'name="SetSolutionAcceptance"' in wsdl
