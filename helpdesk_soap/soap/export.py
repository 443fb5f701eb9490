"""What ``helpdesk-soap export-contract`` writes: each endpoint's WSDL and XSD, and the
listener's, with the export address in place of the placeholder.

Apart from contract.py so that contract.py (the normaliser that app.py, wsgi.py and
listener_wsdl.py use) imports none of them back.
"""

from __future__ import annotations

from .app import contract_documents
from .contract import EXPORT_BASE_URL, extract_schema, with_address
from .listener_wsdl import LISTENER_ADDRESS, listener_document  # what customers implement


def written_contract() -> dict[str, bytes]:
    """The files ``export-contract`` writes, relative to the project directory."""
    out = {}
    for path, document in contract_documents().items():
        name = path.strip("/")
        exported = with_address(document, EXPORT_BASE_URL + path)
        out[f"wsdl/{name}.wsdl"] = exported
        out[f"schemas/{name}-v1.xsd"] = extract_schema(exported)
    exported = with_address(listener_document(), LISTENER_ADDRESS)
    out["wsdl/listener.wsdl"] = exported
    out["schemas/listener-v1.xsd"] = extract_schema(exported)
    return out
