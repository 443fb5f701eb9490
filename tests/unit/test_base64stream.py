"""The streamed base64 decoder gives a large upload the answer a small one gets: the same
verdict as the schema validator (libxml2's xs:base64Binary), the same bytes as Spyne."""

from __future__ import annotations

import base64
import io
import os
import random

import pytest
from lxml import etree

from helpdesk_soap.soap.base64stream import Base64Decoder, InvalidBase64

SCHEMA = etree.XMLSchema(etree.XML(
    b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
    b'<xs:element name="c" type="xs:base64Binary"/></xs:schema>'))
EDGES = ["", "QUJD", "QUJD!!!!", "QUJ", "QU JD\n QUJD", "QUJD====", "QQ==QUJD", "QUI=", "QUJ=", "QQ==",
         "QR==", "Q===", "QUJD=", "=", "==", " QQ = = ", "QUJDQQ", "QUJD\tQQ==\n", "QQ==Q", "QQ==!",
         "QUJ\u00e9D", "\u00e4"]


def schema_accepts(text: str) -> bool:
    element = etree.Element("c")
    element.text = text
    return SCHEMA.validate(element)


def decode(text: str, step: int) -> bytes | None:
    out = io.BytesIO()
    decoder = Base64Decoder(out)
    for i in range(0, len(text), step):
        decoder.feed(text[i:i + step])
    try:
        decoder.close()
    except InvalidBase64:
        return None
    return out.getvalue()


def cases():
    rng = random.Random(7)
    alphabet = "ABCDQRSTabc01+/=  \n\t!-"
    yield from EDGES
    for _ in range(3000):
        yield "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))


@pytest.mark.parametrize("step", [1, 3, 64 * 1024])
def test_it_accepts_what_the_schema_accepts_and_decodes_as_spyne_does(step):
    for text in cases():
        # Outside ASCII the schema ignores a character but Spyne's decoder then fails
        # (Server.InternalError); streamed, such a value is refused as invalid instead.
        valid = schema_accepts(text) and text.isascii()
        expected = base64.b64decode(text) if valid else None
        assert decode(text, step) == expected, (text, step)


def test_a_large_value_decodes_the_same_whatever_the_chunks():
    content = os.urandom(300_001)
    text = base64.encodebytes(content).decode()  # with line breaks, as MIME writes it
    assert decode(text, 65_536) == decode(text, 7) == content


def test_nothing_more_is_written_once_the_value_is_known_to_be_bad():
    out = io.BytesIO()
    decoder = Base64Decoder(out)
    decoder.feed("QUJD" * 10 + "==")
    written = out.tell()
    decoder.feed("QUJD" * 1000)
    assert out.tell() == written and not decoder.valid
    with pytest.raises(InvalidBase64):
        decoder.close()
