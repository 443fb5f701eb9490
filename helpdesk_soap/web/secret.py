"""The key that signs the web session cookie: the same in every worker, across restarts.

HELPDESK_WEB_SECRET_KEY wins. Otherwise a random key is generated once and kept in a
0600 file in the attachment directory, which every server sharing the database must share
anyway (config.py), so servers behind one balancer sign alike. Two workers starting at
once both try; the file is linked into place atomically, so exactly one key wins and the
other worker reads it.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

FILE_NAME = ".web-secret-key"


def secret_key(configured: str | None, directory: Path) -> str:
    if configured:
        return configured
    path = Path(directory) / FILE_NAME
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".web-secret-")
    try:
        with os.fdopen(fd, "w") as out:  # mkstemp creates it 0600
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another worker was first: its key is the key
    finally:
        os.unlink(tmp)
    return _read(path)


def _read(path: Path) -> str:
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable key; delete it or set HELPDESK_WEB_SECRET_KEY")
    return key
