"""Password hashing (Argon2id) and a cache that keeps verification cheap.

Argon2 is deliberately slow (tens of milliseconds), and SOAP callers send
their password on every request. ``PasswordVerifier`` remembers successful
verifications so that only the first request of a login pays for the hash:

* the cache key is a MAC (keyed BLAKE2b), under a per-process random key, of
  the stored hash and the presented password: no plain password is kept in
  memory;
* the stored hash is part of the key, so a password change (a new hash)
  misses the cache at once, in every worker, with no invalidation message;
* entries expire after ``ttl`` seconds, and the cache is bounded in size.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
import time
from collections import OrderedDict

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from . import envvars

#: Argon2id's cost: HELPDESK_ARGON2_TIME_COST (passes), HELPDESK_ARGON2_MEMORY_KIB and
#: HELPDESK_ARGON2_PARALLELISM (lanes). Unset: argon2-cffi's defaults, RFC 9106's
#: low-memory profile (3 passes over 64 MiB, 4 lanes). A stored hash carries its own cost,
#: so a changed cost applies to passwords set from then on, and old hashes still verify.
COST_PREFIX = "HELPDESK_ARGON2_"
_hasher: PasswordHasher | None = None


def _positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError(raw)
    return value


_COST = (("time_cost", _positive), ("memory_kib", _positive), ("parallelism", _positive))


def hasher() -> PasswordHasher:
    """The process's hasher, made at its first use from the environment (COST_PREFIX)."""
    global _hasher
    if _hasher is None:
        _hasher = make_hasher(os.environ)
    return _hasher


def make_hasher(environ) -> PasswordHasher:
    cost = envvars.read(environ, COST_PREFIX, _COST,
                        "{name}={raw!r} is not a positive whole number")
    memory = cost.pop("memory_kib", 65536)
    if memory < 8 * cost.get("parallelism", 4):
        raise ValueError(f"{COST_PREFIX}MEMORY_KIB must be at least 8 KiB a lane"
                         f" ({COST_PREFIX}PARALLELISM)")
    return PasswordHasher(memory_cost=memory, **cost)


def hash_password(password: str) -> str:
    return hasher().hash(password)


class PasswordVerifier:
    def __init__(self, ttl: float = 300.0, max_entries: int = 10_000, clock=time.monotonic):
        self._key = secrets.token_bytes(32)
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._seen: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()
        # Verified against when the login does not exist, so that an unknown
        # login costs as much as a wrong password and timing reveals nothing.
        self._dummy_hash = hasher().hash(secrets.token_hex(16))

    def _cache_key(self, stored_hash: str, password: str) -> bytes:
        msg = stored_hash.encode() + b"\0" + password.encode("utf-8", "surrogatepass")
        # Keyed BLAKE2b is a MAC in its own right, and a third of HMAC-SHA256's cost here.
        return hashlib.blake2b(msg, key=self._key, digest_size=32).digest()

    def verify(self, stored_hash: str | None, password: str) -> bool:
        if stored_hash is None:
            self._check(self._dummy_hash, password)
            return False
        key = self._cache_key(stored_hash, password)
        now = self._clock()
        with self._lock:
            expires = self._seen.get(key)
            if expires is not None and expires > now:
                self._seen.move_to_end(key)
                return True
        if not self._check(stored_hash, password):
            return False
        with self._lock:
            self._seen[key] = now + self._ttl
            self._seen.move_to_end(key)
            while len(self._seen) > self._max:
                self._seen.popitem(last=False)
        return True

    @staticmethod
    def _check(stored_hash: str, password: str) -> bool:
        try:
            return hasher().verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
