"""The ``helpdesk-soap`` command (entry point ``helpdesk_soap.cli:run``).

One module per command group; root.py adds them to the main group explicitly, and
base.py holds what they share. No module here registers itself on import.
"""

from .root import main, run

__all__ = ["main", "run"]
