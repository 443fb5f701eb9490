"""PasswordVerifier: Argon2 verification with a bounded, expiring, keyed cache."""

import pytest

from helpdesk_soap.security import PasswordVerifier, hash_password


class FakeClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def old_hash() -> str:
    return hash_password("correct horse")


def test_correct_password_verifies_wrong_does_not(old_hash):
    verifier = PasswordVerifier()
    assert verifier.verify(old_hash, "correct horse") is True
    assert verifier.verify(old_hash, "correct horse!") is False
    assert verifier.verify(old_hash, "") is False


def test_failures_are_not_cached(old_hash):
    verifier = PasswordVerifier()
    assert verifier.verify(old_hash, "wrong") is False
    assert len(verifier._seen) == 0


def test_unknown_login_is_rejected():
    verifier = PasswordVerifier()
    assert verifier.verify(None, "correct horse") is False
    assert len(verifier._seen) == 0


def test_garbage_hash_is_rejected_not_raised():
    assert PasswordVerifier().verify("not-an-argon2-hash", "correct horse") is False


def test_hit_within_ttl_is_served_from_cache(old_hash):
    """A cache hit leaves the stored expiry alone; a fresh Argon2 check would renew it."""
    clock = FakeClock(1000.0)
    verifier = PasswordVerifier(ttl=60, clock=clock)
    assert verifier.verify(old_hash, "correct horse")
    (expiry,) = verifier._seen.values()
    assert expiry == 1060.0
    clock.now = 1059.0
    assert verifier.verify(old_hash, "correct horse")
    assert list(verifier._seen.values()) == [1060.0]


def test_entry_expires_after_ttl_and_is_reverified(old_hash):
    clock = FakeClock(1000.0)
    verifier = PasswordVerifier(ttl=60, clock=clock)
    assert verifier.verify(old_hash, "correct horse")
    clock.now = 1060.0  # expiry is exclusive: at exactly ttl the entry is stale
    assert verifier.verify(old_hash, "correct horse")
    assert list(verifier._seen.values()) == [1120.0]
    assert verifier.verify(old_hash, "wrong") is False


def test_password_change_misses_cache_at_once(old_hash):
    clock = FakeClock()
    verifier = PasswordVerifier(ttl=3600, clock=clock)
    assert verifier.verify(old_hash, "correct horse")
    new_hash = hash_password("battery staple")
    assert verifier.verify(new_hash, "correct horse") is False
    assert verifier.verify(new_hash, "battery staple") is True


def test_rehash_of_same_password_is_a_new_cache_entry(old_hash):
    again = hash_password("correct horse")
    assert again != old_hash  # random salt
    verifier = PasswordVerifier(clock=FakeClock())
    assert verifier.verify(old_hash, "correct horse")
    assert verifier.verify(again, "correct horse")
    assert len(verifier._seen) == 2


def test_cache_size_is_bounded_and_evicts_oldest():
    verifier = PasswordVerifier(max_entries=2, clock=FakeClock())
    pairs = [(hash_password(pw), pw) for pw in ("one", "two", "three")]
    first_key = verifier._cache_key(*pairs[0])
    for stored, pw in pairs:
        assert verifier.verify(stored, pw)
    assert len(verifier._seen) == 2
    assert first_key not in verifier._seen
    assert [verifier._cache_key(*p) for p in pairs[1:]] == list(verifier._seen)


def test_no_plaintext_password_is_kept(old_hash):
    verifier = PasswordVerifier()
    assert verifier.verify(old_hash, "correct horse")
    (key,) = verifier._seen
    assert isinstance(key, bytes) and len(key) == 32
    assert "correct horse" not in repr(list(verifier._seen))
    assert b"correct horse" not in key
    assert "correct horse" not in repr(vars(verifier))


def test_cache_keys_differ_between_verifiers(old_hash):
    """The HMAC key is per process (per verifier), so keys are not precomputable."""
    a, b = PasswordVerifier(), PasswordVerifier()
    assert a._cache_key(old_hash, "correct horse") != b._cache_key(old_hash, "correct horse")


def test_argon2_cost_comes_from_the_environment_with_argon2_cffis_defaults():
    from helpdesk_soap.security import make_hasher

    default = make_hasher({})
    assert (default.time_cost, default.memory_cost, default.parallelism) == (3, 65536, 4)
    cheap = make_hasher({"HELPDESK_ARGON2_TIME_COST": "1", "HELPDESK_ARGON2_MEMORY_KIB": "8",
                         "HELPDESK_ARGON2_PARALLELISM": "1"})
    assert (cheap.time_cost, cheap.memory_cost, cheap.parallelism) == (1, 8, 1)
    # A hash carries its cost: one made at another cost verifies as before.
    assert default.verify(cheap.hash("pw"), "pw")


@pytest.mark.parametrize("environ", [{"HELPDESK_ARGON2_TIME_COST": "0"},
                                     {"HELPDESK_ARGON2_MEMORY_KIB": "lots"},
                                     {"HELPDESK_ARGON2_MEMORY_KIB": "16"}])  # 8 KiB a lane, 4 lanes
def test_a_bad_argon2_cost_is_refused_when_the_configuration_is_read(environ):
    from helpdesk_soap.config import Config

    with pytest.raises(ValueError, match="HELPDESK_ARGON2_"):
        Config.from_env({"HELPDESK_DATABASE_URL": "sqlite://", **environ})
