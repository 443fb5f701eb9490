"""The HTML page at GET /helpdesk and /staff, like ASP.NET's .asmx page.

Built once per worker from the very WSDL the endpoint serves at ?wsdl: the service's
name and version, links to the WSDL and XSD, and per operation its documentation,
input and output fields, faults and a sample request envelope. Every text that comes
from the contract passes through ``html.escape`` (one helper, ``_e``).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from lxml import etree

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
NS = {"wsdl": WSDL, "xs": XS}
_SAMPLES = {"string": "string", "long": "0", "int": "0", "integer": "0", "short": "0",
            "boolean": "false", "dateTime": "2026-01-31T12:00:00Z", "date": "2026-01-31",
            "base64Binary": "UEsDBA==", "decimal": "0.0", "double": "0.0", "float": "0.0"}


def _e(value) -> str:
    return escape(str(value), quote=True)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    occurs: str


@dataclass(frozen=True)
class Operation:
    name: str
    documentation: str
    inputs: tuple[Field, ...]
    outputs: tuple[Field, ...]
    faults: tuple[str, ...]
    sample: str


class _Schema:
    def __init__(self, root):
        schema = root.find("wsdl:types/xs:schema", NS)
        self.tns = schema.get("targetNamespace")
        self.complex = {c.get("name"): c for c in schema.iterfind("xs:complexType", NS)}
        self.simple = {s.get("name"): s for s in schema.iterfind("xs:simpleType", NS)}
        self.elements = {e.get("name"): e.get("type") for e in schema.iterfind("xs:element", NS)}

    @staticmethod
    def local(qname: str | None) -> str:
        return (qname or "").rpartition(":")[2]

    def fields(self, type_name: str) -> list:
        complex_type = self.complex.get(type_name)
        if complex_type is None:
            return []
        return list(complex_type.iterfind(".//xs:sequence/xs:element", NS))

    def label(self, qname: str | None) -> str:
        name = self.local(qname)
        simple = self.simple.get(name)
        if simple is None:
            return name
        restriction = simple.find("xs:restriction", NS)
        if restriction is None:
            return name
        values = [v.get("value") for v in restriction.iterfind("xs:enumeration", NS)]
        if values:
            return f"{name}: one of {', '.join(values)}"
        base = self.local(restriction.get("base"))
        facets = [f"{etree.QName(f).localname} {f.get('value')}" for f in restriction
                  if isinstance(f.tag, str)]
        return f"{base} ({', '.join(facets)})" if facets else base

    def sample(self, qname: str | None) -> str:
        name = self.local(qname)
        simple = self.simple.get(name)
        if simple is not None:
            restriction = simple.find("xs:restriction", NS)
            first = restriction.find("xs:enumeration", NS) if restriction is not None else None
            if first is not None:
                return first.get("value")
            name = self.local(restriction.get("base")) if restriction is not None else "string"
        return _SAMPLES.get(name, "string")

    def write(self, parent, type_name: str, depth: int = 0) -> None:
        for element in self.fields(type_name):
            child = etree.SubElement(parent, f"{{{self.tns}}}{element.get('name')}")
            type_local = self.local(element.get("type"))
            if type_local in self.complex and depth < 3:
                self.write(child, type_local, depth + 1)
            elif type_local not in self.complex:
                child.text = self.sample(element.get("type"))


def _occurs(element) -> str:
    low, high = element.get("minOccurs", "1"), element.get("maxOccurs", "1")
    if high == "unbounded":
        return f"{low}..*"
    return "required" if (low, high) == ("1", "1") else f"{low}..{high}"


def operations(wsdl: bytes) -> list[Operation]:
    root = etree.fromstring(wsdl)
    schema = _Schema(root)
    messages = {m.get("name"): m.find("wsdl:part", NS) for m in root.iterfind("wsdl:message", NS)}

    def message_type(ref: str | None) -> str:
        part = messages.get(schema.local(ref))
        return schema.local(schema.elements.get(schema.local(part.get("element")))) if part is not None else ""

    out = []
    for op in root.iterfind("wsdl:portType/wsdl:operation", NS):
        name = op.get("name")
        in_type = message_type(op.find("wsdl:input", NS).get("message"))
        output = op.find("wsdl:output", NS)
        out_type = message_type(output.get("message")) if output is not None else ""
        faults = tuple(f.get("name") for f in op.iterfind("wsdl:fault", NS))
        fields = lambda t: tuple(Field(e.get("name"), schema.label(e.get("type")), _occurs(e))
                                 for e in schema.fields(t))
        out.append(Operation(name, (op.findtext("wsdl:documentation", "", NS) or "").strip(),
                             fields(in_type), fields(out_type), faults,
                             _sample(schema, name, in_type, "AuthenticationFailed" in faults)))
    return out


def _sample(schema: _Schema, name: str, in_type: str, authenticated: bool) -> str:
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV, "tns": schema.tns})
    if authenticated and name != "Login":
        security = etree.SubElement(etree.SubElement(env, f"{{{SOAP_ENV}}}Header"),
                                    f"{{{WSSE}}}Security", nsmap={"wsse": WSSE})
        token = etree.SubElement(security, f"{{{WSSE}}}UsernameToken")
        etree.SubElement(token, f"{{{WSSE}}}Username").text = "login-name"
        etree.SubElement(token, f"{{{WSSE}}}Password").text = "password"
    body = etree.SubElement(env, f"{{{SOAP_ENV}}}Body")
    schema.write(etree.SubElement(body, f"{{{schema.tns}}}{name}"), in_type)
    etree.indent(env, space="  ")
    return etree.tostring(env, encoding="unicode")


def _table(fields: tuple[Field, ...]) -> str:
    if not fields:
        return "<p>(none)</p>"
    rows = "".join(f"<tr><td><code>{_e(f.name)}</code></td><td>{_e(f.type)}</td><td>{_e(f.occurs)}</td></tr>"
                   for f in fields)
    return f"<table><tr><th>Field</th><th>Type</th><th>Occurs</th></tr>{rows}</table>"


def render(wsdl: bytes, path: str, version: str) -> bytes:
    """The page for the endpoint at ``path`` (links are relative to it)."""
    root = etree.fromstring(wsdl)
    service = root.get("name") or path.strip("/")
    base = path.rstrip("/").rpartition("/")[2]
    ops = operations(wsdl)
    index = "".join(f'<li><a href="#{_e(o.name)}">{_e(o.name)}</a></li>' for o in ops)
    sections = "".join(
        f'<section id="{_e(o.name)}"><h2>{_e(o.name)}</h2><p>{_e(o.documentation)}</p>'
        f"<h3>Input</h3>{_table(o.inputs)}<h3>Output</h3>{_table(o.outputs)}"
        f"<h3>Faults</h3><p>{_e(', '.join(o.faults) or '(none)')}</p>"
        f"<h3>Sample request</h3><p>POST to this address, <code>Content-Type: text/xml; "
        f"charset=utf-8</code>, <code>SOAPAction: &quot;{_e(o.name)}&quot;</code>:</p>"
        f"<pre>{_e(o.sample)}</pre></section>" for o in ops)
    page = (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{_e(service)} service</title><style>body{{font-family:sans-serif;max-width:60em;"
        "margin:1em auto;padding:0 1em}pre{background:#f4f4f4;padding:.5em;overflow:auto}"
        "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}table{border-collapse:"
        "collapse}</style></head><body>"
        f"<h1>{_e(service)} service</h1><p>helpdesk-soap {_e(version)}, SOAP 1.1 "
        "(document/literal). Machine-readable contract: "
        f'<a href="{_e(base)}?wsdl">WSDL</a>, <a href="{_e(base)}?xsd">XSD</a>.</p>'
        f"<h2>Operations</h2><ul>{index}</ul>{sections}</body></html>")
    return page.encode("utf-8")
