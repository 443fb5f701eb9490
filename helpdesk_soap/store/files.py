"""The attachment file store: content-addressed files on disk, outside the database.

Each content is stored once, under its SHA-256, as ``ab/cd/abcd…``. A file is
written to a temporary name, flushed to disk and renamed into place before
the row that names it is committed, so a committed attachment always has its
bytes, and a crash leaves at most an unreferenced file (harmless: the same
content written again reuses it). Every server of one database must share the
directory (NFS or similar) when more than one host serves.

A large upload is not held in memory: it is written while it arrives to a staging
file in the root (``.upload-…``, ``stage``), hashed on the way, and later either
adopted under its SHA-256 (``adopt``) or discarded (``discard``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from ..domain.attachments import StagedContent
from ..domain.errors import StoreUnavailable

_STAGED_PREFIX = ".upload-"


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
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=_STAGED_PREFIX)
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

    def stage(self) -> Staging:
        """A new staging file to write an upload into as it arrives."""
        return Staging(self.root)

    def adopt(self, staged: StagedContent) -> str:
        """Move a staged upload into place under its SHA-256 (fsynced first); return it.
        Content already stored is kept and the staged copy dropped."""
        source = self._own(staged)
        target = self.path(staged.sha256)
        try:
            if target.exists() and target.stat().st_size == staged.size:
                source.unlink()
                return staged.sha256
            target.parent.mkdir(parents=True, exist_ok=True)
            with source.open("rb") as staged_file:
                os.fsync(staged_file.fileno())
            os.replace(source, target)
        except OSError as exc:
            raise StoreUnavailable("The attachment store cannot be written; retry later.") from exc
        return staged.sha256

    def discard(self, staged: StagedContent) -> None:
        """Drop a staged upload that was not adopted; a no-op once it was."""
        self._own(staged).unlink(missing_ok=True)

    def _own(self, staged: StagedContent) -> Path:
        path = Path(staged.path)
        if path.parent != self.root or not path.name.startswith(_STAGED_PREFIX):
            raise ValueError("not a staging file of this store")
        return path

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


class Staging:
    """One upload being written to the staging area, hashed and counted as it goes."""

    def __init__(self, root: Path):
        try:
            root.mkdir(parents=True, exist_ok=True)
            fd, self.path = tempfile.mkstemp(dir=root, prefix=_STAGED_PREFIX)
        except OSError as exc:
            raise StoreUnavailable("The attachment store cannot be written; retry later.") from exc
        self._out = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self._hash.update(data)
        self.size += len(data)
        try:
            self._out.write(data)
        except OSError as exc:
            raise StoreUnavailable("The attachment store cannot be written; retry later.") from exc

    def finish(self) -> StagedContent:
        try:
            self._out.close()
        except OSError as exc:
            raise StoreUnavailable("The attachment store cannot be written; retry later.") from exc
        return StagedContent(self.path, self.size, self._hash.hexdigest())

    def discard(self) -> None:
        with contextlib.suppress(OSError):  # a failed flush must not hide why we discard
            self._out.close()
        Path(self.path).unlink(missing_ok=True)
