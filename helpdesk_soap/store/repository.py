"""What desk_repository.py imports from here until it moves into repositories/ (issue 30);
the repositories themselves are in the package repositories/."""

from .repositories.base import core as _core
from .repositories.call_queries import CallSummary, decode_cursor, encode_cursor

__all__ = ["CallSummary", "_core", "decode_cursor", "encode_cursor"]
