"""What the published schema says each field is, for checking what stub generators made of it.

Every interop test compares the types a toolkit generated with these facts: numbers must be
numbers, dates dates, required fields plain values (no boxed or wrapper objects), and the
per-field restrictions plain strings.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"


@dataclass(frozen=True)
class Field:
    name: str
    xs_type: str | None  # the builtin (long, int, boolean, dateTime, string), or None
    required: bool
    repeated: bool


def fields(wsdl: bytes) -> dict[str, list[Field]]:
    """Complex type name -> its fields, in order (types that extend another are left out)."""
    root = etree.fromstring(wsdl)
    out = {}
    for complex_type in root.iterfind(f".//{{{XS}}}schema/{{{XS}}}complexType"):
        sequence = complex_type.find(f"{{{XS}}}sequence")
        if sequence is None:
            continue
        out[complex_type.get("name")] = [_field(e) for e in sequence.iterfind(f"{{{XS}}}element")]
    return out


def _field(element) -> Field:
    declared = element.get("type")
    if declared is None:  # an anonymous restriction: its base
        declared = element.find(f"{{{XS}}}simpleType/{{{XS}}}restriction").get("base")
    prefix, _, local = declared.rpartition(":")
    builtin = local if element.nsmap.get(prefix) == XS else None
    return Field(element.get("name"), builtin, element.get("minOccurs", "1") != "0",
                 element.get("maxOccurs", "1") != "1")


def builtin_fields(wsdl: bytes):
    """(type name, field) for every field of a builtin type."""
    for type_name, members in fields(wsdl).items():
        for field in members:
            if field.xs_type is not None:
                yield type_name, field


def operations(wsdl: bytes) -> list[str]:
    root = etree.fromstring(wsdl)
    return [op.get("name") for op in root.iterfind(f"{{{WSDL}}}portType/{{{WSDL}}}operation")]
