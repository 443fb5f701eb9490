"""Reading a WS-Security UsernameToken out of the SOAP header's elements."""

import pytest
from lxml import etree

from helpdesk_soap.soap.wsse import PASSWORD_TEXT, WSSE, username_token

DIGEST = PASSWORD_TEXT.replace("PasswordText", "PasswordDigest")


def header(inner: str) -> list:
    root = etree.fromstring(f'<Header xmlns:w="{WSSE}" xmlns:o="urn:other">{inner}</Header>')
    return list(root)


def token(inner: str) -> str:
    return f"<w:Security><w:UsernameToken>{inner}</w:UsernameToken></w:Security>"


@pytest.mark.parametrize("inner, expected", [
    (token("<w:Username> acme </w:Username><w:Password>s3 cret </w:Password>"), ("acme", "s3 cret ")),
    (token(f'<w:Username>acme</w:Username><w:Password Type="{PASSWORD_TEXT}">pw</w:Password>'),
     ("acme", "pw")),
    # Order inside the token, comments and foreign elements don't matter.
    (token("<!-- c --><o:Nonce>n</o:Nonce><w:Password>pw</w:Password><w:Username>acme</w:Username>"),
     ("acme", "pw")),
    # An empty password is a password; an empty name is an empty name.
    (token("<w:Username/><w:Password/>"), ("", "")),
    # The first of two Username elements counts, as ElementPath's find() would have it.
    (token("<w:Username>first</w:Username><w:Username>second</w:Username><w:Password>p</w:Password>"),
     ("first", "p")),
    # A Security header without a token is skipped; the next one is read.
    ("<w:Security><o:Timestamp/></w:Security>" + token("<w:Username>a</w:Username><w:Password>p</w:Password>"),
     ("a", "p")),
    # Refused: digest passwords, a missing part, elements outside the WSSE namespace.
    (token(f'<w:Username>acme</w:Username><w:Password Type="{DIGEST}">pw</w:Password>'), (None, None)),
    (token("<w:Username>acme</w:Username>"), (None, None)),
    (token("<w:Password>pw</w:Password>"), (None, None)),
    ("<o:Security><o:UsernameToken><o:Username>a</o:Username><o:Password>p</o:Password>"
     "</o:UsernameToken></o:Security>", (None, None)),
    ("<w:Security><w:Other><w:UsernameToken><w:Username>a</w:Username><w:Password>p</w:Password>"
     "</w:UsernameToken></w:Other></w:Security>", (None, None)),
    ("", (None, None)),
])
def test_username_token(inner, expected):
    assert username_token(header(inner)) == expected


def test_no_header():
    assert username_token(None) == (None, None)
