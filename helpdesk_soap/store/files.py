"""The attachment file store: content-addressed files on disk, outside the database.

Each content is stored once, under its SHA-256, as ``ab/cd/abcd…``. A file is
written to a temporary name, flushed to disk and renamed into place before
the row that names it is committed, so a committed attachment always has its
bytes, and a crash leaves at most an unreferenced file (harmless: the same
content written again reuses it). Every server of one database must share the
directory (NFS or similar) when more than one host serves.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ..domain.errors import StoreUnavailable


class FileStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, content: bytes) -> str:
        """Store ``content``; return its SHA-256 (hex)."""
        digest = hashlib.sha256(content).hexdigest()
        target = self.path(digest)
        if target.exists() and target.stat().st_size == len(content):
            return digest
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(content)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StoreUnavailable("The attachment store cannot be written; retry later.") from exc
        return digest

    def get(self, sha256: str) -> bytes:
        """The content stored under ``sha256``, checked against it."""
        try:
            content = self.path(sha256).read_bytes()
        except OSError as exc:
            raise StoreUnavailable("The attachment store cannot be read; retry later.") from exc
        if hashlib.sha256(content).hexdigest() != sha256:
            raise StoreUnavailable("A stored attachment failed its checksum; an administrator "
                                   "must restore it from backup.")
        return content
