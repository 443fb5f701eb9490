"""helpdesk-soap: a SOAP gateway in front of a helpdesk (service-call) store."""

__version__ = "0.1.0"
