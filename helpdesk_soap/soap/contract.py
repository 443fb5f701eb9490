"""The published contract: the WSDL built from the code, in a stable, sorted form.

The same bytes are served at ``?wsdl`` (with the request's own address) and
written to ``wsdl/`` and ``schemas/`` by ``helpdesk-soap export-contract``;
a test keeps the two identical.
"""

from __future__ import annotations

import copy
import inspect

from lxml import etree
from spyne.interface.wsdl import Wsdl11

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
SOAP11_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"

#: Stands in for the service address until a request (or the export) supplies one.
PLACEHOLDER_ADDRESS = "http://helpdesk-soap.invalid/endpoint"
EXPORT_BASE_URL = "http://localhost:8080"

_TOP_ORDER = {f"{{{WSDL}}}{n}": i for i, n in
              enumerate(["documentation", "import", "types", "message", "portType", "binding",
                         "service"])}
_SCHEMA_ORDER = {f"{{{XS}}}{n}": i for i, n in
                 enumerate(["annotation", "import", "simpleType", "complexType", "element"])}


def _sorted_children(parent, order: dict[str, int], default: int = 99) -> None:
    children = list(parent)
    for child in children:
        parent.remove(child)
    children.sort(key=lambda c: (order.get(c.tag, default), c.get("name", "")))
    parent.extend(children)


#: The part name .NET's importers (wsdl.exe, and Mono's `wsdl`, which compiles the same
#: source) take as the sign of the document/literal *wrapped* style: without it every
#: operation becomes Bare, taking and returning the wrapper objects (docs/interop.md).
WRAPPED_PART = "parameters"


def _name_wrapped_parts(root) -> None:
    """Name the one part of every operation's input and output message ``parameters``.

    Spyne names each part after its element; the element (named after the operation,
    holding a sequence of the parameters) stays as it is, so JAX-WS, gSOAP, zeep, suds,
    PHP and node-soap see the same messages as before.
    """
    messages = {m.get("name"): m for m in root.iterfind(f"{{{WSDL}}}message")}
    for port_type in root.iterfind(f"{{{WSDL}}}portType"):
        for operation in port_type.iterfind(f"{{{WSDL}}}operation"):
            for flow in ("input", "output"):
                ref = operation.find(f"{{{WSDL}}}{flow}")
                message = ref is not None and messages.get(ref.get("message", "").split(":")[-1])
                parts = list(message.iterfind(f"{{{WSDL}}}part")) if message is not None else []
                if len(parts) == 1 and parts[0].get("element"):
                    parts[0].set("name", WRAPPED_PART)


def _inline_restrictions(schema) -> None:
    """Declare each field's length (or pattern) restriction inside its element.

    Spyne publishes every restricted field as a named type (``NewCall_SubjectType``), which
    stub generators turn into types of their own (gSOAP's ``ns1__NewCall_USCORESubjectType``,
    zeep's ``Subject: ns0:NewCall_SubjectType``). An anonymous restriction gives them the
    base type (a plain string) and keeps the facets for validators. Enumerations keep their
    names: they become enums.
    """
    named = {}
    for simple in schema.iterfind(f"{{{XS}}}simpleType"):
        restriction = simple.find(f"{{{XS}}}restriction")
        if restriction is not None and restriction.find(f"{{{XS}}}enumeration") is None:
            named[simple.get("name")] = simple
    if not named:
        return
    target_namespace = schema.get("targetNamespace")
    used = set()
    for element in schema.iter(f"{{{XS}}}element"):
        qname = element.get("type")
        if not qname:
            continue
        prefix, _, local = qname.rpartition(":")
        if local in named and element.nsmap.get(prefix or None) == target_namespace:
            del element.attrib["type"]
            anonymous = copy.deepcopy(named[local])
            del anonymous.attrib["name"]
            annotated = len(element) and element[0].tag == f"{{{XS}}}annotation"
            element.insert(1 if annotated else 0, anonymous)
            used.add(local)
    for name in used:
        schema.remove(named[name])


def normalize(document: bytes) -> bytes:
    """Sort a Spyne WSDL into a stable order and drop namespaces it does not use."""
    root = etree.fromstring(document)
    _name_wrapped_parts(root)
    _sorted_children(root, _TOP_ORDER)
    for schema in root.iter(f"{{{XS}}}schema"):
        _inline_restrictions(schema)
        _sorted_children(schema, _SCHEMA_ORDER)
        # Operations without parameters or results get an empty wrapper type; JAX-WS
        # detects the wrapped style only on an xs:sequence, so give them an empty one.
        for complex_type in schema.iterfind(f"{{{XS}}}complexType"):
            if len(complex_type) == 0:
                etree.SubElement(complex_type, f"{{{XS}}}sequence")
    for container in (*root.iter(f"{{{WSDL}}}portType"), *root.iter(f"{{{WSDL}}}binding")):
        # Extensibility elements (soap:binding) stay before the operations, as WSDL 1.1 requires.
        _sorted_children(container, {f"{{{WSDL}}}operation": 1}, default=0)
    # Spyne declares SOAP 1.2, WS-Addressing, partner-link and more on every
    # document; stub generators take a stray SOAP 1.2 namespace as a hint to
    # offer SOAP 1.2, which this endpoint does not speak.
    top = {"wsdl": WSDL, "soap": SOAP11_BINDING, "xs": XS, "tns": root.get("targetNamespace")}
    fresh = etree.fromstring(etree.tostring(root))
    etree.cleanup_namespaces(fresh, top_nsmap=top, keep_ns_prefixes=["tns", "xs"])
    for el in fresh.iter():
        if el.text is not None and not el.text.strip():
            el.text = None
        elif el.text is not None and etree.QName(el).localname == "documentation":
            # Docstrings: Python 3.13 strips their indentation when compiling, earlier
            # versions do not; cleandoc gives every version the same contract.
            el.text = inspect.cleandoc(el.text)
        el.tail = None
    etree.indent(fresh, space="  ")
    return etree.tostring(fresh, xml_declaration=True, encoding="UTF-8") + b"\n"


def build_wsdl(application) -> bytes:
    wsdl = Wsdl11(application.interface)
    wsdl.build_interface_document(PLACEHOLDER_ADDRESS)
    return normalize(wsdl.get_interface_document())


def with_address(document: bytes, address: str) -> bytes:
    return document.replace(PLACEHOLDER_ADDRESS.encode(), _xml_attr(address).encode())


def extract_schema(document: bytes) -> bytes:
    """The WSDL's types schema as a standalone XSD file."""
    root = etree.fromstring(document)
    schema = root.find(f"{{{WSDL}}}types/{{{XS}}}schema")
    fresh = etree.fromstring(etree.tostring(schema))
    etree.cleanup_namespaces(fresh, top_nsmap={"xs": XS, "tns": schema.get("targetNamespace")},
                             keep_ns_prefixes=["tns", "xs"])
    etree.indent(fresh, space="  ")
    return etree.tostring(fresh, xml_declaration=True, encoding="UTF-8") + b"\n"


def _xml_attr(value: str) -> str:
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))

